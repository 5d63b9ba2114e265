import Foundation
import FluxPrimitives
import FluxScript
import Testing
@testable import FluxNodeModel

/// `Fixtures/fluxnode_payouts.json`: node payouts of fluxd's subsidy schedule (mainnet heights).
struct PayoutFixture {
    struct Point {
        let height: Int
        let subsidy: Int64
        let tiers: [Int64]
    }
    let pow: [Point]
    let pon: [Point]

    static func load() throws -> PayoutFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fluxnode_payouts.json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        func points(_ key: String, heightKey: String) throws -> [Point] {
            let list = try #require(json[key] as? [[String: Any]])
            return try list.map { p in
                Point(height: try #require((p[heightKey] as? NSNumber)?.intValue),
                      subsidy: try #require((p["subsidy"] as? NSNumber)?.int64Value),
                      tiers: try #require((p["tiers"] as? [NSNumber])?.map(\.int64Value)))
            }
        }
        return PayoutFixture(pow: try points("pow_points", heightKey: "height"),
                             pon: try points("pon_years", heightKey: "first_height"))
    }
}

@Suite struct PayoutTests {
    @Test func amountsMatchFluxdScheduleToTheUnit() throws {
        let f = try PayoutFixture.load()
        #expect(f.pow.count >= 5 && f.pon.count >= 5)
        for p in f.pow + f.pon {
            let got = FluxNodeTier.allCases.map { FluxNodeNetwork.mainnet.payout($0, height: p.height, subsidy: p.subsidy) }
            #expect(got == p.tiers, "height \(p.height)")
        }
    }

    @Test func threeNodesRotateInFluxdOrderPreProofOfNode() throws {
        let h = Harness()  // regtest: payments from 100, no Flux upgrade (multiplier 1)
        let nodes = (1...3).map { h.newNode(UInt8($0), value: 1_000 * coin) }
        try h.startAndConfirm(nodes)  // confirmed at 101, never paid: ordered by outpoint (memcmp of txid, then n)
        let order = nodes.map(\.collateral).sorted(by: fluxdOutpointLess)
        #expect(try h.list(.cumulus) == order)
        var paid: [OutPoint] = []
        for _ in 0..<6 {
            try h.connect()
            #expect(h.lastDue.count == 1)
            paid.append(h.lastDue[0].collateral)
            // 150 FLUX × 3.75 % (fixture: height 560,000 with the same subsidy).
            #expect(h.lastDue[0].amount == 562_500_000)
        }
        #expect(paid == order + order)
        #expect(try h.record(nodes[0])?.lastPaidHeight ?? 0 > 101)
        #expect(try h.list(.cumulus) == order)
    }

    @Test func payoutAmountsWithFluxMultiplierAndProofOfNode() throws {
        let f = try PayoutFixture.load()
        // Flux active: 75 FLUX subsidy, doubled percentages (fixture point 835,554).
        let flux = Harness(upgrades: ["kamata": 0, "flux": 0], subsidy: 75 * coin)
        let fluxNodes = [flux.newNode(1, value: 1_000 * coin), flux.newNode(2, value: 12_500 * coin), flux.newNode(3, value: 40_000 * coin)]
        try flux.startAndConfirm(fluxNodes)
        try flux.connect()
        let fluxPoint = try #require(f.pow.first { $0.height == 835_554 })
        #expect(flux.lastDue.map(\.amount) == fluxPoint.tiers)
        #expect(flux.lastDue.map(\.tier) == [.cumulus, .nimbus, .stratus])
        // PoN: integer shares of the host's subsidy, years 0 and 5 of the fixture.
        let pon = Harness(upgrades: ["kamata": 0, "flux": 0, "halving": 0, "p2shnodes": 0, "pon": 0])
        let ponNodes = [pon.newNode(1, value: 1_000 * coin), pon.newNode(2, value: 12_500 * coin), pon.newNode(3, value: 40_000 * coin)]
        try pon.startAndConfirm(ponNodes)
        for year in [0, 5, 20] {
            let point = try #require(f.pon.first { $0.height == [0: 2_020_000, 5: 7_276_000, 20: 23_044_000][year] })
            pon.subsidy = point.subsidy
            try pon.connect()
            #expect(pon.lastDue.map(\.amount) == point.tiers, "PoN year \(year)")
        }
    }

    @Test func unpaidNodesWinTiesAgainstPaidNodes() throws {
        let h = Harness()
        let a = h.newNode(1, value: 1_000 * coin), b = h.newNode(2, value: 1_000 * coin)
        try h.startAndConfirm([a])  // a confirmed at 101
        try h.connect([h.startTx(b)])  // 102: a paid at 102
        try h.connect([h.confirmTx(b)])  // 103: a paid at 103, b confirmed at 103 → both keyed 103
        #expect(h.lastDue.map(\.collateral) == [a.collateral])
        #expect(try h.record(a)?.lastPaidHeight == 103 && h.record(b)?.confirmedHeight == 103)
        #expect(try h.list(.cumulus) == [b.collateral, a.collateral])
        try h.connect()
        #expect(h.lastDue.map(\.collateral) == [b.collateral])
    }

