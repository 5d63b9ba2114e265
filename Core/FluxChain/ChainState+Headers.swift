import FluxConsensus
import FluxPrimitives
import FluxStorage
import Foundation

extension ChainState {
    /// Accepts a header on any branch after checking its proof and its context (parent, height rules, time,
    /// difficulty, version, checkpoints). Returns the index entry (existing or new).
    @discardableResult
    public func acceptHeader(_ header: BlockHeader) throws(ChainError) -> BlockIndexEntry {
        try acceptHeader(header, solutionVerified: false)
    }

    /// Accepts a run of headers (a `headers` message): their Equihash solutions are verified in parallel on
    /// all cores first, then each header is checked in context and added in order. Stops at the first failure
    /// and throws it; headers accepted before it stay.
    @discardableResult
    public func acceptHeaders(_ headers: [BlockHeader]) throws(ChainError) -> [BlockIndexEntry] {
        let failures = FailureSlot()
        let params = self.params
        // New headers, and known ones still waiting for their solution (accepted from compact headers).
        let indices = headers.indices.filter { i in
            !headers[i].isProofOfNode && (entry(headers[i].hash).map(\.lacksSolution) ?? true)
        }
        DispatchQueue.concurrentPerform(iterations: indices.count) { i in
            if failures.isSet { return }
            do throws(RejectReason) { try ProofOfWork.checkSolution(headers[indices[i]], params: params) } catch { failures.set(error) }
        }
        if let failure = failures.value { throw .rejected(failure) }
        var entries: [BlockIndexEntry] = []
        for header in headers { entries.append(try acceptHeader(header, solutionVerified: true)) }
        return entries
    }

    func acceptHeader(_ header: BlockHeader, solutionVerified: Bool) throws(ChainError) -> BlockIndexEntry {
        lock.lock(); defer { lock.unlock() }
        let hash = header.hash
        if let existing = index[hash] {
            if existing.isFailed { throw .rejected(RejectReason("duplicate-invalid", "block \(hash) is known invalid")) }
            guard existing.lacksSolution else { return existing }
            if TrustedHeader(header: header, hash: hash).header == existing.header {
                try completeTrustedHeader(existing, with: header, solutionVerified: solutionVerified)
                return existing
            }
            // The compact header claimed this hash with other fields: forget it (and what was built on it) and
            // take this header as new.
            try forgetTrustedHeader(existing)
        }
        guard let parent = index[header.previousBlockHash] else {
            throw .rejected(RejectReason("prev-blk-not-found", "parent \(header.previousBlockHash) of \(hash) is unknown"))
        }
        if parent.isFailed {
            throw .rejected(RejectReason("bad-prevblk", "parent \(parent.hash) is invalid"))
        }
        let height = parent.height + 1
        do {
            try checkHeader(header, hash: hash, parent: parent, height: height,
                            solution: solutionVerified ? .sizeOnly : .verify)
        } catch { throw .rejected(error) }
        return try addEntry(header, hash: hash, parent: parent)
    }

    /// Adds a checked header to the index and persists its entry.
    func addEntry(_ header: BlockHeader, hash: Hash256, parent: BlockIndexEntry) throws(ChainError) -> BlockIndexEntry {
        let height = parent.height + 1
        let work: UInt256 = header.isProofOfNode ? UInt256(1) << 40 : UInt256.fromCompact(header.bits).value.workForTarget
        let entry = BlockIndexEntry(hash: hash, header: header, height: height, chainWork: parent.chainWork &+ work,
                                    parent: parent, status: [.headerValid], transactionCount: 0, sequence: nextSequence)
        nextSequence += 1
        register(entry)
        var batch = ChainBatch()
        batch.putIndex(entry.record)
        do { try store.commit(batch, sync: false) } catch {
            index[hash] = nil
            children[parent.hash]?.removeLast()
            throw .storage(error)
        }
        return entry
    }

    /// How much of a proof-of-work header's Equihash solution `checkHeader` verifies.
    enum SolutionCheck {
        /// Verify the solution (and its size at the height).
        case verify
        /// The solution was verified already (in parallel): check only its size at the height.
        case sizeOnly
        /// The header is a trusted compact one without a solution; `hash` is the sender's and is only checked
        /// against the target.
        case trusted
    }

    /// `ContextualCheckBlockHeader` plus the proof checks.
    func checkHeader(_ header: BlockHeader, hash: Hash256, parent: BlockIndexEntry, height: Int,
                     solution: SolutionCheck) throws(RejectReason) {
        let pon = params.isProofOfNode(at: height)
        if header.version < ConsensusConstants.minBlockVersion {
            throw RejectReason("bad-version", "block version \(header.version) is below 4")
        }
        if header.isProofOfNode && !pon {
            throw RejectReason("premature-pon-block", "Proof-of-Node header at height \(height), before PoN activates")
        }
        if pon && !header.isProofOfNode {
            throw RejectReason("not-pon-block", "height \(height) requires a Proof-of-Node header")
        }
        if let checkpoint = params.checkpoint(at: height), checkpoint.hash != hash {
            throw RejectReason("checkpoint-mismatch", "block \(hash) at height \(height) differs from checkpoint \(checkpoint.hash)")
        }
        if let last = params.lastCheckpoint, height <= last.height, active.count > last.height,
           active[height - 1] !== parent {
            throw RejectReason("bad-fork-prior-to-checkpoint", "fork at height \(height) is below checkpoint \(last.height)")
        }
        let lookup = EntryAncestors(entry: parent)
        let last = ChainHeaderInfo(height: parent.height, time: parent.header.time, bits: parent.header.bits)
        if header.isProofOfNode {
            try ProofOfNode.checkHash(header, params: params)
            if header.time <= parent.header.time {
                throw RejectReason("time-too-old", "PoN block time \(header.time) is not after its parent's \(parent.header.time)")
            }
        } else {
            switch solution {
            case .verify: try ProofOfWork.checkSolution(header, params: params, height: height)
            case .sizeOnly: try ProofOfWork.checkSolutionSize(header, params: params, height: height)
            case .trusted: break
            }
            try ProofOfWork.checkTarget(hash: hash, bits: header.bits, params: params)
            let mtp = Difficulty.medianTimePast(last: last, ancestors: lookup)
            if header.time <= mtp {
                throw RejectReason("time-too-old", "block time \(header.time) is not after the median time past \(mtp)")
            }
        }
        let tipHeight = active.count - 1
        let lwma = params.upgrades.activationHeight(of: .lwma).map { tipHeight >= $0 } ?? false
        let limit: Int64 = !lwma ? 7200 : (header.isProofOfNode ? 300 : 360)
        if Int64(header.time) > options.now() + limit {
            throw RejectReason("time-too-new", "block time \(header.time) is more than \(limit) s in the future")
        }
        let required = Difficulty.requiredBits(params: params, last: last, nextTime: header.time, ancestors: lookup)
        if header.bits != required {
            throw RejectReason("bad-diffbits", "nBits \(hex(header.bits)) at height \(height), expected \(hex(required))")
        }
    }

    private func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
}

/// Ancestors of a branch, for difficulty and median-time rules.
struct EntryAncestors: AncestorLookup {
    let entry: BlockIndexEntry
    func ancestor(at height: Int) -> ChainHeaderInfo? {
        guard let e = entry.ancestor(at: height) else { return nil }
        return ChainHeaderInfo(height: e.height, time: e.header.time, bits: e.header.bits)
    }
}
