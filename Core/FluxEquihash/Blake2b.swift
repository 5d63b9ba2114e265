/// Eight 64-bit words: a BLAKE2b chaining value.
typealias Blake2bWords = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

/// Sixteen 64-bit words: one 128-byte BLAKE2b block buffer.
typealias Blake2bBlock = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                          UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

/// BLAKE2b (RFC 7693) with digest length, key, salt and personalisation, written in Swift with no heap storage.
///
/// Streaming use: `var h = Blake2b(digestLength: 32, personalization: tag)`, then `h.update(bytes)` any number of
/// times, then `h.finalize()`. The value is its own mid-state: BLAKE2b only compresses a block once it knows more
/// data follows, so after absorbing a common prefix, a copy of the value resumes from exactly that point and costs
/// only the compressions of what is appended. For example an Equihash base state over a 140-byte header holds one
/// compressed block and 12 buffered bytes; each `copy.update(le32(g)); copy.finalize()` then costs one compression.
///
/// The value is a plain struct (about 220 bytes), `Sendable`, and allocates nothing until `finalize()` returns an
/// array (use `finalize(into:)` to avoid even that).
public struct Blake2b: Sendable {
    /// Bytes per compression block.
    public static let blockSize = 128
    /// Largest digest, in bytes.
    public static let maxDigestLength = 64
    /// BLAKE2b initialisation vector (the SHA-512 IV).
    static let iv: Blake2bWords = (
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179)

    /// Digest length in bytes, 1...64 (part of the parameter block, so it changes every output byte).
    public let digestLength: Int
    /// Chaining value.
    var h: Blake2bWords
    /// Pending bytes not yet compressed (0...128 of them are valid).
    var buffer: Blake2bBlock = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    /// Number of valid bytes in `buffer`.
    var bufferCount: Int = 0
    /// Bytes compressed so far (the RFC's counter t, without the buffered bytes).
    var compressedBytes: UInt64 = 0
    /// Number of compression-function calls made so far by this value (copies carry the count along).
    public private(set) var compressions: Int = 0

    /// Starts a hash.
    ///
    /// - Parameters:
    ///   - digestLength: output size in bytes, 1...64.
    ///   - key: optional key, 0...64 bytes (absorbed as a first zero-padded block).
    ///   - salt: 0...16 bytes, zero-padded to 16, little-endian words into the parameter block.
    ///   - personalization: 0...16 bytes, zero-padded to 16 (Equihash: 8-byte tag ‖ le32(n) ‖ le32(k)).
    /// - Precondition: the sizes above; violating them is a programming error and traps.
    public init(digestLength: Int = 64, key: some Collection<UInt8> = [UInt8](),
                salt: some Collection<UInt8> = [UInt8](), personalization: some Collection<UInt8> = [UInt8]()) {
        precondition((1...64).contains(digestLength), "BLAKE2b digest length must be 1...64 bytes")
        precondition(key.count <= 64, "BLAKE2b key must be at most 64 bytes")
        precondition(salt.count <= 16, "BLAKE2b salt must be at most 16 bytes")
        precondition(personalization.count <= 16, "BLAKE2b personalization must be at most 16 bytes")
        self.digestLength = digestLength
        var h = Blake2b.iv
        h.0 ^= 0x0101_0000 ^ (UInt64(key.count) << 8) ^ UInt64(digestLength)
        let s = Blake2b.padded16(salt)
        let p = Blake2b.padded16(personalization)
        h.4 ^= s.0
        h.5 ^= s.1
        h.6 ^= p.0
        h.7 ^= p.1
        self.h = h
        if !key.isEmpty {
            update(key)
            update([UInt8](repeating: 0, count: 128 - key.count))
        }
    }

    /// Reads up to 16 bytes as two little-endian words, zero-padded.
    private static func padded16(_ bytes: some Collection<UInt8>) -> (UInt64, UInt64) {
        var a: UInt64 = 0, b: UInt64 = 0
        for (i, byte) in bytes.enumerated() {
            if i < 8 { a |= UInt64(byte) << (8 * UInt64(i)) } else { b |= UInt64(byte) << (8 * UInt64(i - 8)) }
        }
        return (a, b)
    }

