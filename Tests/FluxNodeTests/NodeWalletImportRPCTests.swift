import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxScript
import Foundation
import Testing

/// fluxd's importaddress (watch-only), addmultisigaddress with signrawtransaction, rescanblockchain,
/// listaddressgroupings and keypoolrefill over RPC.
@Suite struct NodeWalletImportRPCTests {
    static func wif(_ seed: UInt8, _ node: Node) -> String {
        WIF(secret: [UInt8](repeating: seed, count: 32), compressed: true).encoded(prefixes: node.params.base58Prefixes)
    }

    @Test func watchOnlyAddressIsCountedOnlyWithIncludeWatchonlyAndNeverSpent() async throws {
        try await withTestNodes { nodes in
            let (_, rpc, _) = try await NodeWalletHistoryRPCTests.fundedNode(nodes)
            let watched = NodeWalletHistoryRPCTests.foreignAddress(5)
            let paid = try await rpc.call("sendtoaddress", params: [.string(watched), .double(3)])
            _ = try await rpc.call("generate", params: [1])
            let before = try #require(try await rpc.call("getbalance", params: ["*", 1, true]).doubleValue)

            #expect(try await rpc.call("importaddress", params: [.string(watched), "cold", true]) == .null)
            let validated = try await rpc.call("validateaddress", params: [.string(watched)])
            #expect(validated["iswatchonly"] == .bool(true) && validated["ismine"] == .bool(false))
            #expect(try await rpc.call("getbalance", params: ["*", 1, true]).doubleValue == before + 3)
            #expect(try await rpc.call("getbalance", params: ["*", 1, false]).doubleValue == before)
            let unspent = try #require(try await rpc.call("listunspent", params: [1, 9999999, .array([.string(watched)])]).arrayValue)
            #expect(unspent.count == 1 && unspent[0]["spendable"] == .bool(false))
            let withWatch = try #require(try await rpc.call("listtransactions", params: ["*", 10, 0, true]).arrayValue)
            #expect(withWatch.contains { $0["txid"] == paid && $0["category"] == .string("receive")
                && $0["involvesWatchonly"] == .bool(true) && $0["account"] == .string("cold") })
            let withoutWatch = try #require(try await rpc.call("listtransactions", params: ["*", 10, 0, false]).arrayValue)
            #expect(!withoutWatch.contains { $0["category"] == .string("receive") && $0["txid"] == paid })
            #expect(try await rpc.call("getreceivedbyaddress", params: [.string(watched)]).doubleValue == 3)
            let received = try #require(try await rpc.call("listreceivedbyaddress", params: [1, false, true]).arrayValue)
            #expect(received.contains { $0["address"] == .string(watched) && $0["involvesWatchonly"] == .bool(true) })

