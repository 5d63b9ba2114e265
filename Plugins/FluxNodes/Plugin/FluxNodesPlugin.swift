import FluxJSON
import FluxNodeModel
import FluxPluginSDK
import FluxPrimitives
import FluxScript
import Synchronization

/// fluxnodes — Flux's FluxNode tiers (Cumulus, Nimbus, Stratus) as a plugin.
///
/// It keeps the deterministic node list in its key-value namespace (see `FluxNodeLedger` for the layout), judges
/// FluxNode START/CONFIRM transactions and every block's node payments as consensus rules, supplies those payments
/// to block templates, tells the node which FluxNodes may produce Proof-of-Node blocks (and produces them when this
/// node is one), and answers fluxd's FluxNode RPCs under fluxd's own names (ABI 1.2 global names, both the
/// `flux` and `zel` spellings) and as `fluxnodes.METHOD`. A stock FluxNode's flux.conf keys (`zelnode`,
/// `zelnodeprivkey`, `zelnodeoutpoint`, `zelnodeindex`, `externalip`) configure it through `node_option`.
///
/// Everything consensus reads is in the store and written through the block's transaction, so a reorganisation
/// undoes it with the block, a crash never separates it from the chain, and a new build of the plugin (hot
/// upgrade) starts from the same state: nothing in memory matters except caches.
public final class FluxNodesPlugin: FluxPlugin {
    public static let manifest = PluginManifest(
        name: "fluxnodes", version: "1.1.0",
        capabilities: [.observeBlocks, .stateful, .judgeBlocks, .judgeTransactions, .coinbaseOutputs, .rpc, .tick,
                       .proofOfNode],
        consensusVersion: 1, activationHeight: 1)

    let host: PluginHost
    let network: FluxNodeNetwork
    let ledger: FluxNodeLedger
    let configuration: FluxNodesConfiguration
    let prefixes: Base58Prefixes
    /// The writes of the last block judged, reused when that block is connected (saves a second pass).
    let judged = Mutex<JudgedBlock?>(nil)
    /// The tip height at which this node last sent a CONFIRM (auto-confirm waits a few blocks before resending).
    let lastConfirmSent = Mutex<Int64>(-1_000)
    /// This node's collateral as found for a tip (by operator key when config.collateral is not set).
    let ownCollateral = Mutex<(tip: [UInt8], collateral: OutPoint?)?>(nil)

    struct JudgedBlock: Sendable {
        var hash: [UInt8]
        var writes: [(key: [UInt8], value: [UInt8]?)]
    }

    public init(host: PluginHost, configuration: [UInt8]) throws(PluginError) {
        self.host = host
        let parameters: [UInt8]
        do { parameters = try host.chainParameters() } catch {
            throw .unsupported("fluxnodes needs a host with ABI 1.1 (chain_parameters): \(error)")
        }
        var net: FluxNodeNetwork
        do { net = try Self.network(fromChainParameters: parameters) } catch {
            throw .invalidArgument("chain parameters from the host: \(error)")
        }
        // flux.conf's FluxNode keys, merged into the plugin's table by the precedence rule (see
        // FluxNodesConfiguration+NodeOptions.swift).
        let options = try Self.nodeOptions(host)
        var merged: FluxNodesConfiguration
        var notes: [String] = []
        do throws(FluxNodesConfigurationError) {
            merged = try FluxNodesConfiguration(json: configuration, network: net.kind)
            if let options { notes = try merged.merge(options, network: net.kind) }
            try merged.validate()
        } catch {
            throw .invalidArgument(error.description)
        }
        self.configuration = merged
        net.benchmarkKeyOverride = self.configuration.benchmarkPublicKey
        network = net
        ledger = FluxNodeLedger(network: net, signatureCache: FluxNodeSignatureCache())
        prefixes = Self.prefixes(net.kind)
        for note in notes { host.log(.info, note) }
        for (name, help) in Self.methods { try host.registerRPC(name, help: help) }
        if host.abiVersion.minor >= 2 {
            for (name, help) in Self.globalMethods { try host.registerGlobalRPC(name, help: help) }
        } else {
            host.log(.warning, "the host's ABI 1.\(host.abiVersion.minor) has no global RPC names: fluxd's names are not served")
        }
        if self.configuration.operatorKey != nil {
            host.log(.info, "FluxNode list on \(net.kind.rawValue); this node is the FluxNode started with its operator key")
        } else {
            host.log(.info, "FluxNode list on \(net.kind.rawValue); this node is not a FluxNode (no config.operator_key)")
        }
    }

