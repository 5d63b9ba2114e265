/// A stateful plugin's writes during one block callback: an overlay over the committed namespace. Reads see the
/// overlay first; the writes (with the previous values, for undo) go into the block's atomic batch once the
/// callback returns FLUX_OK, and are dropped otherwise.
public final class PluginKVTransaction: @unchecked Sendable {
    /// The namespace written.
    public let namespace: String
    /// Writes in order; nil deletes. A later write of a key replaces an earlier one.
    public private(set) var writes: [(key: [UInt8], value: [UInt8]?)] = []
    private var overlay: [[UInt8]: [UInt8]?] = [:]
    private let read: ([UInt8]) throws(PluginStoreError) -> [UInt8]?
    /// Whether the transaction may still be used (only during the callback that received it).
    var isOpen = true

    /// A transaction over committed values read by `read`.
    public init(namespace: String, read: @escaping ([UInt8]) throws(PluginStoreError) -> [UInt8]?) {
        self.namespace = namespace
        self.read = read
    }

    /// The value seen through the overlay.
    public func get(_ key: [UInt8]) throws(PluginStoreError) -> [UInt8]? {
        if let staged = overlay[key] { return staged }
        return try read(key)
    }

    /// Whether the transaction staged a put or a delete of `key` (its committed value is then hidden).
    public func hasStaged(_ key: [UInt8]) -> Bool { overlay[key] != nil }

    /// The smallest key with a staged put that starts with `prefix` and is ≥ `from`, and its value.
    public func firstStagedPut(prefix: [UInt8], from: [UInt8]) -> (key: [UInt8], value: [UInt8])? {
        var best: (key: [UInt8], value: [UInt8])?
        for (key, staged) in overlay {
            guard let value = staged, key.starts(with: prefix), !key.lexicographicallyPrecedes(from) else { continue }
            if let b = best, !key.lexicographicallyPrecedes(b.key) { continue }
            best = (key, value)
        }
        return best
    }

    /// The staged puts under `prefix` at or after `from`, in key order, at most `limit`.
    public func stagedPuts(prefix: [UInt8], from: [UInt8], limit: Int) -> [(key: [UInt8], value: [UInt8])] {
        var found: [(key: [UInt8], value: [UInt8])] = []
        for (key, staged) in overlay {
            guard let value = staged, key.starts(with: prefix), !key.lexicographicallyPrecedes(from) else { continue }
            found.append((key, value))
        }
        found.sort { $0.key.lexicographicallyPrecedes($1.key) }
        return Array(found.prefix(limit))
    }

    /// Stages a put (`value`) or a delete (nil).
    public func set(_ key: [UInt8], _ value: [UInt8]?) {
        overlay[key] = .some(value)
        writes.append((key, value))
    }

    /// The final value of every key written, in first-write order (what the batch needs).
    public var finalWrites: [(key: [UInt8], value: [UInt8]?)] {
        var seen = Set<[UInt8]>()
        var out: [(key: [UInt8], value: [UInt8]?)] = []
        for (key, _) in writes where seen.insert(key).inserted {
            out.append((key, overlay[key] ?? nil))
        }
        return out
    }
}
