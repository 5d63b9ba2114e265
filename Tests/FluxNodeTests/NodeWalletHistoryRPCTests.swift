import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxScript
import Foundation
import Testing

/// fluxd's wallet history and spending-control calls over RPC (issue 13): gettransaction, listtransactions,
/// listsinceblock, listreceivedbyaddress, getreceivedbyaddress, getwalletinfo, lockunspent/listlockunspent,
/// settxfee, sendmany, sendfrom, getrawchangeaddress, fundrawtransaction.
@Suite struct NodeWalletHistoryRPCTests {
    static func rpcError(_ call: () async throws -> JSONValue) async -> RPCError? {
        await NodeUtilityRPCTests.rpcError(call)
    }

    /// A node with 101 blocks paid to one wallet address (one mature coinbase); returns the node, its client
    /// and the address.
    static func fundedNode(_ nodes: TestNodes, _ extra: [String] = [],
                           directory: String? = nil) async throws -> (Node, RPCClient, String) {
        let node = try await nodes.start(["-upgradeheight=acadia:5"] + extra, directory: directory)
        let rpc = rpcClient(node)
        let address = try #require(try await rpc.call("getnewaddress").stringValue)
        _ = try await rpc.call("generatetoaddress", params: [101, .string(address)])
        return (node, rpc, address)
    }

    /// An address of a key outside the wallet.
    static func foreignAddress(_ seed: UInt8 = 9) -> String {
        Base58.encodeCheck(NodeUtilityRPCTests.pubKeyHashPrefix + Hashing.hash160(NodeUtilityRPCTests.publicKey(seed)))
    }

