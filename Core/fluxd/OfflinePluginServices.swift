import FluxPluginHost

/// The services `-checkplugins` offers while it calls each plugin's `on_load`: no chain is open, so queries find
/// nothing and writes are refused. A plugin that needs the chain during `on_load` must cope with an empty one.
final class OfflinePluginServices: PluginServices, @unchecked Sendable {
    func tip() -> (height: Int64, hash: [UInt8]) { (0, [UInt8](repeating: 0, count: 32)) }
    func blockHash(at height: Int64) -> [UInt8]? { nil }
    func header(_ hash: [UInt8]) -> (header: [UInt8], height: Int64)? { nil }
    func block(_ hash: [UInt8]) -> [UInt8]? { nil }
    func unspentOutput(txid: [UInt8], index: UInt32) -> (value: Int64, height: UInt32, coinbase: Bool, script: [UInt8])? { nil }
    func mempoolTransaction(_ txid: [UInt8]) -> [UInt8]? { nil }
    func storedValue(namespace: String, key: [UInt8]) throws(PluginStoreError) -> [UInt8]? { nil }
    func storeNow(namespace: String, writes: [(key: [UInt8], value: [UInt8]?)]) throws(PluginStoreError) {
        throw PluginStoreError("-checkplugins opens no database")
    }
    func submitTransaction(_ transaction: [UInt8]) -> String? { "-checkplugins submits nothing" }
    func sendP2P(peer: UInt64, command: String, payload: [UInt8]) -> Bool { false }
}
