import FluxChainFixtures
import FluxConsensus
import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxTestSupport
import Foundation
import Testing

/// FluxOS's calls, replayed as FluxOS sends them (see `FluxOSClient`) from the sheet of what it asks of fluxd
/// (every call of its own services, with the parameters it builds, checking every result field it reads; then
/// every route of its `/daemon/*` proxy, which only needs an answer), against a regtest node started on a stock
/// FluxNode flux.conf.
@Suite(.serialized) struct FluxOSReplayTests {
    static let user = "fluxosuser"
    static let password = "Zq7kP2mW9xR4"

    /// A stock FluxNode flux.conf (the keys of FluxOS's sampleDaemonConfig.conf and the installer's file), for
    /// regtest on loopback. `zelnode` and the node keys are given by the caller.
    static func stockFluxConf(zelnode: [String]) -> String {
        """
        rpcuser=\(user)
        rpcpassword=\(password)
        rpcallowip=127.0.0.1
        rpcallowip=172.18.0.0/16
        \(zelnode.joined(separator: "\n"))
        server=1
        daemon=1
        txindex=1
        addressindex=1
        timestampindex=1
        spentindex=1
        insightexplorer=1
        experimentalfeatures=1
        listen=1
        externalip=127.0.0.1
        bind=127.0.0.1
        maxconnections=256
        logtimestamps=1
        addnode=127.0.0.1:1

        """
    }

    /// A data folder with the stock flux.conf and the fluxnodes plugin enabled (with no operator key of its own;
    /// `config` adds to its table).
    static func dataFolder(zelnode: [String], config: String = "") throws -> String {
        let dir = ChainBuilderDirectory.make()
        let regtest = dir + "/regtest"
        try FileManager.default.createDirectory(atPath: regtest, withIntermediateDirectories: true)
        try stockFluxConf(zelnode: zelnode).write(toFile: dir + "/flux.conf", atomically: true, encoding: .utf8)
        let plugins = "[plugins.fluxnodes]\npath = \"\(toolURL("libFluxPluginFluxNodes.so").path)\"\n"
            + (config.isEmpty ? "" : "[plugins.fluxnodes.config]\n" + config)
        try plugins.write(toFile: regtest + "/plugins.toml", atomically: true, encoding: .utf8)
        return dir
    }

    static func client(_ node: Node, _ dir: String) throws -> FluxOSClient {
        try FluxOSClient(fluxConf: dir + "/flux.conf", port: node.rpcPorts[0])
    }

    /// Checks FluxOS's own calls that every node answers the same, FluxNode or not (§2 of the sheet).
    static func checkChainCalls(_ os: FluxOSClient, spentTxid: String, payee: String) async throws {
        // The start-up gate: getblockcount until it answers.
        let count = try #require(try await os.result("getBlockCount").intValue)
        let info = try await os.result("getBlockchainInfo")
        #expect(info["blocks"]?.intValue == count)
        #expect(info["headers"]?.intValue == count)
        let best = try #require(info["bestblockhash"]?.stringValue)
        let version = try #require(try await os.result("getInfo")["version"]?.intValue)
        #expect(version > 7_020_050)

        // explorerService.processBlock: getblock ["<height>", 2].
        for height in [1, Int(count) - 1, Int(count)] {
            let block = try await os.result("getBlock", [.string(String(height)), 2])
            #expect(block["height"]?.intValue == Int64(height))
            #expect((block["confirmations"]?.intValue ?? 0) == count - Int64(height) + 1)
            for tx in try #require(block["tx"]?.arrayValue) {
                #expect(tx["txid"]?.stringValue?.count == 64)
                #expect((1...6).contains(tx["version"]?.intValue ?? 0))
                for input in tx["vin"]?.arrayValue ?? [] {
                    #expect(input["coinbase"] != nil || (input["txid"] != nil && input["vout"]?.intValue != nil))
                }
                for output in tx["vout"]?.arrayValue ?? [] {
                    guard case .number? = output["valueSat"] else { Issue.record("valueSat is not a number"); continue }
                    let script = output["scriptPubKey"]
                    #expect(script?["hex"]?.stringValue != nil && script?["asm"]?.stringValue != nil)
                }
            }
        }
        // fluxService.streamChainPreparation: getblock [bestblockhash, 1] → time.
        #expect(try await os.result("getBlock", [.string(best), 1])["time"]?.intValue != nil)

