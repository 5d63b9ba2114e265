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
}

/// A scratch layer over another store: writes stay in memory (so a block can be judged without committing
/// anything) and can be replayed into a real transaction afterwards.
final class OverlayFluxNodeStore: FluxNodeStore {
    let base: any FluxNodeStore
    /// Key → value, or nil for a delete; kept sorted on demand for seeks.
    private(set) var staged: [[UInt8]: [UInt8]?] = [:]
    /// Writes in order, for replaying.
    private(set) var log: [(key: [UInt8], value: [UInt8]?)] = []

    init(base: any FluxNodeStore) { self.base = base }

    func get(_ key: [UInt8]) throws(FluxNodeStoreError) -> [UInt8]? {
        if let value = staged[key] { return value }
        return try base.get(key)
    }

    func put(_ key: [UInt8], _ value: [UInt8]) throws(FluxNodeStoreError) {
        staged[key] = .some(value)
        log.append((key, value))
    }

    func delete(_ key: [UInt8]) throws(FluxNodeStoreError) {
        staged[key] = .some(nil)
        log.append((key, nil))
    }

    /// The first staged-or-base entry at or after `from` under `prefix`: staged puts shadow the base, staged
    /// deletes hide it.
    func seek(prefix: [UInt8], from: [UInt8]) throws(FluxNodeStoreError) -> (key: [UInt8], value: [UInt8])? {
        var cursor = from.isEmpty ? prefix : from
        while true {
            let fromBase = try base.seek(prefix: prefix, from: cursor)
            // The smallest staged put at or after the cursor under the prefix.
            var best: (key: [UInt8], value: [UInt8])?
            for (key, value) in staged {
                guard let value, key.starts(with: prefix), !Self.less(key, cursor) else { continue }
                if best == nil || Self.less(key, best!.key) { best = (key, value) }
            }
            if let b = fromBase {
                if let s = best, !Self.less(b.key, s.key) { return s }
                if let override = staged[b.key] {
                    if let value = override { return (b.key, value) }
                    cursor = b.key + [0]   // deleted in the overlay: look past it
                    continue
                }
                return b
            }
            return best
        }
    }

    /// Replays the staged writes into `store` in order.
    func replay(into store: any FluxNodeStore) throws(FluxNodeStoreError) {
        for (key, value) in log {
            if let value { try store.put(key, value) } else { try store.delete(key) }
        }
    }

    static func less(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }
}
