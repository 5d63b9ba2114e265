import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxJSON
import FluxNode
import FluxOptions
import FluxP2P
import FluxPrimitives
import FluxRPC
import FluxTestSupport
import Foundation
import Logging

/// A node on loopback with free ports, in a fresh data folder.
func startNode(_ extra: [String] = [], directory: String? = nil) async throws -> Node {
    let dir = directory ?? ChainBuilder.temporaryDirectory()
    let args = ["-regtest", "-datadir=\(dir)", "-port=0", "-rpcport=0", "-bind=127.0.0.1", "-listen=1"] + extra
    let configuration = try NodeConfiguration(options: try NodeOptions(arguments: args))
    var logger = Logger(label: "test-node")
    logger.logLevel = .warning
    let node = try Node(configuration: configuration, logger: logger)
    try await node.start()
    return node
}

/// A client for `node`'s RPC server using its cookie.
func rpcClient(_ node: Node) -> RPCClient {
    var c = RPCClientConfiguration()
    c.port = node.rpcPorts[0]
    c.cookieFile = node.configuration.dataDirectory.appendingPathComponent(".cookie").path
    c.timeoutSeconds = 30
    return RPCClient(configuration: c)
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

/// A pay-to-pubkey-hash script no test wallet owns.
let burnScript = Script.payToPubKeyHash([UInt8](repeating: 0x42, count: 20))

/// A raw P2P peer over a blocking loopback socket, for sending what a well-behaved node never would.
final class RawPeer {
    let fd: Int32
    let configuration: P2PConfiguration

    init(port: Int, magic: [UInt8]) throws {
        configuration = P2PConfiguration(magic: magic)
        fd = try connectLoopback(port: port)
    }

    deinit { close(fd) }

    func sendRaw(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func send(_ message: P2PMessage) throws { sendRaw(try P2PFrame.encode(message, configuration: configuration)) }

    /// Sends version and verack, as a peer at `height`.
    func handshake(height: Int32 = 0) throws {
        let version = VersionMessage(services: 1, timestamp: Int64(Date().timeIntervalSince1970),
                                     receiver: .unspecified, sender: .unspecified, nonce: UInt64.random(in: 1...UInt64.max),
                                     userAgent: "/raw-test-peer/", startHeight: height, relay: true)
        try send(.version(version))
        try send(.verack)
    }

    /// Reads until the node closes the connection; true when it did within the socket timeout. The blocking reads
    /// run on a Dispatch queue, not on the Swift concurrency pool the node under test also needs.
    func waitForClose() async -> Bool {
        let fd = self.fd
        return await onOwnThread { RawPeer.readUntilClosed(fd) }
    }

    private static func readUntilClosed(_ fd: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }
}


struct NodeTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Nodes started by one test, all stopped (RocksDB closed) before the test returns, whether it passes or throws.
final class TestNodes: @unchecked Sendable {
    private(set) var nodes: [Node] = []

    /// Starts a node on loopback with free ports (see `startNode`) and keeps it for stopping.
    func start(_ extra: [String] = [], directory: String? = nil) async throws -> Node {
        let node = try await startNode(extra, directory: directory)
        nodes.append(node)
        return node
    }

    func stopAll() async {
        for node in nodes.reversed() { await node.stop() }
    }
}

/// Runs `body` with a node group and stops every node it started afterwards.
func withTestNodes<T>(_ body: (TestNodes) async throws -> T) async throws -> T {
    let group = TestNodes()
    do {
        let result = try await body(group)
        await group.stopAll()
        return result
    } catch {
        await group.stopAll()
        throw error
    }
}