    /// A FluxNode's flux.conf keys, read through the host (ABI 1.2); nil on an older host.
    static func nodeOptions(_ host: PluginHost) throws(PluginError) -> FluxNodeOptions? {
        guard host.abiVersion.minor >= 2 else { return nil }
        func read(_ name: String) throws(PluginError) -> [String] {
            do { return try host.nodeOption(name) ?? [] } catch {
                // A host without this option (or that withholds it) has nothing to merge.
                if error.status == PluginError.invalidArgument("").status || error.status == PluginError.unsupported("").status { return [] }
                throw error
            }
        }
        return FluxNodeOptions(zelnode: try read("zelnode").last == "1", privateKey: try read("zelnodeprivkey").last,
                               outpoint: try read("zelnodeoutpoint").last, index: try read("zelnodeindex").last,
                               externalIP: try read("externalip"))
    }

    /// Reads the host's chain-parameters JSON (ABI 1.1) into the model's network description.
    static func network(fromChainParameters bytes: [UInt8]) throws(FluxNodesConfigurationError) -> FluxNodeNetwork {
        guard let json = try? JSONValue(parsing: bytes) else { throw FluxNodesConfigurationError("not JSON") }
        guard let name = json["network"]?.stringValue, let kind = FluxNodeNetwork.Kind(rawValue: name) else {
            throw FluxNodesConfigurationError("unknown network \(json["network"]?.serialized() ?? "(none)")")
        }
        var upgrades: [String: Int] = [:]
        if case let .object(pairs)? = json["upgrades"] {
            for (key, value) in pairs {
                guard let height = value.intValue else { throw FluxNodesConfigurationError("upgrades.\(key) is not a height") }
                upgrades[key] = Int(height)
            }
        }
        guard let genesisTime = json["genesis_time"]?.intValue, let spacing = json["pon_spacing"]?.intValue, spacing > 0 else {
            throw FluxNodesConfigurationError("genesis_time or pon_spacing missing")
        }
        let checks: Bool
        if case let .bool(flag)? = json["checks_pon_hash"] { checks = flag } else { checks = kind != .regtest }
        return FluxNodeNetwork(kind: kind, upgrades: upgrades, genesisTime: UInt32(clamping: genesisTime),
                               ponSpacing: UInt32(clamping: spacing), checksPonHash: checks, benchmarkKeyOverride: nil)
    }

    static func prefixes(_ kind: FluxNodeNetwork.Kind) -> Base58Prefixes {
        kind == .mainnet
            ? Base58Prefixes(pubKeyHash: [0x1c, 0xb8], scriptHash: [0x1c, 0xbd], secretKey: [0x80])
            : Base58Prefixes(pubKeyHash: [0x1d, 0x25], scriptHash: [0x1c, 0xba], secretKey: [0xef])
    }

    // MARK: Stores

    /// Committed state (reads only).
    var committed: HostFluxNodeStore { HostFluxNodeStore(host: host, transaction: nil) }

    /// The collateral-coin lookup the ledger uses, over `store`. With `explain`, an output the index does not hold
    /// is looked up in the host's UTXO set, but only to be reported with its real value when that value is not a
    /// collateral amount (the ledger then refuses it for its amount, not as missing): the index alone decides which
    /// collateral-sized coins exist, so a stale host view can never make a spent collateral usable.
    func coins(_ store: any FluxNodeStore, explain: Bool = false) -> (OutPoint) throws -> (value: Int64, height: Int, script: [UInt8])? {
        { [host] outpoint in
            if let coin = try CollateralCoins.coin(outpoint, in: store) { return coin }
            guard explain, let utxo = try? host.unspentOutput(txid: Array(outpoint.hash.bytes), index: outpoint.index),
                  !CollateralCoins.amounts.contains(utxo.value) else { return nil }
            return (utxo.value, Int(utxo.height), utxo.script)
        }
    }

    /// Runs the ledger over `block` on `store` and indexes its collateral-sized outputs.
    func apply(_ block: Block, height: Int64, to store: any FluxNodeStore) throws(PluginError) {
        guard height > 0 else { return }   // genesis outputs are unspendable
        let subsidy = try host.blockSubsidy(at: height)
        do {
            try ledger.connect(block, height: Int(height), subsidy: subsidy, store: store, utxo: coins(store))
        } catch {
            throw .rejected("\(error.code): \(error.message)")
        }
        do { try CollateralCoins.apply(block, height: Int(height), to: store) } catch {
            throw .failed("collateral index: \(error)")
        }
    }

