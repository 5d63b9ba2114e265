/// Equihash encodings: the packed ("minimal") solution form and zcash's ExpandArray/CompressArray.
///
/// The minimal form writes each index as a big-endian (n/(k+1)+1)-bit number, concatenated without padding, the
/// first bit being the most significant bit of byte 0. It is what `nSolution` carries in a block header.
public enum Equihash {
    /// Decodes a packed solution into its 2^k indices, in solution order.
    ///
    /// - Parameters:
    ///   - minimal: the packed solution (without any compactsize prefix).
    ///   - params: gives the index width and count.
    /// - Returns: 0-based leaf indices.
    /// - Throws: ``EquihashError/badSolutionLength(expected:actual:)`` unless `minimal` is exactly
    ///   ``EquihashParameters/solutionSize`` bytes.
    public static func indices(fromMinimal minimal: some Collection<UInt8>,
                               _ params: EquihashParameters) throws(EquihashError) -> [UInt32] {
        guard minimal.count == params.solutionSize else {
            throw .badSolutionLength(expected: params.solutionSize, actual: minimal.count)
        }
        return unpack(Array(minimal), bits: params.indexBits, count: params.solutionIndices)
    }

    /// Encodes 2^k indices (solution order) into the packed form.
    ///
    /// - Parameters:
    ///   - indices: 0-based leaf indices; each must be below 2^(n/(k+1)+1).
    ///   - params: gives the index width and count.
    /// - Returns: ``EquihashParameters/solutionSize`` bytes.
    /// - Throws: ``EquihashError/badSolutionLength(expected:actual:)`` if the count is not 2^k (sizes in indices
    ///   here), ``EquihashError/indexOutOfRange(index:bits:)`` for an index that does not fit.
    public static func minimal(fromIndices indices: [UInt32],
                               _ params: EquihashParameters) throws(EquihashError) -> [UInt8] {
        guard indices.count == params.solutionIndices else {
            throw .badSolutionLength(expected: params.solutionIndices, actual: indices.count)
        }
        let bits = params.indexBits
        if bits < 32, let bad = indices.first(where: { $0 >> UInt32(bits) != 0 }) {
            throw .indexOutOfRange(index: bad, bits: bits)
        }
        return pack(indices, bits: bits)
    }

    /// Big-endian bit packing of `values`, `bits` (1...32) bits each; the final byte is zero-padded on the right.
    static func pack(_ values: [UInt32], bits: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((values.count * bits + 7) / 8)
        var acc: UInt64 = 0
        var accBits = 0
        let mask: UInt64 = (1 << UInt64(bits)) - 1
        for v in values {
            acc = (acc << UInt64(bits)) | (UInt64(v) & mask)
            accBits += bits
            while accBits >= 8 {
                accBits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt64(accBits)))
            }
        }
        if accBits > 0 { out.append(UInt8(truncatingIfNeeded: acc << UInt64(8 - accBits))) }
        return out
    }

    /// Inverse of ``pack(_:bits:)``: reads `count` big-endian `bits`-bit values (1...32 bits each).
    static func unpack(_ bytes: [UInt8], bits: Int, count: Int) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(count)
        var acc: UInt64 = 0
        var accBits = 0
        var pos = 0
        let mask: UInt64 = (1 << UInt64(bits)) - 1
        for _ in 0..<count {
            while accBits < bits {
                acc = (acc << 8) | UInt64(pos < bytes.count ? bytes[pos] : 0)
                pos += 1
                accBits += 8
            }
            accBits -= bits
            out.append(UInt32(truncatingIfNeeded: (acc >> UInt64(accBits)) & mask))
        }
        return out
    }

    /// zcash's `ExpandArray`: splits a big-endian bit string into `bitLength`-bit chunks and writes each as
    /// `bytePad + ceil(bitLength/8)` big-endian bytes (the leading `bytePad` bytes zero).
    ///
    /// - Parameters:
    ///   - compact: the packed bits; its length times 8 must be a multiple of `bitLength`.
    ///   - bitLength: chunk width, 1...32.
    ///   - bytePad: extra leading zero bytes per chunk.
    /// - Returns: the expanded bytes.
    public static func expandArray(_ compact: [UInt8], bitLength: Int, bytePad: Int = 0) -> [UInt8] {
        precondition((1...32).contains(bitLength) && bytePad >= 0, "bad ExpandArray arguments")
        precondition((compact.count * 8) % bitLength == 0, "input is not a whole number of chunks")
        let width = (bitLength + 7) / 8
        var out: [UInt8] = []
        for v in unpack(compact, bits: bitLength, count: compact.count * 8 / bitLength) {
            out.append(contentsOf: repeatElement(0, count: bytePad))
            for i in stride(from: width - 1, through: 0, by: -1) {
                out.append(UInt8(truncatingIfNeeded: v >> UInt32(8 * i)))
            }
        }
        return out
    }

    /// zcash's `CompressArray`, the inverse of ``expandArray(_:bitLength:bytePad:)``: keeps the low `bitLength`
    /// bits of each `bytePad + ceil(bitLength/8)`-byte big-endian chunk and packs them.
    ///
    /// - Parameters:
    ///   - expanded: whole chunks of `bytePad + ceil(bitLength/8)` bytes.
    ///   - bitLength: chunk width, 1...32.
    ///   - bytePad: leading bytes per chunk to skip.
    /// - Returns: the packed bytes.
    public static func compressArray(_ expanded: [UInt8], bitLength: Int, bytePad: Int = 0) -> [UInt8] {
        precondition((1...32).contains(bitLength) && bytePad >= 0, "bad CompressArray arguments")
        let width = (bitLength + 7) / 8
        let stride = width + bytePad
        precondition(expanded.count % stride == 0, "input is not a whole number of chunks")
        var values: [UInt32] = []
        for chunk in 0..<(expanded.count / stride) {
            var v: UInt32 = 0
            for i in 0..<width { v = (v << 8) | UInt32(expanded[chunk * stride + bytePad + i]) }
            values.append(v)
        }
        return pack(values, bits: bitLength)
    }
}
