import FluxChainFixtures
import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxTestSupport
import Foundation
import Testing

/// Plugins inside a running node: loaded from plugins.toml, fed blocks in-line, undone by reorganisations,
/// caught up from their cursor, answering RPC.
@Suite(.serialized) struct NodePluginTests {
    /// A data folder whose plugins.toml enables the example plugins built next to the tests.
    static func dataFolder(chainstats: Bool = true, addressindex: Bool = true, extra: String = "") throws -> String {
        let dir = ChainBuilderDirectory.make()
        let regtest = dir + "/regtest"
        try FileManager.default.createDirectory(atPath: regtest, withIntermediateDirectories: true)
        var text = extra
        if chainstats {
            text += "[plugins.chainstats]\npath = \"\(toolURL("libFluxPluginChainStats.so").path)\"\n"
        }
        if addressindex {
            text += "[plugins.addressindex]\npath = \"\(toolURL("libFluxPluginAddressIndex.so").path)\"\n"
                + "[plugins.addressindex.config]\nnetwork = \"regtest\"\n"
        }
        try text.write(toFile: regtest + "/plugins.toml", atomically: true, encoding: .utf8)
        return dir
    }

    static func summary(_ node: Node) async throws -> JSONValue {
        try await rpcClient(node).call("chainstats.summary")
    }

    @Test func pluginsFollowTheChainThroughAReorganisation() async throws {
        try await withTestNodes { nodes in
            let a = try await nodes.start(directory: try Self.dataFolder())
            let b = try await nodes.start()
            let listing = try #require(try await rpcClient(a).call("listplugins").arrayValue)
            #expect(listing.map { $0["name"] } == [.string("addressindex"), .string("chainstats")])
            #expect(listing.allSatisfy { $0["state"] == "active" })

            let address = try #require(try await rpcClient(a).call("getnewaddress").stringValue)
            _ = try await rpcClient(a).call("generatetoaddress", params: [5, .string(address)])
            #expect(try await Self.summary(a)["blocks"] == .int(5))
            #expect(try await Self.summary(a)["last_height"] == .int(5))
            let balance5 = try await rpcClient(a).call("addressindex.getaddressbalance", params: [.string(address)])
            #expect((balance5["outputs"]?.intValue ?? 0) == 5)

            // b mines a heavier branch; a reorganises onto it: the plugins' writes for a's blocks are undone.
            _ = try b.mineBlocks(8, to: burnScript)
            a.network.connectOnce("127.0.0.1:\(b.p2pPort)")
            #expect(await eventually(30) { a.chain.tip.hash == b.chain.tip.hash })
            #expect(try await Self.summary(a)["blocks"] == .int(8))
            #expect(try await Self.summary(a)["last_height"] == .int(8))
            let after = try await rpcClient(a).call("addressindex.getaddressbalance", params: [.string(address)])
            #expect(after["outputs"] == .int(0))
            #expect(after["balance"] == .int(0))
            let block3 = try await rpcClient(a).call("chainstats.block", params: [3])
            #expect(block3["transactions"] == .int(1))
            // Errors of plugin methods keep bitcoind's shapes.
            #expect(await rpcErrorCode { try await rpcClient(a).call("chainstats.block", params: [99]) } == -5)
            #expect(await rpcErrorCode { try await rpcClient(a).call("addressindex.getaddressbalance", params: ["nope"]) } == -8)
        }
    }

    @Test func aPluginAddedLaterCatchesUpAndStateSurvivesARestart() async throws {
        let dir = try Self.dataFolder(chainstats: false)
        try await withTestNodes { nodes in
            let node = try await nodes.start(directory: dir)
            _ = try node.mineBlocks(12, to: burnScript)
            await node.stop()
        }
        // Enable chainstats now: it replays the 12 blocks from its (absent) cursor on load.
        try await withTestNodes { nodes in
            let regtest = dir + "/regtest/plugins.toml"
            let text = try String(contentsOfFile: regtest, encoding: .utf8)
            try ("[plugins.chainstats]\npath = \"\(toolURL("libFluxPluginChainStats.so").path)\"\n" + text)
                .write(toFile: regtest, atomically: true, encoding: .utf8)
            let node = try await nodes.start(directory: dir)
            #expect(try await Self.summary(node)["blocks"] == .int(12))
            _ = try node.mineBlocks(3, to: burnScript)
            #expect(try await Self.summary(node)["blocks"] == .int(15))
            await node.stop()
        }
        // Restart: nothing is replayed twice.
        try await withTestNodes { nodes in
            let node = try await nodes.start(directory: dir)
            #expect(try await Self.summary(node)["blocks"] == .int(15))
            #expect(try await Self.summary(node)["last_height"] == .int(15))
        }
    }

