import FluxPrimitives

/// A transaction in the pool with what was learnt when it was accepted.
public struct MempoolEntry: Sendable {
    /// The transaction.
    public let transaction: Transaction
    /// Its txid.
    public let txid: Hash256
    /// Inputs minus outputs (zero for FluxNode transactions).
    public let fee: Amount
    /// Serialized size in bytes.
    public let size: Int
    /// Unix time (seconds, from the pool's clock) when it was accepted.
    public let time: Int64
    /// Height of the chain tip when it was accepted (it was checked for the block after).
    public let height: Int
    /// Fee per 1000 bytes, in units (`fee × 1000 / size`).
    public var feeRate: Double

    /// Creates an entry.
    public init(transaction: Transaction, txid: Hash256, fee: Amount, size: Int, time: Int64, height: Int) {
        self.transaction = transaction
        self.txid = txid
        self.fee = fee
        self.size = size
        self.time = time
        self.height = height
        feeRate = size > 0 ? Double(fee.units) * 1000 / Double(size) : 0
    }
}

/// What ``Mempool/transactionValidator`` is asked about: a transaction about to enter the pool.
public struct TransactionVerdictRequest: Sendable {
    /// The transaction.
    public let transaction: Transaction
    /// Its id.
    public let txid: Hash256
    /// Its fee (zero for FluxNode transactions).
    public let fee: Amount
    /// The height of the next block, which the transaction is checked for.
    public let nextHeight: Int

    /// Creates a request.
    public init(transaction: Transaction, txid: Hash256, fee: Amount, nextHeight: Int) {
        self.transaction = transaction
        self.txid = txid
        self.fee = fee
        self.nextHeight = nextHeight
    }
}
