import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxMempool
import FluxNetwork
import FluxPrimitives
import FluxStorage
import Foundation
import Logging
import NIOPosix

/// A `NetworkNode` on 127.0.0.1 (port chosen at run time) over a fresh chain in a temporary folder.
final class LoopbackNode: Sendable {
    let chain: ChainState
    let network: NetworkNode
    let group: MultiThreadedEventLoopGroup
    /// The listening port.
    let port: Int

    private init(chain: ChainState, network: NetworkNode, group: MultiThreadedEventLoopGroup, port: Int) {
        self.chain = chain
        self.network = network
        self.group = group
        self.port = port
    }

    /// Starts a node on `params` holding `blocks`, connecting only to `connect` ("host:port"), listening on
    /// `port` (0: any free port); `configure` adjusts the rest of its network configuration.
    static func start(params: ChainParameters, blocks: [Block] = [], connect: [String] = [], port: Int = 0,
                      configure: (inout NetworkConfiguration) -> Void = { _ in }) async throws -> LoopbackNode {
        var storage = DatabaseOptions()
        storage.syncWrites = false
        let chain = try ChainState(params: params, path: ChainBuilder.temporaryDirectory(), storage: storage)
        for block in blocks { try chain.acceptBlock(block) }
        var configuration = NetworkConfiguration(port: port)
        configuration.bindHost = "127.0.0.1"
        configuration.connectOnly = connect
        configuration.progressInterval = 0
        configure(&configuration)
        var logger = Logger(label: "flux.net.test")
        logger.logLevel = .warning
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let network = NetworkNode(configuration: configuration, chain: chain, mempool: Mempool(chain: chain),
                                  group: group, logger: logger)
        let port = try await network.start()
        return LoopbackNode(chain: chain, network: network, group: group, port: port)
    }

    /// Starts a node (see `start`), runs `body` with it and stops it, also when `body` throws: stopping closes
    /// the chain, which must finish before the test process exits.
    static func with<T>(params: ChainParameters, blocks: [Block] = [], connect: [String] = [], port: Int = 0,
                        configure: (inout NetworkConfiguration) -> Void = { _ in },
                        _ body: (LoopbackNode) async throws -> T) async throws -> T {
        let node = try await start(params: params, blocks: blocks, connect: connect, port: port, configure: configure)
        do {
            let result = try await body(node)
            await node.stop()
            return result
        } catch {
            await node.stop()
            throw error
        }
    }

    /// Disconnects, stops the event loops and closes the chain.
    func stop() async {
        await network.stop()
        try? await group.shutdownGracefully()
        try? chain.close()
    }
}


/// Polls `condition` every 50 ms until it holds or `seconds` pass; returns whether it held.
func eventually(_ seconds: Double = 30, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}
