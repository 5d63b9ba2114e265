import FluxChain
import FluxConsensus
import FluxPrimitives
import Foundation

/// The pool of valid unconfirmed transactions that the next block may include, with a bounded pool of orphans
/// (transactions whose parents have not arrived yet). It follows the active chain as a `ChainObserver`.
///
/// **Locking.** The chain's lock (recursive) is always taken first, then the pool's own lock (also recursive):
/// `accept` runs `chain.withLock { lock { … } }`, and chain events arrive with the chain's lock held, so the
/// order is the same everywhere and the two locks cannot deadlock. Read-only queries (`contains`, `entries`,
/// `blockCandidates`, …) take only the pool's lock; a caller wanting the pool consistent with the chain tip
/// (a block template) wraps its queries in `chain.withLock`. Never call into the chain while holding only the
/// pool's lock.
public final class Mempool: ChainObserver, @unchecked Sendable {
    /// The chain the pool validates against.
    public let chain: ChainState
    /// The acceptance policy.
    public let policy: MempoolPolicy
    let now: @Sendable () -> Int64
    let lock = NSRecursiveLock()

    /// One pooled transaction with its links to in-pool parents and children.
    struct Record {
        var entry: MempoolEntry
        var parents: Set<Hash256>
        var children: Set<Hash256> = []
        let sigOps: Int
        let branchId: UInt32
        let sequence: UInt64
        let usage: Int
    }

    /// An eviction-order key: lowest fee rate first, newest first among equals.
    struct EvictionKey {
        let feeRate: Double
        let sequence: UInt64
        let txid: Hash256
    }

    var records: [Hash256: Record] = [:]
    /// Outpoint → the pooled transaction spending it.
    var spenders: [OutPoint: Hash256] = [:]
    /// FluxNode collateral → the pooled FluxNode transaction naming it.
    var collaterals: [OutPoint: Hash256] = [:]
    var orphans = OrphanPool()
    var evictionOrder = BinaryHeap<EvictionKey>(precedes: { a, b in
        a.feeRate < b.feeRate || (a.feeRate == b.feeRate && a.sequence > b.sequence)
    })
    var bytes = 0
    var memory = 0
    var nextSequence: UInt64 = 0
    /// Txids of recently mined transactions (to tell "inputs spent" from "inputs missing").
    var recentlyMined = RecentSet(capacity: 50_000)
    /// Transactions of disconnected blocks, lowest block first, re-accepted when the tip settles.
    var disconnected: [Transaction] = []
    var sawDisconnect = false
    var reorgFailureCount = 0
    var acceptedHandler: (@Sendable (MempoolEntry) -> Void)?
    var removedHandler: (@Sendable (Hash256) -> Void)?
    var fluxNodeCheck: (@Sendable (Transaction, Int) -> RejectReason?)?
    var transactionCheck: (@Sendable (TransactionVerdictRequest) -> RejectReason?)?
    /// What pooled transactions' waits say about fee rates (`estimatefee`).
    var feeEstimator: FeeEstimator
    /// `prioritisetransaction` adjustments by txid, kept until the transaction is mined (it need not be pooled).
    var deltas: [Hash256: PriorityDelta] = [:]

    /// Creates an empty pool following `chain` (registers itself as the chain's observer). `now` is the clock
    /// (unix seconds) for entry times and the FluxNode signature-age rules.
    public init(chain: ChainState, policy: MempoolPolicy = .init(),
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.chain = chain
        self.policy = policy
        self.now = now
        feeEstimator = FeeEstimator(minimumRate: policy.minRelayFeePerKB)
        chain.addObserver(self)
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body()
    }

    // MARK: Hooks

    /// Called once for every transaction the pool accepts (also orphans accepted when their parent arrives;
    /// not for transactions re-added after a reorganisation, which were relayed before). Called after the
    /// pool's lock is released; from `accept` also outside the chain's lock, but from chain events (orphans
    /// resolved by a new block) with the chain's lock held, so the handler must not wait for other threads.
    public var onAccepted: (@Sendable (MempoolEntry) -> Void)? {
        get { locked { acceptedHandler } }
        set { locked { acceptedHandler = newValue } }
    }

