/// An append-only buffer that writes Flux's little-endian wire formats.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    /// Creates an empty writer, reserving `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends one byte.
    @inlinable public mutating func writeUInt8(_ v: UInt8) { bytes.append(v) }

    /// Appends a fixed-width integer in little-endian order.
    @inlinable public mutating func writeLE<T: FixedWidthInteger>(_ v: T) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
    }

    /// Appends a fixed-width integer in big-endian order.
    @inlinable public mutating func writeBE<T: FixedWidthInteger>(_ v: T) {
        var x = v.bigEndian
        withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
    }

    /// Appends raw bytes.
    @inlinable public mutating func writeBytes<C: Sequence>(_ b: C) where C.Element == UInt8 {
        bytes.append(contentsOf: b)
    }

    /// Appends a 32-byte hash in internal byte order.
    @inlinable public mutating func writeHash(_ h: Hash256) { h.withUnsafeBytes { bytes.append(contentsOf: $0) } }

    /// Appends a CompactSize in its canonical (shortest) form.
    public mutating func writeCompactSize(_ v: UInt64) {
        switch v {
        case 0..<253: bytes.append(UInt8(v))
        case 253...0xFFFF: bytes.append(253); writeLE(UInt16(v))
        case 0x1_0000...0xFFFF_FFFF: bytes.append(254); writeLE(UInt32(v))
        default: bytes.append(255); writeLE(v)
        }
    }

    /// Appends a CompactSize length followed by the bytes.
    public mutating func writeVarBytes<C: Collection>(_ b: C) where C.Element == UInt8 {
        writeCompactSize(UInt64(b.count))
        bytes.append(contentsOf: b)
    }
}

/// Constants and helpers for Bitcoin's CompactSize variable-length integer.
public enum CompactSize {
    /// The largest size any serialized object may claim (fluxd's `MAX_SIZE`, 0x02000000).
    public static let maxSize: UInt64 = 0x0200_0000

    /// Encoded length in bytes of `v`.
    public static func encodedLength(_ v: UInt64) -> Int {
        switch v {
        case 0..<253: 1
        case 253...0xFFFF: 3
        case 0x1_0000...0xFFFF_FFFF: 5
        default: 9
        }
    }
}