    static func parse(_ event: BlockEvent) throws(PluginError) -> Block {
        do { return try Block(serialized: event.block) } catch {
            throw .invalidArgument("block \(event.displayHash) does not parse: \(error)")
        }
    }

    // MARK: Chain callbacks

    public func checkBlock(_ event: BlockEvent) throws(PluginError) {
        let block = try Self.parse(event)
        let overlay = OverlayFluxNodeStore(base: committed)
        try apply(block, height: event.height, to: overlay)
        judged.withLock { $0 = JudgedBlock(hash: event.hash, writes: overlay.log) }
    }

    public func blockConnected(_ event: BlockEvent, transaction: KVTransaction?) throws(PluginError) {
        guard let transaction else { throw .state("fluxnodes is stateful: block events need a transaction") }
        let store = HostFluxNodeStore(host: host, transaction: transaction)
        let cached = judged.withLock { j -> JudgedBlock? in
            defer { j = nil }
            return j?.hash == event.hash ? j : nil
        }
        if let cached {
            for (key, value) in cached.writes {
                do {
                    if let value { try store.put(key, value) } else { try store.delete(key) }
                } catch {
                    throw .failed("\(error)")
                }
            }
        } else {
            // Replays (late load, restart after a crash) and blocks below the activation height.
            try apply(try Self.parse(event), height: event.height, to: store)
        }
        host.setGauge("height", Double(event.height))
    }

    public func blockDisconnected(_ event: BlockEvent, transaction: KVTransaction?) throws(PluginError) {
        // The host has undone this block's writes; only the cache can be stale.
        judged.withLock { $0 = nil }
    }

    public func checkTransaction(_ event: TransactionEvent, nextHeight: Int64) throws(PluginError) {
        let bytes = event.transaction
        guard bytes.count >= 4 else { return }
        let version = (UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24) & 0x7fff_ffff
        guard version == 5 || version == 6 else { return }   // not a FluxNode transaction
        let tx: Transaction
        do { tx = try Transaction(serialized: bytes) } catch { throw .invalidArgument("transaction does not parse: \(error)") }
        let store = committed
        do {
            try ledger.check(tx, height: Int(nextHeight), store: store, utxo: coins(store, explain: true))
        } catch {
            throw .rejected("\(error.code): \(error.message)")
        }
    }

    public func coinbaseOutputs(height: Int64) throws(PluginError) -> [UInt8] {
        let subsidy = try host.blockSubsidy(at: height)
        let payouts: [FluxNodePayout]
        do { payouts = try ledger.payouts(height: Int(height), subsidy: subsidy, store: committed) } catch {
            throw .failed("\(error.code): \(error.message)")
        }
        var w = ByteWriter()
        w.writeCompactSize(UInt64(payouts.count))
        for payout in payouts {
            w.writeLE(payout.amount)
            w.writeVarBytes(payout.script)
        }
        return w.bytes
    }

    // MARK: Proof of Node

    public func ponOperatorKey(collateral: [UInt8], parentHeight: Int64, parentHash: [UInt8]) throws(PluginError) -> [UInt8]? {
        let outpoint = try Self.outpoint(collateral)
        do { return try ledger.operatorKey(outpoint, store: committed) } catch {
            throw .failed("\(error)")
        }
    }

    public func ponPropose(height: Int64, parentHash: [UInt8], time: UInt32, bits: UInt32)
        throws(PluginError) -> (collateral: [UInt8], delayMilliseconds: UInt32)? {
        let store = committed
        let record: FluxNodeRecord?
        do { record = try ownNode() } catch { throw .failed("\(error)") }
        guard let record, record.status == .confirmed else { return nil }
        let collateral = record.collateral
        guard parentHash.count == 32 else { throw .invalidArgument("parent hash of \(parentHash.count) bytes") }
        let parent = Hash256(parentHash)
        let slot = time > network.genesisTime ? (time - network.genesisTime) / network.ponSpacing : 0
        let target = UInt256.fromCompact(bits).value
        func eligible(_ hash: Hash256) -> Bool { !network.checksPonHash || !(target < UInt256(hash)) }
        let myHash = Self.ponHash(collateral, parent: parent, slot: slot)
        guard eligible(myHash) else { return nil }
        // Rank among the eligible nodes, by PoN hash in memcmp order (fluxd's uint256 operator<): rank r waits r·4 s.
        var rank: UInt32 = 0
        do {
            for tier in FluxNodeTier.allCases {
                for node in try ledger.confirmedList(tier: tier, store: store) where node.collateral != collateral {
                    let h = Self.ponHash(node.collateral, parent: parent, slot: slot)
                    if eligible(h) && Array(h.bytes).lexicographicallyPrecedes(Array(myHash.bytes)) { rank += 1 }
                }
            }
        } catch {
            throw .failed("\(error)")
        }
        return (Self.encode(collateral), rank * 4_000)
    }

