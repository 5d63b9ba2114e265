import CFluxPlugin
import Foundation
import Logging

/// The `flux_host_api` table every plugin receives: C entry points that find the ``PluginInstance`` behind the
/// `flux_host *` handle and serve the call from its ``PluginServices``. One table serves every plugin; it lives
/// for the life of the process.
enum PluginHostTable {
    /// The KV namespace of plugin `name` in the node's store (a dot cannot occur in plugin names, so these never
    /// meet the core's own namespaces such as "wallet").
    static func namespace(_ name: String) -> String { "plugin." + name }

    /// Largest key and value a plugin may store.
    static let maxKey = 1_024
    static let maxValue = 16 << 20

    nonisolated(unsafe) static let shared: UnsafePointer<flux_host_api> = {
        let table = UnsafeMutablePointer<flux_host_api>.allocate(capacity: 1)
        table.initialize(to: make())
        return UnsafePointer(table)
    }()

    static func bytes(_ b: flux_bytes) -> [UInt8] {
        guard let data = b.data, b.len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(b.len)))
    }

    static func hash(_ p: UnsafePointer<UInt8>) -> [UInt8] { Array(UnsafeBufferPointer(start: p, count: 32)) }

    static func deliver(_ bytes: [UInt8], _ sink: flux_sink, _ context: UnsafeMutableRawPointer?) {
        bytes.withUnsafeBufferPointer { sink(context, $0.baseAddress, UInt64($0.count)) }
    }

    static func transaction(_ txn: OpaquePointer?) -> PluginKVTransaction? {
        guard let txn else { return nil }
        return Unmanaged<PluginKVTransaction>.fromOpaque(UnsafeRawPointer(txn)).takeUnretainedValue()
    }

    static func make() -> flux_host_api {
        var t = flux_host_api()
        t.struct_size = UInt32(MemoryLayout<flux_host_api>.size)
        t.abi_major = UInt16(FLUX_PLUGIN_ABI_MAJOR)
        t.abi_minor = UInt16(FLUX_PLUGIN_ABI_MINOR)
        t.log = { host, level, message in
            guard let p = PluginInstance.from(host) else { return }
            let text = String(decoding: PluginHostTable.bytes(message).prefix(8192), as: UTF8.self)
            let l: Logger.Level = switch level {
            case FLUX_LOG_TRACE: .trace
            case FLUX_LOG_DEBUG: .debug
            case FLUX_LOG_INFO: .info
            case FLUX_LOG_WARNING: .warning
            default: .error
            }
            p.logger.log(level: l, "\(text)")
        }
        t.chain_tip = { host, height, hash in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            let tip = p.services.tip()
            height.pointee = tip.height
            hash.update(from: tip.hash, count: min(32, tip.hash.count))
            return FLUX_OK
        }
        t.block_hash = { host, height, hash in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            guard let h = p.services.blockHash(at: height) else { return FLUX_ERR_NOT_FOUND }
            hash.update(from: h, count: min(32, h.count))
            return FLUX_OK
        }
        t.header = { host, hash, height, sink, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            guard let found = p.services.header(PluginHostTable.hash(hash)) else { return FLUX_ERR_NOT_FOUND }
            height?.pointee = found.height
            PluginHostTable.deliver(found.header, sink, context)
            return FLUX_OK
        }
        t.block = { host, hash, sink, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            guard let block = p.services.block(PluginHostTable.hash(hash)) else { return FLUX_ERR_NOT_FOUND }
            PluginHostTable.deliver(block, sink, context)
            return FLUX_OK
        }
        t.utxo = { host, txid, index, sink, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            guard let coin = p.services.unspentOutput(txid: PluginHostTable.hash(txid), index: index) else {
                return FLUX_ERR_NOT_FOUND
            }
            var record: [UInt8] = []
            withUnsafeBytes(of: coin.value.littleEndian) { record += $0 }
            withUnsafeBytes(of: coin.height.littleEndian) { record += $0 }
            record.append(coin.coinbase ? 1 : 0)
            record += coin.script
            PluginHostTable.deliver(record, sink, context)
            return FLUX_OK
        }
        t.mempool_transaction = { host, txid, sink, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            guard let tx = p.services.mempoolTransaction(PluginHostTable.hash(txid)) else { return FLUX_ERR_NOT_FOUND }
            PluginHostTable.deliver(tx, sink, context)
            return FLUX_OK
        }
        t.kv_get = { host, txn, key, sink, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            let k = PluginHostTable.bytes(key)
            guard !k.isEmpty, k.count <= PluginHostTable.maxKey else { return FLUX_ERR_LIMIT }
            guard k[0] != 0 else { return FLUX_ERR_INVALID_ARGUMENT }
            do throws(PluginStoreError) {
                let value: [UInt8]?
                if let t = PluginHostTable.transaction(txn) {
                    guard t.isOpen else { return FLUX_ERR_STATE }
                    value = try t.get(k)
                } else {
                    value = try p.services.storedValue(namespace: PluginHostTable.namespace(p.name), key: k)
                }
                guard let value else { return FLUX_ERR_NOT_FOUND }
                PluginHostTable.deliver(value, sink, context)
                return FLUX_OK
            } catch {
                p.logger.error("plugin store read failed: \(error)")
                return FLUX_ERR_FAILED
            }
        }
        t.kv_put = { host, txn, key, value in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            return PluginHostTable.write(p, txn, PluginHostTable.bytes(key), PluginHostTable.bytes(value))
        }
        t.kv_delete = { host, txn, key in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            return PluginHostTable.write(p, txn, PluginHostTable.bytes(key), nil)
        }
        t.submit_transaction = { host, transaction, reason, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            guard let refusal = p.services.submitTransaction(PluginHostTable.bytes(transaction)) else { return FLUX_OK }
            if let reason { PluginHostTable.deliver(Array(refusal.utf8), reason, context) }
            return FLUX_ERR_REJECTED
        }
        t.register_rpc = { host, name, help in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            return p.registerRPC(String(decoding: PluginHostTable.bytes(name), as: UTF8.self),
                                 help: String(decoding: PluginHostTable.bytes(help), as: UTF8.self))
        }
        t.register_p2p = { host, command in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            return p.registerP2P(String(decoding: PluginHostTable.bytes(command), as: UTF8.self))
        }
        t.send_p2p = { host, peer, command, payload in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            let c = String(decoding: PluginHostTable.bytes(command), as: UTF8.self)
            guard p.p2pCommands.contains(c) else { return FLUX_ERR_INVALID_ARGUMENT }
            let payloadBytes = PluginHostTable.bytes(payload)
            return p.services.sendP2P(peer: peer, command: p.name + ":" + c, payload: payloadBytes)
                ? FLUX_OK : FLUX_ERR_NOT_FOUND
        }
        t.metric_set = { host, name, value in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            return p.setMetric(String(decoding: PluginHostTable.bytes(name), as: UTF8.self), value: value, add: false)
        }
        t.metric_add = { host, name, delta in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            return p.setMetric(String(decoding: PluginHostTable.bytes(name), as: UTF8.self), value: delta, add: true)
        }
        // ---- 1.1 ----
        t.chain_parameters = { host, sink, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            guard let json = p.services.chainParameters() else { return FLUX_ERR_UNSUPPORTED }
            PluginHostTable.deliver(json, sink, context)
            return FLUX_OK
        }
        t.block_subsidy = { host, height, value in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            guard height >= 0 else { return FLUX_ERR_INVALID_ARGUMENT }
            guard let subsidy = p.services.blockSubsidy(at: height) else { return FLUX_ERR_UNSUPPORTED }
            value.pointee = subsidy
            return FLUX_OK
        }
        t.kv_seek = { host, txn, prefix, from, sink, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            let prefixBytes = PluginHostTable.bytes(prefix)
            let fromBytes = PluginHostTable.bytes(from)
            guard prefixBytes.count <= PluginHostTable.maxKey, fromBytes.count <= PluginHostTable.maxKey else {
                return FLUX_ERR_LIMIT
            }
            guard prefixBytes.first != 0 else { return FLUX_ERR_INVALID_ARGUMENT }   // the host's keys
            let t = PluginHostTable.transaction(txn)
            if let t, !t.isOpen { return FLUX_ERR_STATE }
            do throws(PluginStoreError) {
                guard let (key, value) = try PluginHostTable.seek(p, t, prefix: prefixBytes, from: fromBytes) else {
                    return FLUX_ERR_NOT_FOUND
                }
                var record: [UInt8] = []
                record.reserveCapacity(4 + key.count + value.count)
                withUnsafeBytes(of: UInt32(key.count).littleEndian) { record += $0 }
                record += key
                record += value
                PluginHostTable.deliver(record, sink, context)
                return FLUX_OK
            } catch {
                p.logger.error("plugin store seek failed: \(error)")
                return FLUX_ERR_FAILED
            }
        }
        t.kv_scan = { host, txn, prefix, from, maxEntries, sink, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            let prefixBytes = PluginHostTable.bytes(prefix)
            let fromBytes = PluginHostTable.bytes(from)
            guard prefixBytes.count <= PluginHostTable.maxKey, fromBytes.count <= PluginHostTable.maxKey,
                  (1...PluginHostTable.maxScanEntries).contains(Int(maxEntries)) else {
                return FLUX_ERR_LIMIT
            }
            guard prefixBytes.first != 0 else { return FLUX_ERR_INVALID_ARGUMENT }   // the host's keys
            let t = PluginHostTable.transaction(txn)
            if let t, !t.isOpen { return FLUX_ERR_STATE }
            do throws(PluginStoreError) {
                let entries = try PluginHostTable.scan(p, t, prefix: prefixBytes, from: fromBytes, limit: Int(maxEntries))
                guard !entries.isEmpty else { return FLUX_OK }
                var record: [UInt8] = []
                record.reserveCapacity(entries.reduce(0) { $0 + 8 + $1.key.count + $1.value.count })
                for (key, value) in entries {
                    withUnsafeBytes(of: UInt32(key.count).littleEndian) { record += $0 }
                    record += key
                    withUnsafeBytes(of: UInt32(value.count).littleEndian) { record += $0 }
                    record += value
                }
                PluginHostTable.deliver(record, sink, context)
                return FLUX_OK
            } catch {
                p.logger.error("plugin store scan failed: \(error)")
                return FLUX_ERR_FAILED
            }
        }
        t.wallet_sign_compact = { host, keyID, digest, sink, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            let id = Array(UnsafeBufferPointer(start: keyID, count: 20))
            switch p.services.walletSignCompact(keyID: id, digest: PluginHostTable.hash(digest)) {
            case let .signed(publicKey, signature):
                guard publicKey.count <= 255 else { return FLUX_ERR_FAILED }
                PluginHostTable.deliver([UInt8(publicKey.count)] + publicKey + signature, sink, context)
                return FLUX_OK
            case .noSuchKey: return FLUX_ERR_NOT_FOUND
            case .noWallet: return FLUX_ERR_STATE
            }
        }
        // ---- 1.2 ----
        t.register_global_rpc = { host, name, help, reason, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            let (status, refusal) = p.registerGlobalRPC(String(decoding: PluginHostTable.bytes(name), as: UTF8.self),
                                                        help: String(decoding: PluginHostTable.bytes(help), as: UTF8.self))
            if let refusal {
                p.logger.warning("\(refusal)")
                if let reason { PluginHostTable.deliver(Array(refusal.utf8), reason, context) }
            }
            return status
        }
        t.node_option = { host, name, sink, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            switch p.services.nodeOption(String(decoding: PluginHostTable.bytes(name), as: UTF8.self)) {
            case let .values(values):
                for value in values { PluginHostTable.deliver(Array(value.utf8), sink, context) }
                return FLUX_OK
            case .notSet: return FLUX_ERR_NOT_FOUND
            case .unknown: return FLUX_ERR_INVALID_ARGUMENT
            case .withheld: return FLUX_ERR_UNSUPPORTED
            }
        }
        t.wallet_unspent = { host, sink, context in
            guard let p = PluginInstance.from(host) else { return FLUX_ERR_STATE }
            guard let coins = p.services.walletUnspent() else { return FLUX_ERR_STATE }
            guard !coins.isEmpty else { return FLUX_OK }
            PluginHostTable.deliver(coins.flatMap(\.record), sink, context)
            return FLUX_OK
        }
        return t
    }

    /// `kv_seek`: the first entry of the plugin's namespace whose key starts with `prefix` and is ≥ `from`, seen
    /// through `txn` when given (its staged puts are visible, its staged deletes hide committed keys). Keys
    /// starting with 0x00 are the host's and never returned.
    static func seek(_ p: PluginInstance, _ txn: PluginKVTransaction?, prefix: [UInt8], from: [UInt8])
        throws(PluginStoreError) -> (key: [UInt8], value: [UInt8])? {
        var lower = prefix.lexicographicallyPrecedes(from) ? from : prefix
        if lower.lexicographicallyPrecedes([1]) { lower = [1] }   // skips every key starting with 0x00
        var committed: (key: [UInt8], value: [UInt8])?
        try p.services.scanStored(namespace: namespace(p.name), prefix: prefix, from: lower) { key, value in
            if key.first == 0 { return true }
            if let txn, txn.hasStaged(key) { return true }   // deleted, or replaced by a staged put found below
            committed = (key, value)
            return false
        }
        guard let txn, let staged = txn.firstStagedPut(prefix: prefix, from: lower) else { return committed }
        if let committed, committed.key.lexicographicallyPrecedes(staged.key) { return committed }
        return staged
    }

    /// The most entries one `kv_scan` returns.
    static let maxScanEntries = 4_096

    /// `kv_scan`: up to `limit` entries in key order from the first key ≥ `from` under `prefix`, seen through `txn`
    /// as ``seek(_:_:prefix:from:)`` sees them, read with one iterator.
    static func scan(_ p: PluginInstance, _ txn: PluginKVTransaction?, prefix: [UInt8], from: [UInt8], limit: Int)
        throws(PluginStoreError) -> [(key: [UInt8], value: [UInt8])] {
        var lower = prefix.lexicographicallyPrecedes(from) ? from : prefix
        if lower.lexicographicallyPrecedes([1]) { lower = [1] }   // skips every key starting with 0x00
        var committed: [(key: [UInt8], value: [UInt8])] = []
        try p.services.scanStored(namespace: namespace(p.name), prefix: prefix, from: lower) { key, value in
            if key.first == 0 { return true }
            if let txn, txn.hasStaged(key) { return true }   // deleted, or replaced by a staged put merged below
            committed.append((key, value))
            return committed.count < limit
        }
        guard let txn else { return committed }
        let staged = txn.stagedPuts(prefix: prefix, from: lower, limit: limit)
        var merged: [(key: [UInt8], value: [UInt8])] = []
        var i = 0, j = 0
        while merged.count < limit && (i < committed.count || j < staged.count) {
            if j == staged.count || (i < committed.count && committed[i].key.lexicographicallyPrecedes(staged[j].key)) {
                merged.append(committed[i]); i += 1
            } else {
                merged.append(staged[j]); j += 1
            }
        }
        return merged
    }

    /// A put (value) or delete (nil): staged in the block's transaction, or committed at once without one.
    static func write(_ p: PluginInstance, _ txn: OpaquePointer?, _ key: [UInt8], _ value: [UInt8]?) -> Int32 {
        guard !key.isEmpty, key.count <= maxKey, (value?.count ?? 0) <= maxValue else { return FLUX_ERR_LIMIT }
        guard key[0] != 0 else { return FLUX_ERR_INVALID_ARGUMENT }   // keys starting with 0x00 are the host's
        if let t = transaction(txn) {
            guard t.isOpen else { return FLUX_ERR_STATE }
            t.set(key, value)
            return FLUX_OK
        }
        do throws(PluginStoreError) {
            try p.services.storeNow(namespace: namespace(p.name), writes: [(key, value)])
            return FLUX_OK
        } catch {
            p.logger.error("plugin store write failed: \(error)")
            return FLUX_ERR_FAILED
        }
    }
}
