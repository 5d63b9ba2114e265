import FluxPrimitives

/// The payload of `getheaders` and `getblocks`: LE32 version ‖ CompactSize count ‖ count × 32-byte hash ‖
/// 32-byte stop hash.
///
/// The locator lists block hashes from the sender's tip backwards, dense first and then exponentially sparser,
/// ending at genesis; the receiver answers from the first hash it knows up to `stop` (zero: as many as allowed).
public struct BlockLocatorMessage: Hashable, Sendable {
    /// The sender's protocol version (fluxd writes `PROTOCOL_VERSION`; receivers ignore it).
    public var version: UInt32
    /// Block hashes, newest first (at most `P2PLimits.maxLocator`).
    public var locator: [Hash256]
    /// The last block wanted, or zero for no limit.
    public var stop: Hash256

    /// Creates a locator message.
    public init(version: UInt32 = UInt32(ProtocolVersion.current), locator: [Hash256], stop: Hash256 = .zero) {
        self.version = version
        self.locator = locator
        self.stop = stop
    }
}

extension BlockLocatorMessage: WireEncodable {
    /// Writes version ‖ locator ‖ stop.
    public func encode(to writer: inout ByteWriter) {
        writer.writeLE(version)
        writer.writeCompactSize(UInt64(locator.count))
        locator.forEach { writer.writeHash($0) }
        writer.writeHash(stop)
    }
}