    public func ponSign(collateral: [UInt8], blockHash: [UInt8]) throws(PluginError) -> [UInt8] {
        let outpoint = try Self.outpoint(collateral)
        let record: FluxNodeRecord?
        do { record = try ledger.node(outpoint, store: committed) } catch { throw .failed("\(error)") }
        guard let key = configuration.operatorKey, let record, record.operatorPubKey == configuration.operatorPublicKey else {
            throw .notFound("this node holds no operator key for \(outpoint.shortDescription)")
        }
        guard blockHash.count == 32 else { throw .invalidArgument("block hash of \(blockHash.count) bytes") }
        return key.sign(digest32: Hash256(blockHash))
    }

    /// fluxd's PoN hash: SHA256d(collateral txid ‖ LE32 n ‖ previous block hash ‖ LE32 slot).
    static func ponHash(_ collateral: OutPoint, parent: Hash256, slot: UInt32) -> Hash256 {
        var w = ByteWriter(capacity: 72)
        collateral.encode(to: &w)
        w.writeHash(parent)
        w.writeLE(slot)
        return Hashing.sha256d(w.bytes)
    }

    static func outpoint(_ bytes: [UInt8]) throws(PluginError) -> OutPoint {
        var r = ByteReader(bytes)
        guard bytes.count == 36, let outpoint = try? OutPoint(from: &r) else {
            throw .invalidArgument("a collateral is 36 bytes (txid ‖ LE32 index), got \(bytes.count)")
        }
        return outpoint
    }

    static func encode(_ outpoint: OutPoint) -> [UInt8] {
        var w = ByteWriter(capacity: 36)
        outpoint.encode(to: &w)
        return w.bytes
    }

    // MARK: This node

    /// This node's entry in the list: config.collateral's, or the node whose START names config.operator_key
    /// (confirmed first, then started, then DoS), found once per tip.
    func ownNode() throws -> FluxNodeRecord? {
        guard let mine = configuration.operatorPublicKey else { return nil }
        let store = committed
        if let collateral = configuration.collateral { return try ledger.node(collateral, store: store) }
        let tip = try host.tip().hash
        if let cached = ownCollateral.withLock({ $0 }), cached.tip == tip {
            guard let collateral = cached.collateral else { return nil }
            return try ledger.node(collateral, store: store)
        }
        var found: FluxNodeRecord?
        for tier in FluxNodeTier.allCases where found == nil {
            found = try ledger.confirmedList(tier: tier, store: store).first { $0.operatorPubKey == mine }
        }
        if found == nil { found = try ledger.started(store: store).first { $0.operatorPubKey == mine } }
        if found == nil { found = try ledger.dos(store: store).first { $0.operatorPubKey == mine } }
        ownCollateral.withLock { $0 = (tip, found?.collateral) }
        return found
    }

    // MARK: Confirmations

    public func tick(unixMillis: Int64) throws(PluginError) {
        guard configuration.autoConfirm, configuration.operatorKey != nil else { return }
        let tip = try host.tip()
        let last = lastConfirmSent.withLock { $0 }
        guard tip.height >= last + 5 else { return }   // one attempt per few blocks while one is pending
        do {
            if let tx = try confirmationDue(nextHeight: tip.height + 1, now: UInt32(clamping: unixMillis / 1000)) {
                try host.submitTransaction(tx.serialized)
                lastConfirmSent.withLock { $0 = tip.height }
                host.log(.info, "sent a CONFIRM for \(tx.fluxNode?.collateral.shortDescription ?? "?") at height \(tip.height + 1)")
            }
        } catch {
            lastConfirmSent.withLock { $0 = tip.height }
            host.log(.warning, "could not confirm this FluxNode: \(error)")
        }
    }
}

/// The entry point the node looks up.
@_cdecl("flux_plugin_entry")
public func fluxPluginEntry() -> UnsafeRawPointer? { PluginExport.entry(for: FluxNodesPlugin.self) }