    @Test func loadAndUnloadAtRunTime() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(directory: try Self.dataFolder(chainstats: false, addressindex: false))
            let rpc = rpcClient(node)
            _ = try node.mineBlocks(4, to: burnScript)
            #expect(try await rpc.call("listplugins") == .array([]))
            // A plugin not in plugins.toml, by path: it catches up on the 4 blocks, then follows the chain.
            let loaded = try await rpc.call("loadplugin", params: [.string(toolURL("libFluxPluginChainStats.so").path)])
            #expect(loaded["name"] == "chainstats")
            #expect(try await Self.summary(node)["blocks"] == .int(4))
            _ = try node.mineBlocks(2, to: burnScript)
            #expect(try await Self.summary(node)["blocks"] == .int(6))
            #expect(await rpcErrorCode { try await rpc.call("loadplugin", params: ["chainstats"]) } == -8)
            // Unloaded, it misses blocks; loaded again by name, it resumes from its cursor.
            #expect(try await rpc.call("unloadplugin", params: ["chainstats"]) == .null)
            #expect(await rpcErrorCode { try await rpc.call("chainstats.summary") } == -32601)
            _ = try node.mineBlocks(3, to: burnScript)
            _ = try await rpc.call("loadplugin", params: ["chainstats"])
            #expect(try await Self.summary(node)["blocks"] == .int(9))
            #expect(try await Self.summary(node)["last_height"] == .int(9))
        }
    }

    @Test func pluginMetricsAreExportedAndCheckpluginsValidates() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-metricsport=0"], directory: try Self.dataFolder(chainstats: false))
            let address = try #require(try await rpcClient(node).call("getnewaddress").stringValue)
            _ = try await rpcClient(node).call("generatetoaddress", params: [3, .string(address)])
            let text = try await rawHTTP(port: try #require(node.metricsPort), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(text.contains("\nflux_plugin_addressindex_height 3.0\n"))
            #expect(text.contains("flux_plugin_addressindex_outputs_indexed"))
            let check = try await rpcClient(node).call("checkplugins")
            #expect(check["ok"] == .bool(true))
            #expect(check["report"]?.arrayValue?.first?.stringValue?.hasPrefix("ok      addressindex") == true)
            let broken = ChainBuilderDirectory.make() + "/plugins.toml"
            try "[plugins.x]\npath = 1\n".write(toFile: broken, atomically: true, encoding: .utf8)
            #expect(await rpcErrorCode { try await rpcClient(node).call("checkplugins", params: [.string(broken)]) } == -8)
        }
    }

    @Test func aBrokenPluginIsLeftOutUnlessRequired() async throws {
        let broken = "[plugins.ghost]\npath = \"/nonexistent/libghost.so\"\n"
        try await withTestNodes { nodes in
            let node = try await nodes.start(directory: try Self.dataFolder(addressindex: false, extra: broken))
            let listing = try #require(try await rpcClient(node).call("listplugins").arrayValue)
            let ghost = try #require(listing.first { $0["name"] == "ghost" })
            #expect(ghost["state"]?.stringValue?.hasPrefix("failed: cannot read the file") == true)
            #expect(listing.first { $0["name"] == "chainstats" }?["state"] == "active")
            _ = try node.mineBlocks(2, to: burnScript)
            #expect(try await Self.summary(node)["blocks"] == .int(2))
        }
        let required = "[plugins.ghost]\npath = \"/nonexistent/libghost.so\"\nrequired = true\n"
        await #expect(throws: (any Error).self) {
            try await withTestNodes { nodes in _ = try await nodes.start(directory: try Self.dataFolder(extra: required)) }
        }
    }

    /// With import batching, a stateful plugin still reads what it wrote for the previous block.
    @Test func statefulPluginsSeeTheirOwnWritesWithBatchedCommits() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-dbbatchblocks=20"], directory: try Self.dataFolder(chainstats: false))
            let rpc = rpcClient(node)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            let hashes = try #require(try await rpc.call("generatetoaddress", params: [5, .string(address)]).arrayValue)
            // Reconnecting five blocks in one pass batches them (the path case of -dbbatchblocks).
            _ = try await rpc.call("invalidateblock", params: [hashes[0]])
            #expect(try await rpc.call("addressindex.getaddressbalance", params: [.string(address)])["outputs"] == .int(0))
            _ = try await rpc.call("reconsiderblock", params: [hashes[0]])
            #expect(node.chain.height == 5)
            let balance = try await rpc.call("addressindex.getaddressbalance", params: [.string(address)])
            #expect(balance["outputs"] == .int(5))
        }
    }

    @Test func hotUpgradesUnderLoadLoseNoBlockAndCarryState() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(directory: try Self.dataFolder(addressindex: false))
            let rpc = rpcClient(node)
            let miner = BackgroundMiner(node: node)
            miner.start()
            var heights: [Int] = []
            for version in 1...3 {
                let build = try await compileChainStats(version: "1.0.\(version)")
                #expect(await eventually(30) { node.chain.height >= 5 * version })
                let before = node.chain.height
                let reply = try await rpc.call("reloadplugin", params: ["chainstats", .string(build)])
                #expect(reply["version"] == .string("1.0.\(version)"))
                heights.append(before)
            }
            // A failed upgrade (not a plugin) leaves the running build in place.
            let garbage = ChainBuilderDirectory.make() + "/libgarbage.so"
            try Data("not an ELF image".utf8).write(to: URL(fileURLWithPath: garbage))
            #expect(await rpcErrorCode { try await rpc.call("reloadplugin", params: ["chainstats", .string(garbage)]) } == -1)
            #expect(await eventually(30) { node.chain.height >= heights.last! + 5 })
            miner.stop()
            let height = node.chain.height
            let listing = try #require(try await rpc.call("listplugins").arrayValue?.first { $0["name"] == "chainstats" })
            #expect(listing["version"] == "1.0.3")
            #expect(listing["state"] == "active")
            let summary = try await Self.summary(node)
            // Every block exactly once: the store's count and the in-memory count carried across three upgrades.
            #expect(summary["blocks"] == .int(height))
            #expect(summary["last_height"] == .int(height))
            #expect(summary["seen"] == .int(height))
            #expect(heights == heights.sorted() && Set(heights).count == heights.count, "the tip kept advancing: \(heights)")
            #expect(miner.failures == 0)
        }
    }
}