    @Test func paymentIndexKeysSortLikeFluxdsComparator() throws {
        // Random records: byte order of the index keys equals FluxnodeListData::operator<.
        func fluxdLess(_ a: FluxNodeRecord, _ b: FluxNodeRecord) -> Bool {
            let ka = a.paymentOrderHeight, kb = b.paymentOrderHeight
            if a.lastPaidHeight > 0 && b.lastPaidHeight > 0 { return ka < kb || (ka == kb && fluxdOutpointLess(a.collateral, b.collateral)) }
            if a.lastPaidHeight > 0 { return ka < kb }
            if b.lastPaidHeight > 0 { return ka <= kb }
            return ka < kb || (ka == kb && fluxdOutpointLess(a.collateral, b.collateral))
        }
        var rng = SystemRandomNumberGenerator()
        var records: [FluxNodeRecord] = []
        for i in 0..<300 {
            let confirmed = Int.random(in: 1...20, using: &rng)
            let paid = Bool.random(using: &rng) ? Int.random(in: confirmed...25, using: &rng) : 0
            records.append(FluxNodeRecord(
                collateral: OutPoint(hash: Hashing.sha256d([UInt8(i & 0xff), UInt8(i >> 8)]), index: UInt32.random(in: 0...2, using: &rng)),
                tier: .cumulus, collateralValue: 0, status: .confirmed, addedHeight: 0, confirmedHeight: confirmed,
                lastConfirmedHeight: confirmed, lastPaidHeight: paid, collateralPubKey: [], operatorPubKey: [],
                redeemScript: nil, payeeScript: [], startTxid: .zero, txVersion: 5, fluxTxVersion: nil, startSigTime: 0))
        }
        let byFluxd = records.sorted(by: fluxdLess).map(\.collateral)
        let byKey = records.sorted { compareBytes(FluxNodeLedger.paymentKey($0), FluxNodeLedger.paymentKey($1)) < 0 }.map(\.collateral)
        #expect(byFluxd == byKey)
    }

    @Test func coinbaseMissingOrMisdirectingAPayoutIsRejected() throws {
        let h = Harness()
        let node = h.newNode(1, value: 1_000 * coin)
        try h.startAndConfirm([node])
        let due = try h.ledger.payouts(height: h.height + 1, subsidy: h.subsidy, store: h.store)
        #expect(due.count == 1)
        let p = due[0]
        let miner = TxOut(value: Amount(units: h.subsidy - p.amount), scriptPubKey: Script(h.minerScript))
        // Missing.
        #expect(rejectionCode { try h.connect(coinbaseOutputs: [miner]) } == "bad-txns-not-paying-correct-fluxnodes")
        // Right amount, wrong script.
        let elsewhere = TxOut(value: Amount(units: p.amount), scriptPubKey: Script(h.minerScript))
        #expect(rejectionCode { try h.connect(coinbaseOutputs: [miner, elsewhere]) } == "bad-txns-not-paying-correct-fluxnodes")
        // Right script, one unit short.
        let short = TxOut(value: Amount(units: p.amount - 1), scriptPubKey: Script(p.script))
        #expect(rejectionCode { try h.connect(coinbaseOutputs: [miner, short]) } == "bad-txns-not-paying-correct-fluxnodes")
        // Right payout anywhere among the outputs.
        let right = TxOut(value: Amount(units: p.amount), scriptPubKey: Script(p.script))
        try h.connect(coinbaseOutputs: [right, miner])
        #expect(try h.record(node)?.lastPaidHeight == h.height)
    }

    @Test func oneOutputPaysAtMostOneTier() throws {
        // Two tiers with the same payee script and amounts that coincide (a contrived subsidy of 0): one output
        // cannot satisfy both.
        let h = Harness(subsidy: 0)
        let key = testKey(1)
        let script = Script.payToPubKeyHash(key.publicKey().hash160).bytes
        let a = TestNode(collateralKey: key, operatorKey: testKey(101), collateral: h.addCoin(value: 1_000 * coin, script: script))
        let b = TestNode(collateralKey: key, operatorKey: testKey(101), collateral: h.addCoin(value: 12_500 * coin, script: script))
        try h.startAndConfirm([a, b])
        let one = TxOut(value: 0, scriptPubKey: Script(script))
        #expect(rejectionCode { try h.connect(coinbaseOutputs: [one]) } == "bad-txns-not-paying-correct-fluxnodes")
        try h.connect(coinbaseOutputs: [one, one])
    }

    @Test func devFundIsCheckedOnProofOfNodeHeightsWhenConfigured() throws {
        let h = Harness(upgrades: ["kamata": 0, "pon": 0], subsidy: 14 * coin)
        let dev = Script.payToScriptHash([UInt8](repeating: 7, count: 20)).bytes
        var n = h.network
        n.devFundScript = dev
        let ledger = FluxNodeLedger(network: n)
        let cb = Transaction(version: 1, inputs: [TxIn(prevout: .null, scriptSig: Script([1, 1]))],
                             outputs: [TxOut(value: Amount(units: 14 * coin), scriptPubKey: Script(dev))])
        try ledger.checkCoinbase(cb, due: [], height: 200, subsidy: 14 * coin)
        let low = Transaction(version: 1, inputs: cb.inputs,
                              outputs: [TxOut(value: Amount(units: 14 * coin - 1), scriptPubKey: Script(dev))])
        #expect(rejectionCode { try ledger.checkCoinbase(low, due: [], height: 200, subsidy: 14 * coin) } == "bad-txns-not-paying-correct-fluxnodes")
    }
}
