import FluxPrimitives

/// The block index entry persisted per header (value of the `block_index` family, keyed by the hash).
///
/// Stored encoding, version 1: `01` ‖ hash (32 bytes, internal order) ‖ header (wire serialization) ‖
/// CompactSize(height) ‖ chain work (32 bytes, little-endian) ‖ CompactSize(status bits) ‖
/// CompactSize(transaction count). The hash is stored so start-up need not re-hash every header.
public struct BlockIndexRecord: Hashable, Sendable {
    /// The block hash (of `header`).
    public var hash: Hash256
    /// The header.
    public var header: BlockHeader
    /// Height in its chain (genesis 0).
    public var height: Int
    /// Total work of the chain up to and including this block.
    public var chainWork: UInt256
    /// What is stored and validated for the block.
    public var status: BlockStatus
    /// Number of transactions; 0 until the body is stored.
    public var transactionCount: Int

    /// Record version written by `encoded()`.
    static let recordVersion: UInt8 = 1

    /// Creates a record.
    public init(hash: Hash256, header: BlockHeader, height: Int, chainWork: UInt256, status: BlockStatus,
                transactionCount: Int) {
        self.hash = hash
        self.header = header
        self.height = height
        self.chainWork = chainWork
        self.status = status
        self.transactionCount = transactionCount
    }

    /// The versioned stored encoding.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 256)
        encodeRecord(to: &w)
        return w.bytes
    }

    /// Writes the versioned stored encoding. Traps on a negative height or transaction count.
    func encodeRecord(to w: inout ByteWriter) {
        precondition(height >= 0 && transactionCount >= 0, "negative height or transaction count in block index record")
        w.writeUInt8(Self.recordVersion)
        w.writeHash(hash)
        header.encode(to: &w)
        w.writeCompactSize(UInt64(height))
        w.writeHash(chainWork.hash)
        w.writeCompactSize(UInt64(status.rawValue))
        w.writeCompactSize(UInt64(transactionCount))
    }

    /// Decodes `encoded()` output; throws on an unknown record version, malformed fields or trailing bytes.
    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        var r = ByteReader(bytes)
        let version = try r.readUInt8("index.version")
        guard version == Self.recordVersion else {
            throw DecodingError(field: "index.version", offset: 0,
                                reason: .invalidValue("unknown record version \(version)"))
        }
        hash = try r.readHash("index.hash")
        header = try BlockHeader(from: &r)
        height = Int(try r.readCompactSize("index.height", limit: UInt64(Int32.max)))
        chainWork = UInt256(try r.readHash("index.chainWork"))
        status = BlockStatus(rawValue: UInt32(try r.readCompactSize("index.status", limit: UInt64(UInt32.max))))
        transactionCount = Int(try r.readCompactSize("index.transactionCount", limit: UInt64(Block.maxSize)))
        try r.expectEnd("index")
    }
}
