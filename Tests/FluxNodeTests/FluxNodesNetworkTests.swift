import FluxChainFixtures
import FluxConsensus
import FluxJSON
import FluxMining
import FluxNode
import FluxNodeModel
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxTestSupport
import Foundation
import Testing

/// Three regtest nodes with the fluxnodes plugin: FluxNodes of all three tiers started from one wallet's collateral,
/// confirmed by their own nodes, paid in rotation to the unit, expired when they stop confirming, removed when their
/// collateral is spent, producing Proof-of-Node blocks once PoN activates; blocks that pay the wrong node and PoN
/// blocks from nodes that may not produce them are refused by every peer.
@Suite(.serialized) struct FluxNodesNetworkTests {
    static let prefixes = FluxNodesPluginTests.regtestWIF
    static let ponHeight = 1_150
    static let upgrades = ["-upgradeheight=kamata:1", "-upgradeheight=pon:\(ponHeight)", "-whitelist=127.0.0.1"]

    /// A CONFIRM built and signed outside any node (for an operator key no running node holds).
    static func confirm(_ collateral: OutPoint, operator op: PrivateKey, benchmark: PrivateKey, tier: Int8,
                        updateType: Int8) -> Transaction {
        let now = UInt32(Date().timeIntervalSince1970)
        let ip = Array("127.0.0.9".utf8)
        let sig = MessageSigner.sign(FluxNodeTransactions.confirmMessage(collateral: collateral, updateType: updateType, sigTime: now),
                                     with: op)
        let benchSig = MessageSigner.sign(FluxNodeTransactions.benchmarkMessage(sig: sig, benchmarkTier: tier,
                                                                               benchmarkSigTime: now, ip: ip), with: benchmark)
        let body = FluxNodeConfirm(collateral: collateral, sigTime: now, benchmarkTier: tier, benchmarkSigTime: now,
                                   updateType: updateType, ip: ip, sig: sig, benchmarkSig: benchSig)
        return Transaction.fluxNode(.confirm(body), version: Transaction.fluxNodeVersion)
    }

    /// The coinbase outputs of the block at `hash` as (address, units).
    static func coinbasePayments(_ rpc: RPCClient, _ hash: JSONValue) async throws -> [(String, Int64)] {
        let block = try await rpc.call("getblock", params: [hash, 2])
        let coinbase = try #require(block["tx"]?.arrayValue?.first)
        return (coinbase["vout"]?.arrayValue ?? []).compactMap { out in
            guard let address = out["scriptPubKey"]?["addresses"]?.arrayValue?.first?.stringValue,
                  let value = out["valueZat"]?.intValue else { return nil }
            return (address, value)
        }
    }

    static func mine(_ rpc: RPCClient, _ count: Int, to address: String) async throws -> [JSONValue] {
        try #require(try await rpc.call("generatetoaddress", params: [.int(count), .string(address)]).arrayValue)
    }

    static func count(_ node: Node) async throws -> JSONValue { try await rpcClient(node).call("fluxnodes.getfluxnodecount") }

