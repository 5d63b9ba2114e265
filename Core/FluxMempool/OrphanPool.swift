import FluxPrimitives

/// Transactions waiting for their parents, bounded in number; the oldest is dropped first.
struct OrphanPool {
    struct Orphan {
        let transaction: Transaction
        let sequence: UInt64
    }

    private(set) var byTxid: [Hash256: Orphan] = [:]
    /// Parent outpoint → orphans spending it.
    private var byPrevout: [OutPoint: Set<Hash256>] = [:]
    private var nextSequence: UInt64 = 0

    var count: Int { byTxid.count }

    func contains(_ txid: Hash256) -> Bool { byTxid[txid] != nil }

    /// Adds `tx` (if not already there), then drops the oldest orphans beyond `limit`.
    mutating func add(_ tx: Transaction, txid: Hash256, limit: Int) {
        guard byTxid[txid] == nil else { return }
        byTxid[txid] = Orphan(transaction: tx, sequence: nextSequence)
        nextSequence += 1
        for input in tx.inputs { byPrevout[input.prevout, default: []].insert(txid) }
        while byTxid.count > max(limit, 0), let oldest = byTxid.min(by: { $0.value.sequence < $1.value.sequence }) {
            remove(oldest.key)
        }
    }

    mutating func remove(_ txid: Hash256) {
        guard let o = byTxid.removeValue(forKey: txid) else { return }
        for input in o.transaction.inputs {
            byPrevout[input.prevout]?.remove(txid)
            if byPrevout[input.prevout]?.isEmpty == true { byPrevout[input.prevout] = nil }
        }
    }

    /// Orphans spending an output of `txid` (whose outputs number `outputCount`), oldest first.
    func spending(outputsOf txid: Hash256, outputCount: Int) -> [Transaction] {
        var found = Set<Hash256>()
        for n in 0..<outputCount {
            found.formUnion(byPrevout[OutPoint(hash: txid, index: UInt32(n))] ?? [])
        }
        return found.compactMap { byTxid[$0] }.sorted { $0.sequence < $1.sequence }.map(\.transaction)
    }

    /// All orphans, oldest first.
    var all: [Transaction] { byTxid.values.sorted { $0.sequence < $1.sequence }.map(\.transaction) }
}
