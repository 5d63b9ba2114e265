/// Key-value storage the FluxNode list lives in. The fluxnodes plugin backs it with the host's per-block KV
/// transaction; tests and the benchmark use ``InMemoryFluxNodeStore``. Keys compare as unsigned bytes
/// (lexicographically, a proper prefix sorting first).
public protocol FluxNodeStore: AnyObject {
    /// The value stored under `key`, or nil.
    func get(_ key: [UInt8]) throws(FluxNodeStoreError) -> [UInt8]?
    /// Stores `value` under `key`, replacing any previous value.
    func put(_ key: [UInt8], _ value: [UInt8]) throws(FluxNodeStoreError)
    /// Removes `key` (no error if absent).
    func delete(_ key: [UInt8]) throws(FluxNodeStoreError)
    /// The first entry whose key starts with `prefix` and is >= `from` (`from` itself starts with `prefix`), or nil.
    func seek(prefix: [UInt8], from: [UInt8]) throws(FluxNodeStoreError) -> (key: [UInt8], value: [UInt8])?
    /// Up to `limit` entries in key order from the first key >= `from` under `prefix`: what repeated seeks would
    /// return. Stores with a cheaper bulk read (the plugin's host store) implement it; the default seeks.
    func scan(prefix: [UInt8], from: [UInt8], limit: Int) throws(FluxNodeStoreError) -> [(key: [UInt8], value: [UInt8])]
}

extension FluxNodeStore {
    public func scan(prefix: [UInt8], from: [UInt8], limit: Int) throws(FluxNodeStoreError) -> [(key: [UInt8], value: [UInt8])] {
        var out: [(key: [UInt8], value: [UInt8])] = []
        var cursor = from
        while out.count < limit, let e = try seek(prefix: prefix, from: cursor) {
            out.append(e)
            cursor = e.key + [0]
        }
        return out
    }
}

/// A failure of the storage behind a ``FluxNodeStore``.
public struct FluxNodeStoreError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates an error.
    public init(_ d: String) { description = d }
}

/// Unsigned lexicographic byte order (memcmp, then length).
@inlinable
func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            let n = min(pa.count, pb.count)
            var i = 0
            while i < n {
                let x = pa[i], y = pb[i]
                if x != y { return x < y ? -1 : 1 }
                i += 1
            }
            return pa.count == pb.count ? 0 : (pa.count < pb.count ? -1 : 1)
        }
    }
}

/// True if `key` starts with `prefix`.
@inlinable
func hasPrefix(_ key: [UInt8], _ prefix: [UInt8]) -> Bool {
    guard key.count >= prefix.count else { return false }
    for i in 0..<prefix.count where key[i] != prefix[i] { return false }
    return true
}

/// An in-memory sorted store: a list of sorted chunks (at most ``chunkLimit`` entries each), so lookups and seeks
/// are a binary search over chunks then within one chunk, and an insert or delete moves at most one chunk's
/// entries. Fast enough for lists of 50,000+ nodes (each node has three or four keys).
public final class InMemoryFluxNodeStore: FluxNodeStore {
    struct Entry {
        var key: [UInt8]
        var value: [UInt8]
    }

    static let chunkLimit = 512
    private var chunks: [[Entry]] = []

    /// Creates an empty store.
    public init() {}

    /// Number of entries.
    public var count: Int { chunks.reduce(0) { $0 + $1.count } }

    /// Every entry in key order (for tests and debugging).
    public var entries: [(key: [UInt8], value: [UInt8])] { chunks.flatMap { $0.map { ($0.key, $0.value) } } }

    /// Index of the first chunk whose last key is >= `key` (chunks.count if none).
    private func chunkIndex(for key: [UInt8]) -> Int {
        var lo = 0, hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if compareBytes(chunks[mid][chunks[mid].count - 1].key, key) < 0 { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Index of the first entry in `chunk` whose key is >= `key`.
    private func entryIndex(in chunk: [Entry], for key: [UInt8]) -> Int {
        var lo = 0, hi = chunk.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if compareBytes(chunk[mid].key, key) < 0 { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public func get(_ key: [UInt8]) throws(FluxNodeStoreError) -> [UInt8]? {
        let c = chunkIndex(for: key)
        guard c < chunks.count else { return nil }
        let i = entryIndex(in: chunks[c], for: key)
        guard i < chunks[c].count, chunks[c][i].key == key else { return nil }
        return chunks[c][i].value
    }

    public func put(_ key: [UInt8], _ value: [UInt8]) throws(FluxNodeStoreError) {
        if chunks.isEmpty {
            chunks.append([Entry(key: key, value: value)])
            return
        }
        var c = chunkIndex(for: key)
        if c == chunks.count { c -= 1 }  // larger than every key: append to the last chunk
        let i = entryIndex(in: chunks[c], for: key)
        if i < chunks[c].count, chunks[c][i].key == key {
            chunks[c][i].value = value
            return
        }
        chunks[c].insert(Entry(key: key, value: value), at: i)
        if chunks[c].count > Self.chunkLimit {
            let half = chunks[c].count / 2
            let tail = Array(chunks[c][half...])
            chunks[c].removeSubrange(half...)
            chunks.insert(tail, at: c + 1)
        }
    }

    public func delete(_ key: [UInt8]) throws(FluxNodeStoreError) {
        let c = chunkIndex(for: key)
        guard c < chunks.count else { return }
        let i = entryIndex(in: chunks[c], for: key)
        guard i < chunks[c].count, chunks[c][i].key == key else { return }
        chunks[c].remove(at: i)
        if chunks[c].isEmpty { chunks.remove(at: c) }
    }

    public func seek(prefix: [UInt8], from: [UInt8]) throws(FluxNodeStoreError) -> (key: [UInt8], value: [UInt8])? {
        let start = compareBytes(from, prefix) < 0 ? prefix : from
        let c = chunkIndex(for: start)
        guard c < chunks.count else { return nil }
        let i = entryIndex(in: chunks[c], for: start)
        // chunks[c]'s last key is >= start, so i is inside the chunk.
        let e = chunks[c][i]
        return hasPrefix(e.key, prefix) ? (e.key, e.value) : nil
    }
}
