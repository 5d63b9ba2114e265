import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxScript
import Foundation
import Testing

/// fluxd's utility and message calls over RPC: `signmessage`, `verifymessage`, `createmultisig`, `decodescript`,
/// with fluxd's result shapes and error codes and messages.
@Suite struct NodeUtilityRPCTests {
    /// Regtest/testnet P2SH prefix in fluxd's chainparams (`SCRIPT_ADDRESS` 0x1C 0xBA, "t2").
    static let scriptHashPrefix: [UInt8] = [0x1c, 0xba]
    /// Regtest/testnet P2PKH prefix (`PUBKEY_ADDRESS` 0x1D 0x25, "tm").
    static let pubKeyHashPrefix: [UInt8] = [0x1d, 0x25]

    /// The RPC error (code and message) `call` fails with, or nil when it succeeds or fails otherwise.
    static func rpcError(_ call: () async throws -> JSONValue) async -> RPCError? {
        do {
            _ = try await call()
            return nil
        } catch {
            if case let RPCClientError.rpc(e)? = error as? RPCClientError { return e }
            return nil
        }
    }

    /// A compressed public key of a fixed secret (1...255 repeated).
    static func publicKey(_ seed: UInt8, compressed: Bool = true) -> [UInt8] {
        PrivateKey(bytes: [UInt8](repeating: seed, count: 32))!.publicKey(compressed: compressed).bytes
    }

    static func p2sh(_ script: [UInt8]) -> String { Base58.encodeCheck(scriptHashPrefix + Hashing.hash160(script)) }

    @Test func signThenVerifyRoundTripAndFalseCases() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let rpc = rpcClient(node)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            let other = try #require(try await rpc.call("getnewaddress").stringValue)
            let message = "FluxOS benchmark: héllo"
            let signature = try #require(try await rpc.call("signmessage", params: [.string(address), .string(message)]).stringValue)
            let sigBytes = try #require(Data(base64Encoded: signature))
            #expect(sigBytes.count == 65)

            // Independently: fluxd's digest SHA256d(CompactSize ‖ magic ‖ CompactSize ‖ message) recovers the
            // wallet key of `address`.
            let magic = Array("Zelcash Signed Message:\n".utf8), body = Array(message.utf8)
            let digest = Hashing.sha256d([UInt8(magic.count)] + magic + [UInt8(body.count)] + body)
            let recovered = try #require(PublicKey.recover(compactSignature65: Array(sigBytes), digest32: digest))
            #expect(Base58.encodeCheck(Self.pubKeyHashPrefix + Hashing.hash160(recovered.bytes)) == address)

