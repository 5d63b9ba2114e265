import FluxConsensus
import FluxPrimitives

/// One output paying a wallet key: confirmed in a block of the active chain, or created by a transaction the
/// wallet sent that is not mined yet.
public struct WalletCoin: Hashable, Sendable {
    /// The output's location.
    public let outpoint: OutPoint
    /// Amount and locking script.
    public let output: TxOut
    /// Height of the block holding it; nil while unconfirmed (in the mempool).
    public let height: Int?
    /// True for a coinbase output (spendable only after maturity).
    public let isCoinbase: Bool
    /// The wallet address it pays (for a pay-to-public-key output, the P2PKH address of that key).
    public let address: Address
    /// True when the wallet only watches the script it pays (`importaddress`): never spent by the wallet.
    public let isWatchOnly: Bool

    /// Creates a coin record.
    public init(outpoint: OutPoint, output: TxOut, height: Int?, isCoinbase: Bool, address: Address,
                isWatchOnly: Bool = false) {
        self.outpoint = outpoint
        self.output = output
        self.height = height
        self.isCoinbase = isCoinbase
        self.address = address
        self.isWatchOnly = isWatchOnly
    }

    /// Blocks on top of and including the one holding the coin when the tip is at `tipHeight`; 0 while
    /// unconfirmed.
    public func confirmations(tipHeight: Int) -> Int {
        guard let height else { return 0 }
        return max(tipHeight - height + 1, 0)
    }

    /// False for a coinbase output that is not mature yet. Like fluxd's wallet (`GetBlocksToMaturity`), a
    /// coinbase needs `coinbaseMaturity + 1` (101) confirmations, one more than consensus requires of the block
    /// that spends it, so a transaction the wallet builds is accepted by the mempool of every peer.
    public func isSpendable(tipHeight: Int) -> Bool {
        !isCoinbase || confirmations(tipHeight: tipHeight) > ConsensusConstants.coinbaseMaturity
    }

    /// The HASH160 its address names.
    var keyHash: [UInt8] {
        switch address {
        case let .pubKeyHash(h), let .scriptHash(h): h
        }
    }
}
