import FluxPrimitives

/// The typed changes of one commit: block index records, blocks, undo data, coins, tip, meta and plugin values,
/// applied atomically by `ChainStore.commit` (all or nothing).
///
/// A plain value over `WriteBatch`; records are encoded as they are added. Later operations on the same key win.
public struct ChainBatch: Sendable {
    /// The underlying operations.
    public internal(set) var writeBatch = WriteBatch()

    /// An empty batch.
    public init() {}

    /// Stores (or replaces) the block index record under its hash.
    public mutating func putIndex(_ r: BlockIndexRecord) {
        writeBatch.put(.blockIndex, key: { $0.writeHash(r.hash) }, value: { r.encodeRecord(to: &$0) })
    }

    /// Deletes the block index record of `hash` (an entry the chain forgets).
    public mutating func deleteIndex(_ hash: Hash256) {
        writeBatch.delete(.blockIndex, key: { $0.writeHash(hash) })
    }

    /// Stores a block body (wire serialization) under `hash`.
    public mutating func putBlock(_ b: Block, hash: Hash256) {
        writeBatch.put(.blocks, key: { $0.writeHash(hash) }, value: { b.encode(to: &$0) })
    }

    /// Deletes the block body stored under `hash` (pruning).
    public mutating func deleteBlock(_ hash: Hash256) {
        writeBatch.delete(.blocks, key: { $0.writeHash(hash) })
    }

    /// Stores the undo data of the block `hash`.
    public mutating func putUndo(_ u: BlockUndo, hash: Hash256) {
        writeBatch.put(.undo, key: { $0.writeHash(hash) }, value: { u.encodeRecord(to: &$0) })
    }

    /// Deletes the undo data of the block `hash`.
    public mutating func deleteUndo(_ hash: Hash256) {
        writeBatch.delete(.undo, key: { $0.writeHash(hash) })
    }

    /// Stores an unspent coin at `at`.
    public mutating func putCoin(_ c: Coin, at: OutPoint) {
        writeBatch.put(.utxo, key: { StorageKey.writeOutPoint(at, to: &$0) }, value: { c.encodeRecord(to: &$0) })
    }

    /// Deletes the coin at `at` (spent).
    public mutating func deleteCoin(_ at: OutPoint) {
        writeBatch.delete(.utxo, key: { StorageKey.writeOutPoint(at, to: &$0) })
    }

    /// Records `hash` as the committed best-chain tip (meta key `"tip"`).
    public mutating func setTip(_ hash: Hash256) {
        writeBatch.put(.meta, key: { $0.writeBytes(StorageKey.tip.utf8) }, value: { $0.writeHash(hash) })
    }

    /// Stores a meta value under the UTF-8 `key`. `"format_version"` and `"tip"` are the store's own.
    public mutating func putMeta(_ key: String, _ value: [UInt8]) {
        writeBatch.put(.meta, Array(key.utf8), value)
    }

    /// Deletes the meta value stored under the UTF-8 `key`.
    public mutating func deleteMeta(_ key: String) {
        writeBatch.delete(.meta, Array(key.utf8))
    }

    /// Stores `value` under `key` in a plugin's namespace (at most 255 UTF-8 bytes; longer traps).
    public mutating func putPlugin(namespace: String, key: [UInt8], value: [UInt8]) {
        writeBatch.put(.plugins, StorageKey.pluginPrefix(namespace) + key, value)
    }

    /// Deletes `key` from a plugin's namespace.
    public mutating func deletePlugin(namespace: String, key: [UInt8]) {
        writeBatch.delete(.plugins, StorageKey.pluginPrefix(namespace) + key)
    }

    /// Appends every operation of `other` after this batch's own.
    public mutating func append(contentsOf other: ChainBatch) {
        writeBatch.append(contentsOf: other.writeBatch)
    }

    /// True when nothing is recorded.
    public var isEmpty: Bool { writeBatch.count == 0 }
    /// Number of operations recorded.
    public var operationCount: Int { writeBatch.count }
    /// Total key and value bytes recorded.
    public var byteSize: Int { writeBatch.byteSize }
}
