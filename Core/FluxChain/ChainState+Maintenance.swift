import FluxConsensus
import FluxPrimitives
import FluxStorage

extension ChainState {
    /// Marks a block invalid by operator decision (`invalidateblock`): it and its descendants leave the active
    /// chain, and the best remaining chain becomes active.
    public func invalidateBlock(_ hash: Hash256) throws(ChainError) {
        lock.lock(); defer { lock.unlock() }
        guard let entry = index[hash] else {
            throw .rejected(RejectReason("block-not-found", "no block \(hash)"))
        }
        guard entry.height > 0 else { throw .rejected(RejectReason("invalid-genesis", "genesis cannot be invalidated")) }
        if entry.height < active.count && active[entry.height] === entry {
            while active.count > entry.height { try disconnectTip() }
        }
        markInvalid(entry)
        lastFailure[hash] = RejectReason("invalidated", "invalidated by the operator")
        try commitPending()
        rebuildCandidates()
        try activateBestChain()
    }

    /// Clears invalid marks set on `hash`, its ancestors and descendants (`reconsiderblock`), then re-activates.
    public func reconsiderBlock(_ hash: Hash256) throws(ChainError) {
        lock.lock(); defer { lock.unlock() }
        guard let entry = index[hash] else {
            throw .rejected(RejectReason("block-not-found", "no block \(hash)"))
        }
        for e in index.values where e.isFailed
            && (e.ancestor(at: entry.height) === entry || entry.ancestor(at: e.height) === e) {
            e.status.remove([.failed, .failedChild])
            lastFailure[e.hash] = nil
            pending.putIndex(e.record)
        }
        try commitPending()
        rebuildCandidates()
        try activateBestChain()
    }

    func rebuildCandidates() {
        candidates = Set(index.values.filter { isCandidate($0) }.map(\.hash))
    }

    /// A digest of the committed UTXO set (every outpoint and coin in key order) and its size, as
    /// `gettxoutsetinfo` reports; commits pending changes first.
    public func utxoSetDigest() throws(ChainError) -> (hash: Hash256, count: Int, total: Amount) {
        lock.lock(); defer { lock.unlock() }
        try commitPending()
        var writer = ByteWriter(capacity: 1 << 16)
        var hashes: [UInt8] = []
        var count = 0
        var total: Int64 = 0
        do {
            try store.forEachCoin { outpoint, coin in
                outpoint.encode(to: &writer)
                writer.writeBytes(coin.encoded())
                count += 1
                total += coin.output.value.units
                if writer.bytes.count > 1 << 16 {
                    hashes += Hashing.sha256d(writer.bytes).bytes
                    writer = ByteWriter(capacity: 1 << 16)
                }
                return true
            }
        } catch let error as StorageError { throw .storage(error) } catch { throw .storage(StorageError("\(error)")) }
        hashes += Hashing.sha256d(writer.bytes).bytes
        return (Hashing.sha256d(hashes), count, Amount(units: total))
    }
}
