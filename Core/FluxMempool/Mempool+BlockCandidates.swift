import FluxConsensus
import FluxPrimitives

extension Mempool {
    /// Signature operations left for the coinbase when filling a block.
    static let coinbaseSigOpReserve = 100

    /// Transactions for a block template at height tip + 1, with their fees: FluxNode transactions first (in
    /// arrival order), then the others by fee rate (with `prioritise` fee deltas), highest first, a transaction only after all its pooled
    /// parents; at most `maxBytes` serialized bytes in all and `MAX_BLOCK_SIGOPS` less a coinbase reserve.
    /// A transaction that does not fit is skipped (with its descendants) and smaller ones are still tried.
    ///
    /// Call inside `chain.withLock` for a template consistent with the tip.
    public func blockCandidates(maxBytes: Int) -> [(transaction: Transaction, fee: Amount)] {
        locked {
            var out: [(transaction: Transaction, fee: Amount)] = []
            var used = 0
            var sigOps = 0
            let sigOpLimit = ConsensusConstants.maxBlockSigops - Self.coinbaseSigOpReserve
            let nodes = records.values.filter { $0.entry.transaction.isFluxNode }.sorted { $0.sequence < $1.sequence }
            for r in nodes where used + r.entry.size <= maxBytes {
                out.append((r.entry.transaction, r.entry.fee))
                used += r.entry.size
            }
            // The order uses fee rates with `prioritisetransaction`'s fee deltas; the block pays the real fees.
            let deltas = self.deltas
            func rate(_ r: Record) -> Double {
                guard let d = deltas[r.entry.txid], r.entry.size > 0 else { return r.entry.feeRate }
                return r.entry.feeRate + Double(d.fee) * 1000 / Double(r.entry.size)
            }
            var ready = BinaryHeap<Record>(precedes: { a, b in
                let ra = rate(a), rb = rate(b)
                return ra > rb || (ra == rb && a.sequence < b.sequence)
            })
            var waitingParents: [Hash256: Int] = [:]
            for r in records.values where !r.entry.transaction.isFluxNode {
                if r.parents.isEmpty { ready.insert(r) } else { waitingParents[r.entry.txid] = r.parents.count }
            }
            while let r = ready.popFirst() {
                guard used + r.entry.size <= maxBytes, sigOps + r.sigOps <= sigOpLimit else { continue }
                out.append((r.entry.transaction, r.entry.fee))
                used += r.entry.size
                sigOps += r.sigOps
                for child in r.children {
                    guard let left = waitingParents[child] else { continue }
                    if left <= 1 {
                        waitingParents[child] = nil
                        if let c = records[child] { ready.insert(c) }
                    } else {
                        waitingParents[child] = left - 1
                    }
                }
            }
            return out
        }
    }
}
