import FluxChainFixtures
import FluxJSON
import FluxNode
import FluxNodeModel
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxTestSupport
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

    static let upgrades = ["-upgradeheight=kamata:1", "-whitelist=127.0.0.1"]

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
            #expect(try await rpc.call("fluxnodes.fluxnodecurrentwinner")["CUMULUS Winner"]?["payment_address"] == .string(collateralAddress))
            #expect(try await rpc.call("fluxnodes.getdoslist").arrayValue?.isEmpty == true)
            #expect(try await rpc.call("fluxnodes.createfluxnodekey").stringValue.flatMap { WIF($0, prefixes: Self.regtestWIF) } != nil)
            // Tier requirements: regtest still accepts both Cumulus collaterals at this height; a 4-core, 8 GB,
            // 300 GB machine meets Cumulus only.
            let requirements = try #require(try await rpc.call("fluxnodes.gettierrequirements", params: [4, 8000, 300])["tiers"]?.arrayValue)
            #expect(requirements.map { $0["meets"] } == [.bool(true), .bool(false), .bool(false)])
            #expect(requirements.first?["collateral"] == .array(["1000.00000000", "10000.00000000"]))
            #expect(await rpcErrorCode { try await rpc.call("fluxnodes.gettierrequirements", params: [4]) } == -8)
            #expect(list.count == 1)
            #expect((list.first?["last_paid_height"]?.intValue ?? 0) == Int64(a.chain.height))

            // A node without the plugin follows the chain, then mines a block that does not pay the FluxNode: the
            // plugin's node refuses it.
            let b = try await nodes.start(Self.upgrades)
            a.network.connectOnce("127.0.0.1:\(b.p2pPort)")
            #expect(await eventually(30) { b.chain.tip.hash == a.chain.tip.hash })
            let tipBefore = a.chain.tip.hash
            let mined = await onOwnThread { (try? b.mineBlocks(1, to: burnScript)) ?? [] }
            #expect(mined.count == 1)
            try await Task.sleep(for: .seconds(2))
            #expect(a.chain.tip.hash == tipBefore)
        }
    }

    /// A wallet collateral of `amount` FLUX with 100 confirmations: (collateral, its address, a miner address).
    static func fundCollateral(_ rpc: RPCClient, amount: Int64 = 1_000) async throws -> (OutPoint, String, String) {
        let miner = try #require(try await rpc.call("getnewaddress").stringValue)
        _ = try await rpc.call("generatetoaddress", params: [108, .string(miner)])
        let address = try #require(try await rpc.call("getnewaddress").stringValue)
        let txid = try #require(try await rpc.call("sendtoaddress", params: [.string(address), .int(amount)]).stringValue)
        let raw = try await rpc.call("getrawtransaction", params: [.string(txid), 1])
        let index = try #require(raw["vout"]?.arrayValue?.firstIndex { $0["valueZat"]?.intValue == amount * 100_000_000 })
        _ = try await rpc.call("generatetoaddress", params: [100, .string(miner)])
        return (OutPoint(hash: try #require(Hash256(displayHex: txid)), index: UInt32(index)), address, miner)
    }

    /// The reason of a refused sendrawtransaction, or nil when it was accepted.
    static func refusal(_ rpc: RPCClient, _ tx: Transaction) async -> String? {
        do {
            _ = try await rpc.call("sendrawtransaction", params: [.string(Hex.encode(tx.serialized))])
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func badStartsAndConfirmsAreRefusedWithTheirReasons() async throws {
        try await withTestNodes { nodes in
            let bench = PrivateKey.generate()
            let op = PrivateKey.generate()
            let a = try await nodes.start(Self.upgrades, directory: try Self.dataFolder(operator: op, benchmark: bench))
            let rpc = rpcClient(a)
            let (collateral, address, miner) = try await Self.fundCollateral(rpc)
            let wif = try #require(try await rpc.call("dumpprivkey", params: [.string(address)]).stringValue)
            let owner = try #require(WIF(wif, prefixes: Self.regtestWIF).flatMap { PrivateKey(bytes: $0.secret) })
            let now = UInt32(Date().timeIntervalSince1970)

            // Signed by a key that does not own the collateral.
            let stranger = PrivateKey.generate()
            let forged = FluxNodeTransactions.signStart(
                FluxNodeTransactions.unsignedStart(collateral: collateral, collateralPubKey: owner.publicKey().bytes,
                                                   operatorPubKey: op.publicKey().bytes, sigTime: now), with: stranger)
            let forgedReason = await Self.refusal(rpc, forged)
            #expect(forgedReason?.contains("signature") == true)

            // An output that is not a collateral amount (999 FLUX).
            let odd = try #require(try await rpc.call("sendtoaddress", params: [.string(address), 999]).stringValue)
            let oddRaw = try await rpc.call("getrawtransaction", params: [.string(odd), 1])
            let oddIndex = try #require(oddRaw["vout"]?.arrayValue?.firstIndex { $0["valueZat"]?.intValue == 99_900_000_000 })
            _ = try await rpc.call("generatetoaddress", params: [100, .string(miner)])
            let wrongAmount = FluxNodeTransactions.start(collateral: OutPoint(hash: try #require(Hash256(displayHex: odd)), index: UInt32(oddIndex)),
                                                         collateralKey: owner, operatorPubKey: op.publicKey().bytes, sigTime: now)
            let amountReason = await Self.refusal(rpc, wrongAmount)
            #expect(amountReason?.contains("tier from amount") == true)

            // A CONFIRM for a collateral that never started.
            let unknown = FluxNodeTransactions.confirm(collateral: collateral, updateType: 0, sigTime: now, benchmarkTier: 1,
                                                       benchmarkSigTime: now, ip: "127.0.0.1", operatorKey: op,
                                                       benchmarkKey: bench, benchmarkCompressed: true)
            #expect(await Self.refusal(rpc, unknown)?.contains("fluxnode") == true)

            // A good START is accepted and mined; a second START for the same collateral (a replay with a newer
            // signature time) is refused while the node is in the list.
            let good = FluxNodeTransactions.start(collateral: collateral, collateralKey: owner,
                                                  operatorPubKey: op.publicKey().bytes, sigTime: now)
            #expect(await Self.refusal(rpc, good) == nil)
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])
            let replay = FluxNodeTransactions.start(collateral: collateral, collateralKey: owner,
                                                    operatorPubKey: op.publicKey().bytes, sigTime: now + 1)
            let replayReason = await Self.refusal(rpc, replay)
            #expect(replayReason?.contains("already") == true)

            // CONFIRMs signed by the wrong operator key, or with a benchmark signature by a key the network does
            // not trust, are refused; the right one is accepted; sent again once mined, it is refused.
            let wrongOperator = FluxNodeTransactions.confirm(collateral: collateral, updateType: 0, sigTime: now, benchmarkTier: 1,
                                                             benchmarkSigTime: now, ip: "127.0.0.1", operatorKey: stranger,
                                                             benchmarkKey: bench, benchmarkCompressed: true)
            #expect(await Self.refusal(rpc, wrongOperator)?.contains("signature") == true)
            let wrongBench = FluxNodeTransactions.confirm(collateral: collateral, updateType: 0, sigTime: now, benchmarkTier: 1,
                                                          benchmarkSigTime: now, ip: "127.0.0.1", operatorKey: op,
                                                          benchmarkKey: stranger, benchmarkCompressed: true)
            #expect(await Self.refusal(rpc, wrongBench)?.contains("signature") == true)
            let confirm = FluxNodeTransactions.confirm(collateral: collateral, updateType: 0, sigTime: now, benchmarkTier: 1,
                                                       benchmarkSigTime: now, ip: "127.0.0.1", operatorKey: op,
                                                       benchmarkKey: bench, benchmarkCompressed: true)
            #expect(await Self.refusal(rpc, confirm) == nil)
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])
            #expect(try await rpc.call("fluxnodes.getfluxnodestatus")["status"] == "CONFIRMED")
            let again = FluxNodeTransactions.confirm(collateral: collateral, updateType: 0, sigTime: now + 2, benchmarkTier: 1,
                                                     benchmarkSigTime: now + 2, ip: "127.0.0.1", operatorKey: op,
                                                     benchmarkKey: bench, benchmarkCompressed: true)
            #expect(await Self.refusal(rpc, again) != nil)
        }
    }

    @Test func aReorganisationAcrossAStartRestoresTheList() async throws {
        try await withTestNodes { nodes in
            let bench = PrivateKey.generate()
            let a = try await nodes.start(Self.upgrades, directory: try Self.dataFolder(operator: PrivateKey.generate(), benchmark: bench))
            let b = try await nodes.start(Self.upgrades, directory: try Self.dataFolder(operator: nil, benchmark: bench))
            let rpc = rpcClient(a)
            let (collateral, _, miner) = try await Self.fundCollateral(rpc)
            // b gets the same chain block by block, without a network connection.
            for height in 1...a.chain.height {
                let hash = try #require(a.chain.entry(at: height)?.hash)
                let hex = try #require(try await rpc.call("getblock", params: [.string(hash.description), 0]).stringValue)
                _ = try await rpcClient(b).call("submitblock", params: [.string(hex)])
            }
            #expect(b.chain.tip.hash == a.chain.tip.hash)

            // a mines the START; b mines a longer branch without it.
            _ = try await rpc.call("fluxnodes.startdeterministicfluxnode", params: [.string(collateral.hash.description), .int(collateral.index)])
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])
            #expect(try await rpc.call("fluxnodes.getstartlist").arrayValue?.count == 1)
            _ = await onOwnThread { (try? b.mineBlocks(2, to: burnScript)) ?? [] }
            a.network.connectOnce("127.0.0.1:\(b.p2pPort)")
            #expect(await eventually(30) { a.chain.tip.hash == b.chain.tip.hash })
            // The START's block left the chain: the list is as before it; the START waits in the mempool again.
            #expect(try await rpc.call("fluxnodes.getstartlist").arrayValue?.count == 0)
            #expect(try await rpc.call("fluxnodes.getfluxnodestatus")["status"] == "expired")
            #expect(try await rpcClient(b).call("fluxnodes.getstartlist").arrayValue?.count == 0)
            #expect(await eventually(10) { a.mempool.count == 1 })
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])
            #expect(try await rpc.call("fluxnodes.getstartlist").arrayValue?.count == 1)
            #expect(await eventually(30) { b.chain.tip.hash == a.chain.tip.hash })
            #expect(try await rpcClient(b).call("fluxnodes.getstartlist").arrayValue?.count == 1)
        }
    }

    @Test func anUpgradeMidRunKeepsTheListAndMissesNoBlock() async throws {
        try await withTestNodes { nodes in
            let bench = PrivateKey.generate()
            let op = PrivateKey.generate()
            let dir = try Self.dataFolder(operator: op, benchmark: bench)
            let a = try await nodes.start(Self.upgrades, directory: dir)
            let rpc = rpcClient(a)
            let (collateral, address, miner) = try await Self.fundCollateral(rpc)
            _ = try await rpc.call("fluxnodes.startdeterministicfluxnode", params: [.string(collateral.hash.description), .int(collateral.index)])
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])
            _ = try await rpc.call("fluxnodes.sendconfirmation")
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])
            let before = try await rpc.call("fluxnodes.getfluxnodestatus")
            #expect(before["status"] == "CONFIRMED")
            let firstPaid = a.chain.height + 1

            // A new build: the same plugin at another path with different bytes (a new content hash).
            let build = ChainBuilderDirectory.make() + "/libFluxPluginFluxNodes-next.so"
            var bytes = try Data(contentsOf: toolURL("libFluxPluginFluxNodes.so"))
            bytes.append(contentsOf: Array("next build".utf8))
            try bytes.write(to: URL(fileURLWithPath: build))

            let miningThread = BackgroundMiner(node: a)
            miningThread.start()
            #expect(await eventually(30) { a.chain.height >= firstPaid + 5 })
            let shaBefore = try await rpc.call("listplugins").arrayValue?.first { $0["name"] == "fluxnodes" }?["sha256"]
            _ = try await rpc.call("reloadplugin", params: ["fluxnodes", .string(build)])
            #expect(await eventually(30) { a.chain.height >= firstPaid + 12 })
            miningThread.stop()
            #expect(miningThread.failures == 0)

            let listing = try #require(try await rpc.call("listplugins").arrayValue?.first { $0["name"] == "fluxnodes" })
            #expect(listing["state"] == "active")
            #expect(listing["sha256"] != shaBefore)
            #expect(listing["synced_height"] == .int(a.chain.height))
            let after = try await rpc.call("fluxnodes.getfluxnodestatus")
            #expect(after["confirmed_height"] == before["confirmed_height"])
            #expect(after["last_paid_height"] == .int(a.chain.height))
            // Every block since the confirmation paid the node: none was missed by either build.
            for height in firstPaid...a.chain.height {
                let hash = try #require(a.chain.entry(at: height)?.hash)
                let block = try await rpc.call("getblock", params: [.string(hash.description), 2])
                let outputs = block["tx"]?.arrayValue?.first?["vout"]?.arrayValue ?? []
                #expect(outputs.contains { $0["scriptPubKey"]?["addresses"]?.arrayValue?.first == .string(address) })
            }

            // And after a restart the list is the same.
            await a.stop()
            let restarted = try await nodes.start(Self.upgrades, directory: dir)
            let status = try await rpcClient(restarted).call("fluxnodes.getfluxnodestatus")
            #expect(status["status"] == "CONFIRMED")
            #expect(status["last_paid_height"] == after["last_paid_height"])
        }
    }

    /// A confirmed FluxNode started with -gen keeps the chain going on its own once Proof of Node is active.
    @Test func aFluxNodeWithGenProducesProofOfNodeBlocksByItself() async throws {
        try await withTestNodes { nodes in
            let bench = PrivateKey.generate()
            let op = PrivateKey.generate()
            let dir = try Self.dataFolder(operator: op, benchmark: bench)
            let options = ["-upgradeheight=kamata:1", "-upgradeheight=pon:215"]
            let a = try await nodes.start(options, directory: dir)
            let rpc = rpcClient(a)
            let (collateral, _, miner) = try await Self.fundCollateral(rpc)
            _ = try await rpc.call("fluxnodes.startdeterministicfluxnode", params: [.string(collateral.hash.description), .int(collateral.index)])
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])
            _ = try await rpc.call("fluxnodes.sendconfirmation")
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])
            #expect(try await rpc.call("fluxnodes.getfluxnodestatus")["status"] == "CONFIRMED")
            #expect(a.chain.height < 214)
            _ = try await rpc.call("generatetoaddress", params: [.int(214 - a.chain.height), .string(miner)])
            await a.stop()

            let producer = try await nodes.start(options + ["-gen", "-blockinterval=1"], directory: dir)
            #expect(await eventually(40) { producer.chain.height >= 218 })
            for height in 215...218 {
                let entry = try #require(producer.chain.entry(at: height))
                guard case let .node(named, _) = entry.header.proof else {
                    Issue.record("block \(height) is not a Proof-of-Node block")
                    continue
                }
                #expect(named == collateral)
            }
        }
    }
}
