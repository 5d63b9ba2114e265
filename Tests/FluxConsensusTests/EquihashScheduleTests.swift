import FluxConsensus
import Testing

@Suite("Equihash parameters by height")
struct EquihashScheduleTests {
    typealias E = EquihashEpoch

    @Test func epochProperties() {
        #expect(E.zcash200_9.solutionSize == 1344 && E.zcash200_9.personalizationTag == "ZcashPoW" && !E.zcash200_9.twist)
        #expect(E.zelProof144_5.solutionSize == 100 && E.zelProof144_5.personalizationTag == "ZelProof")
        #expect(!E.zelProof144_5.twist)
        #expect(E.zelHash125_4.solutionSize == 52 && E.zelHash125_4.personalizationTag == "ZelProof")
        #expect(E.zelHash125_4.twist)
        #expect(E.zcash48_5.solutionSize == 36 && E.zcash48_5.personalizationTag == "ZcashPoW" && !E.zcash48_5.twist)
        #expect(E(n: 96, k: 5).solutionSize == 68)
        #expect(E.zelHash125_4.description == "(125,4)")
    }

    @Test(arguments: [
        (-5, [E.zcash200_9]),
        (0, [.zcash200_9]),
        (125_099, [.zcash200_9]),
        (125_100, [.zelProof144_5, .zcash200_9]),
        (125_105, [.zelProof144_5, .zcash200_9]),
        (125_110, [.zelProof144_5, .zcash200_9]),
        (125_111, [.zelProof144_5]),
        (372_499, [.zelProof144_5]),
        (372_500, [.zelHash125_4, .zelProof144_5]),
        (372_510, [.zelHash125_4, .zelProof144_5]),
        (372_511, [.zelHash125_4]),
        (2_019_999, [.zelHash125_4]),
        (2_020_000, []),
        (5_000_000, []),
    ])
    func mainnet(_ height: Int, _ expected: [EquihashEpoch]) {
        #expect(ChainParameters.mainnet.equihashParameters(at: height) == expected)
    }

    @Test func validListIgnoresProofOfNodeLikeFluxd() {
        #expect(ChainParameters.mainnet.validEquihashParameters(at: 2_020_000) == [.zelHash125_4])
        #expect(ChainParameters.testnet.validEquihashParameters(at: 800) == [.zcash48_5])
    }

    @Test(arguments: [
        (0, 1), (139, 1), (140, 2), (149, 2), (150, 1), (279, 1), (280, 2), (289, 2), (290, 1), (799, 1), (800, 0),
    ])
    func testnet(_ height: Int, _ count: Int) {
        let list = ChainParameters.testnet.equihashParameters(at: height)
        #expect(list.count == count)
        #expect(list.allSatisfy { $0 == .zcash48_5 })
    }

    @Test func regtest() throws {
        for h in [0, 1, 100, 1_000_000] {
            #expect(ChainParameters.regtest.equihashParameters(at: h) == [.zcash48_5])
        }
        let p = try ChainParameters.regtest(upgradeOverrides: [
            UpgradeOverride(upgrade: .equihash144_5, height: 20), UpgradeOverride(upgrade: .kamiooka, height: 50),
            UpgradeOverride(upgrade: .pon, height: 300),
        ])
        #expect(p.equihashParameters(at: 19) == [.zcash48_5])
        #expect(p.equihashParameters(at: 20) == [.zcash48_5, .zcash48_5])
        #expect(p.equihashParameters(at: 31) == [.zcash48_5])
        #expect(p.equihashParameters(at: 50) == [.zelHash125_4, .zcash48_5])
        #expect(p.equihashParameters(at: 60) == [.zelHash125_4, .zcash48_5])
        #expect(p.equihashParameters(at: 61) == [.zelHash125_4])
        #expect(p.equihashParameters(at: 300) == [])
    }

    @Test func solutionSizeCheckExemption() {
        #expect(!ChainParameters.testnet.checksEquihashSolutionSize(at: 320))
        #expect(ChainParameters.testnet.checksEquihashSolutionSize(at: 321))
        #expect(ChainParameters.mainnet.checksEquihashSolutionSize(at: 0))
        #expect(ChainParameters.regtest.checksEquihashSolutionSize(at: 0))
    }
}
