import FluxConsensus
import FluxPrimitives
import Testing

@Suite("Subsidy, FluxNode payouts and funding")
struct SubsidyTests {
    let main = ChainParameters.mainnet

    @Test func powPointsFromScheduleFile() throws {
        let points = try JSONValue.fixture("flux_subsidy_schedule.json")["pow_points"].array
        #expect(points.count == 19)
        for p in points {
            let h = try #require(p["height"].int)
            #expect(main.blockSubsidy(at: h).units == p["subsidy"].int64, "height \(h)")
            if p["tiers"].isNull {
                #expect(main.fluxnodePayouts(at: h) == [.zero, .zero, .zero], "height \(h)")
            } else {
                let tiers = p["tiers"].array.compactMap(\.int64)
                #expect(main.fluxnodePayouts(at: h).map(\.units) == tiers, "height \(h)")
                let remainder = main.fluxnodePayouts(at: h).reduce(main.blockSubsidy(at: h)) { $0 - $1 }
                #expect(remainder.units == p["remainder"].int64, "height \(h)")
                #expect(main.devFundMinimum(at: h) == nil)
            }
        }
    }

    @Test func ponYearsFromScheduleFile() throws {
        let years = try JSONValue.fixture("flux_subsidy_schedule.json")["pon_years"].array
        #expect(years.count == 22)
        for y in years {
            let year = try #require(y["year"].int)
            let first = try #require(y["first_height"].int)
            #expect(first == 2_020_000 + year * 1_051_200)
            let tiers = y["tiers"].array.compactMap(\.int64)
            for h in [first, first + 1_051_199] {
                #expect(main.blockSubsidy(at: h).units == y["subsidy"].int64, "year \(year) height \(h)")
                #expect(main.fluxnodePayouts(at: h).map(\.units) == tiers, "year \(year)")
                #expect(main.devFundMinimum(at: h)?.units == y["dev_fund_min"].int64, "year \(year)")
                #expect(main.devFundOutput(at: h)?.amount.units == y["dev_fund_min"].int64)
            }
        }
    }

    @Test func powBoundaries() {
        #expect(main.blockSubsidy(at: 0) == .zero)
        #expect(main.blockSubsidy(at: -1) == .zero)
        #expect(main.blockSubsidy(at: 1) == .coins(13_020_000))
        #expect(main.blockSubsidy(at: 2) == Amount(units: 6_000_000))
        #expect(main.blockSubsidy(at: 657_849) == .coins(150))
        #expect(main.blockSubsidy(at: 657_850) == .coins(75))
        #expect(main.blockSubsidy(at: 1_313_199) == .coins(75))
        #expect(main.blockSubsidy(at: 1_313_200) == Amount(units: 3_750_000_000))
        #expect(main.blockSubsidy(at: 1_968_549) == Amount(units: 3_750_000_000), "no third halving")
        #expect(main.blockSubsidy(at: 1_968_550) == Amount(units: 3_750_000_000), "no third halving")
        #expect(main.blockSubsidy(at: 2_019_999) == Amount(units: 3_750_000_000))
        #expect(main.blockSubsidy(at: 2_020_000) == .coins(14))
        // Without PoN the 37.5 cap holds until fluxd's 64-halvings rule (checked first) gives zero.
        let noPoN = try? main.withUpgradeHeights([UpgradeOverride(upgrade: .pon, height: nil)])
        #expect(noPoN?.blockSubsidy(at: 2500 + 64 * 655_350 - 1) == Amount(units: 3_750_000_000))
        #expect(noPoN?.blockSubsidy(at: 2500 + 64 * 655_350) == .zero)
    }

    @Test func ponReductionsAndCap() {
        #expect(main.blockSubsidy(at: 3_071_199) == .coins(14))
        #expect(main.blockSubsidy(at: 3_071_200) == Amount(units: 1_260_000_000))
        #expect(main.blockSubsidy(at: 2_020_000 + 20 * 1_051_200) == Amount(units: 170_207_313))
        #expect(main.blockSubsidy(at: 2_020_000 + 20 * 1_051_200 - 1) == Amount(units: 189_119_237))
        #expect(main.blockSubsidy(at: 2_020_000 + 80 * 1_051_200) == Amount(units: 170_207_313))
    }

    @Test func payoutsBeforePaymentsStartAndAtFluxUpgrade() {
        #expect(main.fluxnodePayout(.stratus, at: 559_999) == .zero)
        #expect(main.fluxnodePayout(.stratus, at: 560_000) == Amount(units: 2_250_000_000))
        #expect(main.fluxnodePayout(.cumulus, at: 835_553) == Amount(units: 281_250_000))
        #expect(main.fluxnodePayout(.cumulus, at: 835_554) == Amount(units: 562_500_000))
        #expect(main.fluxnodePayout(.nimbus, at: 2_020_000) == Amount(units: 350_000_000))
        #expect(main.devFundMinimum(at: 2_020_000) == Amount(units: 50_000_000))
        #expect(main.devFundMinimum(at: 2_019_999) == nil)
    }

