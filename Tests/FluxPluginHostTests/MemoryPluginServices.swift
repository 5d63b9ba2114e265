import Foundation
@testable import FluxPluginHost

/// Plugin services over dictionaries, for host tests without a node.
final class MemoryPluginServices: PluginServices, @unchecked Sendable {
    private let lock = NSLock()
    var store: [String: [[UInt8]: [UInt8]]] = [:]
    var blocks: [[UInt8]: (bytes: [UInt8], height: Int64)] = [:]
    var active: [[UInt8]] = []
    var submitted: [[UInt8]] = []
    var sent: [(UInt64, String, [UInt8])] = []

    func tip() -> (height: Int64, hash: [UInt8]) {
        lock.withLock { (Int64(active.count - 1), active.last ?? [UInt8](repeating: 0, count: 32)) }
    }
    func blockHash(at height: Int64) -> [UInt8]? {
        lock.withLock { height >= 0 && height < active.count ? active[Int(height)] : nil }
    }
    func header(_ hash: [UInt8]) -> (header: [UInt8], height: Int64)? {
        lock.withLock { blocks[hash].map { (Array($0.bytes.prefix(140)), $0.height) } }
    }
    func block(_ hash: [UInt8]) -> [UInt8]? { lock.withLock { blocks[hash]?.bytes } }
    func unspentOutput(txid: [UInt8], index: UInt32) -> (value: Int64, height: UInt32, coinbase: Bool, script: [UInt8])? {
        index == 7 ? (5_000, 3, true, [0x51]) : nil
    }
    func mempoolTransaction(_ txid: [UInt8]) -> [UInt8]? { nil }
    func storedValue(namespace: String, key: [UInt8]) throws(PluginStoreError) -> [UInt8]? {
        lock.withLock { store[namespace]?[key] }
    }
    func storeNow(namespace: String, writes: [(key: [UInt8], value: [UInt8]?)]) throws(PluginStoreError) {
        lock.withLock {
            for (k, v) in writes { store[namespace, default: [:]][k] = v }
        }
    }
    func submitTransaction(_ transaction: [UInt8]) -> String? {
        lock.withLock {
            submitted.append(transaction)
            return transaction.isEmpty ? "empty transaction" : nil
        }
    }
    func sendP2P(peer: UInt64, command: String, payload: [UInt8]) -> Bool {
        lock.withLock { sent.append((peer, command, payload)) }
        return true
    }

    func scanStored(namespace: String, prefix: [UInt8], from: [UInt8],
                    _ body: ([UInt8], [UInt8]) -> Bool) throws(PluginStoreError) {
        let entries = lock.withLock { (store[namespace] ?? [:]).sorted { $0.key.lexicographicallyPrecedes($1.key) } }
        for (key, value) in entries where key.starts(with: prefix) && !key.lexicographicallyPrecedes(from) {
            guard body(key, value) else { return }
        }
    }

    /// Applies a transaction's writes as the chain's batch would.
    func commit(_ txn: PluginKVTransaction) {
        lock.withLock {
            for (k, v) in txn.finalWrites { store[txn.namespace, default: [:]][k] = v }
        }
    }
}
