import Testing
import FluxJSON
import FluxPrimitives

@Suite struct ScriptDescriptionTests {
    let mainnet = Base58Prefixes(pubKeyHash: [0x1c, 0xb8], scriptHash: [0x1c, 0xbd], secretKey: [0x80])

    @Test func smallPushesPrintAsScriptNumbers() {
        // OP_0, push 1 byte 0x81 (-1), push 2 bytes 0xff00 (255), OP_1NEGATE, OP_16, push 4 bytes.
        let s = Script([0x00, 0x01, 0x81, 0x02, 0xff, 0x00, 0x4f, 0x60, 0x04, 0x01, 0x02, 0x03, 0x04])
        #expect(ScriptDescription.asm(s) == "0 -1 255 -1 16 67305985")
    }

    @Test func longPushesPrintAsHexAndOpcodesByName() {
        let hash = [UInt8](repeating: 0xab, count: 20)
        let s = Script.payToPubKeyHash(hash)
        #expect(ScriptDescription.asm(s) == "OP_DUP OP_HASH160 " + Hex.encode(hash) + " OP_EQUALVERIFY OP_CHECKSIG")
    }

    @Test func truncatedPushPrintsError() {
        #expect(ScriptDescription.asm(Script([0x76, 0x05, 0x01])) == "OP_DUP [error]")
        #expect(ScriptDescription.asm(Script([0x4c])) == "[error]")
    }

    @Test func signaturesGetTheirSighashSuffixOnlyWhenAsked() {
        // A minimal strict-DER signature: 30 06 02 01 01 02 01 01, then SIGHASH_ALL.
        let sig: [UInt8] = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x01]
        var s = Script([])
        s.appendPush(sig)
        #expect(ScriptDescription.asm(s, decodeSignatures: true) == "3006020101020101[ALL]")
        #expect(ScriptDescription.asm(s) == "300602010102010101")
        var anyone = sig
        anyone[anyone.count - 1] = 0x83
        var t = Script([])
        t.appendPush(anyone)
        #expect(ScriptDescription.asm(t, decodeSignatures: true) == "3006020101020101[SINGLE|ANYONECANPAY]")
        var undefined = sig
        undefined[undefined.count - 1] = 0x04
        var u = Script([])
        u.appendPush(undefined)
        #expect(ScriptDescription.asm(u, decodeSignatures: true) == Hex.encode(undefined))
    }

    @Test func classifiesStandardOutputs() {
        let h = [UInt8](repeating: 1, count: 20)
        #expect(ScriptDescription.classify(.payToPubKeyHash(h)).type == .pubkeyhash)
        #expect(ScriptDescription.classify(.payToScriptHash(h)).type == .scripthash)
        #expect(ScriptDescription.classify(Script([0x6a, 0x02, 0x01, 0x02])).type == .nulldata)
        #expect(ScriptDescription.classify(Script([0x6a, 0x76])).type == .nonstandard)
        #expect(ScriptDescription.classify(Script([0x51])).type == .nonstandard)
        let key2 = [0x02] + [UInt8](repeating: 7, count: 32)
        let key3 = [0x03] + [UInt8](repeating: 9, count: 32)
        var multi = Script([0x51])
        multi.appendPush(key2)
        multi.appendPush(key3)
        multi.bytes += [0x52, 0xae]
        let c = ScriptDescription.classify(multi)
        #expect(c.type == .multisig && c.required == 1 && c.addresses.count == 2)
        var badMulti = Script([0x53])   // 3-of-2 is not standard
        badMulti.appendPush(key2)
        badMulti.appendPush(key3)
        badMulti.bytes += [0x52, 0xae]
        #expect(ScriptDescription.classify(badMulti).type == .nonstandard)
    }

    @Test func scriptPubKeyJSONOmitsAddressesForNonStandardScripts() {
        let o = JSONValue.object(TransactionJSON.scriptPubKey(Script([0x6a]), prefixes: mainnet))
        #expect(o.serialized() == #"{"asm":"OP_RETURN","hex":"6a","type":"nulldata"}"#)
        let p = JSONValue.object(TransactionJSON.scriptPubKey(.payToScriptHash(
            Hex.decode("349284cf14b6d7f800838b7d69b075f8a0371b4c")!), prefixes: mainnet))
        #expect(p["addresses"] == .array(["t3PMbbA5YBMrjSD3dD16SSdXKuKovwmj6tS"]))
        #expect(p["reqSigs"] == .number("1"))
    }

    @Test func amountsPrintWithEightDecimals() {
        #expect(TransactionJSON.amount(Amount(units: 0)) == .number("0.00000000"))
        #expect(TransactionJSON.amount(Amount(units: -50_000_000)) == .number("-0.50000000"))
        #expect(TransactionJSON.amount(.coins(22_000_000)) == .number("22000000.00000000"))
    }

    @Test func jsonEscapesAndIndents() {
        let v: JSONValue = .object([("a", .string("q\"\\\n\u{01}")), ("b", .array([1, true, .null]))])
        #expect(v.serialized() == #"{"a":"q\"\\\n\u0001","b":[1,true,null]}"#)
        #expect(v.pretty() == "{\n  \"a\": \"q\\\"\\\\\\n\\u0001\",\n  \"b\": [\n    1,\n    true,\n    null\n  ]\n}")
    }

    @Test func difficultyIsRelativeToTheNetworkLimit() {
        #expect(BlockJSON.difficulty(bits: 0x1f07ffff, powLimitBits: 0x1f07ffff) == 1)
        #expect(BlockJSON.difficulty(bits: 0x1e07ffff, powLimitBits: 0x1f07ffff) == 256)
        #expect(BlockJSON.difficulty(bits: 0x1f03ffff, powLimitBits: 0x1f07ffff) > 2)
    }
}