    @Test func emissionTotalsUpToProofOfNode() {
        var subsidy: Int64 = 0
        var funding: Int64 = 0
        for h in 1..<2_020_000 {
            subsidy += main.blockSubsidy(at: h).units
            funding += main.fundingTotal(at: h).units
        }
        #expect(subsidy == 18_697_874_997_000_000)   // 186,978,749.97 FLUX
        #expect(funding == Amount.coins(230_000_000).units)
    }

    @Test func testnetSubsidy() {
        let t = ChainParameters.testnet
        #expect(t.blockSubsidy(at: 0) == .coins(150))
        #expect(t.blockSubsidy(at: 1) == .coins(13_020_000))
        #expect(t.blockSubsidy(at: 2) == .coins(150))
        #expect(t.blockSubsidy(at: 799) == .coins(150))
        #expect(t.blockSubsidy(at: 800) == .coins(14))
        #expect(t.blockSubsidy(at: 800 + 525_600) == Amount(units: 1_260_000_000))
        #expect(t.fluxnodePayout(.cumulus, at: 349) == .zero)
        #expect(t.fluxnodePayout(.cumulus, at: 350) == Amount(units: 562_500_000))
        #expect(t.fluxnodePayout(.cumulus, at: 420) == Amount(units: 1_125_000_000))
    }

    @Test func regtestSubsidy() throws {
        let r = ChainParameters.regtest
        #expect(r.blockSubsidy(at: 0) == .coins(150))
        #expect(r.blockSubsidy(at: 1) == .coins(13_020_000))
        #expect(r.blockSubsidy(at: 149) == .coins(150))
        #expect(r.blockSubsidy(at: 150) == .coins(75))
        #expect(r.blockSubsidy(at: 300) == Amount(units: 3_750_000_000))
        #expect(r.blockSubsidy(at: 9599) == Amount(units: 3_750_000_000))
        #expect(r.blockSubsidy(at: 9600) == .zero, "64 halvings of 150 blocks")
        #expect(r.fluxnodePayout(.cumulus, at: 100) == Amount(units: 562_500_000), "Flux upgrade off: ×1")
        let p = try ChainParameters.regtest(upgradeOverrides: [UpgradeOverride(upgrade: .pon, height: 300)])
        #expect(p.blockSubsidy(at: 299) == .coins(75))
        #expect(p.blockSubsidy(at: 300) == .coins(14))
        #expect(p.blockSubsidy(at: 399) == .coins(14))
        #expect(p.blockSubsidy(at: 400) == Amount(units: 1_260_000_000))
        #expect(p.blockSubsidy(at: 1300) == Amount(units: 488_149_815), "ten reductions")
        #expect(p.blockSubsidy(at: 5000) == Amount(units: 488_149_815), "capped at ten")
        #expect(p.devFundMinimum(at: 300) == Amount(units: 50_000_000))
        #expect(p.devFundOutput(at: 300)?.script == r.funding.devFund.script)
    }

    @Test func mainnetFundingOutputs() {
        let f = main.funding
        #expect(main.fundingOutputs(at: 836_273).isEmpty)
        #expect(main.fundingOutputs(at: 836_274)
            == [FundingOutput(kind: .exchange, script: f.exchange.destination.script, amount: .coins(7_500_000))])
        #expect(main.fundingOutputs(at: 836_994)
            == [FundingOutput(kind: .foundation, script: f.foundation.destination.script, amount: .coins(2_500_000))])
        let swapHeights = (0..<10).map { 837_714 + 21_600 * $0 }
        #expect(f.swapPool.payoutHeights == swapHeights)
        #expect(swapHeights.last == 1_032_114)
        for h in swapHeights {
            #expect(main.fundingOutputs(at: h)
                == [FundingOutput(kind: .swapPool, script: f.swapPool.destination.script, amount: .coins(22_000_000))])
            #expect(main.fundingOutputs(at: h + 1).isEmpty)
        }
        #expect(main.fundingOutputs(at: 1_032_114 + 21_600).isEmpty)
        #expect(main.fundingOutputs(at: 837_714 - 21_600).isEmpty)
        #expect(main.fundingTotal(at: 836_274) == .coins(7_500_000))
        #expect(main.devFundOutput(at: 2_019_999) == nil)
        let dev = main.devFundOutput(at: 2_020_000)
        #expect(dev?.kind == .devFund)
        #expect(dev?.script.bytes == Hex.decode("a914fa742817c4a665fccc70ce4cb40bdb71ba345db787"))
    }

    @Test func regtestFundingAllAtHeightTen() {
        let r = ChainParameters.regtest
        #expect(r.fundingOutputs(at: 10).map(\.kind) == [.exchange, .foundation, .swapPool])
        #expect(r.fundingTotal(at: 10) == .coins(3_000_000 + 2_500_000 + 2_100_000))
        for h in [20, 30, 40, 50] { #expect(r.fundingOutputs(at: h).map(\.kind) == [.swapPool]) }
        #expect(r.fundingOutputs(at: 60).isEmpty)
        #expect(r.fundingOutputs(at: 15).isEmpty)
    }
}