        // A spent transaction (only txindex finds it): vout[n].value and the sender address.
        let spent = try await os.result("getRawTransaction", [.string(spentTxid), 1])
        let outputs = try #require(spent["vout"]?.arrayValue)
        #expect(outputs.contains { $0["scriptPubKey"]?["addresses"]?.arrayValue?.first == .string(payee) })
        #expect(outputs.allSatisfy { $0["value"]?.doubleValue != nil })

        // Reorg detection: getchaintips [minheight] (the version is above 7020050).
        let tips = try #require(try await os.result("getChainTips", [.int(max(count - 100, 0))]).arrayValue)
        #expect(tips.contains { $0["status"] == "active" && $0["height"]?.intValue == count && $0["branchlen"] == .int(0) })

        // Insight mode: the address calls with fluxd's object parameter.
        let addresses = JSONValue.object([("addresses", .array([.string(payee)]))])
        let ranged = JSONValue.object([("addresses", .array([.string(payee)])), ("start", 1), ("end", .int(count))])
        let txids = try #require(try await os.result("getAddressTxids", [ranged]).arrayValue)
        #expect(txids.contains(.string(spentTxid)))
        let deltas = try #require(try await os.result("getAddressDeltas", [ranged]).arrayValue)
        #expect(deltas.contains { $0["txid"] == .string(spentTxid) && ($0["satoshis"]?.intValue ?? 0) > 0 })
        #expect(deltas.contains { ($0["satoshis"]?.intValue ?? 0) < 0 })
        let balance = try await os.result("getAddressBalance", [addresses])
        #expect(balance["balance"]?.intValue != nil)
        let utxos = try #require(try await os.result("getAddressUtxos", [addresses]).arrayValue)
        for u in utxos {
            #expect(u["address"] == .string(payee))
            for key in ["txid", "outputIndex", "height", "satoshis", "script"] { #expect(u[key] != nil, "\(key)") }
        }

        // The explorer bootstrap's batch of getrawtransaction [txid, 1]: ids 0…n-1, in order.
        let batchTxids = Array(txids.compactMap(\.stringValue).prefix(20))
        let replies = try await os.batch(batchTxids.map { ("getRawTransaction", [.string($0), 1]) })
        #expect(replies.count == batchTxids.count)
        for (i, r) in replies.enumerated() {
            #expect(r.id?.intValue == Int64(i))
            #expect(r.error == nil)
            #expect(r.result["txid"] == .string(batchTxids[i]))
            #expect(r.result["height"]?.intValue != nil && r.result["version"]?.intValue != nil)
            for input in r.result["vin"]?.arrayValue ?? [] where input["coinbase"] == nil {
                #expect(input["address"]?.stringValue != nil, "vin[].address")
            }
            for output in r.result["vout"]?.arrayValue ?? [] {
                #expect(output["valueSat"]?.intValue != nil)
                #expect(output["scriptPubKey"]?["asm"] != nil)
            }
        }
    }

