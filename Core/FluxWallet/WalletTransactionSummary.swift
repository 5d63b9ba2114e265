import FluxPrimitives

/// A wallet transaction with its amounts as fluxd's `CWalletTx::GetAmounts`, `GetCredit` and `GetDebit` see
/// them under one ownership filter (spendable only, or spendable and watch-only).
public struct WalletTransactionSummary: Sendable {
    /// One output listed as sent or received.
    public struct Entry: Sendable, Hashable {
        /// The address the output pays, when it has one.
        public let address: Address?
        /// The output's value (positive; `listtransactions` negates sends).
        public let amount: Amount
        /// The output's index.
        public let vout: Int
        /// True when the output pays a watch-only script.
        public let isWatchOnly: Bool
    }

    /// The transaction and where it sits.
    public let transaction: WalletTransaction
    /// Outputs owned under the filter; an immature coinbase counts 0 (fluxd's `GetCredit`).
    public let credit: Amount
    /// Wallet coins (under the filter) the inputs spend.
    public let debit: Amount
    /// Inputs minus outputs when the wallet funded it (`debit` > 0), else zero.
    public let fee: Amount
    /// True when the wallet funded it under the filter (fluxd's `IsFromMe`).
    public let isFromMe: Bool
    /// True when it spends a watch-only coin (fluxd's `IsFromMe(ISMINE_WATCH_ONLY)`).
    public let spendsWatchOnly: Bool
    /// Outputs sent (every non-change output of a transaction the wallet funded).
    public let sent: [Entry]
    /// Outputs received (owned under the filter).
    public let received: [Entry]
    /// Other wallet transactions spending one of its inputs (fluxd's `walletconflicts`).
    public let conflicts: [Hash256]
}
