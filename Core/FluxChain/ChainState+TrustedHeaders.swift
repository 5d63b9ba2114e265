import FluxConsensus
import FluxPrimitives
import FluxStorage

extension ChainState {
    /// Accepts a run of trusted compact headers (a `cmpheaders` message, see `TrustedHeader`), in order.
    ///
    /// Each must link to a known header and lie at or below the last checkpoint (`cmpheader-above-checkpoint`
    /// otherwise); a header at a checkpoint height must carry the checkpoint's hash (`checkpoint-mismatch`).
    /// Everything else `acceptHeader(_:)` checks in context is checked too (version, proof type, median time,
    /// future time, difficulty, target against the claimed hash, no fork below a passed checkpoint), except the
    /// Equihash solution, which is missing: the new entries have `lacksSolution` set and no data, so block
    /// download fetches them; the solution is verified when the block (or a full header) with that hash arrives.
    /// Stops at the first failure and throws it; headers accepted before it stay.
    @discardableResult
    public func acceptTrustedHeaders(_ headers: [TrustedHeader]) throws(ChainError) -> [BlockIndexEntry] {
        lock.lock(); defer { lock.unlock() }
        var entries: [BlockIndexEntry] = []
        entries.reserveCapacity(headers.count)
        for header in headers { entries.append(try acceptTrustedHeader(header)) }
        return entries
    }

    func acceptTrustedHeader(_ trusted: TrustedHeader) throws(ChainError) -> BlockIndexEntry {
        let header = trusted.header
        let hash = trusted.hash
        if header.isProofOfNode && header.hash != hash {
            throw .rejected(RejectReason("bad-cmpheader-hash",
                                         "Proof-of-Node compact header hashes to \(header.hash), not the claimed \(hash)"))
        }
        let limit = params.lastCheckpoint?.height ?? 0
        func aboveCheckpoint(_ height: Int) -> ChainError {
            .rejected(RejectReason("cmpheader-above-checkpoint",
                                   "compact header \(hash) at height \(height) is above the last checkpoint (\(limit))"))
        }
        if let existing = index[hash] {
            if existing.isFailed { throw .rejected(RejectReason("duplicate-invalid", "block \(hash) is known invalid")) }
            if existing.height > limit { throw aboveCheckpoint(existing.height) }
            return existing
        }
        guard let parent = index[header.previousBlockHash] else {
            throw .rejected(RejectReason("prev-blk-not-found", "parent \(header.previousBlockHash) of \(hash) is unknown"))
        }
        if parent.isFailed {
            throw .rejected(RejectReason("bad-prevblk", "parent \(parent.hash) is invalid"))
        }
        let height = parent.height + 1
        if height > limit { throw aboveCheckpoint(height) }
        do {
            try checkHeader(header, hash: hash, parent: parent, height: height,
                            solution: header.isProofOfNode ? .verify : .trusted)
        } catch { throw .rejected(error) }
        return try addEntry(header, hash: hash, parent: parent)
    }

    /// Removes an entry accepted on trust whose full header turned out to differ from the compact one (the
    /// sender vouched for a real hash with false fields), with every entry built on it. None of them can be on
    /// the active chain or a candidate (the entry never had data); stored bodies of descendants are deleted too.
    /// Called with the lock held.
    func forgetTrustedHeader(_ entry: BlockIndexEntry) throws(ChainError) {
        var doomed: [BlockIndexEntry] = []
        var frontier = [entry]
        while let e = frontier.popLast() {
            doomed.append(e)
            frontier.append(contentsOf: children[e.hash] ?? [])
        }
        var batch = ChainBatch()
        for e in doomed {
            batch.deleteIndex(e.hash)
            if e.status.contains(.haveData) { batch.deleteBlock(e.hash) }
        }
        do { try store.commit(batch, sync: false) } catch { throw .storage(error) }
        for e in doomed {
            index[e.hash] = nil
            children[e.hash] = nil
            candidates.remove(e.hash)
            lastFailure[e.hash] = nil
        }
        if let parent = entry.parent { children[parent.hash]?.removeAll { $0 === entry } }
    }

    /// The full header of an entry accepted on trust has arrived with the same fields (the caller compared
    /// them, so every contextual check already applied to it): verify its Equihash solution and keep it. An invalid solution makes the block
    /// invalid (the hash commits to the solution). Called with the lock held.
    func completeTrustedHeader(_ entry: BlockIndexEntry, with header: BlockHeader,
                               solutionVerified: Bool) throws(ChainError) {
        do throws(RejectReason) {
            if solutionVerified {
                try ProofOfWork.checkSolutionSize(header, params: params, height: entry.height)
            } else {
                try ProofOfWork.checkSolution(header, params: params, height: entry.height)
            }
        } catch {
            lastFailure[entry.hash] = error
            markInvalid(entry)
            try commitPending()
            throw .rejected(error)
        }
        let trusted = entry.header
        entry.header = header
        var batch = ChainBatch()
        batch.putIndex(entry.record)
        do { try store.commit(batch, sync: false) } catch {
            entry.header = trusted
            throw .storage(error)
        }
    }
}
