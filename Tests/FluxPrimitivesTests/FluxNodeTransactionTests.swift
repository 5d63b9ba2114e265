import FluxPrimitives
import FluxTestSupport
import Testing

@Suite("FluxNode transactions")
struct FluxNodeTransactionTests {
    // Recognisable sample values.
    static let collateral = OutPoint(hash: Hash256(displayHex: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809")!,
                                     index: 3)
    static let collateralKey: [UInt8] = [0x02] + bytes(0x11, 32)
    static let operatorKey: [UInt8] = [0x04] + bytes(0x22, 64)
    static let signature: [UInt8] = [0x1f] + bytes(0x33, 64)
    static let sigTime: UInt32 = 1_700_000_000
    static let redeemScript = Script([0x52, 0x21] + [0x03] + bytes(0x44, 32) + [0x21] + [0x02] + bytes(0x55, 32)
                                     + [0x52, Opcode.checkMultisig])
    static let delegateKeys: [[UInt8]] = [[0x02] + bytes(0x66, 32), [0x03] + bytes(0x77, 32)]

    static func start(fluxTxVersion: Int32?, usingDelegates: Bool? = nil, delegates: FluxNodeDelegates? = nil,
                      sig: [UInt8] = signature) -> FluxNodeStart {
        let p2sh = fluxTxVersion.map { $0 & FluxNodeStart.p2shBit != 0 } ?? false
        return FluxNodeStart(fluxTxVersion: fluxTxVersion, collateral: collateral,
                             collateralPubKey: p2sh ? [] : collateralKey, pubKey: operatorKey,
                             redeemScript: p2sh ? redeemScript : nil, sigTime: sigTime, sig: sig,
                             usingDelegates: usingDelegates, delegates: delegates)
    }

    static func confirm(sig: [UInt8] = signature, benchmarkSig: [UInt8] = [0x20] + bytes(0x99, 64),
                        ip: String = "203.0.113.5:16125") -> FluxNodeConfirm {
        FluxNodeConfirm(collateral: collateral, sigTime: sigTime, benchmarkTier: 2, benchmarkSigTime: 1_700_000_100,
                        updateType: 1, ip: Array(ip.utf8), sig: sig, benchmarkSig: benchmarkSig)
    }

    /// Parses `tx.serialized`, checks the byte-exact round trip and value equality, and returns the bytes.
    @discardableResult
    func roundTrip(_ tx: Transaction, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
        let raw = tx.serialized
        let parsed = try Transaction(serialized: raw)
        #expect(parsed == tx, sourceLocation: sourceLocation)
        #expect(parsed.serialized == raw, sourceLocation: sourceLocation)
        #expect(parsed.txid == tx.txid, sourceLocation: sourceLocation)
        #expect(parsed.isFluxNode && parsed.inputs.isEmpty && parsed.outputs.isEmpty, sourceLocation: sourceLocation)
        return raw
    }

    // MARK: Exact layouts

    @Test func v5StartMatchesHandAssembledLayout() throws {
        let tx = Transaction.fluxNode(.start(Self.start(fluxTxVersion: nil)), version: 5)
        let txidForm = "05000000" + "02"                                          // header, nType START
            + Self.collateral.hash.internalHex + "03000000"                          // COutPoint
            + "21" + "02" + String(repeating: "11", count: 32)                       // collateralPubkey
            + "41" + "04" + String(repeating: "22", count: 64)                       // pubKey
            + "00f15365"                                                             // sigTime 1700000000 LE
        let expected = txidForm + "41" + "1f" + String(repeating: "33", count: 64)  // [sig]
        #expect(Hex.encode(tx.serialized) == expected)
        #expect(tx.txid == Hashing.sha256d(hexBytes(txidForm)))
        try roundTrip(tx)
    }

    @Test func v5ConfirmMatchesHandAssembledLayout() throws {
        let tx = Transaction.fluxNode(.confirm(Self.confirm()), version: 5)
        let ip = Hex.encode(Array("203.0.113.5:16125".utf8))
        let txidForm = "05000000" + "04" + Self.collateral.hash.internalHex + "03000000"
            + "00f15365" + "02" + "64f15365" + "01" + "11" + ip
        let expected = txidForm + "41" + "1f" + String(repeating: "33", count: 64)
            + "41" + "20" + String(repeating: "99", count: 64)
        #expect(Hex.encode(tx.serialized) == expected)
        #expect(tx.txid == Hashing.sha256d(hexBytes(txidForm)))
        try roundTrip(tx)
    }

    @Test func v6NormalStartWritesFluxTxVersionAfterType() throws {
        let tx = Transaction.fluxNode(.start(Self.start(fluxTxVersion: 1)), version: 6)
        let raw = try roundTrip(tx)
        #expect(Array(raw.prefix(9)) == [6, 0, 0, 0, 2, 1, 0, 0, 0])
        let v5 = Transaction.fluxNode(.start(Self.start(fluxTxVersion: nil)), version: 5).serialized
        #expect(Array(raw.dropFirst(9)) == Array(v5.dropFirst(5)), "v6 normal body == v5 START body")
        guard case let .start(s)? = try Transaction(serialized: raw).fluxNode else {
            Issue.record("not a START")
            return
        }
        #expect(s.isNormal && !s.isP2SH && s.fluxTxVersion == 1 && s.usingDelegates == nil)
    }

    @Test func v6P2SHStartCarriesOperatorKeyThenRedeemScript() throws {
        let tx = Transaction.fluxNode(.start(Self.start(fluxTxVersion: 2)), version: 6)
        let raw = try roundTrip(tx)
        let script = Self.redeemScript.bytes
        let expected: [UInt8] = [6, 0, 0, 0, 2, 2, 0, 0, 0] + Self.collateral.serialized
            + [65] + Self.operatorKey + [UInt8(script.count)] + script
            + [0x00, 0xf1, 0x53, 0x65] + [65] + Self.signature
        #expect(raw == expected)
        guard case let .start(s)? = try Transaction(serialized: raw).fluxNode else {
            Issue.record("not a START")
            return
        }
        #expect(s.isP2SH && !s.isNormal && s.collateralPubKey.isEmpty && s.redeemScript == Self.redeemScript)
    }

    @Test func v6DelegatesStartWithUpdateKeysRoundTrips() throws {
        let delegates = FluxNodeDelegates(version: 1, type: 1, keys: Self.delegateKeys)
        let tx = Transaction.fluxNode(.start(Self.start(fluxTxVersion: 0x0101, usingDelegates: true,
                                                         delegates: delegates)), version: 6)
        let raw = try roundTrip(tx)
        let tail: [UInt8] = [1] + [1, 1] + [2] + [33] + Self.delegateKeys[0] + [33] + Self.delegateKeys[1]
        #expect(Array(raw.suffix(tail.count)) == tail)
        #expect(Array(raw[5..<9]) == [0x01, 0x01, 0, 0])
        // The delegate bytes are part of the txid form; the signature is not.
        let sigEnd = raw.count - tail.count
        let txidForm = Array(raw[..<(sigEnd - 66)]) + tail
        #expect(tx.txid == Hashing.sha256d(txidForm))
    }

    @Test func v6DelegatesStartWithSigningTypeCarriesNoKeys() throws {
        let delegates = FluxNodeDelegates(version: 1, type: 2, keys: [])
        let tx = Transaction.fluxNode(.start(Self.start(fluxTxVersion: 0x0101, usingDelegates: true,
                                                         delegates: delegates)), version: 6)
        let raw = try roundTrip(tx)
        #expect(Array(raw.suffix(3)) == [1, 1, 2])
    }

    @Test func v6DelegatesStartNotUsingDelegatesEndsWithZeroFlag() throws {
        let tx = Transaction.fluxNode(.start(Self.start(fluxTxVersion: 0x0101, usingDelegates: false)), version: 6)
        let raw = try roundTrip(tx)
        #expect(raw.last == 0)
        #expect(Array(raw.suffix(67)) == [65] + Self.signature + [0])
    }

    @Test func v6P2SHStartWithDelegatesBitRoundTrips() throws {
        let delegates = FluxNodeDelegates(version: 1, type: 1, keys: [Self.delegateKeys[0]])
        let tx = Transaction.fluxNode(.start(Self.start(fluxTxVersion: 0x0102, usingDelegates: true,
                                                         delegates: delegates)), version: 6)
        try roundTrip(tx)
    }

    @Test func v6ConfirmHasTheV5Layout() throws {
        let v6 = Transaction.fluxNode(.confirm(Self.confirm()), version: 6)
        let v5 = Transaction.fluxNode(.confirm(Self.confirm()), version: 5)
        #expect(Array(try roundTrip(v6).dropFirst(4)) == Array(v5.serialized.dropFirst(4)))
    }

    // MARK: txid coverage

    @Test func startTxidExcludesSignature() {
        for version: Int32? in [nil, 1, 2, 0x0101] {
            let txVersion: Int32 = version == nil ? 5 : 6
            let a = Transaction.fluxNode(.start(Self.start(fluxTxVersion: version, usingDelegates: version == 0x0101 ? false : nil)), version: txVersion)
            let b = Transaction.fluxNode(.start(Self.start(fluxTxVersion: version, usingDelegates: version == 0x0101 ? false : nil,
                                                           sig: [0x20] + bytes(0xEE, 64))), version: txVersion)
            #expect(a.serialized != b.serialized)
            #expect(a.txid == b.txid)
        }
    }

    @Test func confirmTxidExcludesBothSignatures() {
        let a = Transaction.fluxNode(.confirm(Self.confirm()), version: 5)
        let b = Transaction.fluxNode(.confirm(Self.confirm(sig: [1, 2, 3], benchmarkSig: [])), version: 5)
        #expect(a.serialized != b.serialized && a.txid == b.txid)
        let c = Transaction.fluxNode(.confirm(Self.confirm(ip: "203.0.113.6:16125")), version: 5)
        #expect(c.txid != a.txid)
    }

    @Test func txidCommitsToEveryNonSignatureField() {
        let base = Self.start(fluxTxVersion: 0x0101, usingDelegates: true,
                              delegates: FluxNodeDelegates(version: 1, type: 1, keys: Self.delegateKeys))
        let baseTxid = Transaction.fluxNode(.start(base), version: 6).txid
        var variants: [FluxNodeStart] = []
        var v = base; v.sigTime += 1; variants.append(v)
        v = base; v.collateral.index = 4; variants.append(v)
        v = base; v.pubKey[1] ^= 1; variants.append(v)
        v = base; v.collateralPubKey[1] ^= 1; variants.append(v)
        v = base; v.delegates?.keys[1][5] ^= 1; variants.append(v)
        v = base; v.delegates?.type = 2; v.delegates?.keys = []; variants.append(v)
        v = base; v.usingDelegates = false; v.delegates = nil; variants.append(v)
        for variant in variants {
            #expect(Transaction.fluxNode(.start(variant), version: 6).txid != baseTxid)
        }
        var confirm = Self.confirm()
        let confirmTxid = Transaction.fluxNode(.confirm(confirm), version: 5).txid
        confirm.benchmarkTier = 3
        #expect(Transaction.fluxNode(.confirm(confirm), version: 5).txid != confirmTxid)
        confirm = Self.confirm(); confirm.updateType = 0
        #expect(Transaction.fluxNode(.confirm(confirm), version: 5).txid != confirmTxid)
        confirm = Self.confirm(); confirm.benchmarkSigTime += 1
        #expect(Transaction.fluxNode(.confirm(confirm), version: 5).txid != confirmTxid)
        // The transaction version is hashed too.
        #expect(Transaction.fluxNode(.confirm(Self.confirm()), version: 6).txid != confirmTxid)
    }

    @Test func nonCanonicalUsingDelegatesByteRoundTripsAndHashesAsTrue() throws {
        let tx = Transaction.fluxNode(.start(Self.start(fluxTxVersion: 0x0101, usingDelegates: true,
                                                         delegates: FluxNodeDelegates(version: 1, type: 2, keys: []))),
                                      version: 6)
        var raw = tx.serialized
        #expect(raw[raw.count - 3] == 1)
        raw[raw.count - 3] = 0x02              // fluxd reads a C++ bool: any non-zero byte is true
        let parsed = try Transaction(serialized: raw)
        #expect(parsed.serialized == raw)
        #expect(parsed.txid == tx.txid, "fluxd hashes the re-serialised (normalised) bool")
        guard case let .start(s)? = parsed.fluxNode else {
            Issue.record("not a START")
            return
        }
        #expect(s.usingDelegates == true && s.delegates?.type == 2)
    }

    @Test func oversizedPubKeyBlobHashesAsFluxdReserialisesIt() throws {
        // fluxd's CPubKey keeps the bytes it reads but serialises only as many as the first byte announces.
        var padded = Self.start(fluxTxVersion: nil)
        padded.collateralPubKey = Self.collateralKey + bytes(0xAB, 32)
        let paddedTx = Transaction.fluxNode(.start(padded), version: 5)
        let plainTx = Transaction.fluxNode(.start(Self.start(fluxTxVersion: nil)), version: 5)
        #expect(paddedTx.serialized.count == plainTx.serialized.count + 32)
        #expect(try Transaction(serialized: paddedTx.serialized).serialized == paddedTx.serialized)
        #expect(paddedTx.txid == plainTx.txid)

        // A key with an undefined first byte serialises as an empty key.
        var bogus = Self.start(fluxTxVersion: nil)
        bogus.pubKey = [0x05] + bytes(0x22, 32)
        var empty = Self.start(fluxTxVersion: nil)
        empty.pubKey = []
        #expect(Transaction.fluxNode(.start(bogus), version: 5).txid
            == Transaction.fluxNode(.start(empty), version: 5).txid)
        #expect(Transaction.fluxNode(.start(bogus), version: 5).txid != plainTx.txid)
    }

