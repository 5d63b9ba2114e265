import FluxChain
import FluxConsensus
import FluxJSON
import FluxMempool
import FluxPluginHost
import FluxPrimitives
import FluxRPC
import FluxStorage
import Foundation
import Logging

/// Plugins: loading `plugins.toml`, attaching in-line plugins to the chain, catching stateful plugins up from their
/// cursor, feeding observers, and the plugins' RPC methods.
extension Node {
    /// Loads the plugins file (`-plugins=PATH`, else `plugins.toml` in the data folder, else `repositoryDefault`)
    /// and attaches every plugin that loads. Throws when the file is invalid or a `required` plugin fails.
    func setUpPlugins(repositoryDefault: String?) throws {
        let file: PluginsFile
        do {
            file = try PluginsFile.load(explicit: configuration.options.string("plugins"),
                                        dataDirectory: configuration.dataDirectory.path,
                                        repositoryDefault: repositoryDefault)
        } catch {
            throw NodeError("\(error)")
        }
        if let path = file.path { logger.info("plugins from \(path): \(file.enabledPlugins.map(\.name).joined(separator: ", "))") }
        // Every core method (the plugin admin calls included) is registered before any plugin claims a global name.
        registerPluginMethods()
        plugins.globalMethods.reserveCoreMethods(registry.methods.map(\.name))
        do { try plugins.load(file) } catch { throw NodeError("required plugin: \(error)") }
        // Always attached: plugins loaded later (loadplugin, reloadplugin) are called in-line through it.
        chain.addJudge(PluginChainJudge(manager: plugins, store: chain.store, logger: logger))
        syncProofOfNodeAuthority()
        for plugin in plugins.inlinePlugins where plugin.image.info.isStateful {
            catchUp(plugin)
        }
        chain.addObserver(PluginChainObserver(manager: plugins))
        let previous = mempool.onAccepted
        let manager = plugins
        mempool.onAccepted = { entry in
            previous?(entry)
            guard manager.observesMempool else { return }
            manager.observeTransaction(txid: Array(entry.txid.bytes), fee: entry.fee.units,
                                       transaction: entry.transaction.serialized)
        }
        mempool.transactionValidator = { request in Node.judgeTransaction(request, plugins: manager.transactionJudges) }
        network.pluginMessageHandler.withLockedValue { handler in
            handler = { peer, command, payload in
                let parts = command.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2, let plugin = manager.plugin(named: parts[0]),
                      plugin.p2pCommands.contains(parts[1]) else { return false }
                return plugin.p2pMessage(peer: UInt64(peer), command: parts[1], payload: payload) == .ok
            }
        }
        for plugin in plugins.activePlugins { registerRPCMethods(of: plugin) }
    }

    /// Asks each transaction-judging plugin, in call order, about a transaction entering the mempool (those whose
    /// activation height the next block reaches): the first rejection refuses it with reason `bad-plugin-NAME`
    /// and the plugin's message; a fault (any other status, an overrun) refuses it as `plugin-no-verdict`, and is
    /// counted as the plugin's fault.
    static func judgeTransaction(_ request: TransactionVerdictRequest, plugins: [PluginInstance]) -> RejectReason? {
        var serialized: [UInt8]?
        for plugin in plugins where Int64(request.nextHeight) >= plugin.image.info.activationHeight {
            let bytes = serialized ?? request.transaction.serialized
            serialized = bytes
            switch plugin.checkTransaction(txid: Array(request.txid.bytes), fee: request.fee.units, transaction: bytes,
                                           nextHeight: Int64(request.nextHeight)) {
            case .ok: continue
            case let .rejected(reason): return RejectReason("bad-plugin-\(plugin.name)", reason)
            case let .fault(message):
                return RejectReason("plugin-no-verdict", "plugin \(plugin.name) gave no verdict on \(request.txid): \(message)")
            }
        }
        return nil
    }

