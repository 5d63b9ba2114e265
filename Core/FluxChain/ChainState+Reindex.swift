import FluxConsensus
import FluxPrimitives
import FluxStorage

/// `-reindex`: rebuilding the UTXO set (and the plugin namespaces the caller names) from the stored blocks.
///
/// The rule, for crashes included:
/// - ``beginReindex(clearingPluginNamespaces:)`` resets everything derived from the blocks in ONE atomic batch: coins,
///   undo data, validity marks, the named plugin namespaces, the tip (back to genesis), and a durable marker
///   (meta `"reindex_target"`: the hash of the tip to rebuild, the active tip when the reindex began, or the one an
///   interrupted reindex already recorded). A kill before the batch leaves the old state; after it, a consistent
///   "reindex in progress" state.
/// - While the marker is set, chain selection does nothing (opening the chain, accepted blocks and a new PoN
///   authority connect nothing before the judges are attached; blocks received meanwhile stay stored), and
///   ``continueReindex()`` connects the stored blocks from the committed tip to the target, in order, every judge
///   judging as in normal connection, each block committed with its plugin writes. The marker is deleted once
///   the target's block is committed (a kill in between only leaves the deletion to do). Any start resumes:
///   with `-reindex` it starts over (same target), without it continues from the last committed block.
/// - A block that is refused (or gets no verdict) stops the reindex with a ``ReindexError`` naming it: the block is
///   not marked invalid, the marker stays, and the next start tries it again (after the operator fixed, e.g., the
///   plugin configuration). The chain never silently settles below the target.
extension ChainState {
    /// Meta key of the "reindex in progress" marker (32 bytes: the target tip's hash).
    public static let reindexMarkerKey = "reindex_target"

    /// The tip a reindex in progress must reach, nil when none is in progress.
    public var reindexTarget: Hash256? {
        get throws(ChainError) {
            let raw: [UInt8]?
            do { raw = try store.meta(Self.reindexMarkerKey) } catch { throw .storage(error) }
            guard let raw else { return nil }
            guard raw.count == 32 else {
                throw .storage(StorageError("corrupt \(Self.reindexMarkerKey) record: \(raw.count) bytes, expected 32"))
            }
            return Hash256(raw)
        }
    }

    /// Rebuilds the UTXO set and the plugin namespaces `namespaces` from the stored blocks, in one call:
    /// ``beginReindex(clearingPluginNamespaces:)`` then ``continueReindex()``. Headers and bodies are kept. (The
    /// node begins before loading its plugins and continues once they are attached: see `Node.completeReindex`.)
    public func reindex(clearingPluginNamespaces namespaces: [String] = []) throws(ReindexError) {
        lock.lock(); defer { lock.unlock() }
        do { try beginReindex(clearingPluginNamespaces: namespaces) } catch {
            throw ReindexError(block: nil, reason: error, target: (tip.hash, tip.height), stoppedAt: height)
        }
        try continueReindex()
    }

    /// Resets the chain to genesis for a reindex, atomically: deletes every coin, every undo record and every key
    /// of `namespaces` (plugin namespaces), clears the validity marks of stored blocks, sets the tip to genesis and
    /// records the "reindex in progress" marker (see the extension's rule).
    public func beginReindex(clearingPluginNamespaces namespaces: [String]) throws(ChainError) {
        lock.lock(); defer { lock.unlock() }
        try commitPending()
        let target = try reindexTarget ?? active[active.count - 1].hash
        var batch = ChainBatch()
        do {
            var stale: [OutPoint] = []
            try store.forEachCoin { outpoint, _ in stale.append(outpoint); return true }
            for o in stale { batch.deleteCoin(o) }
            for namespace in namespaces { try store.clearPluginNamespace(namespace, into: &batch) }
            // The optional indexes are rebuilt with the blocks, as the options now ask for them.
            try store.clearIndexes(into: &batch)
        } catch let error as StorageError { throw .storage(error) } catch { throw .storage(StorageError("\(error)")) }
        let genesis = active[0]
        for e in index.values where e !== genesis {
            e.status.remove([.haveUndo, .scriptsValid, .failed, .failedChild])
            batch.deleteUndo(e.hash)
            batch.putIndex(e.record)
        }
        batch.putMeta(Self.reindexMarkerKey, Array(target.bytes))
        batch.setChainIndexes(options.indexes)
        batch.setTip(genesis.hash)
        do { try store.commit(batch, sync: true) } catch { throw .storage(error) }
        reindexInProgress = true
        cache.discardChanges()
        cache.clear()
        active = [genesis]
        pendingLogicalTimes = [:]
        lastFailure = [:]
        rebuildCandidates()
    }

    /// Connects the stored blocks from the committed tip to the reindex target, in order, with every judge, and
    /// clears the marker after the target's block; then lets normal chain selection run. Does nothing when no
    /// reindex is in progress. Throws a ``ReindexError`` naming the block that was refused or got no verdict.
    public func continueReindex() throws(ReindexError) {
        lock.lock(); defer { lock.unlock() }
        let targetHash: Hash256?
        do { targetHash = try reindexTarget } catch {
            throw ReindexError(block: nil, reason: error, target: (tip.hash, tip.height), stoppedAt: height)
        }
        guard let targetHash else { return }
        guard let target = index[targetHash] else {
            throw ReindexError(block: nil, reason: .storage(StorageError("the reindex target \(targetHash) is not in the block index")),
                               target: (targetHash, -1), stoppedAt: height)
        }
        func failure(_ block: BlockIndexEntry?, _ reason: ChainError) -> ReindexError {
            ReindexError(block: block.map { ($0.hash, $0.height) }, reason: reason,
                         target: (target.hash, target.height), stoppedAt: active.count - 1)
        }
        // A tip off the target's chain (only possible if something else connected blocks meanwhile): unwind.
        let fork = forkPoint(active[active.count - 1], target)
        do {
            while active[active.count - 1] !== fork { try disconnectTip() }
            try commitPending()
        } catch {
            try? recoverFromFailedCommit()
            throw failure(nil, error)
        }
        for height in (fork.height + 1)..<(target.height + 1) {
            if options.interruptRequested() {
                // Shutting down: keep what was connected (and the marker); the next start continues from here.
                do { try commitPending() } catch {
                    try? recoverFromFailedCommit()
                    throw failure(nil, error)
                }
                return
            }
            guard let entry = target.ancestor(at: height) else { break }
            guard entry.status.contains(.haveData) else {
                throw failure(entry, .storage(StorageError("block \(entry.hash) at height \(height) is not stored")))
            }
            do { try connect(entry) } catch {
                // The blocks before it are valid: keep them (and the marker), report this one.
                do { try commitPending() } catch { try? recoverFromFailedCommit() }
                throw failure(entry, error)
            }
        }
        do throws(ChainError) {
            // The target's block is committed first; a kill before the marker's deletion resumes at the target
            // and only deletes the marker.
            try commitPending()
            var done = ChainBatch()
            done.deleteMeta(Self.reindexMarkerKey)
            do { try store.commit(done, sync: true) } catch { throw .storage(error) }
            reindexInProgress = false
            // The rebuilt chain wins ties against stored branches of equal work, as it did on the live node.
            renumberSequences()
            rebuildCandidates()
            try activateBestChain()
        } catch {
            throw failure(nil, error)
        }
    }
}
