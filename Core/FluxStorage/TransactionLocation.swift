import FluxPrimitives

/// Where `-txindex` found a transaction: its block and its position among the block's transactions.
/// Stored (kind `t` of the `indexes` family) as block hash (32 bytes, internal order) ‖ position (LE32).
public struct TransactionLocation: Hashable, Sendable {
    /// The block holding the transaction (on the active chain when it was indexed).
    public var blockHash: Hash256
    /// Position of the transaction in the block (0 = coinbase).
    public var position: Int

    /// Creates a location.
    public init(blockHash: Hash256, position: Int) {
        self.blockHash = blockHash
        self.position = position
    }

    func encode(to w: inout ByteWriter) {
        w.writeHash(blockHash)
        w.writeLE(UInt32(position))
    }

    init(decoding bytes: [UInt8]) throws(DecodingError) {
        var r = ByteReader(bytes)
        blockHash = try r.readHash("txindex.block")
        position = Int(try r.readLE(UInt32.self, "txindex.position"))
        try r.expectEnd("txindex")
    }
}
