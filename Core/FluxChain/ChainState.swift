import FluxConsensus
import FluxPrimitives
import FluxStorage
import Foundation

/// The node's view of the block chain: every known header in a tree of branches, the best valid chain, and
/// the UTXO set on RocksDB. Accepts headers and blocks in any order, always ends on the most-work valid chain,
/// reorganises with undo data, remembers invalid branches, and survives being killed at any instant (every
/// commit is one atomic RocksDB batch holding UTXO changes, undo data, index updates, plugin writes and tip).
///
/// Thread safety: all public methods take one lock; callbacks into judges happen under it.
public final class ChainState: @unchecked Sendable {
    /// The network's parameters.
    public let params: ChainParameters
    /// The store.
    public let store: ChainStore
    let cache: UTXOCache
    let options: ChainOptions
    let lock = NSRecursiveLock()

    var index: [Hash256: BlockIndexEntry] = [:]
    /// The active chain, by height.
    var active: [BlockIndexEntry] = []
    /// Entries with their data stored whose whole ancestry has data and is not known invalid.
    var candidates: Set<Hash256> = []
    var nextSequence = 0
    /// Uncommitted changes.
    var pending = ChainBatch()
    /// Whether `pending` holds plugin writes: plugins read committed data, so such a batch is committed with its
    /// block even when `blocksPerCommit` is above 1.
    var pendingPluginWrites = false
    var pendingBlocks = 0
    var pendingUndo: [Hash256: BlockUndo] = [:]
    /// Logical timestamps of blocks connected since the last commit (timestamp index), by block hash.
    var pendingLogicalTimes: [Hash256: UInt32] = [:]
    var judges: [any ConsensusJudge] = []
    var observers: [any ChainObserver] = []
    /// Changes committed or about to be, announced to observers after each commit.
    var pendingEvents: [ChainEvent] = []
    /// Children of each entry, for finding stored descendants.
    var children: [Hash256: [BlockIndexEntry]] = [:]
    /// Why a block was last found invalid (for the caller that handed it in).
    var lastFailure: [Hash256: RejectReason] = [:]
    var nodeAuthority: (any ProofOfNodeAuthority)?
    /// Running totals of connection work (under `lock`).
    var statistics = ValidationStatistics()
    /// Whether a reindex is in progress (its marker is stored): chain selection then runs only through
    /// `continueReindex`, so that no block is connected (or marked invalid) before the judges are attached.
    var reindexInProgress = false

    /// Opens (or creates) the chain at `path`: loads the block index, restores the committed tip, and connects
    /// any stored blocks that make a better chain (not while a reindex is in progress: see `continueReindex`).
    public init(params: ChainParameters, path: String, options: ChainOptions = .init(),
                storage: DatabaseOptions = .init()) throws(ChainError) {
        self.params = params
        self.options = options
        do {
            store = try ChainStore(path: path, options: storage)
        } catch { throw .storage(error) }
        cache = UTXOCache(store: store, maxBytes: options.cacheBytes)
        try load()
    }

    // MARK: Queries

    /// The tip of the active chain.
    public var tip: BlockIndexEntry { lock.locked { active[active.count - 1] } }
    /// Height of the tip.
    public var height: Int { lock.locked { active.count - 1 } }

    /// Running totals of block connection work since the chain was opened.
    public var validationStatistics: ValidationStatistics { lock.locked { statistics } }
    /// The active-chain entry at `height`.
    public func entry(at height: Int) -> BlockIndexEntry? {
        lock.locked { height >= 0 && height < active.count ? active[height] : nil }
    }
    /// The entry for `hash`, on any branch.
    public func entry(_ hash: Hash256) -> BlockIndexEntry? { lock.locked { index[hash] } }
    /// True when `entry` is on the active chain.
    public func isActive(_ entry: BlockIndexEntry) -> Bool {
        lock.locked { entry.height < active.count && active[entry.height] === entry }
    }
    /// The stored block body.
    public func block(_ hash: Hash256) throws(ChainError) -> Block? {
        do { return try store.block(hash) } catch { throw .storage(error) }
    }
    /// An unspent output of the active chain's UTXO set.
    public func coin(_ outpoint: OutPoint) throws(ChainError) -> Coin? {
        lock.lock(); defer { lock.unlock() }
        do { return try cache.coin(outpoint) } catch { throw .storage(error) }
    }
    /// Every known header (all branches).
    public var allEntries: [BlockIndexEntry] { lock.locked { Array(index.values) } }

