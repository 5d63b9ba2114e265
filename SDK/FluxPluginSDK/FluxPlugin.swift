import CFluxPlugin

/// What a plugin written in Swift implements. Only ``init(host:configuration:)`` is required; every other method
/// has a default that does nothing (events) or refuses (`unsupported`), and the host calls only those the
/// plugin's ``PluginManifest/capabilities`` ask for.
///
/// A plugin is one class plus one exported entry point:
///
/// ```swift
/// final class BlockCounter: FluxPlugin {
///     static let manifest = PluginManifest(name: "blockcounter", version: "1.0.0",
///                                          capabilities: [.observeBlocks, .stateful, .rpc])
///     let host: PluginHost
///     init(host: PluginHost, configuration: [UInt8]) throws(PluginError) {
///         self.host = host
///         try host.registerRPC("count", help: "count\nBlocks seen.")
///     }
///     func blockConnected(_ event: BlockEvent, transaction: KVTransaction?) throws(PluginError) { … }
/// }
///
/// @_cdecl("flux_plugin_entry")
/// public func fluxPluginEntry() -> UnsafeRawPointer? { PluginExport.entry(for: BlockCounter.self) }
/// ```
///
/// Errors must be thrown, never trapped: a trap (force unwrap of nil, index out of range) ends the node process.
/// Callbacks must not block; long work belongs on the plugin's own threads.
public protocol FluxPlugin: AnyObject {
    /// Name, version, capabilities and consensus declaration.
    static var manifest: PluginManifest { get }
    /// Creates the instance; `configuration` is the plugin's table from `plugins.toml` as JSON text. Validate it
    /// here and throw to refuse loading. Register RPC methods and P2P commands here.
    init(host: PluginHost, configuration: [UInt8]) throws(PluginError)

    /// A block joined the active chain. `transaction` is non-nil for stateful plugins: KV writes through it
    /// commit with the block.
    func blockConnected(_ event: BlockEvent, transaction: KVTransaction?) throws(PluginError)
    /// A block left the active chain (its transaction's writes are already undone by the host).
    func blockDisconnected(_ event: BlockEvent, transaction: KVTransaction?) throws(PluginError)
    /// A transaction entered the mempool.
    func transactionAccepted(_ event: TransactionEvent) throws(PluginError)
    /// The active chain has a new tip.
    func tipChanged(_ event: TipEvent) throws(PluginError)
    /// About once a second.
    func tick(unixMillis: Int64) throws(PluginError)
    /// A judge's verdict on a block: return to accept, throw `.rejected(reason)` to reject.
    func checkBlock(_ event: BlockEvent) throws(PluginError)
    /// A judge's verdict on a mempool transaction at `nextHeight`.
    func checkTransaction(_ event: TransactionEvent, nextHeight: Int64) throws(PluginError)
    /// Outputs a block at `height` must pay: CompactSize count ‖ serialized outputs.
    func coinbaseOutputs(height: Int64) throws(PluginError) -> [UInt8]
    /// Answers registered RPC method `method`; `params` and the result are JSON text.
    func rpcCall(method: String, params: [UInt8]) throws(PluginError) -> [UInt8]
    /// A registered P2P command from `peer`.
    func p2pMessage(peer: UInt64, command: String, payload: [UInt8]) throws(PluginError)
    /// Hot upgrade, old build: in-memory state to hand over, with its format version.
    func exportState() throws(PluginError) -> (version: UInt32, state: [UInt8])
    /// Hot upgrade, new build: the old build's state.
    func importState(version: UInt32, state: [UInt8]) throws(PluginError)
    /// Called once before the instance is released: stop threads, flush what must be flushed.
    func unload()

    // MARK: Proof of Node (ABI 1.1, `.proofOfNode`)

    /// The operator public key (33 or 65 bytes) of the node whose collateral (32-byte txid ‖ LE32 index) names a
    /// PoN block built on `parentHash` at `parentHeight`, if that node may produce it; nil when there is no such
    /// node or it is not eligible (the block is rejected). Throwing gives no verdict (the block is retried).
    func ponOperatorKey(collateral: [UInt8], parentHeight: Int64, parentHash: [UInt8]) throws(PluginError) -> [UInt8]?
    /// Whether this node produces the block at `height` on `parentHash` with header `time` and `bits`: the
    /// collateral to name (36 bytes) and the delay into the slot, or nil when it is not a producer for that slot.
    func ponPropose(height: Int64, parentHash: [UInt8], time: UInt32, bits: UInt32)
        throws(PluginError) -> (collateral: [UInt8], delayMilliseconds: UInt32)?
    /// The DER signature of `blockHash` (internal order) by the operator key of `collateral`.
    func ponSign(collateral: [UInt8], blockHash: [UInt8]) throws(PluginError) -> [UInt8]
}