            #expect(try await rpc.call("verifymessage", params: [.string(address), .string(signature), .string(message)]) == .bool(true))
            #expect(try await rpc.call("verifymessage", params: [.string(address), .string(signature), "tampered"]) == .bool(false))
            #expect(try await rpc.call("verifymessage", params: [.string(other), .string(signature), .string(message)]) == .bool(false))
            // Valid base64 that is not a 65-byte signature: false, as fluxd (RecoverCompact fails).
            #expect(try await rpc.call("verifymessage", params: [.string(address), "AAAA", .string(message)]) == .bool(false))
            #expect(try await rpc.call("verifymessage", params: [.string(address), "AA==", .string(message)]) == .bool(false))
            // A signature made offline with the key the wallet holds verifies too.
            let wif = try #require(try await rpc.call("dumpprivkey", params: [.string(address)]).stringValue)
            let secret = try #require(WIF(wif, prefixes: node.params.base58Prefixes))
            let offline = MessageSigner.sign("offline", with: try #require(PrivateKey(bytes: secret.secret)))
            #expect(try await rpc.call("verifymessage", params: [.string(address), .string(Data(offline).base64EncodedString()), "offline"]) == .bool(true))
        }
    }

    @Test func messageCallErrors() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let rpc = rpcClient(node)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            let signature = try #require(try await rpc.call("signmessage", params: [.string(address), "m"]).stringValue)
            let p2sh = Self.p2sh([0x51])
            let mainnet = "t1VtArtnn1dGPiD2WFfMXYXW5mHM3q1GpgV"
            let notMine = Base58.encodeCheck(Self.pubKeyHashPrefix + Hashing.hash160(Self.publicKey(7)))

            for (params, code, text) in [
                ([JSONValue.string(mainnet), .string(signature), "m"], -3, "Invalid address"),
                ([.string(p2sh), .string(signature), "m"], -3, "Address does not refer to key"),
                ([.string(address), "abc!", "m"], -5, "Malformed base64 encoding"),
                ([.string(address), "QUJD=", "m"], -5, "Malformed base64 encoding"),
                ([.string(address), "Q", "m"], -5, "Malformed base64 encoding"),
                // fluxd's DecodeBase64 refuses non-zero leftover bits and text after the padding.
                ([.string(address), "QR==", "m"], -5, "Malformed base64 encoding"),
                ([.string(address), "AAAA!", "m"], -5, "Malformed base64 encoding"),
                ([.string(address), "AA==AA==", "m"], -5, "Malformed base64 encoding"),
            ] {
                let e = await Self.rpcError { try await rpc.call("verifymessage", params: params) }
                #expect(e?.code == code && e?.message == text, "verifymessage \(params): \(String(describing: e))")
            }
            #expect(await rpcErrorCode { try await rpc.call("verifymessage", params: [.string(address), .string(signature)]) } == -1)

            for (params, code, text) in [
                ([JSONValue.string(mainnet), "m"], -3, "Invalid address"),
                ([.string(p2sh), "m"], -3, "Address does not refer to key"),
                ([.string(notMine), "m"], -4, "Private key not available"),
            ] {
                let e = await Self.rpcError { try await rpc.call("signmessage", params: params) }
                #expect(e?.code == code && e?.message == text, "signmessage \(params): \(String(describing: e))")
            }
            #expect(await rpcErrorCode { try await rpc.call("signmessage", params: [.string(address)]) } == -1)
        }
    }

    @Test func createMultisigTwoOfThree() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let rpc = rpcClient(node)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            let wif = try #require(try await rpc.call("dumpprivkey", params: [.string(address)]).stringValue)
            let secret = try #require(WIF(wif, prefixes: node.params.base58Prefixes))
            let walletKey = try #require(PrivateKey(bytes: secret.secret)).publicKey(compressed: secret.compressed).bytes
            let k1 = Self.publicKey(1), k2 = Self.publicKey(2, compressed: false)

            let result = try await rpc.call("createmultisig", params: [2, [.string(Hex.encode(k1)), .string(Hex.encode(k2)), .string(address)]])
            // OP_2 <33> k1 <65> k2 <33> wallet OP_3 OP_CHECKMULTISIG, written out by hand.
            let expected: [UInt8] = [0x52, 33] + k1 + [65] + k2 + [33] + walletKey + [0x53, 0xae]
            #expect(result["redeemScript"] == .string(Hex.encode(expected)))
            #expect(result["address"] == .string(Self.p2sh(expected)))
            #expect(result["address"]?.stringValue?.hasPrefix("t2") == true)
            if case let .object(pairs) = result { #expect(pairs.map(\.0) == ["address", "redeemScript"]) }

            // 1-of-1 and 15-of-15 compressed keys (513 bytes) are accepted.
            let one = try await rpc.call("createmultisig", params: [1, [.string(Hex.encode(k1))]])
            #expect(one["redeemScript"] == .string(Hex.encode([0x51, 33] + k1 + [0x51, 0xae])))
            let fifteen = (1...15).map { JSONValue.string(Hex.encode(Self.publicKey(UInt8($0)))) }
            let big = try await rpc.call("createmultisig", params: [15, .array(fifteen)])
            #expect(big["redeemScript"]?.stringValue?.count == 513 * 2)
        }
    }

    @Test func createMultisigErrors() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let rpc = rpcClient(node)
            let k = (1...17).map { JSONValue.string(Hex.encode(Self.publicKey(UInt8($0)))) }
            let p2sh = Self.p2sh([0x51])
            let notMine = Base58.encodeCheck(Self.pubKeyHashPrefix + Hashing.hash160(Self.publicKey(9)))
            // x = 2^256 - 1 is above the field prime: never a point.
            let offCurve: [UInt8] = [0x02] + [UInt8](repeating: 0xff, count: 32)
            let cases: [([JSONValue], String)] = [
                ([0, .array(Array(k[0..<2]))], "a multisignature address must require at least one key to redeem"),
                ([-1, .array(Array(k[0..<2]))], "a multisignature address must require at least one key to redeem"),
                ([3, .array(Array(k[0..<2]))], "not enough keys supplied (got 2 keys, but need at least 3 to redeem)"),
                ([2, .array(k)], "Number of addresses involved in the multisignature address creation > 16\nReduce the number"),
                ([1, .array(Array(k[0..<16]))], "redeemScript exceeds size limit: 547 > 520"),
                ([1, ["zz"]], " Invalid public key: zz"),
                ([1, ["02ab"]], " Invalid public key: 02ab"),
                ([1, [.string(Hex.encode(offCurve))]], " Invalid public key: \(Hex.encode(offCurve))"),
                ([1, [.string(p2sh)]], "\(p2sh) does not refer to a key"),
                ([1, [.string(notMine)]], "no full public key for address \(notMine)"),
                ([1, "notanarray"], "JSON value is not an array as expected"),
            ]
            for (params, text) in cases {
                let e = await Self.rpcError { try await rpc.call("createmultisig", params: params) }
                #expect(e?.code == -1 && e?.message == text, "createmultisig \(params): \(String(describing: e))")
            }
            #expect(await rpcErrorCode { try await rpc.call("createmultisig", params: [1]) } == -1)
        }
    }

    @Test func decodeScriptShapes() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let rpc = rpcClient(node)
            let hash = [UInt8](0..<20)
            let hashHex = Hex.encode(hash)
            let p2pkhAddress = Base58.encodeCheck(Self.pubKeyHashPrefix + hash)

            let p2pkh: [UInt8] = [0x76, 0xa9, 20] + hash + [0x88, 0xac]
            let a = try await rpc.call("decodescript", params: [.string(Hex.encode(p2pkh))])
            #expect(a == .object([("asm", .string("OP_DUP OP_HASH160 \(hashHex) OP_EQUALVERIFY OP_CHECKSIG")),
                                  ("reqSigs", 1), ("type", "pubkeyhash"),
                                  ("addresses", [.string(p2pkhAddress)]), ("p2sh", .string(Self.p2sh(p2pkh)))]))

            let p2shScript: [UInt8] = [0xa9, 20] + hash + [0x87]
            let b = try await rpc.call("decodescript", params: [.string(Hex.encode(p2shScript))])
            #expect(b == .object([("asm", .string("OP_HASH160 \(hashHex) OP_EQUAL")), ("reqSigs", 1), ("type", "scripthash"),
                                  ("addresses", [.string(Base58.encodeCheck(Self.scriptHashPrefix + hash))]),
                                  ("p2sh", .string(Self.p2sh(p2shScript)))]))

            let k1 = Self.publicKey(1), k2 = Self.publicKey(2)
            let multisig: [UInt8] = [0x51, 33] + k1 + [33] + k2 + [0x52, 0xae]
            let c = try await rpc.call("decodescript", params: [.string(Hex.encode(multisig))])
            #expect(c == .object([("asm", .string("1 \(Hex.encode(k1)) \(Hex.encode(k2)) 2 OP_CHECKMULTISIG")),
                                  ("reqSigs", 1), ("type", "multisig"),
                                  ("addresses", [.string(Base58.encodeCheck(Self.pubKeyHashPrefix + Hashing.hash160(k1))),
                                                 .string(Base58.encodeCheck(Self.pubKeyHashPrefix + Hashing.hash160(k2)))]),
                                  ("p2sh", .string(Self.p2sh(multisig)))]))

            let d = try await rpc.call("decodescript", params: ["6a080102030405060708"])
            #expect(d == .object([("asm", "OP_RETURN 0102030405060708"), ("type", "nulldata"),
                                  ("p2sh", .string(Self.p2sh([0x6a, 8, 1, 2, 3, 4, 5, 6, 7, 8])))]))
            // Pushes of up to 4 bytes print as script numbers (fluxd's ScriptToAsmStr).
            let n = try await rpc.call("decodescript", params: ["6a04deadbeef"])
            #expect(n["asm"] == "OP_RETURN -1874767326")

            let empty = try await rpc.call("decodescript", params: [""])
            #expect(empty == .object([("asm", ""), ("type", "nonstandard"), ("p2sh", .string(Self.p2sh([])))]))

            for (params, code, text) in [
                ([JSONValue.string("zz")], -8, "argument must be hexadecimal string (not 'zz')"),
                (["abc"], -8, "argument must be hexadecimal string (not 'abc')"),
                ([5], -3, "Expected type string, got number"),
            ] {
                let e = await Self.rpcError { try await rpc.call("decodescript", params: params) }
                #expect(e?.code == code && e?.message == text, "decodescript \(params): \(String(describing: e))")
            }
            #expect(await rpcErrorCode { try await rpc.call("decodescript") } == -1)
        }
    }

    @Test func helpListsTheCallsInFluxdsSections() async throws {
        try await withTestNodes { nodes in
            let rpc = rpcClient(try await nodes.start())
            let help = try #require(try await rpc.call("help").stringValue)
            var section = "", sections: [String: String] = [:]
            for line in help.split(separator: "\n").map(String.init) {
                if line.hasPrefix("== ") { section = line; continue }
                if let name = line.split(separator: " ").first { sections[String(name)] = section }
            }
            // A sample of each fluxd category (its `{ "category", "name", ... }` tables), under fluxd's title.
            let expected: [String: [String]] = [
                "== Addressindex ==": ["getaddressbalance", "getaddressdeltas", "getaddressmempool", "getaddresstxids",
                                       "getaddressutxos"],
                "== Blockchain ==": ["getblock", "getblockcount", "getchaintips", "getmempoolinfo", "gettxout",
                                     "verifychain", "getspentinfo", "getblockdeltas", "getblockhashes"],
                "== Control ==": ["getinfo", "help", "stop"],
                "== Generating ==": ["generate"],
                "== Mining ==": ["getblocktemplate", "getmininginfo", "getnetworksolps", "getblocksubsidy",
                                 "getlocalsolps", "prioritisetransaction", "submitblock"],
                "== Network ==": ["addnode", "getpeerinfo", "getnettotals", "ping", "setban", "getdeprecationinfo"],
                "== Rawtransactions ==": ["createrawtransaction", "decoderawtransaction", "decodescript",
                                          "fundrawtransaction", "getrawtransaction", "sendrawtransaction",
                                          "signrawtransaction"],
                "== Util ==": ["createmultisig", "estimatefee", "estimatepriority", "validateaddress",
                               "verifymessage", "z_validateaddress"],
                "== Wallet ==": ["backupwallet", "dumpprivkey", "getbalance", "gettransaction", "importprivkey",
                                 "listtransactions", "sendtoaddress", "signmessage", "z_getbalance", "z_sendmany",
                                 "zcbenchmark"],
            ]
            for (title, names) in expected {
                for name in names { #expect(sections[name] == title, "\(name) listed under \(sections[name] ?? "nothing")") }
            }
            // Each section once (a category spelled two ways, such as "control" and "Control", splits it).
            let titles = help.split(separator: "\n").filter { $0.hasPrefix("== ") }
            #expect(titles.count == Set(titles).count, "\(titles)")
            // fluxd's "hidden" calls are served and have help, but are not listed.
            #expect(sections["invalidateblock"] == nil && sections["reconsiderblock"] == nil)
            #expect(!titles.contains("== Hidden =="))
            let hidden = try #require(try await rpc.call("help", params: ["invalidateblock"]).stringValue)
            #expect(hidden.hasPrefix("invalidateblock \"hash\""))
            let text = try #require(try await rpc.call("help", params: ["signmessage"]).stringValue)
            #expect(text.hasPrefix("signmessage \"t-addr\" \"message\""))
        }
    }

    @Test func validateaddressDescribesWalletKeysAndHeldRedeemScripts() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let rpc = rpcClient(node)
            let a = try #require(try await rpc.call("getnewaddress").stringValue)
            let b = try #require(try await rpc.call("getnewaddress").stringValue)
            let mine = try await rpc.call("validateaddress", params: [.string(a)])
            let key = try #require(mine["pubkey"]?.stringValue.flatMap { Hex.decode($0) })
            #expect(Base58.encodeCheck(Self.pubKeyHashPrefix + Hashing.hash160(key)) == a)
            #expect(mine["iscompressed"] == .bool(key.count == 33))
            #expect(mine["isscript"] == .bool(false) && mine["ismine"] == .bool(true))

            // A key the wallet does not hold: valid, without pubkey.
            let foreign = Base58.encodeCheck(Self.pubKeyHashPrefix + Hashing.hash160(Self.publicKey(7)))
            let other = try await rpc.call("validateaddress", params: [.string(foreign)])
            #expect(other["ismine"] == .bool(false) && other["pubkey"] == nil && other["iscompressed"] == nil)

            // A 2-of-3 multisig the wallet holds the redeem script of: type, hex, addresses, sigsrequired.
            let third = Hex.encode(Self.publicKey(9))
            let p2sh = try #require(try await rpc.call("addmultisigaddress", params: [2, .array([.string(a), .string(b), .string(third)])]).stringValue)
            let info = try await rpc.call("validateaddress", params: [.string(p2sh)])
            #expect(info["isscript"] == .bool(true))
            #expect(info["script"] == "multisig")
            #expect(info["sigsrequired"] == .int(2))
            let addresses = try #require(info["addresses"]?.arrayValue)
            #expect(addresses.count == 3 && addresses.first == .string(a))
            let hex = try #require(info["hex"]?.stringValue.flatMap { Hex.decode($0) })
            #expect(Self.p2sh(hex) == p2sh)
            // Not held: isscript only.
            let unknown = Self.p2sh([0x51])
            let bare = try await rpc.call("validateaddress", params: [.string(unknown)])
            #expect(bare["isscript"] == .bool(true) && bare["script"] == nil)
        }
    }
}
