import FluxPrimitives

/// Why a wallet operation failed. The cases map onto fluxd's RPC error codes: `insufficientFunds` → -6,
/// `invalidAddress` → -5, `unknownKey` → -4, `invalidAmount` → -3, `signingFailed` → -4 (wallet error),
/// `storage` → -4 (wallet error).
public enum WalletError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The spendable coins do not cover the payment and its fee.
    case insufficientFunds(needed: Amount, available: Amount)
    /// An address or private key (WIF) that does not parse for this network.
    case invalidAddress(String)
    /// An address whose private key the wallet does not hold.
    case unknownKey(String)
    /// An amount or fee rate out of range, below the dust threshold, or too small to pay the fee.
    case invalidAmount(String)
    /// A transaction could not be signed or did not verify after signing.
    case signingFailed(String)
    /// The store failed, or holds a wallet record that does not decode.
    case storage(String)
    /// A watch-only import of something the wallet can already spend.
    case alreadySpendable

    /// A message in fluxd's wording where it has one.
    public var description: String {
        switch self {
        case let .insufficientFunds(needed, available):
            "Insufficient funds: need \(needed) FLUX (amount plus fee), have \(available) FLUX spendable"
        case let .invalidAddress(text): "Invalid address or key: \(text)"
        case let .unknownKey(address): "Private key for address \(address) is not known"
        case let .invalidAmount(reason): "Invalid amount: \(reason)"
        case let .signingFailed(reason): "Signing failed: \(reason)"
        case let .storage(reason): "Wallet storage error: \(reason)"
        case .alreadySpendable: "The wallet already contains the private key for this address or script"
        }
    }
}