    @Test func historyListsSendsAndReceivesAndFollowsReorgsAndRestarts() async throws {
        let dir = ChainBuilderDirectory.make()
        try await withTestNodes { nodes in
            let (node, rpc, address) = try await Self.fundedNode(nodes, directory: dir)
            let info = try await rpc.call("getwalletinfo")
            #expect(info["txcount"] == .int(101))
            #expect(info["walletversion"] == .int(60000))
            #expect(info["immature_balance"]?.doubleValue ?? 0 > 0)
            #expect(info["keypoolsize"] == .int(0))

            let foreign = Self.foreignAddress()
            let balanceBefore = try #require(try await rpc.call("getbalance").doubleValue)
            let txid = try await rpc.call("sendtoaddress", params: [.string(foreign), .double(1.5)])
            let pooled = try await rpc.call("gettransaction", params: [txid])
            #expect(pooled["confirmations"] == .int(0))
            #expect(pooled["amount"]?.doubleValue == -1.5)
            let fee = try #require(pooled["fee"]?.doubleValue)
            #expect(fee < 0)
            #expect(pooled["blockhash"] == nil)
            let details = try #require(pooled["details"]?.arrayValue)
            // Change goes to a change key: only the payment is listed.
            #expect(details.count == 1)
            #expect(details[0]["category"] == .string("send"))
            #expect(details[0]["address"] == .string(foreign))
            #expect(details[0]["amount"]?.doubleValue == -1.5)
            #expect(details[0]["fee"]?.doubleValue == fee)
            // As fluxd, the unconfirmed change of the wallet's own payment counts in getbalance (trusted), not in
            // getunconfirmedbalance.
            let balanceAfter = try #require(try await rpc.call("getbalance").doubleValue)
            #expect(abs(balanceAfter - (balanceBefore - 1.5 + fee)) < 1e-9)
            #expect(try await rpc.call("getbalance", params: ["", 1, false]).doubleValue == balanceAfter)
            #expect(try await rpc.call("getwalletinfo")["balance"]?.doubleValue == balanceAfter)
            #expect(try await rpc.call("getunconfirmedbalance").doubleValue == 0)
            #expect(await Self.rpcError { try await rpc.call("getunconfirmedbalance", params: [1]) }?.code == -1)
            #expect(await Self.rpcError { try await rpc.call("getbalance", params: ["savings"]) }
                    == RPCError(code: -11, message: "Accounts are unsupported"))

            let tipBefore = try await rpc.call("getbestblockhash")
            let mined = try #require(try await rpc.call("generate", params: [1]).arrayValue?.first)
            let confirmed = try await rpc.call("gettransaction", params: [txid])
            #expect(confirmed["confirmations"] == .int(1))
            #expect(confirmed["blockhash"] == mined)
            #expect(confirmed["blockindex"] == .int(1))
            #expect(confirmed["hex"]?.stringValue?.isEmpty == false)

            let recent = try #require(try await rpc.call("listtransactions", params: ["*", 3, 0, false]).arrayValue)
            #expect(recent.count == 3)
            // Oldest first: the send is followed by the coinbase of the block that mined it.
            #expect(recent[1]["txid"] == txid && recent[1]["category"] == .string("send"))
            #expect(recent[2]["category"] == .string("immature"))
            #expect(try await rpc.call("listtransactions", params: ["*", 1, 1, false]).arrayValue?.first?["txid"] == txid)
            #expect(await Self.rpcError { try await rpc.call("listtransactions", params: ["*", -1]) }?.code == -8)

            let since = try await rpc.call("listsinceblock", params: [tipBefore])
            let sinceTxids = Set(since["transactions"]?.arrayValue?.compactMap { $0["txid"] } ?? [])
            #expect(sinceTxids.contains(txid))
            #expect(sinceTxids.count == 2)
            #expect(since["lastblock"] == mined)
            #expect(await Self.rpcError { try await rpc.call("listsinceblock", params: [tipBefore, 0]) }?.code == -8)

            // The block leaves the chain: the transaction is unconfirmed again (mempool) or dropped (-1).
            _ = try await rpc.call("invalidateblock", params: [mined])
            let disconnected = try await rpc.call("gettransaction", params: [txid])
            let depth = try #require(disconnected["confirmations"]?.intValue)
            #expect(depth <= 0)
            #expect(disconnected["blockhash"] == nil)
            _ = try await rpc.call("reconsiderblock", params: [mined])
            #expect(try await rpc.call("gettransaction", params: [txid])["confirmations"] == .int(1))

            // Received: the coinbases are not counted (fluxd), a payment from the wallet to itself is.
            let own = try #require(try await rpc.call("getnewaddress").stringValue)
            _ = try await rpc.call("sendtoaddress", params: [.string(own), .double(2)])
            #expect(try await rpc.call("getreceivedbyaddress", params: [.string(own)]).doubleValue == 0)
            #expect(try await rpc.call("getreceivedbyaddress", params: [.string(own), 0]).doubleValue == 2)
            _ = try await rpc.call("generate", params: [1])
            #expect(try await rpc.call("getreceivedbyaddress", params: [.string(own)]).doubleValue == 2)
            // fluxd's order: newest transaction first with its entries as listed (send, then receive), the page
            // reversed as a whole: the self-payment's receive comes before its send, then the newest coinbase.
            let page = try #require(try await rpc.call("listtransactions", params: ["*", 3]).arrayValue)
            #expect(page.map { $0["category"]?.stringValue ?? "" } == ["receive", "send", "immature"])
            #expect(page[0]["address"] == .string(own) && page[1]["address"] == .string(own))
            #expect(try await rpc.call("getreceivedbyaddress", params: [.string(foreign)]).doubleValue == 0)
            #expect(await Self.rpcError { try await rpc.call("getreceivedbyaddress", params: ["nope"]) }?.code == -5)
            let received = try #require(try await rpc.call("listreceivedbyaddress", params: [1, false, false]).arrayValue)
            #expect(received.count == 1)
            #expect(received[0]["address"] == .string(own))
            #expect(received[0]["amount"]?.doubleValue == 2)
            #expect(received[0]["txids"]?.arrayValue?.count == 1)
            let withEmpty = try #require(try await rpc.call("listreceivedbyaddress", params: [1, true]).arrayValue)
            #expect(withEmpty.contains { $0["address"] == .string(address) && $0["amount"]?.doubleValue == 0 })
            #expect(try await rpc.call("getwalletinfo")["txcount"] == .int(105))
            await node.stop()
        }
        // The history is stored: a restart lists the same transactions.
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-upgradeheight=acadia:5"], directory: dir)
            let rpc = rpcClient(node)
            #expect(try await rpc.call("getwalletinfo")["txcount"] == .int(105))
            let recent = try #require(try await rpc.call("listtransactions").arrayValue)
            #expect(recent.count == 10)
            #expect(recent.contains { $0["category"] == .string("send") && $0["amount"]?.doubleValue == -1.5 })
        }
    }

    @Test func paymentRelayedFromAPeerIsListedUnconfirmed() async throws {
        try await withTestNodes { nodes in
            let (sender, rpc, _) = try await Self.fundedNode(nodes)
            let receiver = try await nodes.start(["-upgradeheight=acadia:5", "-connect=127.0.0.1:\(sender.p2pPort)"])
            let receiverRPC = rpcClient(receiver)
            #expect(await eventually { receiver.chain.height == sender.chain.height })
            let address = try #require(try await receiverRPC.call("getnewaddress").stringValue)
            let txid = try await rpc.call("sendtoaddress", params: [.string(address), .double(4)])
            #expect(await eventually { receiver.mempool.count == 1 })
            let seen = try await receiverRPC.call("gettransaction", params: [txid])
            #expect(seen["confirmations"] == .int(0))
            #expect(seen["amount"]?.doubleValue == 4)
            #expect(seen["fee"] == nil)
            let details = try #require(seen["details"]?.arrayValue)
            #expect(details.count == 1 && details[0]["category"] == .string("receive") && details[0]["address"] == .string(address))
            // Not spendable until mined (fluxd trusts only its own unconfirmed change).
            #expect(try await receiverRPC.call("getbalance", params: ["*", 0]).doubleValue == 0)
            #expect(try await receiverRPC.call("getunconfirmedbalance").doubleValue == 4)
            #expect(try await receiverRPC.call("getwalletinfo")["unconfirmed_balance"]?.doubleValue == 4)
            _ = try await rpc.call("generate", params: [1])
            #expect(await eventually { receiver.chain.height == sender.chain.height })
            #expect(try await receiverRPC.call("getunconfirmedbalance").doubleValue == 0)
            #expect(try await receiverRPC.call("getbalance").doubleValue == 4)
        }
    }

    @Test func lockedCoinsAreNeverSpentAndLocksAreListed() async throws {
        try await withTestNodes { nodes in
            let (_, rpc, _) = try await Self.fundedNode(nodes)
            let coins = try #require(try await rpc.call("listunspent").arrayValue)
            #expect(coins.count == 1)
            let coin = JSONValue.object([("txid", try #require(coins[0]["txid"])), ("vout", try #require(coins[0]["vout"]))])
            #expect(try await rpc.call("lockunspent", params: [false, .array([coin])]) == .bool(true))
            #expect(try await rpc.call("listlockunspent") == .array([coin]))
            #expect(try await rpc.call("listunspent").arrayValue?.isEmpty == true)
            // fluxd counts locked coins in the balance but never spends them.
            #expect(try await rpc.call("getbalance").doubleValue ?? 0 > 0)
            let foreign = Self.foreignAddress()
            #expect(await Self.rpcError { try await rpc.call("sendtoaddress", params: [.string(foreign), .double(1)]) }?.code == -6)
            #expect(await Self.rpcError { try await rpc.call("sendmany", params: ["", .object([(foreign, .double(1))])]) } != nil)
            let raw = try #require(try await rpc.call("createrawtransaction", params: [.array([]), .object([(foreign, .double(1))])]).stringValue)
            #expect(await Self.rpcError { try await rpc.call("fundrawtransaction", params: [.string(raw)]) }?.code == -32603)

            #expect(try await rpc.call("lockunspent", params: [true, .array([coin])]) == .bool(true))
            #expect(try await rpc.call("listlockunspent") == .array([]))
            #expect(try await rpc.call("sendtoaddress", params: [.string(foreign), .double(1)]).stringValue != nil)
            // lockunspent true without outputs unlocks everything.
            _ = try await rpc.call("lockunspent", params: [false, .array([coin])])
            #expect(try await rpc.call("lockunspent", params: [true]) == .bool(true))
            #expect(try await rpc.call("listlockunspent") == .array([]))

            #expect(await Self.rpcError { try await rpc.call("lockunspent", params: ["x"]) }?.code == -3)
            let badVout = JSONValue.object([("txid", try #require(coins[0]["txid"])), ("vout", -1)])
            #expect(await Self.rpcError { try await rpc.call("lockunspent", params: [false, .array([badVout])]) }
                    == RPCError(code: -8, message: "Invalid parameter, vout must be positive"))
            #expect(await Self.rpcError { try await rpc.call("lockunspent", params: [false, .array([1])]) }
                    == RPCError(code: -8, message: "Invalid parameter, expected object"))
        }
    }

    @Test func sendmanySendfromSettxfeeAndChangeAddresses() async throws {
        try await withTestNodes { nodes in
            let (_, rpc, address) = try await Self.fundedNode(nodes)
            let a = Self.foreignAddress(1), b = Self.foreignAddress(2)
            let txid = try await rpc.call("sendmany", params: ["", .object([(a, .double(1)), (b, .double(2))]), 1, "", .array([.string(b)])])
            let tx = try await rpc.call("gettransaction", params: [txid])
            let sends = try #require(tx["details"]?.arrayValue)
            #expect(sends.count == 2)
            let fee = try #require(tx["fee"]?.doubleValue)
            // b pays the fee: it receives 2 minus the fee, a receives 1.
            #expect(sends.contains { $0["address"] == .string(a) && $0["amount"]?.doubleValue == -1 })
            #expect(sends.contains { $0["address"] == .string(b) && abs(($0["amount"]?.doubleValue ?? 0) - (-2 - fee)) < 1e-9 })
            #expect(await Self.rpcError { try await rpc.call("sendmany", params: ["", .object([(a, .double(1)), (a, .double(2))])]) }
                    == RPCError(code: -8, message: "Invalid parameter, duplicated address: \(a)"))
            #expect(await Self.rpcError { try await rpc.call("sendmany", params: ["", .object([("bad", .double(1))])]) }
                    == RPCError(code: -5, message: "Invalid Flux address: bad"))

            // settxfee: a higher rate makes a higher fee; getwalletinfo reports it.
            #expect(try await rpc.call("settxfee", params: [.double(0.001)]) == .bool(true))
            #expect(try await rpc.call("getwalletinfo")["paytxfee"]?.doubleValue == 0.001)
            let expensive = try await rpc.call("sendtoaddress", params: [.string(a), .double(1)])
            let expensiveFee = try #require(try await rpc.call("gettransaction", params: [expensive])["fee"]?.doubleValue)
            #expect(expensiveFee <= -0.0002)
            _ = try await rpc.call("settxfee", params: [0])
            #expect(try await rpc.call("getwalletinfo")["paytxfee"]?.doubleValue == 0)

            // sendfrom an address: only its coins, and the change returns to it.
            _ = try await rpc.call("generate", params: [1])
            let second = try #require(try await rpc.call("getnewaddress").stringValue)
            _ = try await rpc.call("sendtoaddress", params: [.string(second), .double(5)])
            _ = try await rpc.call("generate", params: [1])
            #expect(await Self.rpcError { try await rpc.call("sendfrom", params: [.string(second), .string(a), .double(6)]) }
                    == RPCError(code: -6, message: "Address has insufficient funds"))
            let fromSecond = try await rpc.call("sendfrom", params: [.string(second), .string(a), .double(1), 1, "", ""])
            let raw = try #require(try await rpc.call("getrawtransaction", params: [fromSecond, 1]).objectValue)
            let outs = try #require(JSONValue.object(raw)["vout"]?.arrayValue)
            #expect(outs.count == 2)
            #expect(outs.contains { $0["scriptPubKey"]?["addresses"]?.arrayValue == [.string(second)] })
            #expect(await Self.rpcError { try await rpc.call("sendfrom", params: ["bad", .string(a), .double(1)]) }
                    == RPCError(code: -5, message: "Invalid fromaccount Flux address"))
            #expect(await Self.rpcError { try await rpc.call("sendfrom", params: ["", "bad", .double(1)]) }
                    == RPCError(code: -5, message: "Invalid destination Flux address"))

            // getrawchangeaddress: the wallet's, not a receiving address.
            let change = try #require(try await rpc.call("getrawchangeaddress").stringValue)
            #expect(try await rpc.call("validateaddress", params: [.string(change)])["ismine"] == .bool(true))
            let listed = try #require(try await rpc.call("listreceivedbyaddress", params: [0, true]).arrayValue)
            #expect(!listed.contains { $0["address"] == .string(change) })
            #expect(listed.contains { $0["address"] == .string(address) })
        }
    }

    @Test func fundrawtransactionAddsInputsAndChange() async throws {
        try await withTestNodes { nodes in
            let (_, rpc, _) = try await Self.fundedNode(nodes)
            let foreign = Self.foreignAddress()
            let raw = try #require(try await rpc.call("createrawtransaction", params: [.array([]), .object([(foreign, .double(3))])]).stringValue)
            let funded = try await rpc.call("fundrawtransaction", params: [.string(raw)])
            let hex = try #require(funded["hex"]?.stringValue)
            let changePos = Int(try #require(funded["changepos"]?.intValue))
            let fee = try #require(funded["fee"]?.doubleValue)
            #expect(fee > 0 && fee < 0.001)
            let decoded = try await rpc.call("decoderawtransaction", params: [.string(hex)])
            #expect(decoded["vin"]?.arrayValue?.count == 1)
            let outs = try #require(decoded["vout"]?.arrayValue)
            #expect(outs.count == 2)
            #expect(changePos == 0 || changePos == 1)
            #expect(outs[1 - changePos]["value"]?.doubleValue == 3)
            let signed = try await rpc.call("signrawtransaction", params: [.string(hex)])
            #expect(signed["complete"] == .bool(true))
            #expect(try await rpc.call("sendrawtransaction", params: [try #require(signed["hex"])]).stringValue != nil)
            #expect(await Self.rpcError { try await rpc.call("fundrawtransaction", params: ["zz"]) }
                    == RPCError(code: -22, message: "TX decode failed"))
        }
    }
}

