/// A 256-bit hash (block hash, txid, merkle root) stored in internal byte order.
///
/// Internal order is the order bytes are serialized and hashed. The conventional display form (RPC, explorers)
/// is the byte-reversed hex, as produced by `description` and parsed by `init?(displayHex:)`.
public struct Hash256: Hashable, Comparable, Sendable, CustomStringConvertible {
    @usableFromInline var w0, w1, w2, w3: UInt64   // little-endian words of the internal bytes

    /// The all-zero hash (used as the null previous-block and null prevout hash).
    public static let zero = Hash256(w0: 0, w1: 0, w2: 0, w3: 0)

    @usableFromInline init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// Creates a hash from exactly 32 bytes in internal order.
    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        precondition(bytes.count == 32, "Hash256 needs 32 bytes")
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        self.init(w0: UInt64(littleEndian: words.0), w1: UInt64(littleEndian: words.1),
                  w2: UInt64(littleEndian: words.2), w3: UInt64(littleEndian: words.3))
    }

    /// Parses the byte-reversed display hex (64 characters), as printed by RPC. Nil if malformed.
    public init?(displayHex: some StringProtocol) {
        guard displayHex.utf8.count == 64, let b = Hex.decode(displayHex) else { return nil }
        self.init(b.reversed())
    }

    /// Parses hex in internal byte order (64 characters). Nil if malformed.
    public init?(internalHex: some StringProtocol) {
        guard internalHex.utf8.count == 64, let b = Hex.decode(internalHex) else { return nil }
        self.init(b)
    }

    /// The 32 bytes in internal order.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Calls `body` with the 32 internal-order bytes.
    @inlinable public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var words = (w0.littleEndian, w1.littleEndian, w2.littleEndian, w3.littleEndian)
        return try Swift.withUnsafeBytes(of: &words, body)
    }

    /// True for the all-zero hash.
    public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// Display hex (byte-reversed), as fluxd's RPC prints hashes.
    public var description: String { Hex.encode(bytes.reversed()) }

    /// Hex in internal byte order.
    public var internalHex: String { Hex.encode(bytes) }

    /// Orders hashes as 256-bit little-endian integers (the order of `arith_uint256` comparisons: most
    /// significant word is the last 8 internal bytes).
    public static func < (a: Hash256, b: Hash256) -> Bool {
        if a.w3 != b.w3 { return a.w3 < b.w3 }
        if a.w2 != b.w2 { return a.w2 < b.w2 }
        if a.w1 != b.w1 { return a.w1 < b.w1 }
        return a.w0 < b.w0
    }

    /// Compares the internal bytes lexicographically, as `memcmp` does (fluxd's `uint256::operator<`; differs
    /// from the numeric order of `<`).
    public func lexicographicallyPrecedes(_ other: Hash256) -> Bool {
        bytes.lexicographicallyPrecedes(other.bytes)
    }
}
