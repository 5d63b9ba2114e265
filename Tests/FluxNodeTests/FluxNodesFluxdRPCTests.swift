import FluxChainFixtures
import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxTestSupport
import Foundation
import Testing

/// The fluxnodes plugin under fluxd's own RPC names (both spellings) with fluxd's result shapes and non-node
/// errors, and its operator key, collateral and ip taken from flux.conf (zelnode, zelnodeprivkey,
/// zelnodeoutpoint, zelnodeindex, externalip) by the documented precedence rule.
@Suite(.serialized) struct FluxNodesFluxdRPCTests {
    static let wif = FluxNodesPluginTests.regtestWIF

    static func wif(_ key: PrivateKey) -> String { WIF(secret: key.bytes, compressed: true).encoded(prefixes: wif) }

    /// A data folder with `config` as `[plugins.fluxnodes.config]` and `fluxConf` as flux.conf.
    static func folder(config: String, fluxConf: String) throws -> String {
        let dir = ChainBuilderDirectory.make()
        try FileManager.default.createDirectory(atPath: dir + "/regtest", withIntermediateDirectories: true)
        let text = "[plugins.fluxnodes]\npath = \"\(toolURL("libFluxPluginFluxNodes.so").path)\"\n[plugins.fluxnodes.config]\n" + config
        try text.write(toFile: dir + "/regtest/plugins.toml", atomically: true, encoding: .utf8)
        try fluxConf.write(toFile: dir + "/flux.conf", atomically: true, encoding: .utf8)
        return dir
    }

    static func error(_ call: () async throws -> JSONValue) async -> RPCError? { await NodeUtilityRPCTests.rpcError(call) }

    /// Calls both spellings and expects the same answer; returns it.
    static func both(_ rpc: RPCClient, _ flux: String, _ zel: String, _ params: [JSONValue] = []) async throws -> JSONValue {
        let a = try await rpc.call(flux, params: params)
        let b = try await rpc.call(zel, params: params)
        #expect(a == b, "\(flux) and \(zel) answer differently")
        return a
    }