extension FluxPlugin {
    public func blockConnected(_ event: BlockEvent, transaction: KVTransaction?) throws(PluginError) {}
    public func blockDisconnected(_ event: BlockEvent, transaction: KVTransaction?) throws(PluginError) {}
    public func transactionAccepted(_ event: TransactionEvent) throws(PluginError) {}
    public func tipChanged(_ event: TipEvent) throws(PluginError) {}
    public func tick(unixMillis: Int64) throws(PluginError) {}
    public func checkBlock(_ event: BlockEvent) throws(PluginError) { throw .unsupported("check_block") }
    public func checkTransaction(_ event: TransactionEvent, nextHeight: Int64) throws(PluginError) {
        throw .unsupported("check_transaction")
    }
    public func coinbaseOutputs(height: Int64) throws(PluginError) -> [UInt8] { throw .unsupported("coinbase_outputs") }
    public func rpcCall(method: String, params: [UInt8]) throws(PluginError) -> [UInt8] {
        throw .notFound("no RPC method \(method)")
    }
    public func p2pMessage(peer: UInt64, command: String, payload: [UInt8]) throws(PluginError) {}
    public func exportState() throws(PluginError) -> (version: UInt32, state: [UInt8]) { (0, []) }
    public func importState(version: UInt32, state: [UInt8]) throws(PluginError) {}
    public func unload() {}
    public func ponOperatorKey(collateral: [UInt8], parentHeight: Int64, parentHash: [UInt8]) throws(PluginError) -> [UInt8]? {
        throw .unsupported("pon_operator_key")
    }
    public func ponPropose(height: Int64, parentHash: [UInt8], time: UInt32, bits: UInt32)
        throws(PluginError) -> (collateral: [UInt8], delayMilliseconds: UInt32)? { nil }
    public func ponSign(collateral: [UInt8], blockHash: [UInt8]) throws(PluginError) -> [UInt8] {
        throw .unsupported("pon_sign")
    }
}

/// What a plugin declares about itself; becomes the ABI descriptor.
public struct PluginManifest: Sendable {
    /// `[a-z][a-z0-9_]{0,31}`: the RPC namespace, P2P prefix, KV namespace and metrics prefix.
    public var name: String
    /// The plugin's version, e.g. "1.2.0".
    public var version: String
    /// Anything that tells builds apart (a commit, a date).
    public var buildID: String
    /// What the host should call.
    public var capabilities: Capabilities
    /// Non-zero for plugins whose verdicts or coinbase outputs are consensus.
    public var consensusVersion: UInt32
    /// First height at which consensus verdicts apply.
    public var activationHeight: Int64

    /// A manifest; `buildID` defaults to the version.
    public init(name: String, version: String, buildID: String? = nil, capabilities: Capabilities,
                consensusVersion: UInt32 = 0, activationHeight: Int64 = 0) {
        self.name = name
        self.version = version
        self.buildID = buildID ?? version
        self.capabilities = capabilities
        self.consensusVersion = consensusVersion
        self.activationHeight = activationHeight
    }

    /// The `FLUX_CAP_*` bits.
    public struct Capabilities: OptionSet, Sendable, Hashable {
        public let rawValue: UInt64
        public init(rawValue: UInt64) { self.rawValue = rawValue }
        public static let observeBlocks = Capabilities(rawValue: 1 << 0)
        public static let observeMempool = Capabilities(rawValue: 1 << 1)
        public static let observeTip = Capabilities(rawValue: 1 << 2)
        public static let tick = Capabilities(rawValue: 1 << 3)
        public static let stateful = Capabilities(rawValue: 1 << 4)
        public static let judgeBlocks = Capabilities(rawValue: 1 << 5)
        public static let judgeTransactions = Capabilities(rawValue: 1 << 6)
        public static let coinbaseOutputs = Capabilities(rawValue: 1 << 7)
        public static let rpc = Capabilities(rawValue: 1 << 8)
        public static let p2p = Capabilities(rawValue: 1 << 9)
        /// (ABI 1.1) Proof of Node: `ponOperatorKey`, and `ponPropose` / `ponSign` to produce blocks. Consensus
        /// (needs a non-zero consensus version); at most one loaded plugin may declare it.
        public static let proofOfNode = Capabilities(rawValue: 1 << 10)
    }
}