    /// Absorbs bytes from raw memory.
    ///
    /// - Parameter bytes: the data; only read during the call (not retained).
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var src = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        withUnsafeMutablePointer(to: &h) { hp in
            hp.withMemoryRebound(to: UInt64.self, capacity: 8) { hw in
                withUnsafeMutableBytes(of: &buffer) { buf in
                    let b = buf.baseAddress!
                    // Fill the buffer; compress it only when more data follows (the last block gets the flag).
                    if bufferCount > 0 || remaining <= 128 {
                        let take = min(128 - bufferCount, remaining)
                        (b + bufferCount).copyMemory(from: src, byteCount: take)
                        bufferCount += take
                        src += take
                        remaining -= take
                        if remaining == 0 { return }
                        compressedBytes &+= 128
                        Blake2b.compress(hw, block: UnsafeRawPointer(b), counter: compressedBytes, isLast: false)
                        compressions += 1
                        bufferCount = 0
                    }
                    // Whole blocks straight from the source while more than one block remains.
                    while remaining > 128 {
                        compressedBytes &+= 128
                        Blake2b.compress(hw, block: src, counter: compressedBytes, isLast: false)
                        compressions += 1
                        src += 128
                        remaining -= 128
                    }
                    b.copyMemory(from: src, byteCount: remaining)
                    bufferCount = remaining
                }
            }
        }
    }

    /// Absorbs a collection of bytes (arrays, slices, `Data`, ...).
    ///
    /// - Parameter bytes: the data, absorbed in collection order.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buf in
            update(UnsafeRawBufferPointer(buf))
        }
        if done == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// Completes the hash and writes the digest (``digestLength`` bytes) to `output`, leaving `self` unchanged.
    ///
    /// Because `self` is not consumed, this also serves as the mid-state operation: finalise a copy of a base state
    /// as often as needed.
    /// - Parameter output: at least ``digestLength`` writable bytes.
    public func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= digestLength, "output buffer shorter than the digest")
        var words = h
        var block = buffer
        let count = bufferCount
        withUnsafeMutableBytes(of: &block) { b in
            // Zero the unused tail of the last block.
            (b.baseAddress! + count).initializeMemory(as: UInt8.self, repeating: 0, count: 128 - count)
            withUnsafeMutablePointer(to: &words) { hp in
                hp.withMemoryRebound(to: UInt64.self, capacity: 8) { hw in
                    Blake2b.compress(hw, block: UnsafeRawPointer(b.baseAddress!),
                                     counter: compressedBytes &+ UInt64(count), isLast: true)
                }
            }
        }
        // The state words are little-endian on the wire.
        var le = words
        le.0 = le.0.littleEndian; le.1 = le.1.littleEndian; le.2 = le.2.littleEndian; le.3 = le.3.littleEndian
        le.4 = le.4.littleEndian; le.5 = le.5.littleEndian; le.6 = le.6.littleEndian; le.7 = le.7.littleEndian
        withUnsafeBytes(of: &le) { raw in
            output.baseAddress!.copyMemory(from: raw.baseAddress!, byteCount: digestLength)
        }
    }

    /// Completes the hash and returns the ``digestLength``-byte digest, leaving `self` unchanged.
    public func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: digestLength) { buf, initialized in
            finalize(into: UnsafeMutableRawBufferPointer(buf))
            initialized = digestLength
        }
    }

    /// One-shot hash of a byte array with a personalisation and no key: the non-generic fast path for callers in
    /// other modules (a generic call across modules runs unspecialised, byte by byte through witness tables).
    public static func hash(_ data: [UInt8], digestLength: Int = 64, personalization: [UInt8]) -> [UInt8] {
        var state = Blake2b(digestLength: digestLength, key: [UInt8](), personalization: personalization)
        data.withUnsafeBytes { state.update($0) }
        return state.finalize()
    }

    /// One-shot BLAKE2b of `data`.
    ///
    /// - Parameters:
    ///   - data: the message.
    ///   - digestLength: output size in bytes, 1...64.
    ///   - key: optional key, 0...64 bytes.
    ///   - personalization: 0...16 bytes, zero-padded to 16.
    /// - Returns: the digest, `digestLength` bytes.
    public static func hash(_ data: some Collection<UInt8>, digestLength: Int = 64,
                            key: some Collection<UInt8> = [UInt8](),
                            personalization: some Collection<UInt8> = [UInt8]()) -> [UInt8] {
        var state = Blake2b(digestLength: digestLength, key: key, personalization: personalization)
        state.update(data)
        return state.finalize()
    }
}