    @Test func fluxdNamesAnswerWithFluxdShapesOnAConfirmedFluxNode() async throws {
        try await withTestNodes { nodes in
            let bench = PrivateKey.generate()
            let op = PrivateKey.generate()
            let config = "benchmark_public_key = \"\(Hex.encode(bench.publicKey().bytes))\"\n"
                + "benchmark_key = \"\(Self.wif(bench))\"\nauto_confirm = false\n"
            // The operator key and the announced address come from flux.conf only.
            let fluxConf = "zelnode=1\nzelnodeprivkey=\(Self.wif(op))\nexternalip=203.0.113.9:16125\n"
            let a = try await nodes.start(FluxNodesPluginTests.upgrades, directory: try Self.folder(config: config, fluxConf: fluxConf))
            let rpc = rpcClient(a)
            let (collateral, address, miner) = try await FluxNodesPluginTests.fundCollateral(rpc)
            let txid = collateral.hash.description

            // The wallet's collateral output, as fluxd lists it.
            let outputs = try #require(try await Self.both(rpc, "getfluxnodeoutputs", "getzelnodeoutputs").arrayValue)
            #expect(outputs.contains(.object([("txhash", .string(txid)), ("outputidx", .int(collateral.index)),
                                              ("Flux Amount", 1000), ("Confirmations", 100)])))
            // Not started yet: "expired", as fluxd answers for a node missing from the list.
            #expect(try await Self.both(rpc, "getfluxnodestatus", "getzelnodestatus") == .object([("status", "expired")]))

            let start = try await rpc.call("startdeterministiczelnode", params: [.string(txid), .int(collateral.index)])
            #expect(start["result"] == "successful")
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])
            #expect(try await Self.both(rpc, "getfluxnodestatus", "getzelnodestatus")["status"] == "STARTED")
            #expect(try await rpc.call("getstartlist").arrayValue?.first?["amount"] == "1000.00")

            let confirmation = try await rpc.call("createconfirmationtransaction")
            #expect(confirmation["status"] == "Successfully Sent")
            let raw = try #require(confirmation["raw"]?.stringValue.flatMap { Hex.decode($0) })
            #expect(try Transaction(serialized: raw).txid.description == confirmation["txid"]?.stringValue)
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])

            // getzelnodestatus: FluxOS reads status, collateral (COutPoint(txid, n)), txhash, outidx (a string), ip,
            // payment_address and last_confirmed_height.
            let status = try await Self.both(rpc, "getfluxnodestatus", "getzelnodestatus")
            #expect(status["status"] == "CONFIRMED")
            #expect(status["collateral"] == .string("COutPoint(\(txid), \(collateral.index))"))
            #expect(status["txhash"] == .string(txid))
            #expect(status["outidx"] == .string(String(collateral.index)))
            #expect(status["ip"] == "203.0.113.9:16125")
            #expect(status["network"] == "ipv4")
            #expect(status["payment_address"] == .string(address))
            #expect(status["tier"] == "CUMULUS")
            #expect(status["pubkey"] == .string(Hex.encode(op.publicKey().bytes)))
            #expect(status["last_confirmed_height"] == .int(a.chain.height))
            #expect(status["amount"] == "1000.00")
            #expect(status["rank"] == nil)
            let added = try #require(status["added_height"]?.intValue)
            let addedBlock = try await rpc.call("getblock", params: [.string(try #require(a.chain.entry(at: Int(added))?.hash.description))])
            #expect(status["activesince"] == .string(String(try #require(addedBlock["time"]?.intValue))))
            // lastpaid: the time of the last paid block, the genesis block's before the first payment (as fluxd).
            let paid = try #require(status["last_paid_height"]?.intValue)
            let paidBlock = try await rpc.call("getblock", params: [.string(try #require(a.chain.entry(at: Int(paid))?.hash.description))])
            #expect(status["lastpaid"] == .string(String(try #require(paidBlock["time"]?.intValue))))

            // The list: the same node record, with rank; fluxd's filter matches txid, pubkey, ip or address.
            let list = try #require(try await Self.both(rpc, "viewdeterministicfluxnodelist", "viewdeterministiczelnodelist").arrayValue)
            #expect(list.count == 1)
            let entry = try #require(list.first)
            for key in ["collateral", "txhash", "outidx", "ip", "tier", "pubkey", "payment_address", "added_height",
                        "confirmed_height", "activesince", "last_confirmed_height", "last_paid_height", "lastpaid"] {
                #expect(entry[key] == status[key], "\(key)")
            }
            #expect(entry["rank"] == .int(0))
            #expect(try await Self.both(rpc, "viewdeterministicfluxnodelist", "viewdeterministiczelnodelist", ["203.0.113.9"]).arrayValue?.count == 1)
            #expect(try await Self.both(rpc, "viewdeterministicfluxnodelist", "viewdeterministiczelnodelist", ["198.51.100.1"]).arrayValue?.count == 0)
            #expect(try await Self.both(rpc, "listfluxnodes", "listzelnodes") == .array(list))
            #expect(try await Self.both(rpc, "getfluxnodecount", "getzelnodecount")["cumulus-enabled"] == .int(1))
            #expect(try await Self.both(rpc, "fluxnodecurrentwinner", "zelnodecurrentwinner")["CUMULUS Winner"]?["collateral"] == status["collateral"])
            #expect(try await rpc.call("createzelnodekey").stringValue.flatMap { WIF($0, prefixes: Self.wif) } != nil)
            #expect(try await rpc.call("getdoslist") == .array([]))
            #expect(try await rpc.call("getstartlist") == .array([]))

            // listfluxnodeconf: this node's own entry.
            let conf = try #require(try await Self.both(rpc, "listfluxnodeconf", "listzelnodeconf").arrayValue)
            #expect(conf.count == 1)
            #expect(conf.first?["alias"] == "fluxnode")
            #expect(conf.first?["status"] == "CONFIRMED")
            #expect(conf.first?["txHash"] == .string(txid))
            #expect(conf.first?["outputIndex"] == .string(String(collateral.index)))
            #expect(conf.first?["privateKey"] == .string(Self.wif(op)))

            // fluxd's `startdeterministiczelnode "alias" lockwallet`: this node's own alias; already confirmed, so
            // the START is refused and reported in fluxd's shape; an unknown alias is not found.
            let again = try await rpc.call("startdeterministiczelnode", params: ["fluxnode", false])
            #expect(again["overall"] == "Successfully started 0 fluxnodes, failed to start 1, total 1")
            #expect(again["detail"]?.arrayValue?.first?["result"] == "failed")
            let unknown = try await rpc.call("startdeterministicfluxnode", params: ["elsewhere", false])
            #expect(unknown["detail"]?.arrayValue?.first?["error"] == "could not find alias in config. Verify with listfluxnodeconf.")

            // Benchmarks: no fluxbenchd runs here; fluxd's answers for that, never figures.
            #expect(try await rpc.call("getbenchmarks") == "Benchmark not running")
            #expect(try await rpc.call("getbenchstatus") == "Benchmark not running")
            #expect(try await Self.both(rpc, "stopfluxbenchd", "stopzelbenchd") == "Not running")
            #expect(await Self.error { try await rpc.call("startzelbenchd") }?.code == -1)
            #expect(await Self.error { try await rpc.call("startfluxbenchd") }?.code == -1)
            // Extra parameters are refused as fluxd does (-1 with the help).
            let extra = await Self.error { try await rpc.call("getzelnodestatus", params: [1]) }
            #expect(extra?.code == -1)
            #expect(extra?.message == "getzelnodestatus\nPrint fluxnode status (this node's entry in the list).")
            let extraFilter = await Self.error { try await rpc.call("viewdeterministiczelnodelist", params: ["a", "b"]) }
            #expect(extraFilter?.message.hasPrefix("viewdeterministiczelnodelist ( \"filter\" )\n") == true)
            // The prefixed names stay and agree.
            #expect(try await rpc.call("fluxnodes.getfluxnodestatus") == status)
            // Help lists fluxd's names.
            let help = try #require(try await rpc.call("help").stringValue)
            #expect(help.contains("getzelnodestatus") && help.contains("viewdeterministiczelnodelist"))
            let listing = try #require(try await rpc.call("listplugins").arrayValue?.first { $0["name"] == "fluxnodes" })
            #expect(listing["global_methods"]?.arrayValue?.contains("createconfirmationtransaction") == true)
        }
    }

    @Test func aNodeThatIsNotAFluxNodeAnswersAsFluxd() async throws {
        try await withTestNodes { nodes in
            let a = try await nodes.start(FluxNodesPluginTests.upgrades, directory: try Self.folder(config: "", fluxConf: ""))
            let rpc = rpcClient(a)
            for method in ["getfluxnodestatus", "getzelnodestatus", "getbenchmarks", "getbenchstatus", "startzelbenchd", "stopzelbenchd",
                           "startfluxbenchd", "stopfluxbenchd"] {
                let e = await Self.error { try await rpc.call(method) }
                #expect(e?.code == -1, "\(method)")
                #expect(e?.message == "This is not a Flux Node", "\(method)")
            }
            let e = await Self.error { try await rpc.call("createconfirmationtransaction") }
            #expect(e?.code == -32600)
            #expect(e?.message == "This is not a Flux Node")
            #expect(try await Self.both(rpc, "viewdeterministicfluxnodelist", "viewdeterministiczelnodelist") == .array([]))
            #expect(try await Self.both(rpc, "getfluxnodecount", "getzelnodecount")["total"] == .int(0))
            #expect(try await Self.both(rpc, "listfluxnodeconf", "listzelnodeconf") == .array([]))
        }
    }

    /// The state listplugins shows for fluxnodes, and getfluxnodestatus's answer (or error message).
    static func outcome(config: String, fluxConf: String, _ nodes: TestNodes) async throws -> (state: String, status: String) {
        let a = try await nodes.start(FluxNodesPluginTests.upgrades, directory: try folder(config: config, fluxConf: fluxConf))
        let rpc = rpcClient(a)
        let state = try await rpc.call("listplugins").arrayValue?.first { $0["name"] == "fluxnodes" }?["state"]?.stringValue ?? "?"
        let status: String
        do { status = try await rpc.call("getfluxnodestatus").serialized() } catch { status = "\(error)" }
        await a.stop()
        return (state, status)
    }

    @Test func theOperatorKeyCollateralAndIPFollowThePrecedenceRule() async throws {
        try await withTestNodes { nodes in
            let op = PrivateKey.generate(), other = PrivateKey.generate()
            let txid = String(repeating: "ab", count: 32)
            let expired = "{\"status\":\"expired\"}"
            // flux.conf only; plugin config only; both, equal: a FluxNode.
            var r = try await Self.outcome(config: "", fluxConf: "zelnode=1\nzelnodeprivkey=\(Self.wif(op))\n", nodes)
            #expect(r.state == "active")
            #expect(r.status == expired)
            r = try await Self.outcome(config: "operator_key = \"\(Self.wif(op))\"\n", fluxConf: "", nodes)
            #expect(r.status == expired)
            r = try await Self.outcome(config: "operator_key = \"\(Self.wif(op))\"\n",
                                       fluxConf: "zelnode=1\nzelnodeprivkey=\(Self.wif(op))\n", nodes)
            #expect(r.state == "active")
            #expect(r.status == expired)
            // Both, different: refused with an error naming both.
            r = try await Self.outcome(config: "operator_key = \"\(Self.wif(op))\"\n",
                                       fluxConf: "zelnode=1\nzelnodeprivkey=\(Self.wif(other))\n", nodes)
            #expect(r.state.contains("config.operator_key and flux.conf zelnodeprivkey are different keys"))
            // Without zelnode=1 the flux.conf key is ignored, as fluxd ignores it.
            r = try await Self.outcome(config: "", fluxConf: "zelnodeprivkey=\(Self.wif(op))\n", nodes)
            #expect(r.state == "active")
            #expect(r.status.contains("This is not a Flux Node"))
            // zelnode=1 without any key.
            r = try await Self.outcome(config: "", fluxConf: "zelnode=1\n", nodes)
            #expect(r.state.contains("zelnode=1 needs zelnodeprivkey"))

            // The collateral: from flux.conf, equal in both, different, or half given.
            let node = "zelnode=1\nzelnodeprivkey=\(Self.wif(op))\n"
            r = try await Self.outcome(config: "", fluxConf: node + "zelnodeoutpoint=\(txid)\nzelnodeindex=3\n", nodes)
            #expect(r.status == "{\"status\":\"expired\",\"collateral\":\"COutPoint(\(txid), 3)\"}")
            r = try await Self.outcome(config: "collateral = \"\(txid):3\"\n", fluxConf: node + "zelnodeoutpoint=\(txid)\nzelnodeindex=3\n", nodes)
            #expect(r.status == "{\"status\":\"expired\",\"collateral\":\"COutPoint(\(txid), 3)\"}")
            r = try await Self.outcome(config: "collateral = \"\(txid):2\"\n", fluxConf: node + "zelnodeoutpoint=\(txid)\nzelnodeindex=3\n", nodes)
            #expect(r.state.contains("config.collateral (\(txid):2) and flux.conf zelnodeoutpoint/zelnodeindex (\(txid):3) name different collaterals"))
            r = try await Self.outcome(config: "", fluxConf: node + "zelnodeoutpoint=\(txid)\n", nodes)
            #expect(r.state.contains("zelnodeoutpoint and zelnodeindex go together"))

            // The announced address: config.ip and externalip must agree when both are set.
            r = try await Self.outcome(config: "ip = \"203.0.113.9:16125\"\n", fluxConf: node + "externalip=203.0.113.9:16125\n", nodes)
            #expect(r.state == "active")
            r = try await Self.outcome(config: "ip = \"203.0.113.9:16125\"\n", fluxConf: node + "externalip=198.51.100.4\n", nodes)
            #expect(r.state.contains("config.ip (\"203.0.113.9:16125\") and flux.conf externalip (\"198.51.100.4\") differ"))
        }
    }
}
