import FluxPrimitives

/// The target (`nBits`) rules of fluxd: `GetNextWorkRequired` for proof-of-work blocks (`src/pow.cpp`),
/// `GetNextPONWorkRequired` for Proof-of-Node blocks (`src/pon/pon.cpp`) and `GetMedianTimePast`.
///
/// Arithmetic follows fluxd: times are 64-bit signed integers, targets are 256-bit unsigned integers in which
/// sums and products wrap modulo 2^256 and divisions truncate. Compact values are decoded as `SetCompact`
/// does (sign and overflow flags ignored, except where fluxd checks them) and encoded with `GetCompact`.
///
/// **Upgrades that never activate.** fluxd stores "never" as activation height −1 and some comparisons then
/// misbehave (e.g. `eh_epoch_1_end()` becomes 9, `n < −1` is false). Here "never" means exactly that:
/// - the Equihash 144/5 reset window and the ZelHash ramp exist only when ``NetworkUpgrade/equihash144_5`` /
///   ``NetworkUpgrade/kamiooka`` have a height;
/// - the algorithm is chosen by the newest active upgrade: LWMA3 where ``NetworkUpgrade/acadia`` is active,
///   else LWMA where ``NetworkUpgrade/lwma`` is active, else Digishield v3. With fluxd's ordered heights this is
///   identical to its `n < LWMA` / `n < Acadia` comparisons.
///
/// So the project's regtest (every upgrade "never", `powAllowMinDifficultyBlocksAfterHeight` = 0) runs the
/// minimum-difficulty rule and Digishield v3 at every PoW height.
public enum Difficulty {
    /// fluxd's LWMA future-time limit used as the lower solvetime clamp (`FTL`, fixed at 360 s).
    static let lwmaFutureTimeLimit: Int64 = 360
    /// Blocks after the Equihash 144/5 fade during which the target is reset to `powLimit` (61).
    static let equihash144ResetBlocks = 61
    /// Blocks after the ZelHash fade during which the LWMA3 target is ramped (64).
    static let zelHashRampBlocks = 64
    /// Minimum-difficulty rule: a block more than this many PoW target spacings after its parent may use
    /// `powLimit`. fluxd's `pow.cpp` uses 2 (`nPowTargetSpacing * 2`, changed from zcashd's 6 when the 2021
    /// testnet was made easy to mine); its comment still says 6.
    static let minDifficultySpacings: Int64 = 2

    // MARK: Public entry points

    /// fluxd GetNextWorkRequired for a PoW block at height `last.height + 1` with time `nextTime`.
    ///
    /// Steps, in fluxd's order (protocol notes §1.7):
    /// 1. Equihash 144/5 reset: with E1 = activation(144/5) + fade − 1, if E1 − 1 < `last.height` < E1 + 61 → `powLimit`.
    /// 2. ZelHash ramp: with E2 = activation(Kamiooka) + fade − 1, if E2 − 1 < `last.height` < E2 + 64 → the LWMA3
    ///    target T plus (T >> 5) × m, m = (E2 + 61 − `last.height`) taken modulo 2^64 and then truncated to 32 bits
    ///    (fluxd multiplies an `arith_uint256` by an `unsigned long`, which converts to `uint32_t`), everything
    ///    modulo 2^256, capped at `powLimit`.
    /// 3. Minimum difficulty (only when `powAllowMinDifficultyBlocksAfterHeight` is set and `last.height` ≥ it):
    ///    `nextTime` > `last.time` + 2 × `powTargetSpacing` → `powLimit`.
    /// 4. Fewer than 17 (`digishield.averagingWindow`) blocks before the new one, i.e. no block at
    ///    `last.height − 17` → `powLimit`.
    /// 5–7. Digishield v3, LWMA or LWMA3 by height (see the type's notes on upgrades that never activate).
    ///
    /// A lookup that is missing a block the chosen rule needs (fluxd would dereference null) gives `powLimit`,
    /// as does LWMA at `last.height` ≤ N (fluxd asserts there).
    public static func nextWorkRequired(params: ChainParameters, last: ChainHeaderInfo, nextTime: UInt32,
                                        ancestors: some AncestorLookup) -> UInt32 {
        let branch = Branch(last: last, lookup: ancestors)
        let powLimit = UInt256(params.powLimit.target)
        let limitBits = powLimit.compact
        let fade = params.equihashFadeLength

        // 1. Reset after the switch to Equihash 144/5.
        if let activation = params.upgrades.activationHeight(of: .equihash144_5) {
            let e1 = activation + fade - 1
            if last.height > e1 - 1 && last.height < e1 + equihash144ResetBlocks { return limitBits }
        }

        // 2. Ramp after the switch to ZelHash.
        if let activation = params.upgrades.activationHeight(of: .kamiooka) {
            let e2 = activation + fade - 1
            if last.height > e2 - 1 && last.height < e2 + zelHashRampBlocks {
                let lwma3Bits = lwma3(params: params, branch: branch)
                var full = UInt256.fromCompact(lwma3Bits).value
                let multiplier = UInt32(truncatingIfNeeded: UInt64(bitPattern: Int64(e2 + 61 - last.height)))
                let step = (full >> 5) &* UInt64(multiplier)
                full = full &+ step
                if full > powLimit { full = powLimit }
                return full.compact
            }
        }

        // 3. Testnet-style minimum difficulty.
        if let after = params.powAllowMinDifficultyBlocksAfterHeight, last.height >= after,
           Int64(nextTime) > Int64(last.time) + Int64(params.powTargetSpacing) * minDifficultySpacings {
            return limitBits
        }

        // 4. Enough history for the averaging window.
        let window = params.digishield.averagingWindow
        guard let first = branch.at(last.height - window) else { return limitBits }

        // 5–7. The algorithm of the era.
        let next = last.height + 1
        if params.upgrades.isActive(.acadia, at: next) {
            return lwma3(params: params, branch: branch)
        }
        if params.upgrades.isActive(.lwma, at: next) {
            return lwma(params: params, branch: branch)
        }
        var total = UInt256.zero
        for height in (first.height + 1)...last.height {
            guard let block = branch.at(height) else { return limitBits }
            total = total &+ UInt256.fromCompact(block.bits).value
        }
        let average = total / UInt64(window)
        return digishield(params: params, average: average,
                          lastMedianTime: Int64(medianTimePast(last: last, ancestors: ancestors)),
                          firstMedianTime: Int64(medianTimePast(last: first, ancestors: ancestors)))
    }

