/// What the node offers plugins, as the host needs it: chain and mempool queries, the plugins' key-value
/// namespaces, transaction submission and P2P. The node implements it over its chain state, mempool and network;
/// the host itself knows the chain only through this interface (and tests implement it in memory).
///
/// Hashes and transaction ids are 32 bytes in internal order; blocks, headers and transactions are wire bytes.
public protocol PluginServices: AnyObject, Sendable {
    /// Height and hash of the active tip.
    func tip() -> (height: Int64, hash: [UInt8])
    /// The active-chain block hash at `height`, nil above the tip.
    func blockHash(at height: Int64) -> [UInt8]?
    /// A known header (any branch) and its height.
    func header(_ hash: [UInt8]) -> (header: [UInt8], height: Int64)?
    /// A stored block.
    func block(_ hash: [UInt8]) -> [UInt8]?
    /// An unspent output: value, height, coinbase flag and script.
    func unspentOutput(txid: [UInt8], index: UInt32) -> (value: Int64, height: UInt32, coinbase: Bool, script: [UInt8])?
    /// A mempool transaction.
    func mempoolTransaction(_ txid: [UInt8]) -> [UInt8]?
    /// The committed value of `key` in plugin namespace `namespace`.
    func storedValue(namespace: String, key: [UInt8]) throws(PluginStoreError) -> [UInt8]?
    /// Writes (or deletes, with nil) keys of a namespace at once, atomically, outside any block.
    func storeNow(namespace: String, writes: [(key: [UInt8], value: [UInt8]?)]) throws(PluginStoreError)
    /// Submits a transaction to the mempool; nil when accepted, else the reason.
    func submitTransaction(_ transaction: [UInt8]) -> String?
    /// Sends a plugin P2P command (already prefixed) to one peer or, with 0, to every peer.
    func sendP2P(peer: UInt64, command: String, payload: [UInt8]) -> Bool
}

/// A failure of the store behind plugin namespaces.
public struct PluginStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
