import FluxChain
import FluxConsensus
import FluxEquihash
import FluxMempool
import FluxMining
import FluxNetwork
import FluxOptions
import FluxPluginHost
import FluxPrimitives
import FluxRPC
import FluxStorage
import FluxWallet
import FluxZMQ
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Prometheus

/// A running Flux node: chain state on RocksDB, mempool, wallet, P2P network and JSON-RPC, wired together.
public final class Node: @unchecked Sendable {
    /// The resolved configuration.
    public let configuration: NodeConfiguration
    /// Chain parameters in force.
    public var params: ChainParameters { configuration.params }
    /// The chain.
    public let chain: ChainState
    /// The memory pool.
    public let mempool: Mempool
    /// The wallet.
    public let wallet: Wallet
    /// The P2P side.
    public let network: NetworkNode
    /// The loaded plugins.
    public let plugins: PluginManager
    /// The checkout's plugins.toml fluxd passed, if any.
    private(set) var repositoryPlugins: String?
    /// RPC methods (plugins will add theirs here).
    public let registry = RPCMethodRegistry()
    let rpc: RPCServer
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    let startedAt = Date()
    /// Equihash solutions this node's miner checked since start, and the seconds it spent solving
    /// (`getlocalsolps`: fluxd's rate over mining time, not uptime).
    let localSolutions = NIOLockedValueBox((solutions: 0, seconds: 0.0))
    /// Set by `stop` RPC, signals (fluxd) or ``requestShutdown()``; long work (connecting blocks, plugin catch-up,
    /// mining) checks it and stops at a consistent point.
    public let shutdown: ShutdownSignal
    /// Ports actually bound (useful when 0 was requested).
    public private(set) var p2pPort = 0
    public private(set) var rpcPorts: [Int] = []
    let miningLock = NSLock()
    /// The plugins' once-a-second tick, running between `start` and `stop`.
    let tickTimer = NIOLockedValueBox<(any DispatchSourceTimer)?>(nil)
    /// Whether `stop` has begun (later calls return at once).
    let stopping = NIOLockedValueBox(false)
    /// Whether `stop` has closed the chain.
    let closed = NIOLockedValueBox(false)
    /// The payee of block templates, chosen on first use.
    let templateScript = NIOLockedValueBox<Script?>(nil)
    /// Prometheus metrics (served with `-metricsport`).
    public let metrics = PrometheusCollectorRegistry()
    var metricsServer: MetricsServer?
    /// The metrics port actually bound, when `-metricsport` is set.
    public private(set) var metricsPort: Int?
    /// The ZeroMQ publisher, when a `-zmqpub*` option is set (from `start` on).
    let zmq = NIOLockedValueBox<ZMQNotifier?>(nil)

    /// Opens the chain in the data folder and builds every service (nothing listens until `start`).
    /// `repositoryPlugins` is the plugins file used when neither `-plugins` nor the data folder has one (fluxd passes
    /// the checkout's `plugins.toml`; nil means none).
    /// `shutdown` may be set before or while the node is built (fluxd's signal thread sets it): connecting blocks
    /// when the chain opens and catching plugins up then stop at the next block, and the caller should check it
    /// and ``stop()`` the node.
    public init(configuration: NodeConfiguration, logger: Logger = Logger(label: "fluxd"), repositoryPlugins: String? = nil,
                shutdown: ShutdownSignal = ShutdownSignal()) throws {
        self.configuration = configuration
        self.logger = logger
        self.shutdown = shutdown
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        var chainOptions = ChainOptions()
        if let n = configuration.options.int("dbbatchblocks") { chainOptions.blocksPerCommit = max(n, 1) }
        if let mb = configuration.options.int("dbcache") { chainOptions.cacheBytes = max(mb, 4) << 20 }
        if let depth = configuration.options.int("maxreorgdepth") { chainOptions.maxReorgDepth = depth }
        if let threads = configuration.options.int("par") { chainOptions.scriptThreads = threads }
        chainOptions.interruptRequested = { shutdown.isTriggered }
        chainOptions.indexes = configuration.indexes
        chainOptions.rebuildIndexes = configuration.options.flag("reindex")
        chain = try ChainState(params: configuration.params,
                               path: configuration.dataDirectory.appendingPathComponent("chain").path,
                               options: chainOptions)
        if configuration.options.flag("reindex") { try Node.beginReindex(chain, logger: logger) }
        mempool = Mempool(chain: chain)
        wallet = try Wallet(chain: chain)
        let pool = mempool
        let walletForPool = wallet
        pool.onAccepted = { entry in walletForPool.recordSeen(entry.transaction, txid: entry.txid) }
        let pluginServices = NodePluginServices(chain: chain, mempool: pool, wallet: wallet, options: configuration.options,
                                                submit: { tx in
            do { try pool.accept(tx); return nil } catch { return "\(error)" }
        })
        plugins = PluginManager(
            services: pluginServices,
            imagesDirectory: configuration.dataDirectory.appendingPathComponent("plugins/images").path,
            logger: Node.logger("flux.plugins", like: logger))
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        network = NetworkNode(configuration: configuration.networkConfiguration, chain: chain, mempool: mempool,
                              group: group, logger: Node.logger("flux.net", like: logger))
        let networkNode = network
        pluginServices.network.withLockedValue { $0 = networkNode }
        rpc = RPCServer(configuration: configuration.rpcConfiguration, registry: registry, logger: Node.logger("flux.rpc", like: logger))
        registerMethods()
        self.repositoryPlugins = repositoryPlugins
        lockCollateral()
        try setUpPlugins(repositoryDefault: repositoryPlugins)
    }

