/// A reference to one output of a transaction (fluxd's `COutPoint`): txid ‖ LE32 index, 36 bytes.
public struct OutPoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The txid of the transaction holding the output.
    public var hash: Hash256
    /// The output's position in that transaction.
    public var index: UInt32

    /// Creates an outpoint.
    public init(hash: Hash256, index: UInt32) {
        self.hash = hash
        self.index = index
    }

    /// The null outpoint (zero hash, index 0xFFFFFFFF) that a coinbase input spends.
    public static let null = OutPoint(hash: .zero, index: .max)
    /// True for the coinbase's null prevout.
    public var isNull: Bool { hash.isZero && index == .max }

    /// fluxd's `COutPoint::ToString` short form: `COutPoint(<first 10 hex chars>, n)`.
    public var shortDescription: String { "COutPoint(\(String(hash.description.prefix(10))), \(index))" }
    /// fluxd's `ToFullString`: `COutPoint(<txid>, n)`.
    public var description: String { "COutPoint(\(hash), \(index))" }

    /// Orders by txid bytes (memcmp of internal order, as fluxd's `uint256::operator<`), then index.
    public static func < (a: OutPoint, b: OutPoint) -> Bool {
        if a.hash != b.hash { return a.hash.lexicographicallyPrecedes(b.hash) }
        return a.index < b.index
    }
}

extension OutPoint: WireCodable {
    /// Writes the 32-byte txid and the LE32 index.
    public func encode(to writer: inout ByteWriter) {
        writer.writeHash(hash)
        writer.writeLE(index)
    }
    /// Reads the wire encoding, advancing `reader`.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        hash = try reader.readHash("outpoint.hash")
        index = try reader.readLE(UInt32.self, "outpoint.n")
    }
}
