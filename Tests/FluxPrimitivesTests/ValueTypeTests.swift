import FluxPrimitives
import FluxTestSupport
import Testing

@Suite("Amount")
struct AmountTests {
    @Test func moneyRangeIsZeroThroughMaxMoney() {
        #expect(Amount.maxMoney.units == 44_000_000_000_000_000)
        #expect(Amount.zero.isInMoneyRange && Amount.maxMoney.isInMoneyRange)
        #expect(!Amount(units: -1).isInMoneyRange)
        #expect(!Amount(units: Amount.maxMoney.units + 1).isInMoneyRange)
        #expect(Amount.coins(3) == Amount(units: 300_000_000))
        let literal: Amount = 5
        #expect(literal.units == 5)
    }

    @Test func checkedSumRejectsOutOfRangeAndOverflow() {
        #expect(Amount.checkedSum([Amount.coins(1), Amount.coins(2)]) == Amount.coins(3))
        #expect(Amount.checkedSum([Amount]()) == .zero)
        #expect(Amount.checkedSum([Amount.maxMoney, Amount(units: 0)]) == .maxMoney)
        #expect(Amount.checkedSum([Amount.maxMoney, Amount(units: 1)]) == nil)
        #expect(Amount.checkedSum([Amount(units: -1)]) == nil)
        #expect(Amount.checkedSum([Amount(units: .max), Amount(units: .max)]) == nil)
        #expect(Amount.checkedSum([Amount.maxMoney, Amount(units: .max)]) == nil)
    }

    @Test func descriptionHasEightFractionalDigits() {
        #expect(Amount(units: 1).description == "0.00000001")
        #expect(Amount(units: -150_000_000).description == "-1.50000000")
        #expect(Amount.maxMoney.description == "440000000.00000000")
        #expect(Amount.zero.description == "0.00000000")
        #expect(Amount(units: -1).description == "-0.00000001")
        #expect(Amount(units: .min).description == "-92233720368.54775808")
    }

    @Test func arithmeticAndOrdering() {
        #expect(Amount.coins(2) - Amount.coins(3) == Amount(units: -100_000_000))
        #expect(Amount.coins(2) + Amount(units: 1) == Amount(units: 200_000_001))
        #expect(Amount(units: -5) < .zero)
    }
}

@Suite("Hash256")
struct Hash256Tests {
    @Test func displayHexIsByteReversed() throws {
        let internalOrder = Array(0..<32).map(UInt8.init)
        let hash = Hash256(internalOrder)
        #expect(hash.bytes == internalOrder)
        #expect(hash.internalHex == Hex.encode(internalOrder))
        #expect(hash.description == Hex.encode(internalOrder.reversed()))
        #expect(Hash256(displayHex: hash.description) == hash)
        #expect(Hash256(internalHex: hash.internalHex) == hash)
        #expect(Hash256(displayHex: "00") == nil && Hash256(displayHex: String(repeating: "zz", count: 32)) == nil)
        #expect(Hash256.zero.isZero && !hash.isZero)
        #expect(hash.withUnsafeBytes { Array($0) } == internalOrder)
    }

    @Test func lessThanIsNumericLittleEndianWhileLexicographicIsMemcmp() {
        // a: internalOrder bytes 01 00 … 00 (the number 1). b: internalOrder bytes 00 … 00 01 (the number 2^248).
        let a = Hash256([1] + bytes(0, 31))
        let b = Hash256(bytes(0, 31) + [1])
        #expect(a < b, "numerically 1 < 2^248")
        #expect(b.lexicographicallyPrecedes(a), "memcmp: 00… < 01…")
        #expect(!a.lexicographicallyPrecedes(b) && !(b < a))
        // Ordering across word boundaries.
        let c = Hash256(bytes(0, 8) + [1] + bytes(0, 23))       // 2^64
        let d = Hash256(bytes(0xff, 8) + bytes(0, 24))           // 2^64 − 1
        #expect(d < c && c.lexicographicallyPrecedes(d), "numeric and memcmp order disagree again")
        #expect([b, c, a, d].sorted() == [a, d, c, b])
    }

