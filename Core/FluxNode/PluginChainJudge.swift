import FluxChain
import FluxConsensus
import FluxPluginHost
import FluxPrimitives
import FluxStorage
import Logging

/// Calls the in-line plugins (stateful and judging) from inside the chain's block connection, so their verdicts
/// are part of validation and their key-value writes land in the block's atomic batch.
///
/// For every stateful plugin and block the host also writes, in the plugin's namespace under keys starting with
/// 0x00 (which plugins cannot use): an undo record with the previous value of every key the block's transaction
/// wrote (used when the block is disconnected) and the plugin's cursor (height ‖ hash of the last block it
/// has seen). A stateful plugin that faults is disabled at once and its cursor stays at the last block it handled;
/// it catches up from there when it is loaded again.
final class PluginChainJudge: ConsensusJudge, @unchecked Sendable {
    let name = "plugins"
    let activationHeight = 1
    let manager: PluginManager
    let store: ChainStore
    let logger: Logger

    init(manager: PluginManager, store: ChainStore, logger: Logger) {
        self.manager = manager
        self.store = store
        self.logger = logger
    }

    static let cursorKey: [UInt8] = [0] + Array("cursor".utf8)
    static func undoKey(_ hash: Hash256) -> [UInt8] { [0] + Array("undo".utf8) + Array(hash.bytes) }

    /// A stateful plugin's block transaction over its committed namespace.
    static func transaction(for plugin: PluginInstance, store: ChainStore) -> PluginKVTransaction {
        let namespace = "plugin." + plugin.name
        return PluginKVTransaction(namespace: namespace) { (key) throws(PluginStoreError) in
            do { return try store.pluginValue(namespace: namespace, key: key) } catch {
                throw PluginStoreError("\(error)")
            }
        }
    }

    /// Everything a block's accepted transaction commits in the plugin's namespace: its writes, the host's undo
    /// record (the previous value of each key) and the plugin's new cursor. Applied by `put` (nil deletes).
    static func commitWrites(of transaction: PluginKVTransaction, height: Int, hash: Hash256, store: ChainStore,
                             put: (_ key: [UInt8], _ value: [UInt8]?) -> Void) throws(StorageError) {
        let writes = transaction.finalWrites
        let previous = try store.pluginValues(namespace: transaction.namespace, keys: writes.map(\.key))
        var undo: [(key: [UInt8], value: [UInt8]?)] = []
        undo.reserveCapacity(writes.count)
        for (index, (key, value)) in writes.enumerated() {
            undo.append((key, previous[index]))
            put(key, value)
        }
        put(undoKey(hash), PluginUndoRecord.encode(undo))
        put(cursorKey, PluginUndoRecord.cursor(height, hash))
    }

    func connect(_ block: Block, height: Int, writes: inout PluginWrites) throws(ChainError) {
        let plugins = manager.inlinePlugins
        guard !plugins.isEmpty else { return }   // no serialisation on the hot path without in-line plugins
        let hash = block.hash
        let bytes = block.serialized
        for plugin in plugins {
            let info = plugin.image.info
            if info.judgesBlocks && Int64(height) >= info.activationHeight {
                switch plugin.checkBlock(height: Int64(height), hash: Array(hash.bytes), block: bytes) {
                case .ok: break
                case let .rejected(reason):
                    throw .rejected(RejectReason("bad-plugin-\(plugin.name)", reason))
                case let .fault(message):
                    throw .verdictUnavailable("plugin \(plugin.name) gave no verdict on block \(hash): \(message)")
                }
            }
            guard info.isStateful else { continue }
            let transaction = Self.transaction(for: plugin, store: store)
            switch plugin.blockEvent(connected: true, height: Int64(height), hash: Array(hash.bytes), block: bytes,
                                     transaction: transaction) {
            case .ok:
                let namespace = transaction.namespace
                do {
                    try Self.commitWrites(of: transaction, height: height, hash: hash, store: store) { key, value in
                        if let value { writes.put(namespace: namespace, key: key, value: value) } else {
                            writes.delete(namespace: namespace, key: key)
                        }
                    }
                } catch {
                    throw .storage(error)
                }
            case let .rejected(message), let .fault(message):
                if info.isConsensus {
                    throw .verdictUnavailable("plugin \(plugin.name) failed on block \(hash): \(message)")
                }
                manager.disable(plugin, reason: "block \(height) failed: \(message)")
            }
        }
    }

    func disconnect(_ block: Block, height: Int, writes: inout PluginWrites) throws(ChainError) {
        let plugins = manager.inlinePlugins.filter { $0.image.info.isStateful }
        guard !plugins.isEmpty else { return }
        let hash = block.hash
        let bytes = block.serialized
        for plugin in plugins.reversed() {
            let namespace = "plugin." + plugin.name
            let record: [UInt8]?
            do { record = try store.pluginValue(namespace: namespace, key: Self.undoKey(hash)) } catch {
                throw .storage(error)
            }
            guard let record, let undo = PluginUndoRecord.decode(record) else {
                // The plugin did not see this block (loaded later, or disabled): nothing to undo.
                continue
            }
            for (key, old) in undo {
                if let old { writes.put(namespace: namespace, key: key, value: old) } else {
                    writes.delete(namespace: namespace, key: key)
                }
            }
            writes.delete(namespace: namespace, key: Self.undoKey(hash))
            writes.put(namespace: namespace, key: Self.cursorKey,
                       value: PluginUndoRecord.cursor(height - 1, block.header.previousBlockHash))
            let outcome = plugin.blockEvent(connected: false, height: Int64(height), hash: Array(hash.bytes),
                                            block: bytes, transaction: nil)
            if case let .fault(message) = outcome { logger.warning("plugin \(plugin.name) on disconnect: \(message)") }
        }
    }
}

/// Encoding of the host's per-block undo records and cursors in a plugin namespace.
enum PluginUndoRecord {
    /// CompactSize count ‖ (CompactSize key length ‖ key ‖ u8 present ‖ [CompactSize value length ‖ value])*.
    static func encode(_ entries: [(key: [UInt8], value: [UInt8]?)]) -> [UInt8] {
        var w = ByteWriter()
        w.writeCompactSize(UInt64(entries.count))
        for (key, value) in entries {
            w.writeVarBytes(key)
            if let value {
                w.writeBytes([1])
                w.writeVarBytes(value)
            } else {
                w.writeBytes([0])
            }
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) -> [(key: [UInt8], value: [UInt8]?)]? {
        var r = ByteReader(bytes)
        do {
            let count = try r.readCompactSize("undo.count", limit: 1 << 20)
            var out: [(key: [UInt8], value: [UInt8]?)] = []
            for _ in 0..<count {
                let key = try r.readVarBytes("undo.key", limit: 1_024)
                let present = try r.readBytes(1, "undo.present")[0]
                out.append((key, present == 1 ? try r.readVarBytes("undo.value", limit: 16 << 20) : nil))
            }
            return out
        } catch {
            return nil
        }
    }

    /// LE64 height ‖ hash.
    static func cursor(_ height: Int, _ hash: Hash256) -> [UInt8] {
        withUnsafeBytes(of: Int64(height).littleEndian) { Array($0) } + Array(hash.bytes)
    }
}
