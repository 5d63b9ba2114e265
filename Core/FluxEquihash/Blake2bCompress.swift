// BLAKE2b compression function F (RFC 7693 §3.2), fully unrolled: 12 rounds of 8 G mixings.
// Generated once by a small script from the RFC's SIGMA table; edit the generator logic, not the rounds, if ever needed.

/// Rotates right by a constant; LLVM lowers the shift pair to a single `ror`.
@inline(__always)
private func rotr(_ x: UInt64, _ n: UInt64) -> UInt64 { (x &>> n) | (x &<< (64 &- n)) }

/// The BLAKE2b mixing function G on four state words and two message words.
@inline(__always)
private func mix(_ a: inout UInt64, _ b: inout UInt64, _ c: inout UInt64, _ d: inout UInt64, _ x: UInt64, _ y: UInt64) {
    a = a &+ b &+ x; d = rotr(d ^ a, 32)
    c = c &+ d;      b = rotr(b ^ c, 24)
    a = a &+ b &+ y; d = rotr(d ^ a, 16)
    c = c &+ d;      b = rotr(b ^ c, 63)
}

extension Blake2b {
    /// Compresses one 128-byte block into the chaining value `h` (8 words, native order).
    ///
    /// - Parameters:
    ///   - h: the 8-word chaining value, updated in place.
    ///   - block: 128 readable bytes (any alignment); message words are read little-endian.
    ///   - counter: the byte counter t after this block (total bytes absorbed, including this block's).
    ///   - isLast: sets the finalisation flag f0 (the last block of the message).
    @inline(__always)
    static func compress(_ h: UnsafeMutablePointer<UInt64>, block: UnsafeRawPointer, counter: UInt64, isLast: Bool) {
        let m0 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let m1 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let m2 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let m3 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        let m4 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        let m5 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
        let m6 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 48, as: UInt64.self))
        let m7 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
        let m8 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 64, as: UInt64.self))
        let m9 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 72, as: UInt64.self))
        let m10 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 80, as: UInt64.self))
        let m11 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 88, as: UInt64.self))
        let m12 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 96, as: UInt64.self))
        let m13 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 104, as: UInt64.self))
        let m14 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 112, as: UInt64.self))
        let m15 = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 120, as: UInt64.self))
        var v0 = h[0]
        var v1 = h[1]
        var v2 = h[2]
        var v3 = h[3]
        var v4 = h[4]
        var v5 = h[5]
        var v6 = h[6]
        var v7 = h[7]
        var v8: UInt64 = 0x6a09e667f3bcc908
        var v9: UInt64 = 0xbb67ae8584caa73b
        var v10: UInt64 = 0x3c6ef372fe94f82b
        var v11: UInt64 = 0xa54ff53a5f1d36f1
        var v12: UInt64 = 0x510e527fade682d1 ^ counter
        var v13: UInt64 = 0x9b05688c2b3e6c1f
        var v14: UInt64 = 0x1f83d9abfb41bd6b ^ (isLast ? UInt64.max : 0)
        var v15: UInt64 = 0x5be0cd19137e2179
        // round 0
        mix(&v0, &v4, &v8, &v12, m0, m1)
        mix(&v1, &v5, &v9, &v13, m2, m3)
        mix(&v2, &v6, &v10, &v14, m4, m5)
        mix(&v3, &v7, &v11, &v15, m6, m7)
        mix(&v0, &v5, &v10, &v15, m8, m9)
        mix(&v1, &v6, &v11, &v12, m10, m11)
        mix(&v2, &v7, &v8, &v13, m12, m13)
        mix(&v3, &v4, &v9, &v14, m14, m15)
        // round 1
        mix(&v0, &v4, &v8, &v12, m14, m10)
        mix(&v1, &v5, &v9, &v13, m4, m8)
        mix(&v2, &v6, &v10, &v14, m9, m15)
        mix(&v3, &v7, &v11, &v15, m13, m6)
        mix(&v0, &v5, &v10, &v15, m1, m12)
        mix(&v1, &v6, &v11, &v12, m0, m2)
        mix(&v2, &v7, &v8, &v13, m11, m7)
        mix(&v3, &v4, &v9, &v14, m5, m3)
        // round 2
        mix(&v0, &v4, &v8, &v12, m11, m8)
        mix(&v1, &v5, &v9, &v13, m12, m0)
        mix(&v2, &v6, &v10, &v14, m5, m2)
        mix(&v3, &v7, &v11, &v15, m15, m13)
        mix(&v0, &v5, &v10, &v15, m10, m14)
        mix(&v1, &v6, &v11, &v12, m3, m6)
        mix(&v2, &v7, &v8, &v13, m7, m1)
        mix(&v3, &v4, &v9, &v14, m9, m4)
        // round 3
        mix(&v0, &v4, &v8, &v12, m7, m9)
        mix(&v1, &v5, &v9, &v13, m3, m1)
        mix(&v2, &v6, &v10, &v14, m13, m12)
        mix(&v3, &v7, &v11, &v15, m11, m14)
        mix(&v0, &v5, &v10, &v15, m2, m6)
        mix(&v1, &v6, &v11, &v12, m5, m10)
        mix(&v2, &v7, &v8, &v13, m4, m0)
        mix(&v3, &v4, &v9, &v14, m15, m8)
        // round 4
        mix(&v0, &v4, &v8, &v12, m9, m0)
        mix(&v1, &v5, &v9, &v13, m5, m7)
        mix(&v2, &v6, &v10, &v14, m2, m4)
        mix(&v3, &v7, &v11, &v15, m10, m15)
        mix(&v0, &v5, &v10, &v15, m14, m1)
        mix(&v1, &v6, &v11, &v12, m11, m12)
        mix(&v2, &v7, &v8, &v13, m6, m8)
        mix(&v3, &v4, &v9, &v14, m3, m13)
        // round 5
        mix(&v0, &v4, &v8, &v12, m2, m12)
        mix(&v1, &v5, &v9, &v13, m6, m10)
        mix(&v2, &v6, &v10, &v14, m0, m11)
        mix(&v3, &v7, &v11, &v15, m8, m3)
        mix(&v0, &v5, &v10, &v15, m4, m13)
        mix(&v1, &v6, &v11, &v12, m7, m5)
        mix(&v2, &v7, &v8, &v13, m15, m14)
        mix(&v3, &v4, &v9, &v14, m1, m9)
        // round 6
        mix(&v0, &v4, &v8, &v12, m12, m5)
        mix(&v1, &v5, &v9, &v13, m1, m15)
        mix(&v2, &v6, &v10, &v14, m14, m13)
        mix(&v3, &v7, &v11, &v15, m4, m10)
        mix(&v0, &v5, &v10, &v15, m0, m7)
        mix(&v1, &v6, &v11, &v12, m6, m3)
        mix(&v2, &v7, &v8, &v13, m9, m2)
        mix(&v3, &v4, &v9, &v14, m8, m11)
        // round 7
        mix(&v0, &v4, &v8, &v12, m13, m11)
        mix(&v1, &v5, &v9, &v13, m7, m14)
        mix(&v2, &v6, &v10, &v14, m12, m1)
        mix(&v3, &v7, &v11, &v15, m3, m9)
        mix(&v0, &v5, &v10, &v15, m5, m0)
        mix(&v1, &v6, &v11, &v12, m15, m4)
        mix(&v2, &v7, &v8, &v13, m8, m6)
        mix(&v3, &v4, &v9, &v14, m2, m10)
        // round 8
        mix(&v0, &v4, &v8, &v12, m6, m15)
        mix(&v1, &v5, &v9, &v13, m14, m9)
        mix(&v2, &v6, &v10, &v14, m11, m3)
        mix(&v3, &v7, &v11, &v15, m0, m8)
        mix(&v0, &v5, &v10, &v15, m12, m2)
        mix(&v1, &v6, &v11, &v12, m13, m7)
        mix(&v2, &v7, &v8, &v13, m1, m4)
        mix(&v3, &v4, &v9, &v14, m10, m5)
        // round 9
        mix(&v0, &v4, &v8, &v12, m10, m2)
        mix(&v1, &v5, &v9, &v13, m8, m4)
        mix(&v2, &v6, &v10, &v14, m7, m6)
        mix(&v3, &v7, &v11, &v15, m1, m5)
        mix(&v0, &v5, &v10, &v15, m15, m11)
        mix(&v1, &v6, &v11, &v12, m9, m14)
        mix(&v2, &v7, &v8, &v13, m3, m12)
        mix(&v3, &v4, &v9, &v14, m13, m0)
        // round 10
        mix(&v0, &v4, &v8, &v12, m0, m1)
        mix(&v1, &v5, &v9, &v13, m2, m3)
        mix(&v2, &v6, &v10, &v14, m4, m5)
        mix(&v3, &v7, &v11, &v15, m6, m7)
        mix(&v0, &v5, &v10, &v15, m8, m9)
        mix(&v1, &v6, &v11, &v12, m10, m11)
        mix(&v2, &v7, &v8, &v13, m12, m13)
        mix(&v3, &v4, &v9, &v14, m14, m15)
        // round 11
        mix(&v0, &v4, &v8, &v12, m14, m10)
        mix(&v1, &v5, &v9, &v13, m4, m8)
        mix(&v2, &v6, &v10, &v14, m9, m15)
        mix(&v3, &v7, &v11, &v15, m13, m6)
        mix(&v0, &v5, &v10, &v15, m1, m12)
        mix(&v1, &v6, &v11, &v12, m0, m2)
        mix(&v2, &v7, &v8, &v13, m11, m7)
        mix(&v3, &v4, &v9, &v14, m5, m3)
        h[0] ^= v0 ^ v8
        h[1] ^= v1 ^ v9
        h[2] ^= v2 ^ v10
        h[3] ^= v3 ^ v11
        h[4] ^= v4 ^ v12
        h[5] ^= v5 ^ v13
        h[6] ^= v6 ^ v14
        h[7] ^= v7 ^ v15
    }
}