    /// Called for every transaction leaving the pool other than by being mined: conflicts with a block, expiry,
    /// eviction, replacement, revalidation after a tip change, ``remove(_:)`` (descendants included, children
    /// first). Called with the pool's lock (and possibly the chain's) held: the handler must only hand the txid
    /// off (ZeroMQ's `sequence` topic queues it), never call back into the pool.
    public var onRemoved: (@Sendable (Hash256) -> Void)? {
        get { locked { removedHandler } }
        set { locked { removedHandler = newValue } }
    }

    /// Checks of FluxNode transactions that need the node list (collateral tier and amount, START and CONFIRM
    /// signatures, confirmation heights), set by the FluxNode tiers plugin; called with both locks held with the
    /// transaction and the height of the next block. Return a reason to refuse the transaction. Without it the
    /// pool applies only the context-free and upgrade rules, the collateral's existence and age for START, and
    /// the mempool-only time rules.
    public var fluxNodeValidator: (@Sendable (Transaction, Int) -> RejectReason?)? {
        get { locked { fluxNodeCheck } }
        set { locked { fluxNodeCheck = newValue } }
    }

    /// A last check of every transaction the pool admits, after all of the pool's own rules passed (so it sees
    /// only transactions that would otherwise enter, with their fee): the node sets it to ask its transaction-judging
    /// plugins. Called with both locks held (chain first, then pool), on the thread admitting the transaction, for
    /// relayed transactions, orphans whose parents arrived, transactions put back after a reorganisation and
    /// FluxNode transactions. Return a reason to refuse the transaction (it is not kept as an orphan); nil admits
    /// it. The closure must not wait for other threads.
    public var transactionValidator: (@Sendable (TransactionVerdictRequest) -> RejectReason?)? {
        get { locked { transactionCheck } }
        set { locked { transactionCheck = newValue } }
    }

    // MARK: Queries

    /// True when `txid` is in the pool (not counting orphans).
    public func contains(_ txid: Hash256) -> Bool { locked { records[txid] != nil } }

    /// The pooled entry for `txid`.
    public func entry(_ txid: Hash256) -> MempoolEntry? { locked { records[txid]?.entry } }

    /// A snapshot of every entry, in acceptance order.
    public var entries: [MempoolEntry] {
        locked { records.values.sorted { $0.sequence < $1.sequence }.map(\.entry) }
    }

    /// Number of pooled transactions.
    public var count: Int { locked { records.count } }

    /// Serialized bytes of all pooled transactions (what `maxBytes` limits).
    public var totalBytes: Int { locked { bytes } }

    /// Estimated memory held by the pool's entries and indexes, in bytes (a rough model: twice the serialized
    /// size plus fixed costs per entry, input and output).
    public var usage: Int { locked { memory } }

    /// Number of transactions waiting in the orphan pool.
    public var orphanCount: Int { locked { orphans.count } }

    /// Transactions of disconnected blocks that could not be put back into the pool (conflicting, expired,
    /// invalid on the new chain), since the pool was created.
    public var reorgFailures: Int { locked { reorgFailureCount } }

    /// The pooled transaction spending `outpoint`, if any.
    public func spender(of outpoint: OutPoint) -> Hash256? { locked { spenders[outpoint] } }

    /// An output created by a pooled transaction and not spent by another pooled transaction.
    public func output(_ outpoint: OutPoint) -> TxOut? {
        locked {
            guard spenders[outpoint] == nil, let r = records[outpoint.hash] else { return nil }
            let outputs = r.entry.transaction.outputs
            return Int(outpoint.index) < outputs.count ? outputs[Int(outpoint.index)] : nil
        }
    }

    /// The pooled FluxNode transaction for `collateral`, if any.
    public func fluxNodeTransaction(for collateral: OutPoint) -> Hash256? { locked { collaterals[collateral] } }

    // MARK: Removal

    /// Removes `txid` and every pooled transaction that depends on it.
    public func remove(_ txid: Hash256) {
        _ = locked { removeWithDescendants(txid) }
    }

