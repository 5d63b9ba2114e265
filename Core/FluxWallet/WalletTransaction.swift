import FluxPrimitives

/// A transaction the wallet keeps in its history (fluxd's `CWalletTx`): it pays or spends a wallet key, a
/// watch-only script or a P2SH address whose redeem script the wallet holds.
///
/// Recorded when a block of the active chain carries it (also during rescans) or when the node accepts it
/// into its mempool; kept when it leaves the chain (then `block` is nil: unconfirmed, or conflicted when it is
/// not in the mempool either, as fluxd reports depth 0 or -1).
public struct WalletTransaction: Sendable, Hashable {
    /// Where a confirmed transaction sits.
    public struct BlockPlace: Sendable, Hashable {
        /// The block's hash.
        public let hash: Hash256
        /// The block's height.
        public let height: Int
        /// The transaction's position in the block (fluxd's `blockindex`).
        public let index: Int
        /// The block header's time (seconds since 1970).
        public let time: Int64
    }

    /// The transaction.
    public let transaction: Transaction
    /// Its id.
    public let txid: Hash256
    /// The active-chain block holding it; nil while unconfirmed or after its block was disconnected.
    public internal(set) var block: BlockPlace?
    /// When the wallet first recorded it (seconds since 1970; fluxd's `timereceived`).
    public let timeReceived: Int64
    /// Insertion order: `listtransactions` lists by it (fluxd's `nOrderPos`).
    public let order: UInt64

    /// fluxd's `GetTxTime` (smart time): the block's time when the transaction was first seen in a block
    /// older than the moment it was recorded (rescans), else the time it was recorded.
    public var time: Int64 { firstBlockTime.map { min($0, timeReceived) } ?? timeReceived }

    /// The block time when the transaction was first recorded from a block (kept for `time`).
    let firstBlockTime: Int64?

    init(transaction: Transaction, block: BlockPlace?, timeReceived: Int64, order: UInt64,
         firstBlockTime: Int64?) {
        self.transaction = transaction
        self.txid = transaction.txid
        self.block = block
        self.timeReceived = timeReceived
        self.order = order
        self.firstBlockTime = firstBlockTime
    }

    /// Record encoding: version 1 ‖ BE64 time received ‖ BE64 order ‖ BE64 first block time (or all ones) ‖
    /// 0 | 1 ‖ (block hash ‖ BE32 height ‖ BE32 index ‖ BE64 block time) ‖ transaction.
    func encoded() -> [UInt8] {
        var out: [UInt8] = [1]
        out += Self.bigEndian64(UInt64(bitPattern: timeReceived)) + Self.bigEndian64(order)
        out += Self.bigEndian64(firstBlockTime.map { UInt64(bitPattern: $0) } ?? .max)
        if let block {
            out.append(1)
            out += block.hash.bytes + WalletRecord.bigEndian(UInt32(block.height))
                + WalletRecord.bigEndian(UInt32(block.index)) + Self.bigEndian64(UInt64(bitPattern: block.time))
        } else {
            out.append(0)
        }
        return out + transaction.serialized
    }

    init?(decoding value: [UInt8]) {
        guard value.count > 26, value[0] == 1 else { return nil }
        timeReceived = Int64(bitPattern: Self.readBigEndian64(value[1..<9]))
        order = Self.readBigEndian64(value[9..<17])
        let first = Self.readBigEndian64(value[17..<25])
        firstBlockTime = first == .max ? nil : Int64(bitPattern: first)
        var offset = 26
        if value[25] == 1 {
            guard value.count > offset + 48 else { return nil }
            block = BlockPlace(hash: Hash256(value[offset..<offset + 32]),
                               height: Int(WalletRecord.readBigEndian(value[offset + 32..<offset + 36])),
                               index: Int(WalletRecord.readBigEndian(value[offset + 36..<offset + 40])),
                               time: Int64(bitPattern: Self.readBigEndian64(value[offset + 40..<offset + 48])))
            offset += 48
        } else {
            block = nil
        }
        guard let tx = try? Transaction(serialized: Array(value[offset...])) else { return nil }
        transaction = tx
        txid = tx.txid
    }

    static func bigEndian64(_ v: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) }
    }

    static func readBigEndian64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
