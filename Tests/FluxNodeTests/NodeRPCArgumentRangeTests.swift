import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import Foundation
import Testing

/// Numeric RPC arguments outside the ranges fluxd accepts get fluxd's error codes and messages (or, where fluxd
/// answers null or clamps, the same answer), over real HTTP.
@Suite(.serialized) struct NodeRPCArgumentRangeTests {
    /// What a call must give: an error code with a message fragment, or a result check.
    enum Expected {
        case error(Int, String)
        case result(@Sendable (JSONValue) -> Bool)
    }

    @Test func outOfRangeArgumentsGetFluxdsErrors() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-upgradeheight=acadia:2"])
            let rpc = rpcClient(node)
            _ = try await rpc.call("generate", params: [5])
            let best = try await rpc.call("getbestblockhash")
            let block = try await rpc.call("getblock", params: [best, 2])
            let coinbase = try #require(block["tx"]?.arrayValue?.first?["txid"])
            let rawCoinbase = try await rpc.call("getrawtransaction", params: [coinbase])
            let next = 6
            func input(vout: Int) -> JSONValue { .array([.object([("txid", coinbase), ("vout", .int(vout))])]) }
            let verbosityError = Expected.error(-8, "Verbosity must be in range from 0 to 2")
            let expiryRange = Expected.error(-8, "Invalid parameter, expiryheight must be nonnegative and less than 500000000.")
            let table: [(method: String, params: [JSONValue], expected: Expected)] = [
                ("getblock", [best, 99], verbosityError),
                ("getblock", [best, -5], verbosityError),
                ("getblock", [best, 3], verbosityError),
                ("getblock", [best, 0], .result { $0.stringValue != nil }),
                ("getblock", [best, .bool(true)], .result { $0["tx"] != nil }),
                ("getblockhash", [-1], .error(-8, "Block height out of range")),
                ("getblockhash", [6], .error(-8, "Block height out of range")),
                ("getblockhash", [4_294_967_296], .error(-1, "JSON integer out of range")),
                ("getblocksubsidy", [-1], .error(-8, "Block height out of range")),
                ("getblocksubsidy", [0], .result { $0["miner"] != nil }),
                ("gettxout", [coinbase, -1], .result { $0 == .null }),
                ("gettxout", [coinbase, 0], .result { $0["coinbase"] == .bool(true) }),
                ("generate", [-1], .error(-8, "numblocks out of range")),
                ("verifychain", [4, -1], .result { $0 == .bool(true) }),
                ("verifychain", [.string("x")], .error(-3, "must be an integer")),
                ("createrawtransaction", [input(vout: -1), .object([])],
                 .error(-8, "Invalid parameter, vout must be positive")),
                ("createrawtransaction", [.array([]), .object([]), -1], .error(-8, "Invalid parameter, locktime out of range")),
                ("createrawtransaction", [.array([]), .object([]), 4_294_967_296],
                 .error(-8, "Invalid parameter, locktime out of range")),
                ("createrawtransaction", [.array([]), .object([]), 0, 500_000_000], expiryRange),
                ("createrawtransaction", [.array([]), .object([]), 0, -1], expiryRange),
                ("createrawtransaction", [.array([]), .object([]), 0, .int(next + 1)],
                 .error(-8, "Invalid parameter, expiryheight should be at least \(next + 3) to avoid transaction expiring soon")),
                ("createrawtransaction", [input(vout: 0), .object([]), 0, 0], .result { $0.stringValue != nil }),
                ("createrawtransaction", [input(vout: 0), .object([]), 0, .int(next + 3)], .result { $0.stringValue != nil }),
                ("signrawtransaction", [rawCoinbase, .array([.object([("txid", coinbase), ("vout", -1), ("scriptPubKey", "00")])])],
                 .error(-22, "vout must be positive")),
                // Shielded wallet calls FluxOS whitelists: a clear -1, never "Method not found".
                ("z_getbalance", ["zs1notanaddress", 1], .error(-1, "z_getbalance: the shielded (Sprout/Sapling) wallet is not part")),
                ("z_sendmany", [], .error(-1, "transparent wallet only")),
                ("zcrawkeygen", [], .error(-1, "zcrawkeygen: the shielded")),
            ]
            for (method, params, expected) in table {
                let label = "\(method) \(JSONValue.array(params).serialized())"
                do {
                    let result = try await rpc.call(method, params: params)
                    switch expected {
                    case let .error(code, message): Issue.record("\(label): answered \(result.serialized()), expected error \(code) \(message)")
                    case let .result(check): #expect(check(result), "\(label): unexpected result \(result.serialized())")
                    }
                } catch {
                    guard let clientError = error as? RPCClientError, case let .rpc(rpcError) = clientError else {
                        Issue.record("\(label): \(error)")
                        continue
                    }
                    switch expected {
                    case let .error(code, message):
                        #expect(rpcError.code == code, "\(label): code \(rpcError.code), expected \(code) (\(rpcError.message))")
                        #expect(rpcError.message.contains(message), "\(label): message \"\(rpcError.message)\"")
                    case .result:
                        Issue.record("\(label): failed with \(rpcError.code) \(rpcError.message)")
                    }
                }
            }
            // The node is still serving.
            #expect(try await rpc.call("getblockcount") == .int(5))
        }
    }
}
