import FluxChainFixtures
import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
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
            a.network.addNode("127.0.0.1:\(b.p2pPort)")
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
}