            // The wallet never spends it: everything else locked, a payment fails.
            let own = try #require(try await rpc.call("listunspent").arrayValue).filter { $0["spendable"] == .bool(true) }
            _ = try await rpc.call("lockunspent", params: [false, .array(own.map { .object([("txid", $0["txid"]!), ("vout", $0["vout"]!)]) })])
            #expect(await NodeUtilityRPCTests.rpcError {
                try await rpc.call("sendtoaddress", params: [.string(NodeWalletHistoryRPCTests.foreignAddress(6)), .double(1)])
            }?.code == -6)

            let mine = try #require(try await rpc.call("getnewaddress").stringValue)
            #expect(await NodeUtilityRPCTests.rpcError { try await rpc.call("importaddress", params: [.string(mine)]) }
                    == RPCError(code: -4, message: "The wallet already contains the private key for this address or script"))
            #expect(await NodeUtilityRPCTests.rpcError { try await rpc.call("importaddress", params: ["not-an-address"]) }
                    == RPCError(code: -5, message: "Invalid Flux address or script"))
        }
    }

    @Test func multisigOutputIsSignedPartiallyThenCompletedAndMined() async throws {
        try await withTestNodes { nodes in
            let (node, rpc, _) = try await NodeWalletHistoryRPCTests.fundedNode(nodes)
            let mine = try #require(try await rpc.call("getnewaddress").stringValue)
            let key7 = Hex.encode(NodeUtilityRPCTests.publicKey(7)), key8 = Hex.encode(NodeUtilityRPCTests.publicKey(8))
            let multisig = try #require(try await rpc.call("addmultisigaddress", params: [2, .array([.string(mine), .string(key7), .string(key8)])]).stringValue)
            let created = try await rpc.call("createmultisig", params: [2, .array([.string(mine), .string(key7), .string(key8)])])
            #expect(created["address"] == .string(multisig))
            let redeem = try #require(created["redeemScript"])
            let fundTxid = try await rpc.call("sendtoaddress", params: [.string(multisig), .double(5)])
            _ = try await rpc.call("generate", params: [1])
            let funding = try await rpc.call("getrawtransaction", params: [fundTxid, 1])
            let output = try #require(funding["vout"]?.arrayValue?.first { $0["scriptPubKey"]?["addresses"]?.arrayValue == [.string(multisig)] })
            let vout = try #require(output["n"]), spk = try #require(output["scriptPubKey"]?["hex"])

            let foreign = NodeWalletHistoryRPCTests.foreignAddress()
            let raw = try #require(try await rpc.call("createrawtransaction", params: [
                .array([.object([("txid", fundTxid), ("vout", vout)])]), .object([(foreign, .double(4.999))])]).stringValue)
            let prevtx = JSONValue.object([("txid", fundTxid), ("vout", vout), ("scriptPubKey", spk), ("amount", .double(5))])
            // The wallet holds one of the three keys and the redeem script: one signature, incomplete.
            let partial = try await rpc.call("signrawtransaction", params: [.string(raw), .array([prevtx])])
            #expect(partial["complete"] == .bool(false))
            let partialHex = try #require(partial["hex"])
            // Another signer with key 7 (and the redeem script in prevtxs) completes it.
            let prevtxWithRedeem = JSONValue.object([("txid", fundTxid), ("vout", vout), ("scriptPubKey", spk),
                                                     ("redeemScript", redeem), ("amount", .double(5))])
            let complete = try await rpc.call("signrawtransaction", params: [partialHex, .array([prevtxWithRedeem]),
                                                                             .array([.string(Self.wif(7, node))])])
            #expect(complete["complete"] == .bool(true))
            let spent = try await rpc.call("sendrawtransaction", params: [try #require(complete["hex"])])
            _ = try await rpc.call("generate", params: [1])
            #expect(try await rpc.call("getrawtransaction", params: [spent, 1])["confirmations"] == .int(1))
            #expect(await NodeUtilityRPCTests.rpcError { try await rpc.call("addmultisigaddress", params: [2, .array([.string(key7)])]) }?.code == -1)
        }
    }

    @Test func multisigOfWalletKeysIsSpendableAndRescanFindsPastCoins() async throws {
        try await withTestNodes { nodes in
            let (_, rpc, _) = try await NodeWalletHistoryRPCTests.fundedNode(nodes)
            let a = try #require(try await rpc.call("getnewaddress").stringValue)
            let b = try #require(try await rpc.call("getnewaddress").stringValue)
            // Paid before the wallet knows the script: only a rescan finds it.
            let created = try await rpc.call("createmultisig", params: [2, .array([.string(a), .string(b)])])
            let multisig = try #require(created["address"]?.stringValue)
            _ = try await rpc.call("sendtoaddress", params: [.string(multisig), .double(7)])
            _ = try await rpc.call("generate", params: [1])
            #expect(try await rpc.call("addmultisigaddress", params: [2, .array([.string(a), .string(b)])]) == .string(multisig))
            #expect(try await rpc.call("listunspent", params: [1, 9999999, .array([.string(multisig)])]).arrayValue?.isEmpty == true)
            #expect(try await rpc.call("rescanblockchain", params: [100]) == .string("Rescan Completed"))
            let found = try #require(try await rpc.call("listunspent", params: [1, 9999999, .array([.string(multisig)])]).arrayValue)
            #expect(found.count == 1 && found[0]["spendable"] == .bool(true))
            // The wallet spends it itself (sendfrom the P2SH address signs a 2-of-2 input).
            let foreign = NodeWalletHistoryRPCTests.foreignAddress()
            let sent = try await rpc.call("sendfrom", params: [.string(multisig), .string(foreign), .double(2)])
            #expect(try await rpc.call("getrawmempool").arrayValue?.contains(sent) == true)
            #expect(await NodeUtilityRPCTests.rpcError { try await rpc.call("rescanblockchain", params: [1000]) }
                    == RPCError(code: -8, message: "Block height out of range"))

            // Groupings: the P2SH address and its change (back to it) form one group.
            let groups = try #require(try await rpc.call("listaddressgroupings").arrayValue)
            #expect(groups.contains { $0.arrayValue?.contains { $0.arrayValue?.first == .string(multisig) } == true })
            #expect(try await rpc.call("keypoolrefill", params: [100]) == .null)
            #expect(await NodeUtilityRPCTests.rpcError { try await rpc.call("keypoolrefill", params: [-1]) }
                    == RPCError(code: -8, message: "Invalid parameter, expected valid size."))
        }
    }
}

