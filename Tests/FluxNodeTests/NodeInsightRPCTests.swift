import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxJSON
import FluxNode
import FluxOptions
import FluxPrimitives
import FluxRPC
import FluxStorage
import Foundation
import Testing

/// fluxd's `-txindex` and insight-explorer RPCs, field by field against fluxd's `src/rpc/misc.cpp`,
/// `blockchain.cpp` and `rawtransaction.cpp`, and the answers of a node without the indexes.
@Suite(.serialized) struct NodeInsightRPCTests {
    static let indexed = ["-upgradeheight=acadia:5", "-txindex=1", "-insightexplorer=1", "-experimentalfeatures=1"]

    /// The (code, message) `call` fails with.
    static func failure(_ call: () async throws -> JSONValue) async -> (Int, String)? {
        guard case let .rpc(e)? = await rpcFailure(call) else { return nil }
        return (e.code, e.message)
    }

    static func keys(_ value: JSONValue?) -> [String] {
        guard case let .object(pairs)? = value else { return [] }
        return pairs.map(\.0)
    }

    @Test func insightCallsAnswerInFluxdsShapes() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(Self.indexed)
            let rpc = rpcClient(node)
            let prefixes = node.params.base58Prefixes
            let miner = try #require(try await rpc.call("getnewaddress").stringValue)
            _ = try await rpc.call("generatetoaddress", params: [101, .string(miner)])
            let payee = Address.pubKeyHash([UInt8](repeating: 0x42, count: 20)).encoded(prefixes: prefixes)
            let txid = try await rpc.call("sendtoaddress", params: [.string(payee), .double(12.5)])

