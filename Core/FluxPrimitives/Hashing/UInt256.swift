/// An unsigned 256-bit integer, for targets and chain work (fluxd's `arith_uint256`).
///
/// Conversions to and from `Hash256` treat the hash's internal bytes as a little-endian number, as fluxd's
/// `UintToArith256` does.
public struct UInt256: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Little-endian 64-bit limbs: `limbs.0` is least significant.
    public var limbs: (UInt64, UInt64, UInt64, UInt64)

    /// Zero.
    public static let zero = UInt256(limbs: (0, 0, 0, 0))
    /// 2^256 − 1.
    public static let max = UInt256(limbs: (.max, .max, .max, .max))

    /// Creates a value from little-endian limbs.
    public init(limbs: (UInt64, UInt64, UInt64, UInt64)) { self.limbs = limbs }
    /// Creates a value from a 64-bit integer.
    public init(_ v: UInt64) { limbs = (v, 0, 0, 0) }
    /// The hash's internal bytes read as a little-endian number.
    public init(_ hash: Hash256) { limbs = (hash.w0, hash.w1, hash.w2, hash.w3) }
    /// The number as a hash (little-endian internal bytes).
    public var hash: Hash256 { Hash256(w0: limbs.0, w1: limbs.1, w2: limbs.2, w3: limbs.3) }

    var array: [UInt64] { [limbs.0, limbs.1, limbs.2, limbs.3] }
    init(array a: [UInt64]) { limbs = (a[0], a[1], a[2], a[3]) }

    public static func == (a: UInt256, b: UInt256) -> Bool { a.array == b.array }
    public func hash(into h: inout Hasher) { h.combine(array) }
    public static func < (a: UInt256, b: UInt256) -> Bool {
        for i in (0..<4).reversed() where a.array[i] != b.array[i] { return a.array[i] < b.array[i] }
        return false
    }

    /// True when zero.
    public var isZero: Bool { self == .zero }

    /// Number of significant bits (0 for zero).
    public var bitWidth: Int {
        let a = array
        for i in (0..<4).reversed() where a[i] != 0 { return i * 64 + 64 - a[i].leadingZeroBitCount }
        return 0
    }

    /// Addition modulo 2^256.
    public static func &+ (a: UInt256, b: UInt256) -> UInt256 {
        var out = [UInt64](repeating: 0, count: 4)
        var carry: UInt64 = 0
        let x = a.array, y = b.array
        for i in 0..<4 {
            let (s1, o1) = x[i].addingReportingOverflow(y[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            out[i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return UInt256(array: out)
    }

    /// Subtraction modulo 2^256.
    public static func &- (a: UInt256, b: UInt256) -> UInt256 { a &+ (~b &+ UInt256(1)) }

    /// Bitwise complement.
    public static prefix func ~ (a: UInt256) -> UInt256 { UInt256(limbs: (~a.limbs.0, ~a.limbs.1, ~a.limbs.2, ~a.limbs.3)) }

    /// Left shift (bits shifted past 2^256 are lost).
    public static func << (a: UInt256, n: Int) -> UInt256 {
        guard n < 256 else { return .zero }
        let words = n / 64, bits = n % 64
        var out = [UInt64](repeating: 0, count: 4)
        let x = a.array
        for i in (0..<4).reversed() where i - words >= 0 {
            out[i] = x[i - words] << bits
            if bits > 0 && i - words - 1 >= 0 { out[i] |= x[i - words - 1] >> (64 - bits) }
        }
        return UInt256(array: out)
    }

    /// Right shift.
    public static func >> (a: UInt256, n: Int) -> UInt256 {
        guard n < 256 else { return .zero }
        let words = n / 64, bits = n % 64
        var out = [UInt64](repeating: 0, count: 4)
        let x = a.array
        for i in 0..<4 where i + words < 4 {
            out[i] = x[i + words] >> bits
            if bits > 0 && i + words + 1 < 4 { out[i] |= x[i + words + 1] << (64 - bits) }
        }
        return UInt256(array: out)
    }

    /// Multiplication by a 64-bit value modulo 2^256.
    public static func &* (a: UInt256, m: UInt64) -> UInt256 {
        var out = [UInt64](repeating: 0, count: 4)
        var carry: UInt64 = 0
        let x = a.array
        for i in 0..<4 {
            let (hi, lo) = x[i].multipliedFullWidth(by: m)
            let (s, o) = lo.addingReportingOverflow(carry)
            out[i] = s
            carry = hi &+ (o ? 1 : 0)
        }
        return UInt256(array: out)
    }

    /// Quotient and remainder; traps on division by zero.
    public func quotientAndRemainder(dividingBy d: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!d.isZero, "division by zero")
        if self < d { return (.zero, self) }
        var q = UInt256.zero, r = UInt256.zero
        for bit in (0..<bitWidth).reversed() {
            r = r << 1
            if (self >> bit).limbs.0 & 1 == 1 { r.limbs.0 |= 1 }
            if !(r < d) {
                r = r &- d
                q = q &+ (UInt256(1) << bit)
            }
        }
        return (q, r)
    }

    /// Integer division.
    public static func / (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).quotient }

    /// The value as a Double (rounded).
    public var doubleValue: Double {
        array.enumerated().reduce(0.0) { $0 + Double($1.element) * pow2(64 * $1.offset) }
    }

    private func pow2(_ n: Int) -> Double { Double(sign: .plus, exponent: n, significand: 1) }

    /// 64 hex digits, most significant first (as fluxd's `GetHex` of chain work).
    public var description: String { hash.description }

    // MARK: Compact ("nBits") form

    /// Decodes a compact target (`SetCompact`): returns the value and whether the encoding is negative or
    /// overflows 256 bits.
    public static func fromCompact(_ compact: UInt32) -> (value: UInt256, negative: Bool, overflow: Bool) {
        let size = Int(compact >> 24)
        var word = compact & 0x007F_FFFF
        let value: UInt256
        if size <= 3 {
            word >>= 8 * (3 - UInt32(size))
            value = UInt256(UInt64(word))
        } else {
            value = UInt256(UInt64(word)) << (8 * (size - 3))
        }
        let negative = word != 0 && compact & 0x0080_0000 != 0
        let overflow = word != 0 && (size > 34 || (word > 0xFF && size > 33) || (word > 0xFFFF && size > 32))
        return (value, negative, overflow)
    }

    /// Encodes as a compact target (`GetCompact`, non-negative).
    public var compact: UInt32 {
        var size = (bitWidth + 7) / 8
        var word: UInt64
        if size <= 3 {
            word = limbs.0 << (8 * (3 - UInt64(size)))
        } else {
            word = (self >> (8 * (size - 3))).limbs.0
        }
        if word & 0x0080_0000 != 0 {
            word >>= 8
            size += 1
        }
        return UInt32(word) | UInt32(size) << 24
    }

    /// Work represented by a target: 2^256 / (target + 1) (`GetBlockProof`).
    public var workForTarget: UInt256 {
        // 2^256 / (t+1) == (~t / (t+1)) + 1
        (~self / (self &+ UInt256(1))) &+ UInt256(1)
    }
}

// MARK: Arithmetic used by the difficulty rules

extension UInt256 {
    /// Multiplication modulo 2^256 (`arith_uint256::operator*=(const base_uint&)`): the low 256 bits of the
    /// full product.
    public static func &* (a: UInt256, b: UInt256) -> UInt256 {
        let x = a.array, y = b.array
        var out = [UInt64](repeating: 0, count: 4)
        for i in 0..<4 where x[i] != 0 {
            var carry: UInt64 = 0
            for j in 0..<(4 - i) {
                // x·y + out + carry ≤ 2^128 − 1, so the high word never overflows.
                let (hi, lo) = x[i].multipliedFullWidth(by: y[j])
                let (s1, o1) = out[i + j].addingReportingOverflow(lo)
                let (s2, o2) = s1.addingReportingOverflow(carry)
                out[i + j] = s2
                carry = hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
        }
        return UInt256(array: out)
    }

    /// Quotient and remainder of a division by a 64-bit value; traps on division by zero.
    public func quotientAndRemainder(dividingBy d: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(d != 0, "division by zero")
        let x = array
        var q = [UInt64](repeating: 0, count: 4)
        var r: UInt64 = 0
        for i in (0..<4).reversed() {
            // r < d, so the two-word dividend's quotient fits in one word.
            (q[i], r) = d.dividingFullWidth((high: r, low: x[i]))
        }
        return (UInt256(array: q), r)
    }

    /// Integer division by a 64-bit value (`arith_uint256 / uint64`); traps on division by zero.
    public static func / (a: UInt256, b: UInt64) -> UInt256 { a.quotientAndRemainder(dividingBy: b).quotient }
}
