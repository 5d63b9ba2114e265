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
/// the UTXO set (`-reindex`) or imports block files (`-loadblock`), then runs the P2P network, the mempool, the
/// wallet and JSON-RPC until `stop` or SIGINT/SIGTERM. `-gen` mines on test networks with the built-in
/// Equihash solver.
@main
enum Fluxd {
    static func main() async {
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
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "fluxd")
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
        do { node = try Node(configuration: config, logger: logger, repositoryPlugins: repositoryPlugins) } catch {
            fail("Error: cannot open the node's data: \(error)")
        }
        logger.info("chain tip \(node.chain.tip.hash) at height \(node.chain.height)")
        if config.options.flag("reindex") {
            logger.info("reindexing: rebuilding the UTXO set from stored blocks")
            do { try node.chain.reindex() } catch { fail("Error: reindex failed: \(error)") }
            logger.info("reindex done; tip \(node.chain.tip.hash) at height \(node.chain.height)")
        }
        let loadFiles = config.options.all("loadblock")
        for file in loadFiles { BlockImporter(chain: node.chain, logger: logger).importFile(file) }
        // With -loadblock and no networking requested, import and exit (bitcoind's -loadblock keeps running;
        // this build exits so scripts and tests can use it as an importer).
        if !loadFiles.isEmpty && !config.options.flag("gen") && config.options.all("connect").isEmpty
            && config.options.all("addnode").isEmpty && config.options.string("listen") == nil {
            return
        }
        do { try await node.start() } catch { fail("Error: cannot start services: \(error)") }
        let signals = [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig)
            source.setEventHandler { node.requestShutdown() }
            source.resume()
            return source
        }
        // The signal sources must live until shutdown: `_ = signals` does not keep them alive in a release build,
        // where they were released at once and SIGTERM / SIGINT were then ignored.
        await node.waitForShutdown()
        withExtendedLifetime(signals) {}
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
          -rpcport=N -rpcbind=ADDR -rpcallowip=IP -rpcuser=U -rpcpassword=P -rpcthreads=N
          -upgradeheight=NAME:H      regtest only: activate an upgrade at height H (e.g. pon:300)
          -plugins=FILE              plugins.toml to use (default: data folder, else the checkout's)
          -checkplugins              load and validate every enabled plugin and its config, then exit
          -reindex                   rebuild the UTXO set from the stored blocks
          -debug[=CATEGORY]          log at debug level (FLUX_LOG_LEVEL=trace|debug|info|... overrides)
          -loadblock=FILE            import blocks from a file (magic, size, block; repeated)
          -dbbatchblocks=N           commit every N connected blocks (default 1; a block stateful plugins
                                     write to is committed at once, as plugins read committed data)
          -dbcache=MB                UTXO cache size in MiB (default 256)
          -maxreorgdepth=N           refuse reorganisations deeper than N blocks (default: no limit)
          -par=N                     script verification threads (default: all cores)
          -metricsport=N             serve Prometheus metrics on 127.0.0.1:N
          -gen -blockinterval=S -stopatheight=N -mineraddress=ADDR   mine on test networks
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
        let (report, ok) = PluginManager.check(file, services: OfflinePluginServices.forNetwork(config.params), imagesDirectory: scratch,
                                               logger: logger)
        for line in report { print(line) }
        return ok
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(1)
    }
}
