@testable import FluxNode
import FluxConsensus
import FluxJSON
import FluxPrimitives
import FluxRPC
import Foundation
import Logging
import Testing

/// fluxd's mining and fee calls: `prioritisetransaction` (block order and the relay-fee waiver),
/// `estimatefee` / `estimatepriority`, `getlocalsolps`, `getmininginfo`'s rates, `getdeprecationinfo`,
/// `z_validateaddress`, and the deprecation policy.
@Suite struct NodeFeeAndMiningRPCTests {
    static func rpcError(_ call: () async throws -> JSONValue) async -> RPCError? {
        await NodeUtilityRPCTests.rpcError(call)
    }

    /// A transaction spending wallet coin `index` to a new wallet address, paying `fee` units; signed, as hex.
    static func payment(_ rpc: RPCClient, coin index: Int, fee: Int64) async throws -> (hex: String, txid: String) {
        let unspent = try #require(try await rpc.call("listunspent").arrayValue)
        let coin = unspent[index]
        let txidText = try #require(coin["txid"]?.stringValue)
        let txid = try #require(Hash256(displayHex: txidText))
        let amount = try #require(coin["amount"]?.doubleValue)
        let value = Amount(units: Int64((amount * 1e8).rounded()))
        let vout = UInt32(try #require(coin["vout"]?.intValue))
        let to = try #require(try await rpc.call("getnewaddress").stringValue)
        let script = try #require(Address(to, prefixes: ChainParameters.regtest.base58Prefixes)).script
        let unsigned = Transaction(version: 1, inputs: [TxIn(prevout: OutPoint(hash: txid, index: vout), scriptSig: [])],
                                   outputs: [TxOut(value: value - Amount(units: fee), scriptPubKey: script)])
        let signed = try await rpc.call("signrawtransaction", params: [.string(Hex.encode(unsigned.serialized))])
        let hex = try #require(signed["hex"]?.stringValue)
        let tx = try Transaction(serialized: try #require(Hex.decode(hex)))
        return (hex, tx.txid.description)
    }

    static func templateOrder(_ rpc: RPCClient) async throws -> [String] {
        let template = try await rpc.call("getblocktemplate")
        return try #require(template["transactions"]?.arrayValue).compactMap { $0["hash"]?.stringValue }
    }

    @Test func prioritiseReordersTheBlockAndWaivesTheRelayFee() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let rpc = rpcClient(node)
            _ = try await rpc.call("generate", params: [103])
            let rich = try await Self.payment(rpc, coin: 0, fee: 100_000)
            let poor = try await Self.payment(rpc, coin: 1, fee: 2_000)
            let free = try await Self.payment(rpc, coin: 2, fee: 0)
            _ = try await rpc.call("sendrawtransaction", params: [.string(rich.hex)])
            _ = try await rpc.call("sendrawtransaction", params: [.string(poor.hex)])
            #expect(try await Self.templateOrder(rpc) == [rich.txid, poor.txid])

            #expect(try await rpc.call("prioritisetransaction", params: [.string(poor.txid), 0, 1_000_000]) == .bool(true))
            #expect(try await Self.templateOrder(rpc) == [poor.txid, rich.txid])
            // Deltas add up: back below the rich one.
            _ = try await rpc.call("prioritisetransaction", params: [.string(poor.txid), 0, -999_000])
            #expect(try await Self.templateOrder(rpc) == [rich.txid, poor.txid])

            // A zero-fee transaction is refused, then accepted once prioritised (before it is even seen).
            let refused = await Self.rpcError { try await rpc.call("sendrawtransaction", params: [.string(free.hex)]) }
            #expect(refused?.code == -26)
            _ = try await rpc.call("prioritisetransaction", params: [.string(free.txid), 0, 10_000_000])
            #expect(try await rpc.call("sendrawtransaction", params: [.string(free.hex)]).stringValue == free.txid)
            #expect(try await Self.templateOrder(rpc).first == free.txid)

            // Mined: the block pays the real fees, and the deltas are gone.
            let hash = try #require(try await rpc.call("generate", params: [1]).arrayValue?.first?.stringValue)
            let block = try await rpc.call("getblock", params: [.string(hash), 2])
            let txs = try #require(block["tx"]?.arrayValue)
            #expect(Set(txs.dropFirst().compactMap { $0["txid"]?.stringValue }) == [rich.txid, poor.txid, free.txid])
            let height = try #require(block["height"]?.intValue)
            let coinbase = try #require(txs.first?["vout"]?.arrayValue).compactMap { $0["valueSat"]?.intValue }.reduce(0, +)
            #expect(Int64(coinbase) == node.params.blockSubsidy(at: Int(height)).units + 102_000)
            let poorID = try #require(Hash256(displayHex: poor.txid))
            #expect(node.mempool.priorityDelta(poorID) == nil)

            let typeError = await Self.rpcError { try await rpc.call("prioritisetransaction", params: [.string(poor.txid), "x", 1]) }
            #expect(typeError?.code == -3)
            let missing = await Self.rpcError { try await rpc.call("prioritisetransaction", params: [.string(poor.txid), 0]) }
            #expect(missing != nil)
        }
    }

