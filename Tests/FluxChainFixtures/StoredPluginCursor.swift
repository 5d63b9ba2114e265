import FluxPrimitives
import FluxStorage

/// A stateful plugin's cursor as the host keeps it in a chain folder (key `00 "cursor"` of the plugin's namespace:
/// LE64 height ‖ block hash), read from the raw store for crash tests.
public struct StoredPluginCursor: Equatable {
    /// The height of the last block the plugin processed.
    public let height: Int
    /// That block's hash.
    public let hash: Hash256

    public init(height: Int, hash: Hash256) {
        self.height = height
        self.hash = hash
    }

    /// The cursor of `namespace` (e.g. "plugin.chainstats"), nil when the plugin has processed no block; throws when
    /// the stored value is not 40 bytes.
    public static func read(_ store: ChainStore, namespace: String) throws -> StoredPluginCursor? {
        guard let raw = try store.pluginValue(namespace: namespace, key: [0] + Array("cursor".utf8)) else { return nil }
        guard raw.count == 40 else { throw StorageError("the cursor of \(namespace) has \(raw.count) bytes, not 40") }
        return StoredPluginCursor(height: raw[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) },
                                  hash: Hash256(Array(raw[8..<40])))
    }

    /// True when the cursor names the committed active chain's block at its height: never ahead of the stored tip,
    /// never on another branch.
    public func isOnCommittedChain(_ store: ChainStore) throws -> Bool {
        guard let tip = try store.tip(), var walkHeight = try store.indexRecord(tip)?.height,
              height <= walkHeight else { return false }
        var walk = tip
        while walkHeight > height, let record = try store.indexRecord(walk) {
            walk = record.header.previousBlockHash
            walkHeight -= 1
        }
        return walkHeight == height && walk == hash
    }
}