            // In the mempool: getaddressmempool, and vin address/value from the spent coin.
            let pooled = try #require(try await rpc.call("getaddressmempool", params: [.object([("addresses", .array([.string(payee)]))])]).arrayValue)
            #expect(pooled.count == 1)
            #expect(Self.keys(pooled.first) == ["address", "txid", "index", "satoshis", "timestamp"])
            #expect(pooled.first?["satoshis"] == .int(1_250_000_000))
            #expect(pooled.first?["txid"] == txid)
            let spending = try #require(try await rpc.call("getaddressmempool", params: [.string(miner)]).arrayValue)
            #expect(spending.contains { $0["satoshis"]?.intValue.map { $0 < 0 } == true
                && Self.keys($0) == ["address", "txid", "index", "satoshis", "timestamp", "prevtxid", "prevout"] })
            let pooledTx = try await rpc.call("getrawtransaction", params: [txid, 1])
            let vin0 = try #require(pooledTx["vin"]?.arrayValue?.first)
            #expect(Self.keys(vin0) == ["txid", "vout", "scriptSig", "value", "valueSat", "address", "sequence"])
            #expect(vin0["address"] == .string(miner))
            let spentTxid = try #require(vin0["txid"])
            let spentN = try #require(vin0["vout"])
            #expect(try await rpc.call("getspentinfo", params: [.object([("txid", spentTxid), ("index", spentN)])])
                    == .object([("txid", txid), ("index", .int(0)), ("height", .int(-1))]))

            _ = try await rpc.call("generate", params: [1])
            let tipHash = try await rpc.call("getbestblockhash")

            // getaddresstxids: object or plain string, start/end.
            let byObject = try await rpc.call("getaddresstxids", params: [.object([("addresses", .array([.string(payee)]))])])
            #expect(byObject == .array([txid]))
            #expect(try await rpc.call("getaddresstxids", params: [.string(payee)]) == byObject)
            #expect(try await rpc.call("getaddresstxids", params: [.object([("addresses", .array([.string(payee)])),
                                                                          ("start", 1), ("end", 101)])]) == .array([]))
            #expect(try await rpc.call("getaddresstxids", params: [.object([("addresses", .array([.string(payee)])),
                                                                          ("start", 102), ("end", 102)])]) == byObject)
            let minerTxids = try #require(try await rpc.call("getaddresstxids", params: [.string(miner)]).arrayValue)
            #expect(minerTxids.count == 102 && minerTxids.last == txid, "101 coinbases and the spend, by height")

            // getaddressdeltas.
            let deltas = try #require(try await rpc.call("getaddressdeltas", params: [.object([("addresses", .array([.string(payee)]))])]).arrayValue)
            #expect(deltas.count == 1)
            #expect(Self.keys(deltas.first) == ["address", "blockindex", "height", "index", "satoshis", "txid"])
            #expect(deltas.first?["height"] == .int(102) && deltas.first?["blockindex"] == .int(1))
            #expect(deltas.first?["satoshis"] == .int(1_250_000_000) && deltas.first?["txid"] == txid)
            let withInfo = try await rpc.call("getaddressdeltas", params: [.object([
                ("addresses", .array([.string(payee)])), ("start", 100), ("end", 102), ("chainInfo", true)])])
            #expect(Self.keys(withInfo) == ["deltas", "start", "end"])
            #expect(withInfo["end"] == .object([("hash", tipHash), ("height", .int(102))]))
            #expect(withInfo["deltas"]?.arrayValue == deltas)

            // getaddressbalance.
            #expect(try await rpc.call("getaddressbalance", params: [.object([("addresses", .array([.string(payee)]))])])
                    == .object([("balance", .int(1_250_000_000)), ("received", .int(1_250_000_000))]))
            let minerBalance = try await rpc.call("getaddressbalance", params: [.string(miner)])
            let received = try #require(minerBalance["received"]?.intValue)
            let balance = try #require(minerBalance["balance"]?.intValue)
            #expect(received > balance)

            // getaddressutxos.
            let utxos = try #require(try await rpc.call("getaddressutxos", params: [.object([("addresses", .array([.string(payee)]))])]).arrayValue)
            #expect(utxos.count == 1)
            #expect(Self.keys(utxos.first) == ["address", "txid", "outputIndex", "script", "satoshis", "height"])
            #expect(utxos.first?["script"] == .string(Hex.encode(Address(payee, prefixes: prefixes)!.script.bytes)))
            let chainInfo = try await rpc.call("getaddressutxos", params: [.object([("addresses", .array([.string(payee)])), ("chainInfo", true)])])
            #expect(Self.keys(chainInfo) == ["utxos", "hash", "height"])
            #expect(chainInfo["hash"] == tipHash && chainInfo["height"] == .int(102))
            #expect(try await rpc.call("getaddressmempool", params: [.string(payee)]) == .array([]))

            // getspentinfo, now confirmed at 102; txindex finds the fully spent coinbase; its vout shows the spender.
            #expect(try await rpc.call("getspentinfo", params: [.object([("txid", spentTxid), ("index", spentN)])])
                    == .object([("txid", txid), ("index", .int(0)), ("height", .int(102))]))
            let spentSource = try await rpc.call("getrawtransaction", params: [spentTxid, 1])
            let spentIndex = Int(try #require(spentN.intValue))
            let spentOut = try #require(spentSource["vout"]?.arrayValue?[spentIndex])
            #expect(spentOut["spentTxId"] == txid && spentOut["spentIndex"] == .int(0) && spentOut["spentHeight"] == .int(102))
            #expect(spentOut["scriptPubKey"]?["addresses"] == .array([.string(miner)]))
            let confirmed = try await rpc.call("getrawtransaction", params: [txid, 1])
            #expect(confirmed["height"] == .int(102))
            #expect(confirmed["vin"]?.arrayValue?.first?["address"] == .string(miner))
            #expect(confirmed["vin"]?.arrayValue?.first?["valueSat"] != nil)

            // getblockdeltas.
            let blockDeltas = try await rpc.call("getblockdeltas", params: [tipHash])
            #expect(Self.keys(blockDeltas) == ["hash", "confirmations", "size", "height", "version", "merkleroot", "deltas",
                                                "time", "mediantime", "nonce", "bits", "difficulty", "chainwork",
                                                "previousblockhash"])
            let txDeltas = try #require(blockDeltas["deltas"]?.arrayValue)
            #expect(txDeltas.count == 2)
            #expect(Self.keys(txDeltas[1]) == ["txid", "index", "inputs", "outputs"])
            #expect(txDeltas[0]["inputs"] == .array([]))
            let input = try #require(txDeltas[1]["inputs"]?.arrayValue?.first)
            #expect(Self.keys(input) == ["address", "satoshis", "index", "prevtxid", "prevout"])
            #expect(input["address"] == .string(miner) && input["prevtxid"] == spentTxid)
            #expect(input["satoshis"]?.intValue.map { $0 < 0 } == true)
            #expect(Self.keys(txDeltas[1]["outputs"]?.arrayValue?.first) == ["address", "satoshis", "index"])

            // getblockhashes: [low, high) by logical time; logicalTimes objects; noOrphans.
            let header = try await rpc.call("getblockheader", params: [tipHash])
            let time = try #require(header["time"]?.intValue)
            #expect(try await rpc.call("getblockhashes", params: [.int(time + 1), .int(time)]) == .array([tipHash]))
            #expect(try await rpc.call("getblockhashes", params: [.int(time + 1), .int(time),
                                                                  .object([("noOrphans", true), ("logicalTimes", true)])])
                    == .array([.object([("blockhash", tipHash), ("logicalts", .int(time))])]))
            #expect(try await rpc.call("getblockhashes", params: [.int(time), .int(time)]) == .array([]))

            // fluxd's errors.
            #expect(await Self.failure { try await rpc.call("getaddresstxids", params: [.object([("addresses", .array([.string(payee)])), ("start", 0), ("end", 5)])]) }
                    ?? (0, "") == (-5, "Start and end are expected to be greater than zero"))
            #expect(await Self.failure { try await rpc.call("getaddresstxids", params: [.object([("addresses", .array([.string(payee)])), ("start", 5), ("end", 4)])]) }
                    ?? (0, "") == (-5, "End value is expected to be greater than start"))
            #expect(await Self.failure { try await rpc.call("getaddressdeltas", params: [.object([("addresses", .array([.string(payee)])), ("start", 5), ("end", 500)])]) }
                    ?? (0, "") == (-5, "Start or end is outside chain range"))
            #expect(await Self.failure { try await rpc.call("getaddressbalance", params: [.string("t1notanaddress")]) }
                    ?? (0, "") == (-5, "Invalid address"))
            #expect(await Self.failure { try await rpc.call("getaddressbalance", params: [.object([("addresses", .string(payee))])]) }
                    ?? (0, "") == (-5, "Addresses is expected to be an array"))
            #expect(await Self.failure { try await rpc.call("getaddressutxos", params: [.int(5)]) } ?? (0, "") == (-5, "Invalid address"))
            #expect(await Self.failure { try await rpc.call("getspentinfo", params: [.object([("txid", txid), ("index", 7)])]) }
                    ?? (0, "") == (-5, "Unable to get spent info"))
            #expect(await Self.failure { try await rpc.call("getspentinfo", params: [.object([("txid", 5), ("index", 0)])]) }
                    ?? (0, "") == (-5, "Invalid txid, must be a string"))
            #expect(await Self.failure { try await rpc.call("getspentinfo", params: [.object([("txid", txid), ("index", "0")])]) }
                    ?? (0, "") == (-5, "Invalid index, must be an integer"))
            #expect(await Self.failure { try await rpc.call("getspentinfo", params: [.object([("txid", txid), ("index", .double(1.5))])]) }
                    ?? (0, "") == (-1, "JSON integer out of range"))
            #expect(await Self.failure { try await rpc.call("getspentinfo", params: [.object([("txid", txid), ("index", -1)])]) }
                    ?? (0, "") == (-5, "Unable to get spent info"))
            #expect(await Self.failure { try await rpc.call("getblockdeltas", params: [.string(String(repeating: "ab", count: 32))]) }
                    ?? (0, "") == (-5, "Block not found"))
        }
    }

    @Test func withoutTheIndexesTheCallsAnswerAsFluxdDoes() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-upgradeheight=acadia:5"])
            let rpc = rpcClient(node)
            let miner = try #require(try await rpc.call("getnewaddress").stringValue)
            _ = try await rpc.call("generatetoaddress", params: [101, .string(miner)])
            let payee = Address.pubKeyHash([UInt8](repeating: 0x42, count: 20)).encoded(prefixes: node.params.base58Prefixes)
            let txid = try await rpc.call("sendtoaddress", params: [.string(payee), .double(12.5)])
            _ = try await rpc.call("generate", params: [1])
            for name in ["getaddresstxids", "getaddressdeltas", "getaddressbalance", "getaddressutxos", "getaddressmempool"] {
                #expect(await Self.failure { try await rpc.call(name, params: [.string(payee)]) } ?? (0, "")
                        == (-1, "Error: \(name) is disabled. Run './flux-cli help \(name)' for instructions on how to enable this feature."))
            }
            #expect(await Self.failure { try await rpc.call("getspentinfo", params: [.object([("txid", txid), ("index", 0)])]) }?.1
                    == "Error: getspentinfo is disabled. Run './flux-cli help getspentinfo' for instructions on how to enable this feature.")
            #expect(await Self.failure { try await rpc.call("getblockhashes", params: [10, 0]) }?.0 == -1)
            #expect(await Self.failure { try await rpc.call("getblockdeltas", params: [try await rpc.call("getbestblockhash")]) }?.0 == -1)

            // Verbose transactions carry no spent-index fields.
            let confirmed = try await rpc.call("getrawtransaction", params: [txid, 1])
            let vin0 = try #require(confirmed["vin"]?.arrayValue?.first)
            #expect(Self.keys(vin0) == ["txid", "vout", "scriptSig", "sequence"])
            // A fully spent transaction is not found without -txindex: fluxd's -5.
            let spent = try #require(vin0["txid"])
            let coinbases = try (1...101).map { height in
                try #require(try node.chain.block(node.chain.entry(at: height)!.hash)).transactions[0]
            }
            let source = try #require(coinbases.first { $0.txid.description == spent.stringValue })
            #expect(try source.outputs.indices.allSatisfy { n in
                try node.chain.coin(OutPoint(hash: source.txid, index: UInt32(n))) == nil
            }, "the wallet spent a coinbase with outputs left unspent")
            #expect(await Self.failure { try await rpc.call("getrawtransaction", params: [spent, 1]) } ?? (0, "")
                    == (-5, "No information available about transaction"))
        }
    }

    @Test func theIndexOptionsFollowFluxdsRulesAndChangingThemNeedsReindex() async throws {
        func configuration(_ args: [String]) throws -> NodeConfiguration {
            try NodeConfiguration(options: try NodeOptions(arguments: ["-regtest", "-datadir=\(ChainBuilder.temporaryDirectory())"] + args))
        }
        #expect(throws: OptionError.self) { _ = try configuration(["-insightexplorer=1", "-txindex=1"]) }
        do { _ = try configuration(["-insightexplorer=0"]) } catch {
            #expect("\(error)".contains("Insight explorer requires -experimentalfeatures."))
        }
        do { _ = try configuration(["-insightexplorer=1", "-experimentalfeatures=1"]); Issue.record("accepted without -txindex") } catch {
            #expect("\(error)".contains("-insightexplorer requires -txindex."))
        }
        #expect(try configuration(Self.indexed).indexes == [.transactions, .addresses, .spent, .timestamps])
        #expect(try configuration(["-spentindex=1"]).indexes == [.spent])
        #expect(try configuration([]).indexes == [])

        let dir = ChainBuilder.temporaryDirectory()
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-txindex=1"], directory: dir)
            _ = try await rpcClient(node).call("generate", params: [3])
            await node.stop()
        }
        do {
            _ = try await startNode([], directory: dir)
            Issue.record("a node built with -txindex started without it and without -reindex")
        } catch {
            #expect("\(error)".contains("You need to rebuild the database using -reindex to change -txindex"), "\(error)")
        }
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-reindex=1"], directory: dir)
            #expect(node.chain.height == 3)
            #expect(try node.chain.store.indexSet() == [])
            #expect(try node.chain.store.indexRecords().isEmpty)
        }
    }
}