    /// Registers a consensus judge (the plugin system's validation hook).
    public func addJudge(_ judge: any ConsensusJudge) { lock.locked { judges.append(judge) } }
    /// Runs `body` holding the chain's lock, so that several queries see one state. Components with their
    /// own lock (mempool, wallet) take the chain's lock first, then theirs: the same order observers use.
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body()
    }

    /// Registers an observer of the active chain.
    public func addObserver(_ observer: any ChainObserver) { lock.locked { observers.append(observer) } }

    /// Sets who may sign Proof-of-Node blocks.
    public func setProofOfNodeAuthority(_ authority: (any ProofOfNodeAuthority)?) {
        lock.locked { nodeAuthority = authority }
    }

    /// Who may sign Proof-of-Node blocks now (nil: PoN blocks other than the test and emergency ones get no
    /// verdict).
    public var proofOfNodeAuthority: (any ProofOfNodeAuthority)? { lock.locked { nodeAuthority } }

    // MARK: Loading

    func load() throws(ChainError) {
        let records: [BlockIndexRecord]
        let tipHash: Hash256?
        do {
            records = try store.blockIndex()
            tipHash = try store.tip()
        } catch { throw .storage(error) }
        if records.isEmpty {
            try initializeGenesis()
            return
        }
        // Parents before children.
        for record in records.sorted(by: { $0.height < $1.height }) {
            let parent = record.height == 0 ? nil : index[record.header.previousBlockHash]
            if record.height > 0 && parent == nil {
                throw .storage(StorageError("block index: \(record.hash) at height \(record.height) has no parent"))
            }
            let e = BlockIndexEntry(hash: record.hash, header: record.header, height: record.height,
                                    chainWork: record.chainWork, parent: parent, status: record.status,
                                    transactionCount: record.transactionCount, sequence: nextSequence)
            nextSequence += 1
            register(e)
        }
        guard let genesis = index[params.genesisHash] else {
            throw .storage(StorageError("block index lacks this network's genesis \(params.genesisHash): wrong -datadir or network?"))
        }
        var tipEntry = genesis
        if let t = tipHash {
            guard let e = index[t] else { throw .storage(StorageError("committed tip \(t) is not in the block index")) }
            tipEntry = e
        }
        active = []
        var walk: BlockIndexEntry? = tipEntry
        while let w = walk { active.append(w); walk = w.parent }
        active.reverse()
        renumberSequences()
        for e in index.values where isCandidate(e) { candidates.insert(e.hash) }
        // A reindex in progress is continued by `continueReindex`, once the judges are attached.
        // A reindex in progress is continued by `continueReindex`; an index set that differs from the stored one
        // (allowed only with -reindex, which begins one next) must not get blocks connected before that either.
        reindexInProgress = try reindexTarget != nil
        if try !checkChainIndexes() { reindexInProgress = true }
        try activateBestChain()
    }

    func initializeGenesis() throws(ChainError) {
        let genesis = GenesisBlock.block(for: params.network)
        let target = UInt256.fromCompact(genesis.header.bits).value
        let e = BlockIndexEntry(hash: genesis.hash, header: genesis.header, height: 0, chainWork: target.workForTarget,
                                parent: nil, status: [.headerValid, .haveData, .haveUndo, .transactionsValid, .scriptsValid],
                                transactionCount: genesis.transactions.count, sequence: nextSequence)
        nextSequence += 1
        register(e)
        active = [e]
        var batch = ChainBatch()
        batch.putMeta("network", Array(params.network.networkId.utf8))
        batch.setChainIndexes(options.indexes)
        batch.putBlock(genesis, hash: e.hash)
        batch.putIndex(e.record)
        batch.setTip(e.hash)
        do { try store.commit(batch) } catch { throw .storage(error) }
    }

    /// Adds an entry to the index and its parent's children.
    func register(_ e: BlockIndexEntry) {
        index[e.hash] = e
        if let p = e.parent { children[p.hash, default: []].append(e) }
    }

    /// Renumbers arrival order after the index is loaded (the order blocks arrived in is not stored): the active
    /// chain first, by height, then every other entry in its previous order. Among branches of equal work the
    /// active one therefore stays preferred across restarts and `-reindex`, as it was when the node chose it.
    func renumberSequences() {
        var next = 0
        for e in active {
            e.sequence = next
            next += 1
        }
        let activeCount = active.count
        let others = index.values.filter { !($0.height < activeCount && active[$0.height] === $0) }
            .sorted { ($0.sequence, $0.height) < ($1.sequence, $1.height) }
        for e in others {
            e.sequence = next
            next += 1
        }
        nextSequence = next
    }

    func isCandidate(_ e: BlockIndexEntry) -> Bool {
        guard e.status.contains(.haveData), !e.isFailed else { return false }
        var walk: BlockIndexEntry? = e.parent
        while let w = walk, !(w.height < active.count && active[w.height] === w) {
            if !w.status.contains(.haveData) || w.isFailed { return false }
            walk = w.parent
        }
        return true
    }
}

extension NSRecursiveLock {
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock(); defer { unlock() }
        return try body()
    }
}
