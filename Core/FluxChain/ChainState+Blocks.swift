import FluxConsensus
import FluxPrimitives
import FluxStorage

extension ChainState {
    /// What happened to a block handed to `acceptBlock`.
    public enum BlockOutcome: Equatable, Sendable {
        /// The block is now the tip, or on the active chain.
        case connected
        /// Stored on a side branch with less work than the active chain.
        case storedOnSideBranch
        /// Already had it.
        case duplicate
    }

    /// Accepts a full block: header checks, context-free block checks, storage, then chain activation (which
    /// may reorganise). Throws when the block itself is invalid; a failure of some other candidate during
    /// activation is handled (that branch is marked invalid) and not thrown.
    @discardableResult
    public func acceptBlock(_ block: Block) throws(ChainError) -> BlockOutcome {
        lock.lock(); defer { lock.unlock() }
        let entry = try acceptHeader(block.header)
        if entry.status.contains(.haveData) { return .duplicate }
        do {
            try BlockRules.checkContextFree(block)
        } catch {
            // A bad body does not prove the header invalid (the body may have been mutated in transit), but
            // a merkle-matching invalid body does.
            if error.code != "bad-txnmrklroot" && error.code != "bad-txns-duplicate" {
                markInvalid(entry)
                try commitPending()
            }
            throw .rejected(error)
        }
        entry.status.insert([.haveData, .transactionsValid])
        entry.transactionCount = block.transactions.count
        // Arrival order counts from the body, as bitcoind's nSequenceId: a header announced early does not let a
        // block whose data came later win a tie.
        entry.sequence = nextSequence
        nextSequence += 1
        var batch = ChainBatch()
        batch.putBlock(block, hash: entry.hash)
        batch.putIndex(entry.record)
        do { try store.commit(batch, sync: false) } catch {
            entry.status.remove([.haveData, .transactionsValid])
            throw .storage(error)
        }
        if isCandidate(entry) { addCandidates(from: entry) }
        try activateBestChain()
        if entry.isFailed, let reason = lastFailure[entry.hash] { throw .rejected(reason) }
        return isActive(entry) ? .connected : .storedOnSideBranch
    }

    /// Adds `entry` and any stored descendants whose ancestry is complete.
    func addCandidates(from entry: BlockIndexEntry) {
        candidates.insert(entry.hash)
        var frontier = [entry]
        while let e = frontier.popLast() {
            for child in children[e.hash] ?? [] where child.status.contains(.haveData) && !child.isFailed {
                if candidates.insert(child.hash).inserted { frontier.append(child) }
            }
        }
    }

    /// The candidate with the most work (earliest seen on ties).
    func bestCandidate() -> BlockIndexEntry? {
        var best: BlockIndexEntry?
        for h in candidates {
            guard let e = index[h] else { continue }
            if let b = best {
                if Self.isBetter(e, than: b) { best = e }
            } else { best = e }
        }
        return best
    }

    /// fluxd's chain order (`CBlockIndexWorkComparator`): more work wins; among equal work, the block whose data
    /// arrived first.
    static func isBetter(_ a: BlockIndexEntry, than b: BlockIndexEntry) -> Bool {
        b.chainWork < a.chainWork || (b.chainWork == a.chainWork && a.sequence < b.sequence)
    }

    /// Moves the active chain to the best valid candidate, reorganising as needed. Candidates that fail are
    /// marked invalid with their descendants and the next best is tried. The best is chosen with fluxd's order
    /// (``isBetter(_:than:)``), so a failed reorganisation that stopped on a branch of equal work to the old tip
    /// goes back to the branch received first, as fluxd's `ActivateBestChain` does. Does nothing while a reindex
    /// is in progress (blocks stay stored for `continueReindex`).
    public func activateBestChain() throws(ChainError) {
        lock.lock(); defer { lock.unlock() }
        guard !reindexInProgress else { return }   // see `continueReindex`
        while !options.interruptRequested() {
            let current = active[active.count - 1]
            guard let best = bestCandidate(), best !== current, Self.isBetter(best, than: current) else { break }
            let fork = forkPoint(current, best)
            let depth = current.height - fork.height
            let maxDepth = options.maxReorgDepth ?? params.maxReorgDepth(tipHeight: current.height)
            if depth > maxDepth {
                // Refuse to reorganise this deep: drop the candidate branch from consideration.
                lastFailure[best.hash] = RejectReason("bad-reorg-too-deep",
                                                      "switching to \(best.hash) needs a \(depth)-block reorg (limit \(maxDepth))")
                candidates.remove(best.hash)
                continue
            }
            do {
                while active[active.count - 1] !== fork { try disconnectTip() }
                var path: [BlockIndexEntry] = []
                var walk: BlockIndexEntry? = best
                while let w = walk, w !== fork { path.append(w); walk = w.parent }
                for e in path.reversed() {
                    if options.interruptRequested() { break }
                    do {
                        try connect(e)
                    } catch {
                        guard case let .rejected(reason) = error else { throw error }
                        lastFailure[e.hash] = reason
                        markInvalid(e)
                        break
                    }
                }
                try commitPending()
            } catch let error as ChainError {
                try recoverFromFailedCommit()
                throw error
            } catch {
                try recoverFromFailedCommit()
                throw .storage(StorageError("\(error)"))
            }
        }
        try commitPending()
        let tipWork = active[active.count - 1].chainWork
        candidates = candidates.filter { index[$0].map { !($0.chainWork < tipWork) } ?? false }
    }