    /// The outputs the consensus plugins require in the coinbase of the block at `height`, in call order: each
    /// active plugin with `FLUX_CAP_COINBASE_OUTPUTS` whose activation height `height` reaches is asked through
    /// `coinbase_outputs`, and its bytes are parsed strictly (CompactSize count ‖ outputs, nothing after; at most
    /// ``maxPluginCoinbaseOutputs`` outputs, values in the money range, scripts at most 10,000 bytes; no bytes
    /// at all means no outputs). A fault or malformed bytes mean no template can be built: the error names the
    /// plugin. Block templates pay these outputs out of the miner's share.
    public func pluginCoinbaseOutputs(height: Int) throws(PluginCoinbaseError) -> [TxOut] {
        var outputs: [TxOut] = []
        for plugin in plugins.coinbasePayers where Int64(height) >= plugin.image.info.activationHeight {
            let (outcome, bytes) = plugin.coinbaseOutputs(height: Int64(height))
            if case let .fault(message) = outcome {
                throw PluginCoinbaseError(plugin: plugin.name, reason: message)
            }
            do throws(DecodingError) {
                outputs += try Self.parseCoinbaseOutputs(bytes)
            } catch {
                throw PluginCoinbaseError(plugin: plugin.name, reason: "malformed coinbase_outputs for height \(height): \(error)")
            }
        }
        return outputs
    }

    /// At most this many coinbase outputs per plugin and block.
    public static let maxPluginCoinbaseOutputs = 1_000

    /// Parses what `coinbase_outputs` returned: CompactSize count ‖ count × (LE64 value ‖ CompactSize length ‖
    /// script), with no trailing bytes; empty means none.
    public static func parseCoinbaseOutputs(_ bytes: [UInt8]) throws(DecodingError) -> [TxOut] {
        guard !bytes.isEmpty else { return [] }
        var reader = ByteReader(bytes)
        let count = try reader.readCount("coinbase_outputs.count", limit: UInt64(maxPluginCoinbaseOutputs), minElementSize: 9)
        var outputs: [TxOut] = []
        for _ in 0..<count {
            let value = try reader.readLE(Int64.self, "coinbase_outputs.value")
            guard Amount(units: value).isInMoneyRange else {
                throw reader.error("coinbase_outputs.value", .invalidValue("\(value) is outside the money range"))
            }
            let script = try reader.readVarBytes("coinbase_outputs.script", limit: 10_000)
            outputs.append(TxOut(value: Amount(units: value), scriptPubKey: Script(script)))
        }
        guard reader.isAtEnd else {
            throw reader.error("coinbase_outputs", .trailingBytes(count: reader.remaining))
        }
        return outputs
    }

