import FluxPrimitives

/// In-memory UTXO cache in front of `ChainStore`, with dirty tracking and a size limit.
///
/// Block connection reads, adds and spends coins here; `flush(into:)` moves the changes into a `ChainBatch`
/// committed together with the block index and tip, so the UTXO set on disk always matches the committed tip.
///
/// - **Single writer.** No internal locking: every call must come from one thread or task at a time (the chain
///   state actor that owns it). Other readers should read the committed set through `ChainStore`.
/// - **Misses are cached.** `coin` and `spend` remember an outpoint the database lacks as a clean "absent" entry,
///   so repeated lookups cost nothing and a later `add` of it is known to be new. `trim` evicts them like any clean
///   entry.
/// - **Fresh entries.** A coin added when the database is known not to hold it (no cache entry, or a cached miss)
///   is *fresh*: spending it before the next flush drops it without writing anything. `add` assumes a new
///   outpoint is not already unspent on disk (txids are unique: Zcash-family coinbases commit to their height);
///   pass `possibleOverwrite: true` where that is not known.
/// - `estimatedBytes` approximates the memory used (a fixed per-entry overhead plus the script bytes).
public final class UTXOCache: @unchecked Sendable {
    /// One cached outpoint.
    struct Entry {
        /// The unspent coin, or nil for "no unspent coin" (a cached miss, or a spend not yet flushed).
        var coin: Coin?
        /// Differs from the database: must be written by the next flush.
        var dirty: Bool
        /// The database does not hold this outpoint: spending it needs no delete.
        var fresh: Bool
    }

    /// The store read on a miss.
    public let store: ChainStore
    /// Size above which `trim` evicts clean entries.
    public let maxBytes: Int

    private var entries: [OutPoint: Entry] = [:]
    /// Outpoints made dirty since the last flush (may repeat, or name entries no longer dirty), so flushing and
    /// discarding cost the number of changes, not the cache size.
    private var dirtyOutPoints: [OutPoint] = []
    /// Outpoints written by the most recent `flush`; evicted by `discardChanges` in case that commit failed.
    private var lastFlushed: [OutPoint] = []
    /// Number of dirty entries.
    public private(set) var dirtyCount = 0
    /// Approximate memory used by the entries, in bytes.
    public private(set) var estimatedBytes = 0

    /// Assumed bytes per entry besides the script: key, coin fields, dictionary slot and array header.
    static let entryOverhead = 112

    /// Creates an empty cache over `store`, trimmed to about `maxBytes` by `trim`.
    public init(store: ChainStore, maxBytes: Int = 256 << 20) {
        self.store = store
        self.maxBytes = maxBytes
    }

    /// Number of cached outpoints (coins, cached misses and unflushed spends).
    public var entryCount: Int { entries.count }

    /// The unspent coin at `o`: from the cache, else from the database (the result, found or not, is cached).
    public func coin(_ o: OutPoint) throws(StorageError) -> Coin? {
        if let entry = entries[o] { return entry.coin }
        let coin = try store.coin(o)
        insert(Entry(coin: coin, dirty: false, fresh: false), at: o)
        return coin
    }

    /// Adds a new unspent output. With `possibleOverwrite` false (the default) the outpoint is assumed not to be
    /// unspent in the database unless the cache says so (see the type's documentation).
    public func add(_ c: Coin, at o: OutPoint, possibleOverwrite: Bool = false) {
        let fresh: Bool
        if let old = entries[o] {
            // Fresh stays fresh; a cached miss (clean, no coin) is known absent on disk; an unflushed spend or a
            // clean coin means the database holds this outpoint and must be overwritten.
            fresh = old.fresh || (!old.dirty && old.coin == nil)
            remove(at: o)
        } else {
            fresh = !possibleOverwrite
        }
        insert(Entry(coin: c, dirty: true, fresh: fresh), at: o)
    }

    /// Spends the coin at `o`: removes it and returns it, or returns nil (changing nothing) if there is none.
    public func spend(_ o: OutPoint) throws(StorageError) -> Coin? {
        guard let coin = try coin(o), let entry = entries[o] else { return nil }
        remove(at: o)
        if !entry.fresh {
            insert(Entry(coin: nil, dirty: true, fresh: false), at: o)
        }
        return coin
    }

    /// Writes every dirty entry into `batch` (puts for coins, deletes for spends) and marks them clean. A coin
    /// added and spent since the last flush writes nothing. Spent entries are dropped from the cache.
    ///
    /// If committing `batch` then fails, call `discardChanges` before anything else: it also evicts what this
    /// flush wrote, so the cache again equals the database.
    public func flush(into batch: inout ChainBatch) {
        lastFlushed.removeAll(keepingCapacity: true)
        for outpoint in dirtyOutPoints {
            guard let entry = entries[outpoint], entry.dirty else { continue }
            lastFlushed.append(outpoint)
            if let coin = entry.coin {
                batch.putCoin(coin, at: outpoint)
                entries[outpoint]?.dirty = false
                entries[outpoint]?.fresh = false
                dirtyCount -= 1
            } else {
                batch.deleteCoin(outpoint)
                remove(at: outpoint)
            }
        }
        dirtyOutPoints.removeAll(keepingCapacity: true)
    }

    /// Drops all dirty state (after a failed commit or a failed block), and the entries of the last flush (whose
    /// commit may have failed): the cache then equals the database.
    public func discardChanges() {
        for outpoint in lastFlushed { remove(at: outpoint) }
        lastFlushed.removeAll()
        for outpoint in dirtyOutPoints where entries[outpoint]?.dirty == true { remove(at: outpoint) }
        dirtyOutPoints.removeAll()
    }

    /// Drops every entry, clean or dirty, and forgets the last flush: for when the database changed behind the
    /// cache (a reindex, a bulk rewrite of the coins). Uncommitted changes are lost.
    public func clear() {
        entries.removeAll()
        dirtyOutPoints.removeAll()
        lastFlushed.removeAll()
        dirtyCount = 0
        estimatedBytes = 0
    }

    /// Evicts clean entries (in no particular order) until `estimatedBytes` is at most `maxBytes`. Dirty entries
    /// are never evicted, so the cache can stay above the limit until the next flush.
    public func trim() {
        guard estimatedBytes > maxBytes else { return }
        var victims: [OutPoint] = []
        var excess = estimatedBytes - maxBytes
        for (outpoint, entry) in entries where !entry.dirty {
            victims.append(outpoint)
            excess -= Self.size(of: entry)
            if excess <= 0 { break }
        }
        for outpoint in victims { remove(at: outpoint) }
    }

    // MARK: Bookkeeping

    private static func size(of entry: Entry) -> Int {
        entryOverhead + (entry.coin?.output.scriptPubKey.bytes.count ?? 0)
    }

    private func insert(_ entry: Entry, at o: OutPoint) {
        entries[o] = entry
        estimatedBytes += Self.size(of: entry)
        if entry.dirty {
            dirtyCount += 1
            dirtyOutPoints.append(o)
        }
    }

    private func remove(at o: OutPoint) {
        guard let old = entries.removeValue(forKey: o) else { return }
        estimatedBytes -= Self.size(of: old)
        if old.dirty { dirtyCount -= 1 }
    }
}