/// FluxNode collateral locked at start, and createrawtransaction's data output, locktime and expiry height.
@Suite struct NodeWalletCollateralAndRawTests {
    @Test func collateralFromFluxConfAndFluxnodeConfIsLockedAtStart() async throws {
        let dir = ChainBuilderDirectory.make()
        var coins: [JSONValue] = []
        try await withTestNodes { nodes in
            let (node, rpc, _) = try await NodeWalletHistoryRPCTests.fundedNode(nodes, directory: dir)
            _ = try await rpc.call("generate", params: [1])
            coins = try #require(try await rpc.call("listunspent").arrayValue)
            #expect(coins.count == 2)
            await node.stop()
        }
        let txid0 = try #require(coins[0]["txid"]?.stringValue), txid1 = try #require(coins[1]["txid"]?.stringValue)
        let vout0 = try #require(coins[0]["vout"]?.intValue), vout1 = try #require(coins[1]["vout"]?.intValue)
        let conf = "# Fluxnode config file\nzn1 127.0.0.2:16125 93HaYBVUCYjEMeeH1Y4sBGLALQZE1Yc1K64xiqgX37tGBDQL8Xg \(txid1) \(vout1)\nbroken line\n"
        try conf.write(toFile: dir + "/regtest/fluxnode.conf", atomically: true, encoding: .utf8)
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-upgradeheight=acadia:5", "-zelnodeoutpoint=\(txid0)", "-zelnodeindex=\(vout0)"],
                                             directory: dir)
            let rpc = rpcClient(node)
            let locked = try #require(try await rpc.call("listlockunspent").arrayValue)
            #expect(Set(locked.compactMap { $0["txid"]?.stringValue }) == [txid0, txid1])
            #expect(try await rpc.call("listunspent").arrayValue?.isEmpty == true)
            let foreign = NodeWalletHistoryRPCTests.foreignAddress()
            #expect(await NodeWalletHistoryRPCTests.rpcError {
                try await rpc.call("sendtoaddress", params: [.string(foreign), .double(1)])
            }?.code == -6)
            await node.stop()
        }
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-upgradeheight=acadia:5", "-zelnodeoutpoint=\(txid0)", "-zelnodeindex=\(vout0)",
                                              "-znconflock=0"], directory: dir)
            let locked = try #require(try await rpcClient(node).call("listlockunspent").arrayValue)
            #expect(locked.compactMap { $0["txid"]?.stringValue } == [txid0])
        }
    }

    @Test func createrawtransactionDataOutputLocktimeAndExpiry() async throws {
        try await withTestNodes { nodes in
            let (_, rpc, _) = try await NodeWalletHistoryRPCTests.fundedNode(nodes)
            let coin = try #require(try await rpc.call("listunspent").arrayValue?.first)
            let input = JSONValue.array([.object([("txid", try #require(coin["txid"])), ("vout", try #require(coin["vout"]))])])
            let foreign = NodeWalletHistoryRPCTests.foreignAddress()
            let data = String(repeating: "ab", count: 80)
            let raw = try #require(try await rpc.call("createrawtransaction", params: [
                input, .object([(foreign, .double(1)), ("data", .string(data))]), 7, 200]).stringValue)
            let decoded = try await rpc.call("decoderawtransaction", params: [.string(raw)])
            #expect(decoded["locktime"] == .int(7))
            #expect(decoded["expiryheight"] == .int(200))
            #expect(decoded["vin"]?.arrayValue?.first?["sequence"] == .int(4_294_967_294))
            let outs = try #require(decoded["vout"]?.arrayValue)
            #expect(outs.count == 2)
            #expect(outs[1]["value"]?.doubleValue == 0)
            #expect(outs[1]["scriptPubKey"]?["hex"]?.stringValue == "6a4c50" + data)
            // The wallet signs it like any other.
            let signed = try await rpc.call("signrawtransaction", params: [.string(raw)])
            #expect(signed["complete"] == .bool(true))

            #expect(await NodeWalletHistoryRPCTests.rpcError {
                try await rpc.call("createrawtransaction", params: [input, .object([("data", .string(data + "ab"))])])
            }?.code == -8)
            #expect(await NodeWalletHistoryRPCTests.rpcError {
                try await rpc.call("createrawtransaction", params: [input, .object([("data", "xyz")])])
            }?.code == -8)
            #expect(await NodeWalletHistoryRPCTests.rpcError {
                try await rpc.call("createrawtransaction", params: [input, .object([(foreign, .double(1))]), -1])
            } == RPCError(code: -8, message: "Invalid parameter, locktime out of range"))
            #expect(await NodeWalletHistoryRPCTests.rpcError {
                try await rpc.call("createrawtransaction", params: [input, .object([(foreign, .double(1))]), 0, 103])
            } == RPCError(code: -8, message: "Invalid parameter, expiryheight should be at least 105 to avoid transaction expiring soon"))
            #expect(await NodeWalletHistoryRPCTests.rpcError {
                try await rpc.call("createrawtransaction", params: [input, .object([(foreign, .double(1))]), 0, 500_000_000])
            } == RPCError(code: -8, message: "Invalid parameter, expiryheight must be nonnegative and less than 500000000."))
            let noLock = try #require(try await rpc.call("createrawtransaction", params: [input, .object([(foreign, .double(1))])]).stringValue)
            #expect(try await rpc.call("decoderawtransaction", params: [.string(noLock)])["vin"]?.arrayValue?.first?["sequence"] == .int(4_294_967_295))
        }
    }
}
