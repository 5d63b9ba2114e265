import FluxNodeModel
import FluxPluginSDK

/// The FluxNode list's storage seen through the host: the plugin's key-value namespace, read (and written) through
/// the block's transaction when there is one, committed data otherwise.
final class HostFluxNodeStore: FluxNodeStore {
    let host: PluginHost
    let transaction: KVTransaction?
    /// Whether writes are allowed (only inside a block's transaction).
    let writable: Bool

    init(host: PluginHost, transaction: KVTransaction?) {
        self.host = host
        self.transaction = transaction
        writable = transaction != nil
    }

    func get(_ key: [UInt8]) throws(FluxNodeStoreError) -> [UInt8]? {
        do { return try host.get(key, in: transaction) } catch { throw FluxNodeStoreError("kv_get: \(error)") }
    }

    func put(_ key: [UInt8], _ value: [UInt8]) throws(FluxNodeStoreError) {
        guard writable else { throw FluxNodeStoreError("write outside a block transaction") }
        do { try host.put(key, value: value, in: transaction) } catch { throw FluxNodeStoreError("kv_put: \(error)") }
    }

    func delete(_ key: [UInt8]) throws(FluxNodeStoreError) {
        guard writable else { throw FluxNodeStoreError("delete outside a block transaction") }
        do { try host.delete(key, in: transaction) } catch { throw FluxNodeStoreError("kv_delete: \(error)") }
    }

    func seek(prefix: [UInt8], from: [UInt8]) throws(FluxNodeStoreError) -> (key: [UInt8], value: [UInt8])? {
        do { return try host.seek(prefix: prefix, from: from, in: transaction) } catch {
            throw FluxNodeStoreError("kv_seek: \(error)")
        }
    }

    func scan(prefix: [UInt8], from: [UInt8], limit: Int) throws(FluxNodeStoreError) -> [(key: [UInt8], value: [UInt8])] {
        do { return try host.scan(prefix: prefix, from: from, limit: min(max(limit, 1), 4_096), in: transaction) } catch {
            throw FluxNodeStoreError("kv_scan: \(error)")
        }
    }
}

/// A scratch layer over another store: writes stay in memory (so a block can be judged without committing
/// anything) and can be replayed into a real transaction afterwards. Reads merge the staged writes with the base:
/// staged puts shadow it, staged deletes hide it. The staged keys are kept sorted, and the base is read in batches,
/// so skipping a run of keys deleted in this block costs one base read, not one per key.
final class OverlayFluxNodeStore: FluxNodeStore {
    let base: any FluxNodeStore
    /// Key → value, or nil for a delete.
    private(set) var staged: [[UInt8]: [UInt8]?] = [:]
    /// Writes in order, for replaying.
    private(set) var log: [(key: [UInt8], value: [UInt8]?)] = []
    /// The staged keys in byte order (sorted on demand).
    private var sortedKeys: [[UInt8]] = []
    private var sorted = true

    init(base: any FluxNodeStore) { self.base = base }

    func get(_ key: [UInt8]) throws(FluxNodeStoreError) -> [UInt8]? {
        if let value = staged[key] { return value }
        return try base.get(key)
    }

    func put(_ key: [UInt8], _ value: [UInt8]) throws(FluxNodeStoreError) { stage(key, value) }

    func delete(_ key: [UInt8]) throws(FluxNodeStoreError) { stage(key, nil) }

    private func stage(_ key: [UInt8], _ value: [UInt8]?) {
        if staged.index(forKey: key) == nil {
            sortedKeys.append(key)
            sorted = false
        }
        staged[key] = .some(value)
        log.append((key, value))
    }

    func seek(prefix: [UInt8], from: [UInt8]) throws(FluxNodeStoreError) -> (key: [UInt8], value: [UInt8])? {
        try scan(prefix: prefix, from: from, limit: 1).first
    }

    func scan(prefix: [UInt8], from: [UInt8], limit: Int) throws(FluxNodeStoreError) -> [(key: [UInt8], value: [UInt8])] {
        let lower = Self.less(from, prefix) ? prefix : from
        // Staged puts at or after `lower` under the prefix, in order.
        if !sorted {
            sortedKeys.sort(by: Self.less)
            sorted = true
        }
        var low = 0, high = sortedKeys.count
        while low < high {
            let mid = (low + high) / 2
            if Self.less(sortedKeys[mid], lower) { low = mid + 1 } else { high = mid }
        }
        var puts: [(key: [UInt8], value: [UInt8])] = []
        var i = low
        while i < sortedKeys.count, puts.count < limit, sortedKeys[i].starts(with: prefix) {
            if case let .some(.some(value)) = staged[sortedKeys[i]] { puts.append((sortedKeys[i], value)) }
            i += 1
        }
        // Base entries not overridden by a staged write, read in batches of at least 32.
        var kept: [(key: [UInt8], value: [UInt8])] = []
        var cursor = lower
        let batch = max(limit, 32)
        while kept.count < limit {
            let entries = try base.scan(prefix: prefix, from: cursor, limit: batch)
            for e in entries where staged[e.key] == nil { kept.append(e) }
            guard entries.count == batch, let last = entries.last else { break }
            cursor = last.key + [0]
        }
        // Merge the two ordered lists.
        var merged: [(key: [UInt8], value: [UInt8])] = []
        var a = 0, b = 0
        while merged.count < limit && (a < kept.count || b < puts.count) {
            if b == puts.count || (a < kept.count && Self.less(kept[a].key, puts[b].key)) {
                merged.append(kept[a]); a += 1
            } else {
                merged.append(puts[b]); b += 1
            }
        }
        return merged
    }

    /// Replays the staged writes into `store` in order.
    func replay(into store: any FluxNodeStore) throws(FluxNodeStoreError) {
        for (key, value) in log {
            if let value { try store.put(key, value) } else { try store.delete(key) }
        }
    }

    static func less(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }
}