    /// fluxd GetNextPONWorkRequired for the block after `last`.
    ///
    /// With W = `ponDifficultyWindow` and n = `last.height + 1`:
    /// - PoN never activates, or n < activation → `last.bits`;
    /// - n < activation + W → `ponStartLimit`;
    /// - otherwise first = the block W − 1 below `last`; actual = `last.time` − first.time (64-bit);
    ///   targetSpan = (W − 1) × `ponTargetSpacing`; actual is clamped to [targetSpan·4/5, targetSpan·5/4]
    ///   (integer divisions); new = prevTarget / targetSpan × actual (divided first, as fluxd), capped at
    ///   `ponLimit`; a zero result gives `ponLimit`.
    ///
    /// As in fluxd, a `last.bits` that decodes negative, overflowing or zero gives `ponLimit`, and a missing first
    /// block (or one below activation) gives `ponStartLimit`.
    public static func nextPONWorkRequired(params: ChainParameters, last: ChainHeaderInfo,
                                           ancestors: some AncestorLookup) -> UInt32 {
        let branch = Branch(last: last, lookup: ancestors)
        let ponLimit = UInt256(params.ponLimit.target)
        let limitBits = ponLimit.compact
        let startBits = UInt256(params.ponStartLimit.target).compact
        let next = last.height + 1
        guard let activation = params.upgrades.activationHeight(of: .pon), next >= activation else {
            return last.bits
        }
        let window = params.ponDifficultyWindow
        if next < activation + window { return startBits }

        guard let first = branch.at(last.height - (window - 1)), first.height >= activation else {
            return startBits
        }
        var actual = Int64(last.time) - Int64(first.time)
        let targetSpan = Int64(window - 1) * Int64(params.ponTargetSpacing)
        guard targetSpan > 0 else { return limitBits }
        if actual < targetSpan * 4 / 5 { actual = targetSpan * 4 / 5 }
        if actual > targetSpan * 5 / 4 { actual = targetSpan * 5 / 4 }

        let (previous, negative, overflow) = UInt256.fromCompact(last.bits)
        if negative || overflow || previous.isZero { return limitBits }
        var target = (previous / UInt64(targetSpan)) &* UInt64(actual)
        if target > ponLimit { target = ponLimit }
        if target.isZero { target = ponLimit }
        return target.compact
    }

    /// Median of the times of the last 11 blocks ending at `last` (fewer near genesis), as GetMedianTimePast.
    ///
    /// The times are sorted and the element at index count/2 is returned, so with an even count (near genesis) it
    /// is the upper of the two middle values. Collection stops at the first block the lookup does not know.
    public static func medianTimePast(last: ChainHeaderInfo, ancestors: some AncestorLookup) -> UInt32 {
        let branch = Branch(last: last, lookup: ancestors)
        var times: [UInt32] = []
        times.reserveCapacity(medianTimeSpan)
        var height = last.height
        while times.count < medianTimeSpan, let block = branch.at(height) {
            times.append(block.time)
            height -= 1
        }
        times.sort()
        return times[times.count / 2]
    }

    /// The rule dispatcher used by validation: the nBits a block at `height` (PoW or PoN per params.isProofOfNode) must carry.
    ///
    /// The block's height is `last.height + 1`; `nextTime` (its header time) only matters for the PoW
    /// minimum-difficulty rule.
    public static func requiredBits(params: ChainParameters, last: ChainHeaderInfo, nextTime: UInt32,
                                    ancestors: some AncestorLookup) -> UInt32 {
        if params.isProofOfNode(at: last.height + 1) {
            return nextPONWorkRequired(params: params, last: last, ancestors: ancestors)
        }
        return nextWorkRequired(params: params, last: last, nextTime: nextTime, ancestors: ancestors)
    }

    /// Blocks in the median-time-past window (`nMedianTimeSpan`).
    static let medianTimeSpan = 11
}
