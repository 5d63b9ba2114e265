import FluxPrimitives
import FluxScript
import Testing
@testable import FluxNodeModel

@Suite struct StoreAndEncodingTests {
    static let sample = FluxNodeRecord(
        collateral: OutPoint(hash: Hashing.sha256d([9]), index: 7), tier: .nimbus, collateralValue: 12_500 * coin,
        status: .confirmed, addedHeight: 1_000, confirmedHeight: 1_001, lastConfirmedHeight: 1_200, lastPaidHeight: 1_150,
        collateralPubKey: testKey(1).publicKey().bytes, operatorPubKey: testKey(2).publicKey(compressed: false).bytes,
        redeemScript: [0x51, 0x21] + [UInt8](repeating: 2, count: 33) + [0x51, 0xae],
        payeeScript: Script.payToScriptHash([UInt8](repeating: 3, count: 20)).bytes, ipBytes: Array("[2001:db8::1]:16125".utf8),
        startTxid: Hashing.sha256d([4]), txVersion: 6, fluxTxVersion: 2, startSigTime: 1_700_000_000,
        confirmSigTime: 1_700_000_100, benchmarkTier: 3, benchmarkSigTime: 1_700_000_050)

    @Test func recordEncodingRoundTrips() throws {
        let r = Self.sample
        #expect(try FluxNodeRecord(encoded: r.encoded) == r)
        var plain = r
        plain.redeemScript = nil
        plain.fluxTxVersion = nil
        plain.status = .started
        plain.ipBytes = []
        #expect(try FluxNodeRecord(encoded: plain.encoded) == plain)
        #expect(r.encoded.first == FluxNodeRecord.formatVersion)
    }

    @Test func recordDecodingRejectsGarbageWithoutTrapping() {
        let good = Self.sample.encoded
        var bad: [[UInt8]] = [[], [0], [2] + good.dropFirst(), good + [0], Array(good.dropLast())]
        for cut in stride(from: 0, to: good.count, by: 7) { bad.append(Array(good.prefix(cut))) }
        var tierByte = good
        tierByte[37] = 9
        bad.append(tierByte)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var g = good
            g[Int.random(in: 1..<g.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            _ = try? FluxNodeRecord(encoded: g)  // must not trap
            bad.append((0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
        for b in bad.prefix(10 + good.count / 7) {
            #expect(throws: FluxNodeStoreError.self) { try FluxNodeRecord(encoded: b) }
        }
        for b in bad { _ = try? FluxNodeRecord(encoded: b) }
    }

    @Test func inMemoryStoreSeeksLikeASortedMap() throws {
        let store = InMemoryFluxNodeStore()
        var reference: [[UInt8]: [UInt8]] = [:]
        var rng = SystemRandomNumberGenerator()
        for i in 0..<5_000 {
            let key = [UInt8.random(in: 1...3, using: &rng)] + (0..<Int.random(in: 0...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if i % 5 == 4, let victim = reference.keys.randomElement(using: &rng) {
                try store.delete(victim)
                reference[victim] = nil
            } else {
                try store.put(key, [UInt8(i & 0xff)])
                reference[key] = [UInt8(i & 0xff)]
            }
        }
        let sorted = reference.keys.sorted { compareBytes($0, $1) < 0 }
        #expect(store.entries.map(\.key) == sorted)
        #expect(store.count == reference.count)
        for k in sorted.prefix(200) { #expect(try store.get(k) == reference[k]) }
        for _ in 0..<300 {
            let prefix = [UInt8.random(in: 0...4, using: &rng)] + (Bool.random(using: &rng) ? [UInt8.random(in: 0...255, using: &rng)] : [])
            let from = prefix + (0..<Int.random(in: 0...3, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let expected = sorted.first { hasPrefix($0, prefix) && compareBytes($0, from) >= 0 }
            #expect(try store.seek(prefix: prefix, from: from)?.key == expected)
        }
        #expect(try store.get([0xff]) == nil)
    }

    @Test func messagesHaveFluxdsExactFormat() throws {
        let txid = try #require(Hash256(displayHex: "1a2b3c4d5e" + String(repeating: "0", count: 54)))
        let op = OutPoint(hash: txid, index: 0)
        #expect(FluxNodeTransactions.confirmMessage(collateral: op, updateType: 1, sigTime: 1_700_000_000)
                == "COutPoint(1a2b3c4d5e, 0)011700000000")
        #expect(FluxNodeTransactions.benchmarkMessage(sig: [0x41, 0x42], benchmarkTier: 2, benchmarkSigTime: 7, ip: Array("1.2.3.4".utf8))
                == Array("AB271.2.3.4".utf8))
        #expect(FluxNodeTransactions.startMessage(txid: txid) == txid.description)
    }

    @Test func everyStoredKeyAvoidsTheHostPrefix() throws {
        let h = Harness()
        let nodes = (1...4).map { h.newNode(UInt8($0), value: 1_000 * coin) }
        try h.startAndConfirm(Array(nodes.prefix(2)))
        try h.connect([h.startTx(nodes[2])])
        try h.mine(to: 130)
        #expect(h.store.entries.allSatisfy { $0.key.first != 0x00 })
        #expect(h.store.entries.count > 4)
    }

    @Test func proofOfNodeHelpers() throws {
        let h = Harness()
        let node = h.newNode(1, value: 1_000 * coin)
        try h.startAndConfirm([node])
        let genesis = h.network.genesisTime
        #expect(h.ledger.ponSlot(time: genesis) == 0 && h.ledger.ponSlot(time: genesis + 61) == 2)
        // Regtest skips the hash check: any confirmed node is eligible.
        #expect(try h.ledger.isPonEligible(node.collateral, previousBlockHash: .zero, time: genesis + 100, bits: 0x1d00ffff, store: h.store))
        let other = OutPoint(hash: Hashing.sha256d([5]), index: 0)
        #expect(try !h.ledger.isPonEligible(other, previousBlockHash: .zero, time: genesis + 100, bits: 0x1d00ffff, store: h.store))
        // With the check, a hard target rejects and the easiest accepts.
        var n = h.network
        n.checksPonHash = true
        let strict = FluxNodeLedger(network: n)
        #expect(try !strict.isPonEligible(node.collateral, previousBlockHash: .zero, time: genesis + 100, bits: 0x0300_0001, store: h.store))
        #expect(try strict.isPonEligible(node.collateral, previousBlockHash: .zero, time: genesis + 100, bits: 0x2100_ffff, store: h.store))
        var w = ByteWriter()
        node.collateral.encode(to: &w)
        w.writeHash(.zero)
        w.writeLE(UInt32(3))
        #expect(FluxNodeLedger.ponHash(collateral: node.collateral, previousBlockHash: .zero, slot: 3) == Hashing.sha256d(w.bytes))
    }
}
