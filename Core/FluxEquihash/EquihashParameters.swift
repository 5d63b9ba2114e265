/// One Equihash instance: (n, k), the 8-byte BLAKE2b personalisation tag and Flux's ZelHash twist flag.
///
/// Derived sizes follow Zcash's specification, with one generalisation that matches fluxd for n = 125: each leaf
/// occupies L = ceil(n/8) bytes of the BLAKE2b output (only its first n bits count), and the digest is m·L bytes
/// with m = floor(512/n) leaves per hash.
public struct EquihashParameters: Sendable, Hashable, CustomStringConvertible {
    /// Bits per leaf hash (the "n" of Equihash).
    public let n: Int
    /// Number of collision rounds; a solution has 2^k indices.
    public let k: Int
    /// The 8-character ASCII tag that starts the BLAKE2b personalisation (`ZcashPoW`, `ZelProof`).
    public let personalization: String
    /// Flux's ZelHash twist: hash g becomes the lane-wise (16 × LE uint32) prefix sum of the hashes of its
    /// 16-aligned group up to g, with the low 3 bits of bytes 15, 31, 47 and 63 cleared. Requires 64-byte digests.
    public let twist: Bool

    /// Validates and creates a parameter set.
    ///
    /// - Parameters:
    ///   - n: leaf hash width in bits, 2...512.
    ///   - k: rounds, 1...16; k+1 must divide n.
    ///   - personalization: exactly 8 ASCII bytes.
    ///   - twist: apply the ZelHash prefix-sum twist (only with a 64-byte digest).
    /// - Throws: ``EquihashError/invalidParameters(_:)`` naming the violated constraint.
    public init(n: Int, k: Int, personalization: String, twist: Bool = false) throws(EquihashError) {
        guard k >= 1, k <= 16 else { throw .invalidParameters("k = \(k) must be in 1...16") }
        guard n >= 2, n <= 512 else { throw .invalidParameters("n = \(n) must be in 2...512") }
        guard n % (k + 1) == 0 else { throw .invalidParameters("k+1 = \(k + 1) does not divide n = \(n)") }
        let c = n / (k + 1)
        guard c + 1 <= 32 else { throw .invalidParameters("index width n/(k+1)+1 = \(c + 1) exceeds 32 bits") }
        guard ((1 << k) * (c + 1)) % 8 == 0 else {
            throw .invalidParameters("2^k·(n/(k+1)+1) = \((1 << k) * (c + 1)) bits is not a whole number of bytes")
        }
        let digest = (512 / n) * ((n + 7) / 8)
        guard digest <= 64 else {
            throw .invalidParameters("digest length floor(512/n)·ceil(n/8) = \(digest) exceeds BLAKE2b's 64 bytes")
        }
        let utf8 = Array(personalization.utf8)
        guard utf8.count == 8, utf8.allSatisfy({ $0 < 0x80 }) else {
            throw .invalidParameters("personalization must be exactly 8 ASCII characters")
        }
        guard !twist || digest == 64 else {
            throw .invalidParameters("the ZelHash twist needs a 64-byte digest, these parameters give \(digest)")
        }
        self.n = n
        self.k = k
        self.personalization = personalization
        self.twist = twist
    }

    /// Bits per collision digit, c = n/(k+1).
    public var collisionBits: Int { n / (k + 1) }
    /// Bits per packed index, c+1.
    public var indexBits: Int { collisionBits + 1 }
    /// Number of indices in a solution, 2^k.
    public var solutionIndices: Int { 1 << k }
    /// Packed solution size in bytes, 2^k·(c+1)/8 (1344 for (200,9)).
    public var solutionSize: Int { (1 << k) * indexBits / 8 }
    /// Leaves taken from one BLAKE2b output, m = floor(512/n).
    public var indicesPerHash: Int { 512 / n }
    /// Bytes per leaf slot in the BLAKE2b output, L = ceil(n/8).
    public var leafBytes: Int { (n + 7) / 8 }
    /// BLAKE2b digest length in bytes, m·L.
    public var digestLength: Int { indicesPerHash * leafBytes }
    /// Size of the index space, 2^(c+1) (the length of a solver's initial list).
    public var indexSpace: UInt64 { 1 << UInt64(indexBits) }

    /// The 16-byte BLAKE2b personalisation: tag ‖ le32(n) ‖ le32(k).
    public var blake2bPersonalization: [UInt8] {
        var out = Array(personalization.utf8)
        for v in [UInt32(n), UInt32(k)] {
            for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
        }
        return out
    }

    /// For example `Equihash(200,9,"ZcashPoW")` or `Equihash(125,4,"ZelProof",twist)`.
    public var description: String {
        "Equihash(\(n),\(k),\"\(personalization)\"\(twist ? ",twist" : ""))"
    }

    /// (200,9) `ZcashPoW`: Zcash, and Flux mainnet before height 125,100.
    public static let zcash200_9 = try! EquihashParameters(n: 200, k: 9, personalization: "ZcashPoW")
    /// (144,5) `ZelProof`: Flux mainnet heights 125,100...372,510.
    public static let zelProof144_5 = try! EquihashParameters(n: 144, k: 5, personalization: "ZelProof")
    /// (125,4) `ZelProof` with the twist ("ZelHash"): Flux mainnet from 372,500 until proof-of-node blocks.
    public static let zelHash125_4 = try! EquihashParameters(n: 125, k: 4, personalization: "ZelProof", twist: true)
    /// (96,5) `ZcashPoW`: Zcash unit tests; a size fluxd's solution-length switch accepts.
    public static let zcash96_5 = try! EquihashParameters(n: 96, k: 5, personalization: "ZcashPoW")
    /// (48,5) `ZcashPoW`: Flux/Zcash regtest and Flux testnet.
    public static let zcash48_5 = try! EquihashParameters(n: 48, k: 5, personalization: "ZcashPoW")

    /// The parameters fluxd's `CheckEquihashSolution` infers from a solution's byte length alone.
    ///
    /// 1344→(200,9) `ZcashPoW`, 100→(144,5) `ZelProof`, 68→(96,5) `ZcashPoW`, 52→(125,4) ZelHash,
    /// 36→(48,5) `ZcashPoW`; any other size → nil (rejected). Whether the size is allowed at a given height is a
    /// separate, contextual check.
    /// - Parameter solutionSize: length of the packed solution in bytes (without the compactsize prefix).
    public static func flux(solutionSize: Int) -> EquihashParameters? {
        switch solutionSize {
        case 1344: return .zcash200_9
        case 100: return .zelProof144_5
        case 68: return .zcash96_5
        case 52: return .zelHash125_4
        case 36: return .zcash48_5
        default: return nil
        }
    }
}