/// Mines a block every few milliseconds on its own thread until stopped.
final class BackgroundMiner: @unchecked Sendable {
    let node: Node
    private let lock = NSLock()
    private var running = false
    private var failed = 0
    private let done = DispatchSemaphore(value: 0)

    init(node: Node) { self.node = node }

    var failures: Int { lock.withLock { failed } }

    func start() {
        lock.withLock { running = true }
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                do { _ = try node.mineBlocks(1, to: burnScript) } catch { lock.withLock { failed += 1 } }
                Thread.sleep(forTimeInterval: 0.005)
            }
            done.signal()
        }
        thread.start()
    }

    func stop() {
        lock.withLock { running = false }
        done.wait()
    }
}

/// Builds Plugins/ChainStats/chainstats.c as version `version` with the toolchain's C compiler (waiting off the
/// Swift concurrency pool); returns the path.
func compileChainStats(version: String) async throws -> String {
    try await onOwnThread { Result { try compileChainStatsBlocking(version: version) } }.get()
}

private func compileChainStatsBlocking(version: String) throws -> String {
    let root = TestCCompiler.repositoryRoot
    return try TestCCompiler.sharedObject(
        [root.appendingPathComponent("Plugins/ChainStats/chainstats.c").path],
        output: ChainBuilderDirectory.make() + "/libchainstats-\(version).so",
        arguments: ["-I", root.appendingPathComponent("Plugins/ChainStats/include").path,
                    "-DCHAINSTATS_VERSION=\"\(version)\""])
}