    /// Removes `txid` and its descendants; returns the removed txids.
    @discardableResult
    func removeWithDescendants(_ txid: Hash256) -> [Hash256] {
        guard records[txid] != nil else { return [] }
        var order: [Hash256] = []
        var seen: Set<Hash256> = [txid]
        var stack = [txid]
        while let t = stack.popLast() {
            order.append(t)
            for c in records[t]?.children ?? [] where seen.insert(c).inserted { stack.append(c) }
        }
        for t in order.reversed() {
            removeOne(t)
            removedHandler?(t)
        }
        return order
    }

    /// Removes one transaction, detaching it from its parents and children (children stay, e.g. when the
    /// transaction was mined).
    func removeOne(_ txid: Hash256) {
        guard let r = records.removeValue(forKey: txid) else { return }
        feeEstimator.untrack(txid)
        let tx = r.entry.transaction
        for input in tx.inputs where spenders[input.prevout] == txid { spenders[input.prevout] = nil }
        if let body = tx.fluxNode, collaterals[body.collateral] == txid { collaterals[body.collateral] = nil }
        for p in r.parents { records[p]?.children.remove(txid) }
        for c in r.children { records[c]?.parents.remove(txid) }
        bytes -= r.entry.size
        memory -= r.usage
        if evictionOrder.count > 2 * records.count + 64 { rebuildEvictionOrder() }
    }

    /// Adds a validated transaction.
    func insert(_ entry: MempoolEntry, parents: Set<Hash256>, sigOps: Int, branchId: UInt32) {
        let tx = entry.transaction
        let usage = 2 * entry.size + 400 + 96 * (tx.inputs.count + tx.outputs.count)
        let record = Record(entry: entry, parents: parents, sigOps: sigOps, branchId: branchId,
                            sequence: nextSequence, usage: usage)
        nextSequence += 1
        records[entry.txid] = record
        for input in tx.inputs { spenders[input.prevout] = entry.txid }
        for p in parents { records[p]?.children.insert(entry.txid) }
        // Pooled transactions already spending its outputs (children kept while it was in a block that a
        // reorganisation disconnected) become its children, so they stay after it in block candidates and
        // leave with it.
        for n in tx.outputs.indices {
            guard let child = spenders[OutPoint(hash: entry.txid, index: UInt32(n))], records[child] != nil else { continue }
            records[entry.txid]?.children.insert(child)
            records[child]?.parents.insert(entry.txid)
        }
        if let body = tx.fluxNode {
            collaterals[body.collateral] = entry.txid
        } else {
            evictionOrder.insert(EvictionKey(feeRate: entry.feeRate, sequence: record.sequence, txid: entry.txid))
        }
        bytes += entry.size
        memory += usage
    }

    // MARK: Eviction

    /// Evicts the lowest fee-rate transactions (with their descendants) until the pool fits `maxBytes`.
    /// FluxNode transactions are never evicted (at most one per collateral, and they pay no fee by design).
    /// Returns the evicted txids.
    @discardableResult
    func trimToSize() -> Set<Hash256> {
        var evicted = Set<Hash256>()
        while bytes > policy.maxBytes, let key = evictionOrder.popFirst() {
            guard let r = records[key.txid], r.sequence == key.sequence else { continue }
            evicted.formUnion(removeWithDescendants(key.txid))
        }
        return evicted
    }

    func rebuildEvictionOrder() {
        evictionOrder.removeAll()
        for r in records.values where !r.entry.transaction.isFluxNode {
            evictionOrder.insert(EvictionKey(feeRate: r.entry.feeRate, sequence: r.sequence, txid: r.entry.txid))
        }
    }
}

/// A bounded set remembering the most recent insertions.
struct RecentSet {
    let capacity: Int
    private var members: Set<Hash256> = []
    private var order: [Hash256] = []
    private var head = 0

    init(capacity: Int) { self.capacity = capacity }

    func contains(_ h: Hash256) -> Bool { members.contains(h) }

    mutating func remove(_ h: Hash256) { members.remove(h) }

    mutating func insert(_ h: Hash256) {
        guard members.insert(h).inserted else { return }
        order.append(h)
        if members.count > capacity {
            members.remove(order[head])
            head += 1
            if head > capacity { order.removeFirst(head); head = 0 }
        }
    }
}