    // MARK: Rejections

    @Test func rejectsFluxNodeTransactionWithUnknownType() {
        let error = decodingError { _ = try Transaction(serialized: [5, 0, 0, 0, 3] + bytes(0, 60)) }
        #expect(error?.field == "fluxnode.nType" && error?.offset == 4)
        guard case let .invalidValue(message)? = error?.reason else {
            Issue.record("expected invalidValue, got \(String(describing: error))")
            return
        }
        #expect(message.contains("neither START"))
    }

    @Test func rejectsV6StartSelectingNeitherNormalNorP2SHForm() {
        for fluxTxVersion: UInt8 in [0, 4] {
            let raw: [UInt8] = [6, 0, 0, 0, 2, fluxTxVersion, 1, 0, 0] + bytes(0, 100)
            let error = decodingError { _ = try Transaction(serialized: raw) }
            #expect(error?.field == "fluxnode.nFluxTxVersion" && error?.offset == 5)
            if case .invalidValue? = error?.reason {} else { Issue.record("expected invalidValue: \(String(describing: error))") }
        }
    }

    @Test func rejectsPubKeyLongerThan65Bytes() {
        var raw: [UInt8] = [5, 0, 0, 0, 2] + Self.collateral.serialized + [66]
        raw += bytes(2, 66) + [33] + bytes(2, 33) + bytes(0, 4) + [0]
        let error = decodingError { _ = try Transaction(serialized: raw) }
        #expect(error?.field == "fluxnode.collateralPubkey" && error?.reason == .tooLarge(value: 66, limit: 65))
    }
}