    /// The last common ancestor of two entries.
    func forkPoint(_ a: BlockIndexEntry, _ b: BlockIndexEntry) -> BlockIndexEntry {
        var x = a, y = b
        if x.height > y.height { x = x.ancestor(at: y.height)! }
        if y.height > x.height { y = y.ancestor(at: x.height)! }
        while x !== y { x = x.parent!; y = y.parent! }
        return x
    }

    /// Marks `entry` failed and every descendant failedChild, and drops them from the candidates.
    func markInvalid(_ entry: BlockIndexEntry) {
        entry.status.insert(.failed)
        candidates.remove(entry.hash)
        pending.putIndex(entry.record)
        for e in index.values where e !== entry && e.height > entry.height && e.ancestor(at: entry.height) === entry {
            e.status.insert(.failedChild)
            candidates.remove(e.hash)
            pending.putIndex(e.record)
        }
    }

    /// Commits everything pending as one atomic batch.
    func commitPending() throws(ChainError) {
        guard pendingBlocks > 0 || !pending.isEmpty || cache.dirtyCount > 0 else { return }
        var batch = pending
        cache.flush(into: &batch)
        batch.setTip(active[active.count - 1].hash)
        do { try store.commit(batch) } catch {
            try recoverFromFailedCommit()
            throw .storage(error)
        }
        pending = ChainBatch()
        pendingPluginWrites = false
        pendingBlocks = 0
        pendingUndo = [:]
        pendingLogicalTimes = [:]
        cache.trim()
        announce()
    }

    /// Delivers committed changes to the observers.
    func announce() {
        guard !pendingEvents.isEmpty else { return }
        let events = pendingEvents
        pendingEvents = []
        for event in events {
            for o in observers {
                switch event {
                case let .connected(b, e): o.blockConnected(b, entry: e)
                case let .disconnected(b, e): o.blockDisconnected(b, entry: e)
                }
            }
        }
        let tip = active[active.count - 1]
        for o in observers { o.tipChanged(tip) }
    }

    /// After a failed write: forget uncommitted state and return to the committed tip.
    func recoverFromFailedCommit() throws(ChainError) {
        cache.discardChanges()
        pendingEvents = []
        pending = ChainBatch()
        pendingPluginWrites = false
        pendingBlocks = 0
        pendingUndo = [:]
        pendingLogicalTimes = [:]
        let tipHash: Hash256?
        do { tipHash = try store.tip() } catch { throw .storage(error) }
        guard let t = tipHash.flatMap({ index[$0] }) else { return }
        active = []
        var walk: BlockIndexEntry? = t
        while let w = walk { active.append(w); walk = w.parent }
        active.reverse()
        candidates = Set(index.values.filter { isCandidate($0) }.map(\.hash))
    }

    /// Commits when enough is pending (import batching).
    func commitIfDue() throws(ChainError) {
        if pendingBlocks >= max(options.blocksPerCommit, 1) || cache.estimatedBytes > options.maxPendingBytes
            || pendingPluginWrites {
            try commitPending()
        }
    }
}

extension ChainState {
    /// Commits anything still pending (with `blocksPerCommit` above 1) and closes the database. Call once, at
    /// shutdown, after everything that uses the chain has stopped; the chain must not be used afterwards.
    public func close() throws(ChainError) {
        lock.lock()
        defer { lock.unlock() }
        try commitPending()
        store.close()
    }
}