    /// Brings a stateful plugin to the active tip: unwinds blocks it saw that are no longer active (with the
    /// host's undo records), then replays the missing blocks in order, each committed atomically with its undo
    /// record and cursor. Runs with the chain locked, so no block is connected meanwhile.
    func catchUp(_ plugin: PluginInstance) {
        let namespace = "plugin." + plugin.name
        let store = chain.store
        chain.withLock {
            var cursorHeight = 0
            var cursorHash = chain.params.genesisHash
            if let raw = try? store.pluginValue(namespace: namespace, key: PluginChainJudge.cursorKey), raw.count == 40 {
                cursorHeight = Int(raw[0..<8].reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) })
                cursorHash = Hash256(raw[8..<40])
            }
            // Unwind a branch the plugin followed that is no longer active.
            while cursorHeight > 0, chain.entry(at: cursorHeight)?.hash != cursorHash {
                guard let record = try? store.pluginValue(namespace: namespace, key: PluginChainJudge.undoKey(cursorHash)),
                      let undo = PluginUndoRecord.decode(record), let entry = chain.entry(cursorHash),
                      let block = try? chain.block(cursorHash) else {
                    plugins.disable(plugin, reason: "cannot unwind its block \(cursorHash) at height \(cursorHeight)")
                    return
                }
                var batch = ChainBatch()
                for (key, old) in undo {
                    if let old { batch.putPlugin(namespace: namespace, key: key, value: old) } else {
                        batch.deletePlugin(namespace: namespace, key: key)
                    }
                }
                batch.deletePlugin(namespace: namespace, key: PluginChainJudge.undoKey(cursorHash))
                let parent = entry.header.previousBlockHash
                batch.putPlugin(namespace: namespace, key: PluginChainJudge.cursorKey,
                                value: PluginUndoRecord.cursor(cursorHeight - 1, parent))
                do { try store.commit(batch) } catch {
                    plugins.disable(plugin, reason: "unwinding failed: \(error)")
                    return
                }
                _ = plugin.blockEvent(connected: false, height: Int64(cursorHeight), hash: Array(cursorHash.bytes),
                                      block: block.serialized, replay: true, transaction: nil)
                cursorHeight -= 1
                cursorHash = parent
            }
            let tip = chain.height
            guard cursorHeight < tip else { return }
            logger.info("plugin \(plugin.name): replaying blocks \(cursorHeight + 1) to \(tip)")
            for height in (cursorHeight + 1)...tip {
                // Each replayed block is committed with the cursor, so stopping here is consistent: the next
                // start resumes from the cursor.
                if shutdown.isTriggered {
                    logger.info("plugin \(plugin.name): replay stopped at height \(height - 1) (shutting down)")
                    return
                }
                guard let entry = chain.entry(at: height), let block = try? chain.block(entry.hash) else {
                    plugins.disable(plugin, reason: "block \(height) is not stored; cannot replay")
                    return
                }
                let transaction = PluginChainJudge.transaction(for: plugin, store: store)
                let outcome = plugin.blockEvent(connected: true, height: Int64(height), hash: Array(entry.hash.bytes),
                                                block: block.serialized, replay: true, transaction: transaction)
                guard outcome == .ok else {
                    plugins.disable(plugin, reason: "replay of block \(height) failed: \(outcome)")
                    return
                }
                var batch = ChainBatch()
                do {
                    try PluginChainJudge.commitWrites(of: transaction, height: height, hash: entry.hash, store: store) { key, value in
                        if let value { batch.putPlugin(namespace: namespace, key: key, value: value) } else {
                            batch.deletePlugin(namespace: namespace, key: key)
                        }
                    }
                } catch {
                    plugins.disable(plugin, reason: "replay read failed: \(error)")
                    return
                }
                do { try store.commit(batch) } catch {
                    plugins.disable(plugin, reason: "replay commit failed: \(error)")
                    return
                }
            }
        }
    }

    /// Hot upgrade (`reloadplugin`) or late load (`loadplugin`): see ``PluginManager/reload``. Block connection
    /// pauses only for the switch itself; a stateful plugin that was not running catches up from its cursor.
    public func reloadPlugin(_ name: String, path: String? = nil) throws(PluginLoadError) -> PluginDescriptorInfo {
        let wasActive = plugins.plugin(named: name) != nil
        let globalBefore = plugins.globalMethods.names(of: name)
        let tip = chain.height
        let info = try plugins.reload(name, path: path, tipHeight: Int64(tip), recentBlocks: { [chain] in
            var blocks: [(height: Int64, hash: [UInt8], block: [UInt8])] = []
            for h in max(1, tip - PluginManager.shadowBlocks + 1)...max(1, tip) where tip >= 1 {
                if let e = chain.entry(at: h), let b = try? chain.block(e.hash) {
                    blocks.append((Int64(h), Array(e.hash.bytes), b.serialized))
                }
            }
            return blocks
        }, atBlockBoundary: { [chain] body in chain.withLock(body) })
        if let plugin = plugins.plugin(named: name) {
            if !wasActive, info.isStateful { catchUp(plugin) }
            registerRPCMethods(of: plugin)
        }
        // Global names the new build no longer claims are no longer served.
        let globalAfter = Set(plugins.globalMethods.names(of: name))
        for method in globalBefore where !globalAfter.contains(method) { registry.unregister(method) }
        syncProofOfNodeAuthority()
        // The judges changed: the pool must not keep what the new build refuses (every template would fail).
        let refused = chain.withLock { mempool.rejudge() }
        for (txid, reason) in refused {
            logger.info("plugin \(name): mempool transaction \(txid) removed after the switch: \(reason)")
        }
        return info
    }

}

/// Feeds chain events to observer plugins (queued, never blocking the chain).
final class PluginChainObserver: ChainObserver, @unchecked Sendable {
    let manager: PluginManager
    init(manager: PluginManager) { self.manager = manager }

    func blockConnected(_ block: Block, entry: BlockIndexEntry) {
        guard manager.observesBlocks else { return }
        manager.observeBlock(connected: true, height: Int64(entry.height), hash: Array(entry.hash.bytes), block: block.serialized)
    }

    func blockDisconnected(_ block: Block, entry: BlockIndexEntry) {
        guard manager.observesBlocks else { return }
        manager.observeBlock(connected: false, height: Int64(entry.height), hash: Array(entry.hash.bytes), block: block.serialized)
    }

    func tipChanged(_ tip: BlockIndexEntry) {
        manager.observeTip(height: Int64(tip.height), hash: Array(tip.hash.bytes))
    }
}

/// A consensus plugin's coinbase outputs could not be had: no block template can be built.
public struct PluginCoinbaseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The plugin's name.
    public let plugin: String
    /// What went wrong (its fault, or why its bytes are malformed).
    public let reason: String
    public var description: String { "plugin \(plugin): \(reason)" }
}