    /// The `/daemon/*` proxy routes (§3): every call answers in the envelope (a result or an error FluxOS can
    /// read), and never "Method not found".
    static func checkProxyRoutes(_ os: FluxOSClient, txid: String, address: String, blockHash: String, dir: String) async throws {
        let tx = JSONValue.string(txid), addr = JSONValue.string(address), hash = JSONValue.string(blockHash)
        let addresses = JSONValue.object([("addresses", .array([addr]))])
        let routes: [(String, [JSONValue])] = [
            ("getbestblockhash", []), ("getblockhash", [1]), ("getblockheader", [hash, true]), ("getblockdeltas", [hash]),
            ("getblockhashes", [2_000_000_000, 0, .object([("noOrphans", true), ("logicalTimes", false)])]),
            ("getdifficulty", []), ("getmempoolinfo", []), ("getrawmempool", [false]), ("gettxout", [tx, 0, true]),
            ("gettxoutsetinfo", []), ("verifychain", [3, 288]),
            ("getspentinfo", [.object([("txid", tx), ("index", 0)])]), ("getaddressmempool", [addresses]),
            ("help", [""]), ("getinfo", []),
            ("listfluxnodes", []), ("listzelnodeconf", []), ("createzelnodekey", []), ("getzelnodecount", []),
            ("getdoslist", []), ("getstartlist", []), ("getzelnodeoutputs", []), ("viewdeterministiczelnodelist", []),
            ("zelnodecurrentwinner", []), ("startdeterministiczelnode", ["alias", false]),
            ("getbenchmarks", []), ("getbenchstatus", []), ("startzelbenchd", []), ("stopzelbenchd", []),
            ("getblocksubsidy", [1]), ("getblocktemplate", []), ("getlocalsolps", []), ("getmininginfo", []),
            ("getnetworkhashps", [120, -1]), ("getnetworksolps", [120, -1]), ("prioritisetransaction", [tx, 0, 0]),
            ("addnode", ["127.0.0.1:2", "onetry"]), ("clearbanned", []), ("getaddednodeinfo", [true]),
            ("getconnectioncount", []), ("getdeprecationinfo", []), ("getnettotals", []), ("getnetworkinfo", []),
            ("getpeerinfo", []), ("listbanned", []), ("ping", []), ("setban", ["10.9.8.7", "add", 60]),
            ("disconnectnode", ["127.0.0.1:3"]),
            ("createrawtransaction", [.array([]), .object([])]), ("decoderawtransaction", ["00"]), ("decodescript", ["51"]),
            ("getrawtransaction", [tx, 0]), ("sendrawtransaction", ["00", false]), ("signrawtransaction", ["00"]),
            ("createmultisig", [1, .array([addr])]), ("estimatefee", [6]), ("estimatepriority", [6]),
            ("validateaddress", [addr]), ("verifymessage", [addr, "AAAA", "m"]), ("z_validateaddress", ["zx"]),
            ("addmultisigaddress", [1, .array([addr])]), ("backupwallet", [.string(dir + "/backup.dat")]),
            ("dumpprivkey", [addr]), ("getbalance", ["", 1, false]), ("getnewaddress", []), ("getrawchangeaddress", []),
            ("getreceivedbyaddress", [addr, 1]), ("gettransaction", [tx, false]), ("getunconfirmedbalance", []),
            ("getwalletinfo", []), ("importaddress", [addr, "", false]), ("keypoolrefill", [100]),
            ("listaddressgroupings", []), ("listlockunspent", []), ("lockunspent", [true, .array([])]),
            ("rescanblockchain", [0]), ("listreceivedbyaddress", [1, false, false]), ("listsinceblock", ["", 1, false]),
            ("listtransactions", ["*", 10, 0, false]), ("listunspent", [1, 9_999_999]),
            ("settxfee", [.number("0.0001")]), ("signmessage", [addr, "m"]),
            ("z_getbalance", [addr, 1]), ("z_gettotalbalance", [1, false]), ("z_listaddresses", [false]),
            ("z_getnewaddress", ["sapling"]), ("zcbenchmark", ["sleep", 1]),
        ]
        for (method, params) in routes {
            let reply = try await os.call(method, params)
            #expect(reply.error?.code != RPCError.Code.methodNotFound, "\(method): \(reply.error?.message ?? "")")
        }
    }

    /// Spends `outpoint` (worth `value`, paying a wallet key) whole to `address`, less 10,000 units of fee; mined.
    static func spendWhole(_ rpc: RPCClient, _ outpoint: OutPoint, value: Amount, to address: String) async throws -> String {
        let script = try #require(Address(address, prefixes: ChainParameters.regtest.base58Prefixes)).script
        let unsigned = Transaction(version: 1, inputs: [TxIn(prevout: outpoint, scriptSig: [])],
                                   outputs: [TxOut(value: value - Amount(units: 10_000), scriptPubKey: script)])
        let signed = try await rpc.call("signrawtransaction", params: [.string(Hex.encode(unsigned.serialized))])
        #expect(signed["complete"] == .bool(true))
        let hex = try #require(signed["hex"])
        let txid = try #require(try await rpc.call("sendrawtransaction", params: [hex]).stringValue)
        _ = try await rpc.call("generate", params: [1])
        return txid
    }

