import FluxPrimitives

extension Difficulty {
    /// Digishield v3 (`DigishieldCalculateNextWorkRequired`), given the average target of the last 17 blocks and the
    /// median times past of `last` and of the block 17 below it.
    ///
    /// actual = lastMTP − firstMTP; actual = W + (actual − W)/4 with C++ truncation toward zero (Swift's `/` on
    /// `Int64` truncates the same way), W = window × spacing; clamped to [min, max] actual timespan; then
    /// new = average / W × actual (divided first), capped at `powLimit`.
    static func digishield(params: ChainParameters, average: UInt256, lastMedianTime: Int64,
                           firstMedianTime: Int64) -> UInt32 {
        let spacing = params.powTargetSpacing
        let window = Int64(params.digishield.averagingWindowTimespan(targetSpacing: spacing))
        let minimum = Int64(params.digishield.minActualTimespan(targetSpacing: spacing))
        let maximum = Int64(params.digishield.maxActualTimespan(targetSpacing: spacing))
        var actual = lastMedianTime - firstMedianTime
        actual = window + (actual - window) / 4
        if actual < minimum { actual = minimum }
        if actual > maximum { actual = maximum }
        let powLimit = UInt256(params.powLimit.target)
        var target = (average / UInt64(window)) &* UInt64(actual)
        if target > powLimit { target = powLimit }
        return target.compact
    }

    /// Zawy's LWMA v1 (`LWMACalculateNextWorkRequired`), N = `lwmaAveragingWindow`, T = `powTargetSpacing`,
    /// k = N(N+1)T/2, FTL = 360 s.
    ///
    /// For the N blocks ending at `last` (j = 1…N, oldest first): solvetime = clamp(t_i − t_{i−1}, −FTL, 6T),
    /// weighted time t += j · solvetime, and `sum += target_i / (k·N)` — each target is divided **before** it is
    /// added, exactly as fluxd's loop does, so the rounding of every term is lost separately. Then t = max(t, k/10)
    /// and next = t · sum (mod 2^256), capped at `powLimit`.
    ///
    /// fluxd asserts `last.height > N`; here that case (and any missing ancestor) gives `powLimit`.
    static func lwma<L: AncestorLookup>(params: ChainParameters, branch: Branch<L>) -> UInt32 {
        let powLimit = UInt256(params.powLimit.target)
        let spacing = Int64(params.powTargetSpacing)
        let n = Int64(params.lwmaAveragingWindow)
        let k = n * (n + 1) * spacing / 2
        let height = branch.last.height
        guard Int64(height) > n else { return powLimit.compact }

        var sum = UInt256.zero
        var weighted: Int64 = 0
        var j: Int64 = 0
        for i in (height - Int(n) + 1)...height {
            guard let block = branch.at(i), let previous = branch.at(i - 1) else { return powLimit.compact }
            var solvetime = Int64(block.time) - Int64(previous.time)
            solvetime = max(-lwmaFutureTimeLimit, min(solvetime, 6 * spacing))
            j += 1
            weighted += solvetime * j
            sum = sum &+ UInt256.fromCompact(block.bits).value / UInt64(k * n)
        }
        if weighted < k / 10 { weighted = k / 10 }
        var next = sum &* UInt64(weighted)
        if next > powLimit { next = powLimit }
        return next.compact
    }

    /// Zawy's LWMA3 as fluxd has it (`Lwma3CalculateNextWorkRequired`).
    ///
    /// Same N, T, k as ``lwma(params:branch:)``, but timestamps are made monotonic (this = max(t_i, previous + 1),
    /// starting from the time of the block N below `last`), solvetime = min(6T, this − previous) with no negative
    /// clamp and no k/10 floor; `sum += target_i / (k·N)` per block (divided before summing). Then next = t · sum,
    /// limited to at most `prev·150/100` and at least `prev·67/100` (prev = the target of `last`; the products
    /// wrap modulo 2^256 as `arith_uint256` does, which matters for targets near 2^256 such as testnet's limit),
    /// in that order, and finally capped at `powLimit`.
    ///
    /// `last.height` < N gives `powLimit` (as fluxd); so does a missing ancestor.
    static func lwma3<L: AncestorLookup>(params: ChainParameters, branch: Branch<L>) -> UInt32 {
        let powLimit = UInt256(params.powLimit.target)
        let spacing = Int64(params.powTargetSpacing)
        let n = Int64(params.lwmaAveragingWindow)
        let k = n * (n + 1) * spacing / 2
        let height = branch.last.height
        guard Int64(height) >= n, let start = branch.at(height - Int(n)) else { return powLimit.compact }

        var sum = UInt256.zero
        var previousTarget = UInt256.zero
        var weighted: Int64 = 0
        var j: Int64 = 0
        var previousTime = Int64(start.time)
        for i in (height - Int(n) + 1)...height {
            guard let block = branch.at(i) else { return powLimit.compact }
            let time = Int64(block.time)
            let thisTime = time > previousTime ? time : previousTime + 1
            let solvetime = min(6 * spacing, thisTime - previousTime)
            previousTime = thisTime
            j += 1
            weighted += solvetime * j
            let target = UInt256.fromCompact(block.bits).value
            sum = sum &+ target / UInt64(k * n)
            if i == height { previousTarget = target }
        }
        // Solvetimes are at least 1 s each, so the weighted sum is positive.
        var next = sum &* UInt64(weighted)
        let upper = (previousTarget &* 150) / 100
        if next > upper { next = upper }
        let lower = (previousTarget &* 67) / 100
        if lower > next { next = lower }
        if next > powLimit { next = powLimit }
        return next.compact
    }
}