/// backupwallet, dumpwallet and importwallet: a backup loads into another node, a fluxd dump imports.
@Suite struct NodeWalletBackupRPCTests {
    @Test func backupLoadsIntoAnotherNodeWithCoinsScriptsAndChangeMarks() async throws {
        try await withTestNodes { nodes in
            let export = ChainBuilderDirectory.make() + "/export"
            let (node, rpc, address) = try await NodeWalletHistoryRPCTests.fundedNode(nodes, ["-exportdir=\(export)"])
            _ = try await rpc.call("sendtoaddress", params: [.string(NodeWalletHistoryRPCTests.foreignAddress()), .double(1)])
            _ = try await rpc.call("generate", params: [1])
            let watched = NodeWalletHistoryRPCTests.foreignAddress(5)
            _ = try await rpc.call("importaddress", params: [.string(watched), "cold label", false])
            let key7 = Hex.encode(NodeUtilityRPCTests.publicKey(7))
            let multisig = try #require(try await rpc.call("addmultisigaddress", params: [1, .array([.string(address), .string(key7)])]).stringValue)
            let change = try #require(try await rpc.call("getrawchangeaddress").stringValue)

            #expect(await NodeUtilityRPCTests.rpcError { try await rpc.call("backupwallet", params: ["../x"]) }
                    == RPCError(code: -4, message: "Filename is invalid as only alphanumeric characters are allowed.  Try 'x' instead."))
            let path = try #require(try await rpc.call("backupwallet", params: ["backup1"]).stringValue)
            #expect(path == URL(fileURLWithPath: export).standardizedFileURL.appendingPathComponent("backup1").path)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(" change=1 # addr=\(change)\n"))
            #expect(text.contains(" label= # addr=\(address)\n"))
            #expect(text.contains("label=cold%20label"))
            // dumpwallet refuses to overwrite.
            _ = try await rpc.call("dumpwallet", params: ["dump1"])
            #expect(await NodeUtilityRPCTests.rpcError { try await rpc.call("dumpwallet", params: ["dump1"]) }?.code == -8)

            let other = try await nodes.start(["-upgradeheight=acadia:5", "-connect=127.0.0.1:\(node.p2pPort)"])
            let otherRPC = rpcClient(other)
            #expect(await eventually { other.chain.height == node.chain.height })
            #expect(try await otherRPC.call("importwallet", params: [.string(path)]) == .null)
            #expect(try await otherRPC.call("getbalance") == (try await rpc.call("getbalance")))
            #expect(try await otherRPC.call("validateaddress", params: [.string(multisig)])["ismine"] == .bool(false))
            #expect(try await otherRPC.call("validateaddress", params: [.string(watched)])["iswatchonly"] == .bool(true))
            let listed = try #require(try await otherRPC.call("listreceivedbyaddress", params: [0, true, true]).arrayValue)
            #expect(listed.contains { $0["address"] == .string(watched) && $0["account"] == .string("cold label") })
            #expect(!listed.contains { $0["address"] == .string(change) })
            #expect(try await otherRPC.call("getwalletinfo")["txcount"] == (try await rpc.call("getwalletinfo")["txcount"]))
            #expect(await NodeUtilityRPCTests.rpcError { try await otherRPC.call("backupwallet", params: ["b"]) }
                    == RPCError(code: -4, message: "Cannot backup wallet until the -exportdir option has been set"))
            #expect(await NodeUtilityRPCTests.rpcError { try await otherRPC.call("importwallet", params: ["/nonexistent/file"]) }
                    == RPCError(code: -8, message: "Cannot open wallet dump file"))
        }
    }

    @Test func importsAFluxdDump() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let rpc = rpcClient(node)
            let prefixes = node.params.base58Prefixes
            func wif(_ seed: UInt8, compressed: Bool = true) -> String {
                WIF(secret: [UInt8](repeating: seed, count: 32), compressed: compressed).encoded(prefixes: prefixes)
            }
            func address(_ seed: UInt8, compressed: Bool = true) -> String {
                Base58.encodeCheck(NodeUtilityRPCTests.pubKeyHashPrefix + Hashing.hash160(NodeUtilityRPCTests.publicKey(seed, compressed: compressed)))
            }
            let dump = """
                # Wallet dump created by Flux v6.0.0 (2024-01-01)
                # * Created on 2024-01-02T03:04:05Z
                # HDSeed=00 fingerprint=00

                \(wif(21)) 2024-01-02T03:04:05Z label= # addr=\(address(21))
                \(wif(22)) 2024-01-02T03:04:05Z change=1 # addr=\(address(22))
                \(wif(23, compressed: false)) 2024-01-02T03:04:05Z reserve=1 # addr=\(address(23, compressed: false))
                \(wif(24)) 2024-01-02T03:04:05Z label=my%20savings # addr=\(address(24))
                not-a-key 2024-01-02T03:04:05Z label=x

                # End of dump

                """
            let file = ChainBuilderDirectory.make() + "/dump.txt"
            try dump.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try await rpc.call("importwallet", params: [.string(file)]) == .null)
            for (seed, compressed) in [(21, true), (22, true), (23, false), (24, true)] as [(UInt8, Bool)] {
                #expect(try await rpc.call("validateaddress", params: [.string(address(seed, compressed: compressed))])["ismine"] == .bool(true))
            }
            #expect(try await rpc.call("dumpprivkey", params: [.string(address(23, compressed: false))]) == .string(wif(23, compressed: false)))
            let listed = try #require(try await rpc.call("listreceivedbyaddress", params: [0, true]).arrayValue)
            let addresses = Set(listed.compactMap { $0["address"]?.stringValue })
            #expect(addresses.contains(address(21)) && addresses.contains(address(24)))
            #expect(!addresses.contains(address(22)) && !addresses.contains(address(23, compressed: false)))
        }
    }
}
