import FluxConsensus
import FluxPrimitives

extension ChainState {
    /// The nBits a block on the current tip must carry if stamped with `time`.
    public func requiredBitsForNextBlock(time: UInt32) -> UInt32 {
        lock.lock(); defer { lock.unlock() }
        let tip = active[active.count - 1]
        return Difficulty.requiredBits(params: params, last: info(tip), nextTime: time,
                                       ancestors: EntryAncestors(entry: tip))
    }

    /// Why block `hash` was found invalid in this run (nil when it was not, or only before a restart).
    public func failureReason(_ hash: Hash256) -> RejectReason? {
        lock.lock(); defer { lock.unlock() }
        return lastFailure[hash]
    }

    /// Every head of the block tree at or above `minHeight` plus the active tip, highest first (fluxd's
    /// `getchaintips`): an entry is a head when no entry at or above `minHeight` builds on it. A `minHeight` below 0
    /// or above the tip's height counts as 0, as in fluxd.
    public func chainTips(minHeight requested: Int = 0) -> [ChainTip] {
        lock.lock(); defer { lock.unlock() }
        let tipEntry = active[active.count - 1]
        let minHeight = requested < 0 || requested > tipEntry.height ? 0 : requested
        var referenced = Set<Hash256>()
        var recent: [BlockIndexEntry] = []
        for e in index.values where e.height >= minHeight {
            recent.append(e)
            if let p = e.parent, p.height >= minHeight { referenced.insert(p.hash) }
        }
        var heads = recent.filter { !referenced.contains($0.hash) }
        if !heads.contains(where: { $0 === tipEntry }) { heads.append(tipEntry) }
        heads.sort { ($0.height, $1.hash.description) > ($1.height, $0.hash.description) }
        return heads.map { e in
            let fork = forkPoint(tipEntry, e)
            return ChainTip(hash: e.hash, height: e.height, branchLength: e.height - fork.height, status: tipStatus(e))
        }
    }

    /// fluxd's `GetNetworkHashPS`: the chain work added over the `lookup` blocks before the active block at
    /// `height` (the tip when `height` is negative or not below the tip's), divided by the span of those blocks'
    /// times, in solutions per second. A non-positive `lookup` means the Digishield averaging window; one longer
    /// than the chain is cut to it. 0 at genesis or when all the times are equal.
    public func networkSolutionsPerSecond(lookup requested: Int, height: Int) -> Int {
        lock.lock(); defer { lock.unlock() }
        let tipHeight = active.count - 1
        let end = height >= 0 && height < tipHeight ? active[height] : active[tipHeight]
        guard end.height > 0 else { return 0 }
        let lookup = min(requested <= 0 ? params.digishield.averagingWindow : requested, end.height)
        var minTime = Int64(end.header.time)
        var maxTime = minTime
        var start = end
        for _ in 0..<lookup {
            guard let parent = start.parent else { break }
            start = parent
            minTime = min(minTime, Int64(start.header.time))
            maxTime = max(maxTime, Int64(start.header.time))
        }
        guard minTime != maxTime else { return 0 }
        return Int((end.chainWork &- start.chainWork).doubleValue / Double(maxTime - minTime))
    }

    func tipStatus(_ e: BlockIndexEntry) -> ChainTip.Status {
        if e.height < active.count && active[e.height] === e { return .active }
        if e.isFailed { return .invalid }
        var walk: BlockIndexEntry? = e
        while let w = walk, !(w.height < active.count && active[w.height] === w) {
            if !w.status.contains(.haveData) { return .headersOnly }
            walk = w.parent
        }
        return e.status.contains(.scriptsValid) ? .validFork : .validHeaders
    }

    /// Median time past of the tip (the lower bound for the next PoW block's time, exclusive).
    public func medianTimePast() -> UInt32 {
        lock.lock(); defer { lock.unlock() }
        let tip = active[active.count - 1]
        return Difficulty.medianTimePast(last: info(tip), ancestors: EntryAncestors(entry: tip))
    }

    /// Hashes of the active chain for a block locator: the last 10 one by one, then exponentially sparser,
    /// ending with genesis.
    public func locator() -> [Hash256] {
        lock.lock(); defer { lock.unlock() }
        var hashes: [Hash256] = []
        var height = active.count - 1
        var step = 1
        while height > 0 {
            hashes.append(active[height].hash)
            if hashes.count >= 10 { step *= 2 }
            height -= step
        }
        hashes.append(active[0].hash)
        return hashes
    }

    /// The highest active-chain entry among `locator` (genesis if none matches).
    public func findFork(_ locator: [Hash256]) -> BlockIndexEntry {
        lock.lock(); defer { lock.unlock() }
        for hash in locator {
            if let e = index[hash], e.height < active.count, active[e.height] === e { return e }
        }
        return active[0]
    }

    /// The header with the most work that is not known invalid (may be ahead of the tip while syncing).
    public var bestHeader: BlockIndexEntry {
        lock.lock(); defer { lock.unlock() }
        var best = active[active.count - 1]
        for e in index.values where !e.isFailed && best.chainWork < e.chainWork { best = e }
        return best
    }

    func info(_ e: BlockIndexEntry) -> ChainHeaderInfo {
        ChainHeaderInfo(height: e.height, time: e.header.time, bits: e.header.bits)
    }
}