    @Test func threeTiersArePaidInRotationExpireAndAreRemoved() async throws {
        try await withTestNodes { nodes in
            let bench = PrivateKey.generate()
            let opA = PrivateKey.generate(), opB = PrivateKey.generate(), opC = PrivateKey.generate()
            let opD = PrivateKey.generate()   // the Stratus node's operator: no running node holds it
            let a = try await nodes.start(Self.upgrades, directory: try FluxNodesPluginTests.dataFolder(operator: opA, benchmark: bench))
            let b = try await nodes.start(Self.upgrades, directory: try FluxNodesPluginTests.dataFolder(operator: opB, benchmark: bench))
            let c = try await nodes.start(Self.upgrades, directory: try FluxNodesPluginTests.dataFolder(operator: opC, benchmark: bench))
            b.network.connectOnce("127.0.0.1:\(a.p2pPort)")
            c.network.connectOnce("127.0.0.1:\(a.p2pPort)")
            let rpcA = rpcClient(a), rpcB = rpcClient(b), rpcC = rpcClient(c)
            let miner = try #require(try await rpcA.call("getnewaddress").stringValue)

            // Fund the collaterals (1,000 + 1,000 + 12,500 + 40,000 FLUX) from mined coins. The wallet spends the
            // oldest coins first, so the 40,000 comes from two consolidated outputs through a raw transaction.
            _ = try await Self.mine(rpcA, 970, to: miner)
            func send(_ amount: Int64) async throws -> (OutPoint, String) {
                let address = try #require(try await rpcA.call("getnewaddress").stringValue)
                let txid = try #require(try await rpcA.call("sendtoaddress", params: [.string(address), .int(amount)]).stringValue)
                let raw = try await rpcA.call("getrawtransaction", params: [.string(txid), 1])
                let index = try #require(raw["vout"]?.arrayValue?.firstIndex { $0["valueZat"]?.intValue == amount * 100_000_000 })
                _ = try await Self.mine(rpcA, 1, to: miner)
                return (OutPoint(hash: try #require(Hash256(displayHex: txid)), index: UInt32(index)), address)
            }
            var collaterals: [OutPoint] = []
            var payees: [String] = []
            for amount: Int64 in [1_000, 1_000, 12_500] {
                let (outpoint, address) = try await send(amount)
                collaterals.append(outpoint)
                payees.append(address)
            }
            let half1 = try await send(20_001).0, half2 = try await send(20_001).0
            let stratusAddress = try #require(try await rpcA.call("getnewaddress").stringValue)
            let join = Transaction(inputs: [TxIn(prevout: half1, scriptSig: Script([])), TxIn(prevout: half2, scriptSig: Script([]))],
                                   outputs: [TxOut(value: .coins(40_000), scriptPubKey: try #require(Address(stratusAddress, prefixes: Self.prefixes)).script),
                                             TxOut(value: Amount(units: 199_000_000), scriptPubKey: try #require(Address(miner, prefixes: Self.prefixes)).script)])
            let joined = try await rpcA.call("signrawtransaction", params: [.string(Hex.encode(join.serialized))])
            let joinedHex = try #require(joined["hex"])
            let joinTxid = try #require(try await rpcA.call("sendrawtransaction", params: [joinedHex]).stringValue)
            collaterals.append(OutPoint(hash: try #require(Hash256(displayHex: joinTxid)), index: 0))
            payees.append(stratusAddress)
            _ = try await Self.mine(rpcA, 101, to: miner)

            // STARTs from A's wallet naming each node's operator key; one block.
            let operators = [opA, opB, opC, opD]
            for (collateral, op) in zip(collaterals, operators) {
                let reply = try await rpcA.call("fluxnodes.startdeterministicfluxnode",
                                                params: [.string(collateral.hash.description), .int(collateral.index),
                                                         .string(Hex.encode(op.publicKey().bytes))])
                #expect(reply["result"] == "successful")
            }
            _ = try await Self.mine(rpcA, 1, to: miner)
            #expect(try await rpcA.call("fluxnodes.getstartlist").arrayValue?.count == 4)
            #expect(await eventually(30) { b.chain.tip.hash == a.chain.tip.hash && c.chain.tip.hash == a.chain.tip.hash })

            // Each node confirms itself; the Stratus node's CONFIRM comes from outside.
            _ = try await rpcA.call("fluxnodes.sendconfirmation")
            _ = try await rpcB.call("fluxnodes.sendconfirmation")
            _ = try await rpcC.call("fluxnodes.sendconfirmation")
            let stratusConfirm = Self.confirm(collaterals[3], operator: opD, benchmark: bench, tier: 3, updateType: 0)
            _ = try await rpcA.call("sendrawtransaction", params: [.string(Hex.encode(stratusConfirm.serialized))])
            #expect(await eventually(30) { a.mempool.count == 4 })
            _ = try await Self.mine(rpcA, 1, to: miner)
            let confirmedAt = a.chain.height
            #expect(await eventually(30) { b.chain.tip.hash == a.chain.tip.hash && c.chain.tip.hash == a.chain.tip.hash })
            for node in [a, b, c] {
                let counts = try await Self.count(node)
                #expect(counts["cumulus-enabled"] == 2)
                #expect(counts["nimbus-enabled"] == 1)
                #expect(counts["stratus-enabled"] == 1)
            }
            #expect(try await rpcB.call("fluxnodes.getfluxnodestatus")["status"] == "CONFIRMED")

            // Rotation: every block pays each tier's front node its exact share; the two Cumulus nodes alternate.
            var cumulusPaid: [String] = []
            for _ in 0..<6 {
                let hash = try await Self.mine(rpcA, 1, to: miner)[0]
                let height = a.chain.height
                let paid = try await Self.coinbasePayments(rpcA, hash)
                func share(_ tier: FluxnodeTier) -> Int64 { a.params.fluxnodePayout(tier, at: height).units }
                let cumulus = paid.filter { $0.0 == payees[0] || $0.0 == payees[1] }
                #expect(cumulus.count == 1)
                #expect(cumulus.first?.1 == share(.cumulus))
                cumulusPaid.append(cumulus.first?.0 ?? "")
                #expect(paid.filter { $0.0 == payees[2] }.map(\.1) == [share(.nimbus)])
                #expect(paid.filter { $0.0 == payees[3] }.map(\.1) == [share(.stratus)])
            }
            #expect(cumulusPaid[0] != cumulusPaid[1])
            #expect(cumulusPaid[0] == cumulusPaid[2] && cumulusPaid[1] == cumulusPaid[3])
            #expect(await eventually(30) { b.chain.tip.hash == a.chain.tip.hash && c.chain.tip.hash == a.chain.tip.hash })

            // B, C and D keep confirming (UPDATE_CONFIRM after more than 40 blocks); A's node does not and expires after 60.
            _ = try await Self.mine(rpcA, confirmedAt + 41 - a.chain.height, to: miner)
            #expect(await eventually(30) { b.chain.tip.hash == a.chain.tip.hash && c.chain.tip.hash == a.chain.tip.hash })
            _ = try await rpcB.call("fluxnodes.sendconfirmation")
            _ = try await rpcC.call("fluxnodes.sendconfirmation")
            let update = Self.confirm(collaterals[3], operator: opD, benchmark: bench, tier: 3, updateType: 1)
            _ = try await rpcA.call("sendrawtransaction", params: [.string(Hex.encode(update.serialized))])
            #expect(await eventually(30) { a.mempool.count == 3 })
            _ = try await Self.mine(rpcA, confirmedAt + 62 - a.chain.height, to: miner)
            #expect(await eventually(30) { b.chain.tip.hash == a.chain.tip.hash && c.chain.tip.hash == a.chain.tip.hash })
            for node in [a, b, c] { #expect(try await Self.count(node)["cumulus-enabled"] == 1) }
            #expect(try await rpcA.call("fluxnodes.getfluxnodestatus")["status"] == "expired")
            let afterExpiry = try await Self.coinbasePayments(rpcA, try await Self.mine(rpcA, 1, to: miner)[0])
            #expect(afterExpiry.contains { $0.0 == payees[1] })
            #expect(!afterExpiry.contains { $0.0 == payees[0] })

            // Spending the Nimbus collateral removes that node at once.
            let spend = Transaction(inputs: [TxIn(prevout: collaterals[2], scriptSig: Script([]))],
                                    outputs: [TxOut(value: Amount(units: 12_499 * 100_000_000),
                                                    scriptPubKey: try #require(Address(miner, prefixes: Self.prefixes)).script)])
            let signed = try await rpcA.call("signrawtransaction", params: [.string(Hex.encode(spend.serialized))])
            let signedHex = try #require(signed["hex"])
            _ = try await rpcA.call("sendrawtransaction", params: [signedHex])
            _ = try await Self.mine(rpcA, 1, to: miner)
            #expect(await eventually(30) { b.chain.tip.hash == a.chain.tip.hash && c.chain.tip.hash == a.chain.tip.hash })
            for node in [a, b, c] { #expect(try await Self.count(node)["nimbus-enabled"] == 0) }
            let afterSpend = try await Self.coinbasePayments(rpcA, try await Self.mine(rpcA, 1, to: miner)[0])
            #expect(!afterSpend.contains { $0.0 == payees[2] })

            // A node without the plugin follows the chain, then mines a block that pays no FluxNode: every peer with
            // the plugin refuses it.
            let x = try await nodes.start(Self.upgrades)
            for peer in [a, b, c] { x.network.connectOnce("127.0.0.1:\(peer.p2pPort)") }
            #expect(await eventually(30) { x.chain.tip.hash == a.chain.tip.hash })
            let honestTip = a.chain.tip.hash
            let unpaid = await onOwnThread { (try? x.mineBlocks(1, to: burnScript)) ?? [] }
            #expect(unpaid.count == 1)
            try await Task.sleep(for: .seconds(2))
            for node in [a, b, c] { #expect(node.chain.tip.hash == honestTip) }
            await x.stop()

            // Proof of Node: B (a confirmed Cumulus node) produces and signs blocks; A and C accept them.
            #expect(a.chain.height < Self.ponHeight - 1)
            _ = try await Self.mine(rpcA, Self.ponHeight - 1 - a.chain.height, to: miner)
            #expect(await eventually(30) { b.chain.tip.hash == a.chain.tip.hash })
            let ponBlocks = try await Self.mine(rpcB, 3, to: miner)
            #expect(ponBlocks.count == 3)
            #expect(await eventually(30) { a.chain.tip.hash == b.chain.tip.hash && c.chain.tip.hash == b.chain.tip.hash })
            let header = try await rpcA.call("getblockheader", params: [ponBlocks[2]])
            #expect(header["type"] == "PON")
            #expect(header["collateral"]?.stringValue?.contains(String(collaterals[1].hash.description.prefix(10))) == true)
            // A's node expired: it cannot produce.
            #expect(await rpcErrorCode { try await rpcA.call("generatetoaddress", params: [1, .string(miner)]) } != nil)

            // A PoN block naming a node that is not confirmed (the spent Nimbus collateral), signed by its operator
            // key, is refused.
            let tip = a.chain.tip
            let time = max(UInt32(Date().timeIntervalSince1970), tip.header.time + 1)
            var forged = BlockTemplate(params: a.params, previous: tip.header, height: tip.height + 1, time: time,
                                       bits: a.chain.requiredBitsForNextBlock(time: time),
                                       minerScript: try #require(Address(miner, prefixes: Self.prefixes)).script,
                                       nodeCollateral: collaterals[2]).block
            forged.header.proof = .node(collateral: collaterals[2], signature: opC.sign(digest32: forged.header.hash))
            let verdict = try await rpcA.call("submitblock", params: [.string(Hex.encode(forged.serialized))])
            #expect(verdict.stringValue?.contains("bad-pon-node") == true || verdict.stringValue?.contains("fluxnodes") == true)
            #expect(a.chain.tip.hash == tip.hash)
        }
    }
}