    /// A chain where `payee` received a coin in a transaction that was later spent whole: (spent txid, payee).
    static func chainWithASpentPayment(_ rpc: RPCClient) async throws -> (String, String) {
        _ = try await rpc.call("generate", params: [103])
        // Any mature coin but a FluxNode collateral.
        let coin = try #require(try await rpc.call("listunspent").arrayValue?.first { $0["amount"]?.doubleValue != 1000 })
        let txidText = try #require(coin["txid"]?.stringValue)
        let amount = try #require(coin["amount"]?.doubleValue)
        let vout = UInt32(try #require(coin["vout"]?.intValue))
        let value = Amount(units: Int64((amount * 1e8).rounded()))
        let payee = try #require(try await rpc.call("getnewaddress").stringValue)
        let coinTxid = try #require(Hash256(displayHex: txidText))
        let first = try await spendWhole(rpc, OutPoint(hash: coinTxid, index: vout), value: value, to: payee)
        let elsewhere = try #require(try await rpc.call("getnewaddress").stringValue)
        let firstTxid = try #require(Hash256(displayHex: first))
        _ = try await spendWhole(rpc, OutPoint(hash: firstTxid, index: 0),
                                 value: value - Amount(units: 10_000), to: elsewhere)
        return (first, payee)
    }

    @Test func aNodeThatIsNotAFluxNodeAnswersFluxOSAsFluxdDoes() async throws {
        try await withTestNodes { nodes in
            let dir = try Self.dataFolder(zelnode: ["zelnode=0"])
            let node = try await nodes.start(directory: dir)
            let os = try Self.client(node, dir)
            // FluxOS's very first call has id 0.
            #expect(try await os.call("getBlockCount").id == .int(0))
            let (spent, payee) = try await Self.chainWithASpentPayment(rpcClient(node))
            try await Self.checkChainCalls(os, spentTxid: spent, payee: payee)

            // fluxd's answers on a daemon that is not a FluxNode.
            let status = try await os.call("getZelNodeStatus")
            #expect(status.error == RPCError(code: -1, message: "This is not a Flux Node"))
            #expect(status.status != 200)
            let confirmation = try await os.call("createConfirmationTransaction")
            #expect(confirmation.error == RPCError(code: -32600, message: "This is not a Flux Node"))
            let benchmarks = try await os.call("getBenchmarks")
            #expect(benchmarks.error == RPCError(code: -1, message: "This is not a Flux Node"))
            for name in ["viewDeterministicZelNodeList", "viewdeterministicfluxnodelist"] {
                #expect(try await os.result(name).arrayValue == [])
                #expect(try await os.result(name, ["filter"]).arrayValue == [])
            }

            let best = try #require(try await os.result("getBestBlockHash").stringValue)
            try await Self.checkProxyRoutes(os, txid: spent, address: payee, blockHash: best, dir: dir)
        }
    }

    @Test func aConfirmedFluxNodeAnswersFluxOSAsFluxdDoes() async throws {
        try await withTestNodes { nodes in
            let bench = PrivateKey.generate(), op = PrivateKey.generate()
            let wif = { (k: PrivateKey) in WIF(secret: k.bytes, compressed: true).encoded(prefixes: FluxNodesPluginTests.regtestWIF) }
            let config = "benchmark_public_key = \"\(Hex.encode(bench.publicKey().bytes))\"\n"
                + "benchmark_key = \"\(wif(bench))\"\nauto_confirm = false\n"
            let node = ["zelnode=1", "zelnodeprivkey=\(wif(op))"]
            let dir = try Self.dataFolder(zelnode: node, config: config)
            let first = try await nodes.start(FluxNodesPluginTests.upgrades, directory: dir)
            let (collateral, collateralAddress, miner) = try await FluxNodesPluginTests.fundCollateral(rpcClient(first))
            // The chain FluxOS's explorer will read, built before the node starts (a FluxNode confirms every few
            // blocks; one call mining a hundred would let it expire).
            let (spent, payee) = try await Self.chainWithASpentPayment(rpcClient(first))
            await first.stop()

            // The operator's finished flux.conf names the collateral too, as the installer writes it.
            let full = node + ["zelnodeoutpoint=\(collateral.hash)", "zelnodeindex=\(collateral.index)"]
            try Self.stockFluxConf(zelnode: full).write(toFile: dir + "/flux.conf", atomically: true, encoding: .utf8)
            let a = try await nodes.start(FluxNodesPluginTests.upgrades, directory: dir)
            let os = try Self.client(a, dir)
            let rpc = rpcClient(a)
            #expect(try await os.call("getBlockCount").id == .int(0))

            // FluxOS's admin proxy: startdeterministiczelnode [alias, lockwallet]; then the confirmation.
            let start = try await os.result("startDeterministicZelNode", ["fluxnode", false])
            #expect(start["overall"] == "Successfully started 1 fluxnodes, failed to start 0, total 1")
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])
            #expect(try await os.result("getZelNodeStatus")["status"] == "STARTED")
            let confirmation = try await os.result("createConfirmationTransaction")
            #expect(confirmation["txid"]?.stringValue?.count == 64)
            _ = try await rpc.call("generatetoaddress", params: [1, .string(miner)])

            // generalService / fluxNetworkHelper: status, collateral parsed as FluxOS parses it, and the rest.
            let status = try await os.result("getZelNodeStatus")
            #expect(status["status"] == "CONFIRMED")
            let text = try #require(status["collateral"]?.stringValue)
            let txhash = String(text.dropFirst(10).prefix { $0 != "," })
            let index = text.split(separator: " ").last.map { String($0.dropLast()) }
            #expect(txhash == collateral.hash.description && index == String(collateral.index))
            #expect(status["txhash"] == .string(txhash))
            #expect(status["outidx"] == .string(String(collateral.index)))
            #expect(status["ip"]?.stringValue?.hasPrefix("127.0.0.1") == true)
            #expect(status["payment_address"] == .string(collateralAddress))
            #expect(status["last_confirmed_height"]?.intValue == Int64(a.chain.height))
            // The collateral is locked in the wallet (fluxd locks zelnodeoutpoint at start).
            let locked = try #require(try await os.result("listLockUnspent").arrayValue)
            #expect(locked.contains { $0["txid"] == .string(txhash) && $0["vout"]?.intValue == Int64(collateral.index) })

            // networkStateService: the deterministic list, every field FluxOS indexes and sorts by.
            let list = try #require(try await os.result("viewDeterministicZelNodeList").arrayValue)
            #expect(list.count == 1)
            let entry = try #require(list.first)
            #expect(entry["collateral"] == status["collateral"])
            for key in ["txhash", "outidx", "ip", "tier", "pubkey", "payment_address", "activesince"] {
                #expect(entry[key]?.stringValue != nil, "\(key)")
            }
            for key in ["added_height", "confirmed_height", "rank"] { #expect(entry[key]?.intValue != nil, "\(key)") }
            #expect(try await os.result("viewDeterministicZelNodeList", [.string(txhash)]).arrayValue?.count == 1)
            // getbenchmarks: no fluxbenchd here, fluxd's answer for that.
            #expect(try await os.call("getBenchmarks").result == "Benchmark not running")

            try await Self.checkChainCalls(os, spentTxid: spent, payee: payee)
            #expect(try await os.result("getZelNodeStatus")["status"] == "CONFIRMED")
            let best = try #require(try await os.result("getBestBlockHash").stringValue)
            try await Self.checkProxyRoutes(os, txid: spent, address: payee, blockHash: best, dir: dir)
        }
    }
}
