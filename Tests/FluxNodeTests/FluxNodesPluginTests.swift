import FluxChainFixtures
import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxScript
import Foundation
import Testing

/// The fluxnodes plugin inside running regtest nodes: a FluxNode started from wallet collateral, confirmed, paid
/// by every block that follows, and enforced by its peers.
@Suite(.serialized) struct FluxNodesPluginTests {
    static let regtestWIF = Base58Prefixes(pubKeyHash: [0x1d, 0x25], scriptHash: [0x1c, 0xba], secretKey: [0xef])

    /// A data folder whose plugins.toml enables fluxnodes with `operator` as this node's operator key and
    /// `benchmark` signing (and being trusted for) benchmarks.
    static func dataFolder(operator op: PrivateKey?, benchmark: PrivateKey) throws -> String {
        let dir = ChainBuilderDirectory.make()
        let regtest = dir + "/regtest"
        try FileManager.default.createDirectory(atPath: regtest, withIntermediateDirectories: true)
        var text = "[plugins.fluxnodes]\npath = \"\(toolURL("libFluxPluginFluxNodes.so").path)\"\n[plugins.fluxnodes.config]\n"
        text += "benchmark_public_key = \"\(Hex.encode(benchmark.publicKey().bytes))\"\n"
        if let op {
            text += "operator_key = \"\(WIF(secret: op.bytes, compressed: true).encoded(prefixes: regtestWIF))\"\n"
            text += "benchmark_key = \"\(WIF(secret: benchmark.bytes, compressed: true).encoded(prefixes: regtestWIF))\"\n"
            text += "auto_confirm = false\n"
        }
        try text.write(toFile: regtest + "/plugins.toml", atomically: true, encoding: .utf8)
        return dir
    }

    static let upgrades = ["-upgradeheight=kamata:1"]

    @Test func aCumulusNodeIsStartedConfirmedAndPaid() async throws {
        try await withTestNodes { nodes in
            let bench = PrivateKey.generate()
            let op = PrivateKey.generate()
            let a = try await nodes.start(Self.upgrades, directory: try Self.dataFolder(operator: op, benchmark: bench))
            let rpc = rpcClient(a)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            _ = try await rpc.call("generatetoaddress", params: [108, .string(address)])

            // 1,000 FLUX to a new wallet address: a Cumulus collateral.
            let collateralAddress = try #require(try await rpc.call("getnewaddress").stringValue)
            let txid = try #require(try await rpc.call("sendtoaddress", params: [.string(collateralAddress), 1000]).stringValue)
            let raw = try await rpc.call("getrawtransaction", params: [.string(txid), 1])
            let outputs = try #require(raw["vout"]?.arrayValue)
            let index = try #require(outputs.firstIndex { $0["valueZat"]?.intValue == 100_000_000_000 })
            _ = try await rpc.call("generatetoaddress", params: [100, .string(address)])

            // START from the wallet, mined; then the node confirms itself.
            let start = try await rpc.call("fluxnodes.startdeterministicfluxnode", params: [.string(txid), .int(index)])
            #expect(start["result"] == "successful")
            _ = try await rpc.call("generatetoaddress", params: [1, .string(address)])
            let started = try #require(try await rpc.call("fluxnodes.getstartlist").arrayValue)
            #expect(started.count == 1)
            #expect(try await rpc.call("fluxnodes.getfluxnodestatus")["status"] == "STARTED")

            _ = try await rpc.call("fluxnodes.sendconfirmation")
            _ = try await rpc.call("generatetoaddress", params: [1, .string(address)])
            let status = try await rpc.call("fluxnodes.getfluxnodestatus")
            #expect(status["status"] == "CONFIRMED")
            #expect(status["tier"] == "CUMULUS")
            #expect(status["payment_address"] == .string(collateralAddress))
            #expect(try await rpc.call("fluxnodes.getfluxnodecount")["cumulus-enabled"] == .int(1))

            // Every following block pays it.
            for _ in 0..<3 {
                let hashes = try #require(try await rpc.call("generatetoaddress", params: [1, .string(address)]).arrayValue)
                let block = try await rpc.call("getblock", params: [hashes[0], 2])
                let coinbase = try #require(block["tx"]?.arrayValue?.first)
                let paid = (coinbase["vout"]?.arrayValue ?? []).contains {
                    $0["scriptPubKey"]?["addresses"]?.arrayValue?.first == .string(collateralAddress)
                }
                #expect(paid)
            }
            let list = try #require(try await rpc.call("fluxnodes.viewdeterministicfluxnodelist").arrayValue)
            print("LIST", JSONValue.array(list).serialized())
            #expect(list.count == 1)
            #expect((list.first?["last_paid_height"]?.intValue ?? 0) == Int64(a.chain.height))

            // A node without the plugin follows the chain, then mines a block that does not pay the FluxNode: the
            // plugin's node refuses it.
            let b = try await nodes.start(Self.upgrades)
            a.network.addNode("127.0.0.1:\(b.p2pPort)")
            #expect(await eventually(30) { b.chain.tip.hash == a.chain.tip.hash })
            let tipBefore = a.chain.tip.hash
            let mined = await offPool { (try? b.mineBlocks(1, to: burnScript)) ?? [] }
            #expect(mined.count == 1)
            try await Task.sleep(for: .seconds(2))
            #expect(a.chain.tip.hash == tipBefore)
            print("TIPS", a.chain.height, b.chain.height, a.chain.tip.hash, b.chain.tip.hash)
        }
    }
}
