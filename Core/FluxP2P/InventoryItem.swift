import FluxPrimitives

/// The kinds of object an inventory item names (`GetDataMsg` in fluxd's `src/protocol.h`).
///
/// Flux keeps Bitcoin's 1–3, reserves 4–10 for the legacy masternode messages it no longer processes, and uses
/// **11** for compact blocks (Bitcoin uses 4).
public enum InventoryType: UInt32, Hashable, Sendable, CaseIterable {
    /// `UNDEFINED`: no object.
    case error = 0
    /// `MSG_TX`: a transaction, by txid.
    case tx = 1
    /// `MSG_BLOCK`: a block, by hash.
    case block = 2
    /// `MSG_FILTERED_BLOCK`: a block answered with `merkleblock` (BIP 37).
    case filteredBlock = 3
    /// Legacy "spork" (reserved).
    case spork = 4
    /// Legacy "zn winner" (reserved).
    case fluxNodeWinner = 5
    /// Legacy "zn scan error" (reserved).
    case fluxNodeScanningError = 6
    /// Legacy "zn quorum" (reserved).
    case fluxNodeQuorum = 7
    /// Legacy "zn announce" (reserved).
    case fluxNodeAnnounce = 8
    /// Legacy "zn ping" (reserved).
    case fluxNodePing = 9
    /// Legacy "dstx" (reserved).
    case dstx = 10
    /// `MSG_CMPCT_BLOCK`: a block answered with `cmpctblock` (BIP 152, Flux's number).
    case compactBlock = 11
}

/// One entry of `inv`, `getdata` or `notfound` (`CInv`): LE32 type ‖ 32-byte hash, 36 bytes.
///
/// The type is kept as its raw number so that types this node does not know survive a round trip; use
/// `knownType` to switch over it.
public struct InventoryItem: Hashable, Sendable {
    /// The raw type number (see `InventoryType`).
    public var type: UInt32
    /// The txid or block hash, in internal byte order.
    public var hash: Hash256

    /// Serialized size of one item.
    public static let size = 36

    /// Creates an item with a raw type number.
    public init(type: UInt32, hash: Hash256) {
        self.type = type
        self.hash = hash
    }

    /// Creates an item of a known type.
    public init(_ type: InventoryType, hash: Hash256) {
        self.init(type: type.rawValue, hash: hash)
    }

    /// A transaction item.
    public static func tx(_ txid: Hash256) -> InventoryItem { InventoryItem(.tx, hash: txid) }
    /// A block item.
    public static func block(_ hash: Hash256) -> InventoryItem { InventoryItem(.block, hash: hash) }

    /// The type, if it is one Flux defines.
    public var knownType: InventoryType? { InventoryType(rawValue: type) }
}

extension InventoryItem: WireCodable {
    /// Writes LE32 type ‖ hash.
    public func encode(to writer: inout ByteWriter) {
        writer.writeLE(type)
        writer.writeHash(hash)
    }

    /// Reads LE32 type ‖ hash; any type number is accepted.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        type = try reader.readLE(UInt32.self, "inv.type")
        hash = try reader.readHash("inv.hash")
    }
}
