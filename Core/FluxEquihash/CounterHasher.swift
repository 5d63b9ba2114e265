/// Thirty-two 64-bit words: two BLAKE2b blocks, the largest per-counter tail.
typealias Blake2bTwoBlocks = (Blake2bBlock, Blake2bBlock)

/// Equihash's per-solution hashing: BLAKE2b(input ‖ nonce ‖ le32(g)) for many counters g.
///
/// The whole 128-byte blocks of input ‖ nonce are compressed once (the mid-state); each counter then costs only the
/// compression of the remaining tail, prefix bytes ‖ le32(g) ‖ zero padding: one block when the tail fits in 128
/// bytes (140-byte headers: 12 + 4 bytes), two when the counter straddles a block boundary.
struct CounterHasher {
    /// Chaining value after the shared prefix blocks.
    let base: Blake2bWords
    /// Tail template: the prefix bytes past the shared blocks, then 4 counter bytes, then zeros.
    var tail: Blake2bTwoBlocks = ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                                  (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    /// Bytes compressed into `base`.
    let baseBytes: UInt64
    /// Tail length in bytes (4...131).
    let tailLength: Int
    /// Compressions spent on the shared prefix.
    let prefixCompressions: Int
    /// Compressions per counter (1 or 2).
    let tailCompressions: Int

    /// Prepares the mid-state for `prefix` = input ‖ nonce.
    ///
    /// - Parameters:
    ///   - params: supply the digest length and personalisation.
    ///   - prefix: the bytes hashed before each counter; read during the call only.
    init(_ params: EquihashParameters, prefix: UnsafeRawBufferPointer) {
        let start = Blake2b(digestLength: params.digestLength, personalization: params.blake2bPersonalization)
        var h = start.h
        let blocks = prefix.count / 128
        if blocks > 0 {
            withUnsafeMutablePointer(to: &h) { hp in
                hp.withMemoryRebound(to: UInt64.self, capacity: 8) { hw in
                    for b in 0..<blocks {
                        Blake2b.compress(hw, block: prefix.baseAddress! + 128 * b,
                                         counter: UInt64(128 * (b + 1)), isLast: false)
                    }
                }
            }
        }
        base = h
        baseBytes = UInt64(128 * blocks)
        prefixCompressions = blocks
        let rest = prefix.count - 128 * blocks
        tailLength = rest + 4
        tailCompressions = tailLength > 128 ? 2 : 1
        withUnsafeMutableBytes(of: &tail) { t in
            if rest > 0 { t.baseAddress!.copyMemory(from: prefix.baseAddress! + 128 * blocks, byteCount: rest) }
        }
    }

    /// Writes the full 64-byte BLAKE2b state for counter `g` to `out` (its first `digestLength` bytes are the
    /// digest), then 8 zero bytes, so `out` needs 72 writable bytes.
    @inline(__always)
    mutating func hash(counter g: UInt32, into out: UnsafeMutableRawPointer) {
        var h = base
        let offset = tailLength - 4
        let baseBytes = self.baseBytes
        let tailLength = self.tailLength
        withUnsafeMutableBytes(of: &tail) { t in
            let tp = t.baseAddress!
            tp.storeBytes(of: g.littleEndian, toByteOffset: offset, as: UInt32.self)
            withUnsafeMutablePointer(to: &h) { hp in
                hp.withMemoryRebound(to: UInt64.self, capacity: 8) { hw in
                    if tailLength <= 128 {
                        Blake2b.compress(hw, block: UnsafeRawPointer(tp), counter: baseBytes &+ UInt64(tailLength),
                                         isLast: true)
                    } else {
                        Blake2b.compress(hw, block: UnsafeRawPointer(tp), counter: baseBytes &+ 128, isLast: false)
                        Blake2b.compress(hw, block: UnsafeRawPointer(tp + 128),
                                         counter: baseBytes &+ UInt64(tailLength), isLast: true)
                    }
                    for i in 0..<8 {
                        out.storeBytes(of: hw[i].littleEndian, toByteOffset: 8 * i, as: UInt64.self)
                    }
                    out.storeBytes(of: 0 as UInt64, toByteOffset: 64, as: UInt64.self)
                }
            }
        }
    }

    /// ZelHash: adds the 16 little-endian uint32 lanes of `x` into `acc` (both 64 bytes), mod 2^32.
    @inline(__always)
    static func addLanes(_ acc: UnsafeMutableRawPointer, _ x: UnsafeRawPointer) {
        for i in 0..<16 {
            let a = UInt32(littleEndian: acc.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
            let b = UInt32(littleEndian: x.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
            acc.storeBytes(of: (a &+ b).littleEndian, toByteOffset: 4 * i, as: UInt32.self)
        }
    }

    /// ZelHash: clears the low 3 bits of bytes 15, 31, 47 and 63 of a 64-byte output.
    @inline(__always)
    static func applyTwistMask(_ p: UnsafeMutableRawPointer) {
        for i in [15, 31, 47, 63] {
            p.storeBytes(of: p.load(fromByteOffset: i, as: UInt8.self) & 0xF8, toByteOffset: i, as: UInt8.self)
        }
    }
}

/// Copies input ‖ nonce into one temporary contiguous buffer and calls `body` with it.
@inline(__always)
func withConcatenated<R>(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>,
                         _ body: (UnsafeRawBufferPointer) -> R) -> R {
    let total = a.count + b.count
    return withUnsafeTemporaryAllocation(byteCount: max(total, 1), alignment: 8) { buf in
        let first = UnsafeMutableRawBufferPointer(rebasing: buf[0..<a.count])
        first.copyBytes(from: a)
        let second = UnsafeMutableRawBufferPointer(rebasing: buf[a.count..<total])
        second.copyBytes(from: b)
        return body(UnsafeRawBufferPointer(rebasing: buf[0..<total]))
    }
}

extension Equihash {
    /// The BLAKE2b output Equihash uses for counter `g`: BLAKE2b(input ‖ nonce ‖ le32(g)), or with the ZelHash twist
    /// the masked lane-wise prefix sum over g's 16-aligned group.
    ///
    /// - Parameters:
    ///   - params: the Equihash instance.
    ///   - input: bytes before the nonce (a header's first 108 bytes, or any test input).
    ///   - nonce: the nonce bytes (normally 32).
    ///   - counter: g = index / ``EquihashParameters/indicesPerHash``.
    /// - Returns: ``EquihashParameters/digestLength`` bytes.
    public static func hashOutput(_ params: EquihashParameters, input: some Collection<UInt8>,
                                  nonce: some Collection<UInt8>, counter: UInt32) -> [UInt8] {
        withConcatenated(input, nonce) { prefix in
            var hasher = CounterHasher(params, prefix: prefix)
            return withUnsafeTemporaryAllocation(byteCount: 3 * 72, alignment: 8) { scratch in
                let out = scratch.baseAddress!
                if params.twist {
                    let acc = out + 72
                    let tmp = out + 144
                    acc.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
                    for g in (counter & ~15)...counter {
                        hasher.hash(counter: g, into: tmp)
                        CounterHasher.addLanes(acc, tmp)
                    }
                    out.copyMemory(from: acc, byteCount: 64)
                    CounterHasher.applyTwistMask(out)
                } else {
                    hasher.hash(counter: counter, into: out)
                }
                return Array(UnsafeRawBufferPointer(start: out, count: params.digestLength))
            }
        }
    }

    /// The L = ceil(n/8) bytes of leaf `index` (its first n bits count), as sliced from ``hashOutput``.
    ///
    /// - Parameters:
    ///   - params: the Equihash instance.
    ///   - input: bytes before the nonce.
    ///   - nonce: the nonce bytes.
    ///   - index: 0-based leaf index.
    /// - Returns: ``EquihashParameters/leafBytes`` bytes.
    public static func leaf(_ params: EquihashParameters, input: some Collection<UInt8>,
                            nonce: some Collection<UInt8>, index: UInt32) -> [UInt8] {
        let m = UInt32(params.indicesPerHash)
        let out = hashOutput(params, input: input, nonce: nonce, counter: index / m)
        let start = Int(index % m) * params.leafBytes
        return Array(out[start..<(start + params.leafBytes)])
    }
}
