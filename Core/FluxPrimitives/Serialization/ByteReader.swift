/// A cursor over a byte buffer that reads Flux's little-endian wire formats.
///
/// All reads are bounds-checked and report the field name and offset on failure. Lengths and counts read from
/// the buffer are checked against both a caller-supplied limit and the bytes actually remaining before any
/// allocation, so a 4-byte length claiming 4 GiB costs nothing.
public struct ByteReader {
    @usableFromInline let bytes: [UInt8]
    /// Offset of the next byte to read.
    public private(set) var offset: Int
    /// Where the buffer ends (exclusive).
    public let end: Int
    /// Added to offsets in errors, for readers over a slice of a larger message.
    public let baseOffset: Int

    /// Creates a reader over `bytes`. `baseOffset` is added to every offset reported in errors.
    public init(_ bytes: [UInt8], baseOffset: Int = 0) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
        self.baseOffset = baseOffset
    }

    /// Number of bytes not yet read.
    @inlinable public var remaining: Int { end - offset }
    /// True when every byte has been read.
    @inlinable public var isAtEnd: Bool { offset >= end }

    /// An error for `field` at the current position.
    public func error(_ field: String, _ reason: DecodingError.Reason) -> DecodingError {
        DecodingError(field: field, offset: baseOffset + offset, reason: reason)
    }

    @inline(__always)
    mutating func need(_ n: Int, _ field: String) throws(DecodingError) {
        if n > remaining { throw error(field, .truncated(needed: n, available: remaining)) }
    }

    /// Reads one byte.
    public mutating func readUInt8(_ field: String) throws(DecodingError) -> UInt8 {
        try need(1, field)
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Reads a little-endian fixed-width integer.
    public mutating func readLE<T: FixedWidthInteger>(_ type: T.Type, _ field: String) throws(DecodingError) -> T {
        let size = MemoryLayout<T>.size
        try need(size, field)
        var value: T = 0
        for i in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }

    /// Reads a big-endian fixed-width integer (used by network addresses' ports).
    public mutating func readBE<T: FixedWidthInteger>(_ type: T.Type, _ field: String) throws(DecodingError) -> T {
        let size = MemoryLayout<T>.size
        try need(size, field)
        var value: T = 0
        for i in 0..<size { value = (value << 8) | T(truncatingIfNeeded: bytes[offset + i]) }
        offset += size
        return value
    }

    /// Reads exactly `count` bytes.
    public mutating func readBytes(_ count: Int, _ field: String) throws(DecodingError) -> [UInt8] {
        try need(count, field)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Reads a 32-byte hash in internal byte order.
    public mutating func readHash(_ field: String) throws(DecodingError) -> Hash256 {
        try need(32, field)
        defer { offset += 32 }
        return Hash256(bytes[offset..<offset + 32])
    }

    /// Reads a CompactSize (Bitcoin's variable-length integer), rejecting non-canonical encodings and values
    /// above `limit`.
    public mutating func readCompactSize(_ field: String, limit: UInt64 = CompactSize.maxSize) throws(DecodingError) -> UInt64 {
        let start = offset
        let first = try readUInt8(field)
        let value: UInt64
        let minimum: UInt64
        switch first {
        case 0..<253: return try checked(UInt64(first), limit: limit, field: field, start: start)
        case 253: value = UInt64(try readLE(UInt16.self, field)); minimum = 253
        case 254: value = UInt64(try readLE(UInt32.self, field)); minimum = 0x1_0000
        default: value = try readLE(UInt64.self, field); minimum = 0x1_0000_0000
        }
        if value < minimum {
            throw DecodingError(field: field, offset: baseOffset + start, reason: .nonCanonicalCompactSize)
        }
        return try checked(value, limit: limit, field: field, start: start)
    }

    private func checked(_ value: UInt64, limit: UInt64, field: String, start: Int) throws(DecodingError) -> UInt64 {
        if value > limit {
            throw DecodingError(field: field, offset: baseOffset + start, reason: .tooLarge(value: value, limit: limit))
        }
        return value
    }

    /// Reads a CompactSize length followed by that many bytes, at most `limit`.
    public mutating func readVarBytes(_ field: String, limit: UInt64 = CompactSize.maxSize) throws(DecodingError) -> [UInt8] {
        let start = offset
        let count = try readCompactSize(field, limit: limit)
        if count > UInt64(remaining) {
            throw DecodingError(field: field, offset: baseOffset + start,
                                reason: .truncated(needed: Int(count), available: remaining))
        }
        return try readBytes(Int(count), field)
    }

    /// Reads a CompactSize element count, checking it against `limit` and against the bytes left given that
    /// each element takes at least `minElementSize` bytes. Returns a count safe to `reserveCapacity` with.
    public mutating func readCount(_ field: String, limit: UInt64, minElementSize: Int) throws(DecodingError) -> Int {
        let start = offset
        let count = try readCompactSize(field, limit: limit)
        if minElementSize > 0, count > UInt64(remaining / minElementSize) {
            throw DecodingError(field: field, offset: baseOffset + start,
                                reason: .truncated(needed: Int(clamping: count) &* minElementSize, available: remaining))
        }
        return Int(count)
    }

    /// Throws unless every byte has been consumed.
    public func expectEnd(_ field: String) throws(DecodingError) {
        if remaining > 0 { throw error(field, .trailingBytes(count: remaining)) }
    }

    /// Bytes in `range` (absolute offsets into the buffer) without moving the cursor.
    public func slice(_ range: Range<Int>) -> ArraySlice<UInt8> { bytes[range] }
}