    /// A logger for a subsystem at the same level as the node's.
    static func logger(_ label: String, like parent: Logger) -> Logger {
        var l = Logger(label: label)
        l.logLevel = parent.logLevel
        return l
    }

    /// Starts P2P and RPC, and the miner with `-gen`. A reindex in progress is completed first (nothing is served
    /// from a half-rebuilt state); its failure is thrown as a ``ReindexError``.
    public func start() async throws {
        try completeReindex()
        if params.network == .mainnet {
            let watch = DeprecationWatch(deprecationHeight: Self.deprecationHeight,
                                         warningBlocks: Self.deprecationWarningBlocks, logger: logger,
                                         shutDown: { [weak self] in self?.requestShutdown() })
            watch.check(height: chain.height, starting: true)
            chain.addObserver(watch)
        }
        try startZMQ()
        p2pPort = try await network.start()
        if configuration.rpcServerEnabled {
            if configuration.rpcBindIgnored {
                logger.warning("option -rpcbind was ignored because -rpcallowip was not specified, refusing to allow everyone to connect")
            }
            rpcPorts = try await rpc.start()
            let hosts = configuration.rpcConfiguration.bind.map(\.host).joined(separator: ",")
            logger.info("RPC listening on \(hosts) port(s) \(rpcPorts.map(String.init).joined(separator: ","))")
        } else {
            logger.info("RPC server off (-server=0)")
        }
        if let port = configuration.options.int("metricsport") {
            let server = MetricsServer(registry: metrics, logger: logger, refresh: makeMetricsRefresh())
            metricsPort = try await server.start(host: "127.0.0.1", port: port, group: group)
            metricsServer = server
            logger.info("Prometheus metrics on http://127.0.0.1:\(metricsPort ?? port)/metrics")
        }
        if configuration.options.flag("gen") { startMiner() }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "flux.plugins.tick"))
        timer.schedule(deadline: .now() + 1, repeating: 1)
        let manager = plugins
        timer.setEventHandler { manager.tick(unixMillis: Int64(Date().timeIntervalSince1970 * 1000)) }
        timer.resume()
        tickTimer.withLockedValue { $0 = timer }
    }

    /// Gauges read from the node at each scrape: height, peers, mempool, validation totals.
    func makeMetricsRefresh() -> @Sendable () -> Void {
        let metrics = self.metrics
        func gauge(_ name: String, _ help: String) -> Gauge {
            metrics.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help))
        }
        let height = gauge("flux_block_height", "Height of the active chain's tip")
        let peers = gauge("flux_peers", "Open P2P connections")
        let mempoolTxs = gauge("flux_mempool_transactions", "Transactions in the mempool")
        let mempoolBytes = gauge("flux_mempool_bytes", "Serialized size of the mempool")
        let connected = gauge("flux_blocks_connected_total", "Blocks connected since start (including reorganisations)")
        let disconnected = gauge("flux_blocks_disconnected_total", "Blocks disconnected since start")
        let rejected = gauge("flux_blocks_rejected_total", "Blocks refused as invalid since start")
        let txs = gauge("flux_transactions_connected_total", "Transactions in connected blocks")
        let scripts = gauge("flux_script_checks_total", "Input scripts verified")
        let seconds = gauge("flux_block_validation_seconds_total", "Time spent validating and connecting blocks")
        let last = gauge("flux_block_validation_last_seconds", "Validation and connection time of the last connected block")
        let uptime = gauge("flux_uptime_seconds", "Seconds since the node started")
        let pluginManager = plugins
        let registry = metrics
        return { [chain, mempool, network, startedAt] in
            // Plugins' own gauges and counters, as flux_plugin_NAME_metric.
            for plugin in pluginManager.activePlugins {
                for (metric, value) in plugin.metrics {
                    registry.makeGauge(descriptor: MetricNameDescriptor(
                        metricName: "flux_plugin_\(plugin.name)_\(metric)", unitName: "",
                        helpText: "Reported by plugin \(plugin.name)")).set(value)
                }
            }
            let stats = chain.validationStatistics
            height.set(Double(chain.height))
            peers.set(Double(network.connectionCountNow))
            mempoolTxs.set(Double(mempool.count))
            mempoolBytes.set(Double(mempool.totalBytes))
            connected.set(Double(stats.blocksConnected))
            disconnected.set(Double(stats.blocksDisconnected))
            rejected.set(Double(stats.blocksRejected))
            txs.set(Double(stats.transactionsConnected))
            scripts.set(Double(stats.scriptChecks))
            seconds.set(Double(stats.connectNanoseconds) / 1e9)
            last.set(Double(stats.lastConnectNanoseconds) / 1e9)
            uptime.set(Date().timeIntervalSince(startedAt))
        }
    }

    /// Stops everything, waits for the miner, commits what is pending and closes the database. Safe to call more
    /// than once; the node cannot be started again.
    public func stop() async {
        shutdown.trigger()
        let first = stopping.withLockedValue { started -> Bool in
            defer { started = true }
            return !started
        }
        guard first else { return }
        tickTimer.withLockedValue { $0?.cancel() }
        await metricsServer?.stop()
        await rpc.stop()
        await network.stop()
        zmq.withLockedValue { $0 }?.close()
        try? await group.shutdownGracefully()
        plugins.unloadAll()
        closeChain()
    }

    /// Closes the chain once, after any mining in progress has finished.
    func closeChain() {
        let first = closed.withLockedValue { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        miningLock.lock()
        defer { miningLock.unlock() }
        do { try chain.close() } catch { logger.error("closing the chain failed: \(error)") }
    }

    /// Suspends until `stop` RPC or a signal asks the node to stop.
    public func waitForShutdown() async { await shutdown.wait() }

    /// Asks the node to stop (the `stop` RPC and signals).
    public func requestShutdown() { shutdown.trigger() }

    // MARK: Mining

    /// Mines `count` blocks on the tip paying `script`, with mempool transactions and the consensus plugins'
    /// coinbase outputs (paid out of the miner's share); returns their hashes. Throws when a plugin's outputs
    /// cannot be had or exceed the miner's share.
    /// Proof of work uses the built-in Equihash solver (test networks). At PoN heights the Proof-of-Node plugin,
    /// when one is loaded, chooses the collateral (`pon_propose`) and signs the block (`pon_sign`); this throws
    /// ``ProofOfNodeNotEligible`` when it says this node is not the producer. Without a PoN plugin, regtest and
    /// testnet use fluxd's test collateral.
    public func mineBlocks(_ count: Int, to script: Script, maxNonces: Int = 1_000_000) throws -> [Hash256] {
        var hashes: [Hash256] = []
        for _ in 0..<count {
            if let hash = try produceBlock(to: script, maxNonces: maxNonces, waitForSlot: false) { hashes.append(hash) }
        }
        return hashes
    }

    /// Builds, proves and connects one block on the tip. With `waitForSlot` (the `-gen` loop) a PoN producer first
    /// waits the delay `pon_propose` asked for, then produces only if the tip did not change meanwhile (nil when
    /// it did, or when the node is stopping).
    func produceBlock(to script: Script, maxNonces: Int, waitForSlot: Bool) throws -> Hash256? {
        miningLock.lock(); defer { miningLock.unlock() }
        // The chain is closed (or about to be) once shutdown began; nothing more is mined.
        guard !closed.withLockedValue({ $0 }) else { return nil }
        let tip = chain.tip
        let height = tip.height + 1
        let time = max(UInt32(Date().timeIntervalSince1970), max(tip.header.time, chain.medianTimePast()) + 1)
        let bits = chain.requiredBitsForNextBlock(time: time)
        let pon = params.isProofOfNode(at: height)
        var collateral: OutPoint?
        var producer: PluginInstance?
        if pon {
            if let plugin = plugins.proofOfNodePlugin {
                guard plugin.producesProofOfNode else {
                    throw NodeError("plugin \(plugin.name) provides Proof of Node but has no pon_propose/pon_sign: "
                                    + "this node cannot produce block \(height)")
                }
                switch plugin.ponPropose(height: Int64(height), parentHash: Array(tip.hash.bytes), time: time, bits: bits) {
                case .notFound:
                    throw ProofOfNodeNotEligible(height: height)
                case let .fault(message):
                    throw NodeError("plugin \(plugin.name) could not propose block \(height): \(message)")
                case let .found((bytes, delay)):
                    guard let proposed = PluginNodeAuthority.outPoint(bytes) else {
                        throw NodeError("plugin \(plugin.name) proposed a malformed collateral for block \(height)")
                    }
                    collateral = proposed
                    producer = plugin
                    logger.info("Proof of Node: plugin \(plugin.name) proposes block \(height) on \(tip.hash) for \(proposed.shortDescription), \(delay) ms into the slot")
                    if waitForSlot && delay > 0 {
                        miningLock.unlock()
                        let deadline = ContinuousClock.now + .milliseconds(Int(delay))
                        while ContinuousClock.now < deadline && !shutdown.isTriggered {
                            Thread.sleep(forTimeInterval: 0.05)
                        }
                        miningLock.lock()
                        guard !shutdown.isTriggered else { return nil }
                        guard chain.tip.hash == tip.hash else {
                            logger.info("Proof of Node: the tip changed while block \(height) waited \(delay) ms; not producing it")
                            return nil
                        }
                    }
                }
            } else if params.network == .mainnet {
                throw NodeError("no Proof-of-Node plugin is loaded: this node cannot produce block \(height)")
            } else {
                collateral = ChainState.testCollateral
            }
        }
        let candidates = mempool.blockCandidates(maxBytes: ConsensusConstants.maxBlockSize - 10_000)
        let fees = candidates.reduce(Amount.zero) { $0 + $1.fee }
        var block: Block
        do {
            let extra = try pluginCoinbaseOutputs(height: height)
            block = try FluxMiningTemplate.make(params: params, tip: tip, height: height, time: time, bits: bits,
                                                script: script, candidates: candidates, fees: fees,
                                                extraOutputs: extra, collateral: collateral)
        } catch {
            throw NodeError("cannot build the block template for height \(height): \(error)")
        }
        if let producer, let collateral {
            let hash = block.hash
            switch producer.ponSign(collateral: PluginNodeAuthority.bytes(collateral), blockHash: Array(hash.bytes)) {
            case let .success(signature) where !signature.isEmpty:
                block.header.proof = .node(collateral: collateral, signature: signature)
            case .success:
                throw NodeError("plugin \(producer.name) returned no signature for block \(height)")
            case let .failure(error):
                throw NodeError("plugin \(producer.name) could not sign block \(height): \(error)")
            }
        } else if !pon {
            guard let epoch = params.equihashParameters(at: height).first else {
                throw NodeError("no Equihash parameters at height \(height)")
            }
            let target = params.skipsProofOfWorkTargetCheck ? UInt256.max : UInt256.fromCompact(bits).value
            let started = DispatchTime.now().uptimeNanoseconds
            let counted: (Int) -> Void = { n in
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                self.localSolutions.withLockedValue { $0.solutions += n; $0.seconds += seconds }
            }
            guard let result = EquihashMiner(parameters: epoch.parameters)
                .mine(block.header, target: target, firstNonce: UInt64.random(in: 0...UInt64.max / 2),
                      maxNonces: maxNonces, solutions: counted) else {
                throw NodeError("no Equihash solution found for height \(height)")
            }
            block.header = result.header
        }
        try chain.acceptBlock(block)
        let proof = pon ? " (PoN, \(collateral?.shortDescription ?? "?"))" : ""
        logger.info("mined block \(height) \(block.hash) with \(block.transactions.count - 1) transactions\(proof)")
        return block.hash
    }

    /// The `-gen` loop: a block every `-blockinterval` seconds (default: the network's target spacing). At PoN
    /// heights the PoN plugin's delay is honoured, and a slot this node is not eligible for is skipped.
    func startMiner() {
        let interval = Double(configuration.options.int("blockinterval") ?? params.powTargetSpacing)
        let stopHeight = configuration.options.int("stopatheight")
        let script: Script
        if let text = configuration.options.string("mineraddress"), let a = Address(text, prefixes: params.base58Prefixes) {
            script = a.script
        } else if let a = try? wallet.newAddress() {
            script = a.script
        } else {
            script = .payToPubKeyHash([UInt8](repeating: 0, count: 20))
        }
        let thread = Thread { [self] in
            while !shutdown.isTriggered {
                if let stop = stopHeight, chain.height >= stop { break }
                do { _ = try produceBlock(to: script, maxNonces: 1_000_000, waitForSlot: true) } catch let e as ProofOfNodeNotEligible {
                    logger.debug("\(e)")
                } catch {
                    logger.error("mining failed: \(error)")
                }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "flux-miner"
        thread.start()
    }
}

/// The Proof-of-Node plugin says this node does not produce the block at `height` (`pon_propose` answered
/// FLUX_ERR_NOT_FOUND).
public struct ProofOfNodeNotEligible: Error, CustomStringConvertible, Sendable {
    /// The height asked for.
    public let height: Int
    public var description: String { "this node is not an eligible FluxNode for height \(height)" }
}

/// A node-level failure with a message.
public struct NodeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