    @Test func outPointOrdersByMemcmpOfTxidThenIndex() {
        let a = OutPoint(hash: Hash256([1] + bytes(0, 31)), index: 0)
        let b = OutPoint(hash: Hash256(bytes(0, 31) + [1]), index: 5)
        #expect(b < a)
        #expect(OutPoint(hash: a.hash, index: 0) < OutPoint(hash: a.hash, index: 1))
        #expect(a.shortDescription == "COutPoint(0000000000, 0)")
        #expect(OutPoint.null.isNull && OutPoint.null.serialized == bytes(0, 32) + bytes(0xff, 4))
        #expect(b.description == "COutPoint(\(b.hash), 5)")
    }
}

@Suite("Hashing")
struct HashingTests {
    @Test func knownAnswers() {
        let abc = Array("abc".utf8)
        #expect(Hex.encode(Hashing.sha256(abc)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(Hashing.ripemd160(abc)) == "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc")
        #expect(Hex.encode(Hashing.sha256([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(Hashing.ripemd160([UInt8]())) == "9c1185a5c5e9fc54612808977ee8f548b2258d31")
        // HASH160("abc") = RIPEMD160(SHA256("abc")).
        #expect(Hex.encode(Hashing.hash160(abc)) == "bb1be98c142444d7a56aa3981c3942a978e4dc33")
        #expect(Hashing.hash160(abc) == Hashing.ripemd160(Hashing.sha256(abc)))
        // SHA256d("abc"), internalOrder order.
        #expect(Hashing.sha256d(abc).internalHex == "4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358")
        #expect(Hashing.sha256d(abc[...]) == Hashing.sha256d(abc), "slices hash like arrays")
    }
}

@Suite("Hex")
struct HexTests {
    @Test func encodesLowercaseAndDecodesEitherCase() {
        #expect(Hex.encode([0x00, 0xab, 0xff]) == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xab, 0xff])
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("abc") == nil && Hex.decode("0g") == nil && Hex.decode("0x00") == nil)
    }
}

@Suite("Script")
struct ScriptTests {
    static let hash20 = Array(1...20).map(UInt8.init)

    @Test func detectsPayToPubKeyHashAndScriptHash() {
        let p2pkh = Script.payToPubKeyHash(Self.hash20)
        #expect(p2pkh.bytes == [0x76, 0xa9, 0x14] + Self.hash20 + [0x88, 0xac])
        #expect(p2pkh.pubKeyHash == Self.hash20 && p2pkh.scriptHash == nil)
        let p2sh = Script.payToScriptHash(Self.hash20)
        #expect(p2sh.bytes == [0xa9, 0x14] + Self.hash20 + [0x87])
        #expect(p2sh.scriptHash == Self.hash20 && p2sh.pubKeyHash == nil)
        var notQuite = p2pkh
        notQuite.bytes[24] = Opcode.checkMultisig
        #expect(notQuite.pubKeyHash == nil)
        #expect(Script(p2sh.bytes + [0]).scriptHash == nil)
        #expect(Address(script: Script([Opcode.opReturn])) == nil)
        #expect(Address(script: p2sh) == .scriptHash(Self.hash20))
    }

