import FluxChain
import FluxConsensus
import FluxNode
import FluxOptions
import FluxPluginHost
import FluxPrimitives
import Foundation
import Logging

/// fluxd: the Flux node.
///
/// Reads fluxd's options and `flux.conf`, opens the chain on RocksDB in the data folder, optionally rebuilds
/// the UTXO set and the stateful plugins' namespaces (`-reindex`, or an unfinished one resumed) or imports block
/// files (`-loadblock`), then runs the P2P network, the mempool, the wallet and JSON-RPC until `stop` or
/// SIGINT/SIGTERM (either ends it cleanly in any phase, exit status 0). `-gen` mines on test networks with the
/// built-in Equihash solver.
@main
enum Fluxd {
    static func main() {
        // First, before any other thread exists, so that every thread inherits the mask (see TerminationSignals).
        TerminationSignals.blockInThisThread()
        // -daemon forks here, while this is the only thread (a forked child keeps only the calling thread).
        Daemon.detachIfRequested(arguments: Array(CommandLine.arguments.dropFirst()))
        // main is on the main actor, whose queue nothing drains while this thread waits: run detached.
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await run()
            done.signal()
        }
        done.wait()
    }

    /// Everything after the signal mask. Each phase checks the shutdown request (SIGINT, SIGTERM or `stop`) and
    /// the node is stopped like `stop` does (logged, committed, closed, exit status 0) whichever phase it came in:
    /// opening the chain, loading and catching up plugins, `-reindex`, `-loadblock`, services running.
    static func run() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let config: NodeConfiguration
        do {
            let options = try NodeOptions(arguments: arguments)
            if options.flag("help") { print(usage); return }
            if options.flag("version") { print("fluxd (Swift) protocol \(ProtocolConstants.protocolVersion)"); return }
            config = try NodeConfiguration(options: options)
        } catch {
            fail("Error: \(error)")
        }
        // -debug (any category but 0) logs at debug level; FLUX_LOG_LEVEL (trace ... critical) overrides.
        let debug = config.options.all("debug").contains { $0 != "0" }
        let level = ProcessInfo.processInfo.environment["FLUX_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) }
            ?? (debug ? .debug : .info)
        // -logtimestamps (default 1, as fluxd) starts each line with the time.
        let timestamps = config.options.string("logtimestamps") != "0"
        LoggingSystem.bootstrap { label in
            if timestamps {
                var handler = StreamLogHandler.standardOutput(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = UntimedLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "fluxd")
        let shutdown = ShutdownSignal()
        TerminationSignals.watch { number in
            let name = TerminationSignals.name(number)
            if shutdown.isTriggered {
                logger.info("received \(name); already shutting down")
            } else {
                logger.info("received \(name); shutting down")
                shutdown.trigger()
            }
        }
        let openFiles = OpenFileLimit.raiseToHardLimit()
        logger.debug("open file limit \(openFiles)")
        let params = config.params
        logger.info("fluxd starting on \(params.network.networkId); data folder \(config.dataDirectory.path)")
        guard GenesisBlock.block(for: params.network).hash == params.genesisHash else {
            fail("Error: rebuilt genesis block does not match \(params.genesisHash)")
        }
        let repositoryPlugins = Fluxd.repositoryPluginsFile()
        if config.options.flag("checkplugins") {
            exit(checkPlugins(config, repositoryPlugins: repositoryPlugins, logger: logger) ? 0 : 1)
        }
        let node: Node
        do {
            node = try Node(configuration: config, logger: logger, repositoryPlugins: repositoryPlugins, shutdown: shutdown)
        } catch let error as NodeError {
            // Plugins file, required plugins, Proof-of-Node set-up: the data itself is fine.
            fail("Error: \(error)")
        } catch {
            fail("Error: cannot open the node's data: \(error)")
        }
        logger.info("chain tip \(node.chain.tip.hash) at height \(node.chain.height)")
        if node.isReindexing && !shutdown.isTriggered {
            // -reindex reset the chain and the plugin namespaces when the node opened; without it, a reindex an
            // earlier run did not finish (killed, interrupted, or stopped at a refused block) continues.
            logger.info(config.options.flag("reindex")
                        ? "reindexing: rebuilding the UTXO set and the plugins' state from stored blocks"
                        : "resuming an unfinished reindex")
            do { try node.completeReindex() } catch {
                await node.stop()
                fail("Error: reindex failed: \(error)")
            }
        }
        let loadFiles = config.options.all("loadblock")
        for file in loadFiles where !shutdown.isTriggered {
            BlockImporter(chain: node.chain, logger: logger, shouldStop: { shutdown.isTriggered }).importFile(file)
        }
        // With -loadblock and no networking requested, import and exit (bitcoind's -loadblock keeps running;
        // this build exits so scripts and tests can use it as an importer).
        let importOnly = !loadFiles.isEmpty && !config.options.flag("gen") && config.options.all("connect").isEmpty
            && config.options.all("addnode").isEmpty && config.options.string("listen") == nil
        if !importOnly && !shutdown.isTriggered {
            do { try await node.start() } catch {
                await node.stop()
                fail("Error: cannot start services: \(error)")
            }
            await node.waitForShutdown()
        }
        logger.info("shutting down")
        await node.stop()
        logger.info("stopped at height \(node.chain.height)")
    }

    static let usage = """
        Usage: fluxd [options]
          -regtest / -testnet        choose the network (default mainnet)
          -datadir=DIR -conf=FILE    data folder and configuration file (flux.conf)
          -port=N -listen=0|1        P2P port and whether to accept connections
          -connect=HOST:PORT         connect only to these peers (repeatable)
          -addnode=HOST:PORT         also connect to these peers (repeatable)
          -maxconnections=N          connection limit
          -whitelist=IP[/BITS]       never ban peers from these addresses (repeatable; e.g. 127.0.0.1 on a local network)
          -peertimeout=S             drop peers silent for S seconds during the handshake or a request (default 30/60),
                                     or that leave more than -maxsendbuffer unread for S seconds (default 60)
          -maxsendbuffer=KB          per-peer send queue limit in kB of 1000 bytes (default 1000): a peer's requests
                                     wait while more is queued for it
          -timeout=MS                outbound connection timeout in milliseconds (default 5000)
          -bind=ADDR                 P2P listening address (default 0.0.0.0)
          -server=0|1                accept JSON-RPC commands (default 1, as fluxd)
          -rpcport=N -rpcuser=U -rpcpassword=P -rpcthreads=N
          -rpcallowip=IP[/BITS|/MASK] also accept RPC clients from these addresses (repeatable; e.g. 172.18.0.0/16 or
                                     172.18.0.0/255.255.0.0); RPC then listens on every IPv4 interface
          -rpcbind=ADDR[:PORT]       RPC listening addresses (repeatable; only with -rpcallowip, as fluxd)
          -rpcservertimeout=S        close RPC connections that send no complete request within S seconds (default 30)
          -rpcworkqueue=N            RPC requests that may wait for a busy -rpcthreads worker; more get HTTP 503 (default 16)
          -rpcmaxconnections=N       RPC connections open at once; more get HTTP 503 (default: what the descriptor
                                     limit leaves after P2P and the database, 16 to 512)
          -upgradeheight=NAME:H      regtest only: activate an upgrade at height H (e.g. pon:300)
          -plugins=FILE              plugins.toml to use (default: data folder, else the checkout's)
          -checkplugins              load and validate every enabled plugin and its config, then exit
          -zelnode=1 -zelnodeprivkey=WIF   this node is a FluxNode with this operator key (fluxnodes plugin; its
                                     config.operator_key may repeat it, not differ)
          -zelnodeoutpoint=TXID -zelnodeindex=N   the FluxNode's collateral (fluxnodes plugin; as config.collateral)
          -externalip=IP[:PORT]      the address the FluxNode announces in its node record (as config.ip)
          -reindex                   rebuild the UTXO set, the indexes and the stateful plugins' state from the
                                     stored blocks (an unfinished reindex resumes at the next start)
          -txindex                   keep a full transaction index, for getrawtransaction of spent transactions
                                     (default 0; changing it needs -reindex)
          -insightexplorer           keep the address, spent and timestamp indexes and answer fluxd's insight
                                     RPCs (getaddresstxids, getaddressdeltas, getaddressbalance, getaddressutxos,
                                     getaddressmempool, getspentinfo, getblockdeltas, getblockhashes); requires
                                     -txindex and -experimentalfeatures (changing it needs -reindex)
          -addressindex -spentindex -timestampindex   one of those indexes alone (changing them needs -reindex)
          -debug[=CATEGORY]          log at debug level (FLUX_LOG_LEVEL=trace|debug|info|... overrides)
          -loadblock=FILE            import blocks from a file (magic, size, block; repeated)
          -dbbatchblocks=N           commit every N connected blocks (default 1; a block stateful plugins
                                     write to is committed at once, as plugins read committed data)
          -dbcache=MB                UTXO cache size in MiB (default 256)
          -maxreorgdepth=N           refuse reorganisations deeper than N blocks (default: no limit)
          -par=N                     script verification threads (default: all cores)
          -metricsport=N             serve Prometheus metrics on 127.0.0.1:N
          -gen -blockinterval=S -stopatheight=N -mineraddress=ADDR   mine on test networks
          -daemon                    run in the background (log appended to debug.log in the data folder)
          -logtimestamps=0|1         start log lines with the time (default 1)
          -experimentalfeatures      allow fluxd's experimental options (e.g. -insightexplorer)
          -zmqpubhashblock=ADDR      publish the hash of each new tip on ZeroMQ ADDR (e.g. tcp://127.0.0.1:28332)
          -zmqpubhashtx=ADDR         publish the txid of each transaction accepted or in a (dis)connected block
          -zmqpubrawblock=ADDR       publish each new tip block, serialized
          -zmqpubrawtx=ADDR          publish each such transaction, serialized
          -zmqpubsequence=ADDR       bitcoind's sequence topic: blocks connected (C) and disconnected (D),
                                     transactions added to (A) and removed from (R) the mempool
          -zmqpub<topic>hwm=N        messages queued per subscriber before ZeroMQ drops (default 1000)
          -znconflock=0              do not lock the collaterals of zelnode.conf/fluxnode.conf in the wallet (default 1;
                                     zelnodeoutpoint + zelnodeindex is always locked)
          -exportdir=DIR             folder where backupwallet and dumpwallet write (required by them, as fluxd)
        """

    /// The checkout's `plugins.toml` when fluxd runs from a checkout's build folder: the nearest folder above the
    /// executable (resolving links) that holds both `Package.swift` and `plugins.toml`.
    static func repositoryPluginsFile() -> String? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("plugins.toml").path
            if FileManager.default.fileExists(atPath: candidate),
               FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return candidate
            }
            dir.deleteLastPathComponent()
        }
        return nil
    }

    /// `-checkplugins`: loads and validates every enabled plugin and its configuration, prints the result, and
    /// attaches nothing. Returns whether every plugin passed.
    static func checkPlugins(_ config: NodeConfiguration, repositoryPlugins: String?, logger: Logger) -> Bool {
        let file: PluginsFile
        do {
            file = try PluginsFile.load(explicit: config.options.string("plugins"),
                                        dataDirectory: config.dataDirectory.path, repositoryDefault: repositoryPlugins)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            return false
        }
        print("plugins file: \(file.path ?? "(none)")")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("flux-checkplugins-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let (report, ok) = PluginManager.check(file, services: OfflinePluginServices.forNetwork(config.params, options: config.options), imagesDirectory: scratch,
                                               logger: logger)
        for line in report { print(line) }
        return ok
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(1)
    }
}
