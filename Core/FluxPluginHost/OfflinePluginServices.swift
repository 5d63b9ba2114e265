/// The services `-checkplugins` (and the `checkplugins` RPC) offer while each plugin's `on_load` runs: no chain is
/// attached, so queries find nothing and writes are refused. A plugin that needs the chain during `on_load` must
/// cope with an empty one. The network's parameters and subsidy are offered when the caller knows them (so a
/// plugin that checks its configuration against the network can), and the node's options when given (so a
/// plugin that merges flux.conf keys into its configuration is checked as it will run); there is no wallet.
public final class OfflinePluginServices: PluginServices, @unchecked Sendable {
    private let parameters: [UInt8]?
    private let subsidy: (@Sendable (Int64) -> Int64?)?
    private let options: (@Sendable (String) -> PluginNodeOption)?

    /// Services that answer nothing, but `chain_parameters` (`parameters`, JSON), `block_subsidy` (`subsidy`) and
    /// `node_option` (`options`) when given.
    public init(chainParameters parameters: [UInt8]? = nil, subsidy: (@Sendable (Int64) -> Int64?)? = nil,
                options: (@Sendable (String) -> PluginNodeOption)? = nil) {
        self.parameters = parameters
        self.subsidy = subsidy
        self.options = options
    }
    public func nodeOption(_ name: String) -> PluginNodeOption { options?(name) ?? .notSet }
    public func tip() -> (height: Int64, hash: [UInt8]) { (0, [UInt8](repeating: 0, count: 32)) }
    public func blockHash(at height: Int64) -> [UInt8]? { nil }
    public func header(_ hash: [UInt8]) -> (header: [UInt8], height: Int64)? { nil }
    public func block(_ hash: [UInt8]) -> [UInt8]? { nil }
    public func unspentOutput(txid: [UInt8], index: UInt32) -> (value: Int64, height: UInt32, coinbase: Bool, script: [UInt8])? { nil }
    public func mempoolTransaction(_ txid: [UInt8]) -> [UInt8]? { nil }
    public func storedValue(namespace: String, key: [UInt8]) throws(PluginStoreError) -> [UInt8]? { nil }
    public func storeNow(namespace: String, writes: [(key: [UInt8], value: [UInt8]?)]) throws(PluginStoreError) {
        throw PluginStoreError("-checkplugins opens no database")
    }
    public func submitTransaction(_ transaction: [UInt8]) -> String? { "-checkplugins submits nothing" }
    public func sendP2P(peer: UInt64, command: String, payload: [UInt8]) -> Bool { false }
    public func chainParameters() -> [UInt8]? { parameters }
    public func blockSubsidy(at height: Int64) -> Int64? { subsidy?(height) }
    public func scanStored(namespace: String, prefix: [UInt8], from: [UInt8],
                           _ body: ([UInt8], [UInt8]) -> Bool) throws(PluginStoreError) {}
    public func walletSignCompact(keyID: [UInt8], digest: [UInt8]) -> PluginWalletSignature { .noWallet }
}
