/// One Equihash parameter set a network uses for proof of work (fluxd's `EHparameters` plus the personalization
/// and twist that fluxd's `Equihash<N,K>` derives from (n, k)).
///
/// This is a description for consensus checks (which sizes are allowed at a height); the verifier itself lives in
/// `FluxEquihash`. fluxd picks the personalization tag and twist from (n, k) alone: `ZelProof` for (144,5) and
/// (125,4), `ZcashPoW` otherwise; the ZelHash twist only for (125,4).
public struct EquihashEpoch: Hashable, Sendable, CustomStringConvertible {
    /// Equihash n (bits per hash).
    public let n: Int
    /// Equihash k (rounds).
    public let k: Int

    /// Creates the parameter set (n, k) with fluxd's personalization and twist for it.
    public init(n: Int, k: Int) {
        precondition(n > 0 && k > 0 && n % (k + 1) == 0, "invalid Equihash parameters")
        self.n = n
        self.k = k
    }

    /// Serialized solution length in bytes: `2^k · (n/(k+1) + 1) / 8` (1344 for (200,9), 100 for (144,5),
    /// 52 for (125,4), 68 for (96,5), 36 for (48,5)).
    public var solutionSize: Int { (1 << k) * (n / (k + 1) + 1) / 8 }

    /// The 8-byte ASCII BLAKE2b personalization tag: `"ZelProof"` for (144,5) and (125,4), else `"ZcashPoW"`.
    /// The full 16-byte personalization is this tag ‖ LE32(n) ‖ LE32(k).
    public var personalizationTag: String {
        (n == 144 && k == 5) || (n == 125 && k == 4) ? "ZelProof" : "ZcashPoW"
    }

    /// True for (125,4), the only set using the ZelHash prefix-sum "twist".
    public var twist: Bool { n == 125 && k == 4 }

    /// Zcash's original (200,9), Flux's first epoch (mainnet before 125,100).
    public static let zcash200_9 = EquihashEpoch(n: 200, k: 9)
    /// (144,5) "ZelProof", Flux's second mainnet epoch.
    public static let zelProof144_5 = EquihashEpoch(n: 144, k: 5)
    /// (125,4) "ZelHash" with the twist, Flux's third mainnet epoch (from 372,500 until PoN).
    public static let zelHash125_4 = EquihashEpoch(n: 125, k: 4)
    /// (48,5), the small set testnet and regtest use.
    public static let zcash48_5 = EquihashEpoch(n: 48, k: 5)

    /// `"(n,k)"`, e.g. `"(125,4)"`.
    public var description: String { "(\(n),\(k))" }
}