    @Test func feeEstimatesMiningRatesDeprecationAndShieldedAddresses() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let rpc = rpcClient(node)
            #expect(try await rpc.call("getlocalsolps") == .double(0))
            _ = try await rpc.call("generate", params: [3])
            let solps = try #require(try await rpc.call("getlocalsolps").doubleValue)
            #expect(solps > 0)
            let info = try await rpc.call("getmininginfo")
            for key in ["localsolps", "networksolps", "networkhashps", "genproclimit"] { #expect(info[key] != nil, "\(key)") }
            #expect(info["genproclimit"] == .int(-1))

            // No history on a fresh chain: fluxd's -1.
            #expect(try await rpc.call("estimatefee", params: [6]) == .double(-1))
            #expect(try await rpc.call("estimatefee", params: [0]) == .double(-1))
            #expect(try await rpc.call("estimatepriority", params: [6]) == .double(-1))
            #expect(await Self.rpcError { try await rpc.call("estimatefee", params: ["6"]) }?.code == -3)
            #expect(await Self.rpcError { try await rpc.call("estimatefee") } != nil)

            // Mainnet only, as fluxd: the help text as a -1 error elsewhere.
            let deprecation = await Self.rpcError { try await rpc.call("getdeprecationinfo") }
            #expect(deprecation?.code == -1)
            #expect(deprecation?.message.contains("Applicable only on mainnet") == true)

            let d = [UInt8](repeating: 3, count: 11), pk = [UInt8](1...32)
            let sapling = ShieldedPaymentAddress.sapling(diversifier: d, transmissionKey: pk).encoded(.regtest)
            let valid = try await rpc.call("z_validateaddress", params: [.string(sapling)])
            #expect(valid == .object([("isvalid", .bool(true)), ("address", .string(sapling)), ("type", .string("sapling")),
                                      ("diversifier", .string(Hex.encode(d))),
                                      ("diversifiedtransmissionkey", .string(Hex.encode(pk.reversed()))),
                                      ("ismine", .bool(false))]))
            let mainnet = ShieldedPaymentAddress.sapling(diversifier: d, transmissionKey: pk).encoded(.mainnet)
            #expect(try await rpc.call("z_validateaddress", params: [.string(mainnet)]) == .object([("isvalid", .bool(false))]))
            let sprout = ShieldedPaymentAddress.sprout(payingKey: pk, transmissionKey: d + d + [9, 9, 9, 9, 9, 9, 9, 9, 9, 9])
                .encoded(.regtest)
            let sproutInfo = try await rpc.call("z_validateaddress", params: [.string(sprout)])
            #expect(sproutInfo["type"] == .string("sprout"))
            #expect(sproutInfo["payingkey"] == .string(Hex.encode(pk.reversed())))
        }
    }

    @Test func deprecationWarnsFourWeeksAheadAndShutsDownAtTheHeight() {
        let shutdowns = LockedCounter()
        let watch = DeprecationWatch(deprecationHeight: 1_000, warningBlocks: 100, logger: Logger(label: "test"),
                                     shutDown: { shutdowns.increment() })
        #expect(watch.verdict(height: 899, starting: false) == .fine)
        #expect(watch.verdict(height: 900, starting: false) == .warn)
        #expect(watch.verdict(height: 950, starting: false) == .fine)
        #expect(watch.verdict(height: 950, starting: true) == .warn)
        #expect(watch.verdict(height: 1_000, starting: false) == .deprecated)
        watch.check(height: 999, starting: true)
        #expect(shutdowns.value == 0)
        watch.check(height: 1_000, starting: false)
        #expect(shutdowns.value == 1)
        // fluxd's figures: 104 weeks of 30 s blocks after height 2,127,000; warning 4 weeks before.
        #expect(Node.deprecationHeight == 4_223_640)
        #expect(Node.deprecationWarningBlocks == 80_640)
    }
}

/// A thread-safe counter for callbacks.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