    @Test func encodeNumberIsMinimalSignMagnitude() {
        let cases: [(Int64, [UInt8])] = [
            (0, []), (1, [1]), (-1, [0x81]), (127, [0x7f]), (128, [0x80, 0x00]), (-128, [0x80, 0x80]),
            (255, [0xff, 0x00]), (256, [0x00, 0x01]), (-255, [0xff, 0x80]), (32767, [0xff, 0x7f]),
            (32768, [0x00, 0x80, 0x00]), (2_020_000, [0xa0, 0xd2, 0x1e]),
            (Int64.max, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
        ]
        for (n, expected) in cases { #expect(Script.encodeNumber(n) == expected, "\(n)") }
    }

    @Test func appendNumberUsesSmallIntegerOpcodesThenPushes() {
        func appended(_ n: Int64) -> [UInt8] {
            var s = Script([])
            s.appendNumber(n)
            return s.bytes
        }
        #expect(appended(0) == [Opcode.op0])
        #expect(appended(-1) == [Opcode.op1Negate])
        for n in 1...16 { #expect(appended(Int64(n)) == [Opcode.op1 + UInt8(n - 1)]) }
        #expect(appended(16) == [Opcode.op16])
        #expect(appended(17) == [0x01, 0x11])
        #expect(appended(127) == [0x01, 0x7f])
        #expect(appended(128) == [0x02, 0x80, 0x00])
        #expect(appended(255) == [0x02, 0xff, 0x00])
        #expect(appended(256) == [0x02, 0x00, 0x01])
        #expect(appended(-255) == [0x02, 0xff, 0x80])
        #expect(appended(-2) == [0x01, 0x82])
        // PoN coinbase at height 2,020,000: height push then OP_0.
        var coinbase = Script([])
        coinbase.appendNumber(2_020_000)
        coinbase.appendNumber(0)
        #expect(Hex.encode(coinbase.bytes) == "03a0d21e00")
    }

    @Test func appendPushChoosesTheMinimalOpcode() {
        for (size, prefix): (Int, [UInt8]) in [(0, [0x00]), (75, [75]), (76, [0x4c, 76]), (255, [0x4c, 0xff]),
                                               (256, [0x4d, 0x00, 0x01]), (65_535, [0x4d, 0xff, 0xff]),
                                               (65_536, [0x4e, 0x00, 0x00, 0x01, 0x00])] {
            var s = Script([])
            s.appendPush(bytes(7, size))
            #expect(Array(s.bytes.prefix(prefix.count)) == prefix && s.bytes.count == prefix.count + size, "\(size)")
            // An empty push is OP_0, which `operations` reports as a plain opcode without data.
            #expect(s.operations?.first?.data?.count == (size == 0 ? nil : size), "\(size)")
        }
    }

    @Test func operationsParsePushesAndRejectTruncatedOnes() throws {
        let ops = try #require(Script([0x00, 0x02, 0xaa, 0xbb, 0x4c, 0x01, 0xcc, 0x4d, 0x01, 0x00, 0xdd,
                                       0x4e, 0x01, 0x00, 0x00, 0x00, 0xee, 0x76, 0x51]).operations)
        #expect(ops.map(\.opcode) == [0x00, 0x02, 0x4c, 0x4d, 0x4e, 0x76, 0x51])
        #expect(ops.map(\.data) == [nil, [0xaa, 0xbb], [0xcc], [0xdd], [0xee], nil, nil])
        #expect(Script([]).operations == [])
        for truncated: [UInt8] in [[0x02, 0xaa], [0x4c], [0x4c, 0x02, 0x01], [0x4d, 0x01], [0x4d, 0x02, 0x00, 0x01],
                                   [0x4e, 0x01, 0x00, 0x00], [0x4e, 0xff, 0xff, 0xff, 0xff, 0x00], [0x76, 0x4b]] {
            #expect(Script(truncated).operations == nil, "\(truncated)")
        }
    }

    @Test func scriptWireFormIsLengthPrefixed() throws {
        let script = Script([0x51, 0x52])
        #expect(script.serialized == [2, 0x51, 0x52])
        #expect(try Script(serialized: [2, 0x51, 0x52]) == script)
        let literal: Script = [0x6a, 0x01, 0x00]
        #expect(literal.bytes == [0x6a, 0x01, 0x00])
    }

    @Test func opcodeNamesFollowFluxd() {
        #expect(Opcode.name(0x00) == "0" && Opcode.name(0x4f) == "-1" && Opcode.name(0x51) == "1")
        #expect(Opcode.name(0x60) == "16" && Opcode.name(0x76) == "OP_DUP" && Opcode.name(0xb1) == "OP_CHECKLOCKTIMEVERIFY")
        #expect(Opcode.name(0xba) == "OP_UNKNOWN" && Opcode.name(0xff) == "OP_INVALIDOPCODE")
    }
}
