import FluxConsensus
import Testing

@Suite("Network upgrades and -upgradeheight")
struct UpgradeScheduleTests {
    static let known = "lwma, equihash144_5, equi144_5, acadia, kamiooka, kamata, flux, halving, p2shnodes, pon"

    @Test func mainnetActivationBoundaries() {
        let s = ChainParameters.mainnet.upgrades
        for u in NetworkUpgrade.allCases {
            guard let h = s.activationHeight(of: u) else {
                #expect(u == .testDummy)
                #expect(!s.isActive(u, at: 10_000_000))
                continue
            }
            #expect(s.isActive(u, at: h))
            #expect(s.isActive(u, at: h + 1))
            if h > 0 { #expect(!s.isActive(u, at: h - 1), "\(u)") }
            #expect(s.currentUpgrade(at: h) == u || u == .base, "\(u)")
        }
        #expect(s.isActive(.base, at: 0))
        #expect(!s.isActive(.base, at: -1))
    }

    @Test func branchIdsAndProtocolVersions() {
        let s = ChainParameters.mainnet.upgrades
        #expect(s.currentBranchId(at: 0) == 0)
        #expect(s.currentBranchId(at: 124_999) == 0)
        #expect(s.currentBranchId(at: 125_000) == 0x76b8_09bb)
        #expect(s.currentBranchId(at: 3_000_000) == 0x76b8_09bb)
        #expect(s.currentUpgrade(at: 2_019_999) == .p2shNodes)
        #expect(s.currentUpgrade(at: 2_020_000) == .pon)
        #expect(s.currentProtocolVersion(at: 2_020_000) == 170_020)
        #expect(s.currentProtocolVersion(at: 1_000_000) == 170_017)
        #expect(s.currentProtocolVersion(at: 0) == 170_002)
        let r = ChainParameters.regtest.upgrades
        #expect(r.currentUpgrade(at: 1_000_000) == .base)
        #expect(r.currentBranchId(at: 1_000_000) == 0)
        #expect(r.protocolVersion(of: .acadia) == 170_006)
        #expect(ChainParameters.testnet.upgrades.protocolVersion(of: .acadia) == 170_007)
        #expect(NetworkUpgrade.testDummy.branchId == 0x7473_6554)
        #expect(NetworkUpgrade.allCases.map(\.rawValue) == Array(0...10))
    }

    @Test(arguments: [
        ("pon:300", NetworkUpgrade.pon, Optional(300)),
        ("PON:300", .pon, 300),
        ("lwma:0", .lwma, 0),
        ("equihash144_5:12", .equihash144_5, 12),
        ("Equi144_5:12", .equihash144_5, 12),
        ("acadia:-1", .acadia, nil),
        ("kamiooka:never", .kamiooka, nil),
        ("Kamata:NEVER", .kamata, nil),
        ("flux:2147483647", .flux, 2_147_483_647),
        ("halving:007", .halving, 7),
        ("P2SHNodes:5", .p2shNodes, 5),
        (" pon : 9 ", .pon, 9),
    ])
    func parsesGoodValues(_ text: String, _ upgrade: NetworkUpgrade, _ height: Int?) throws {
        let o = try UpgradeOverride(parsing: text)
        #expect(o == UpgradeOverride(upgrade: upgrade, height: height))
    }

    @Test(arguments: [
        ("foo:1", "unknown upgrade \"foo\" (known: \(known))"),
        ("base:0", "unknown upgrade \"base\" (known: \(known))"),
        ("testdummy:0", "unknown upgrade \"testdummy\" (known: \(known))"),
        (":5", "unknown upgrade \"\" (known: \(known))"),
        ("pon:x", "bad height \"x\" for upgrade pon (expected a non-negative integer, -1 or never)"),
        ("pon:", "bad height \"\" for upgrade pon (expected a non-negative integer, -1 or never)"),
        ("pon:-2", "bad height \"-2\" for upgrade pon (expected a non-negative integer, -1 or never)"),
        ("pon:+5", "bad height \"+5\" for upgrade pon (expected a non-negative integer, -1 or never)"),
        ("lwma:1.5", "bad height \"1.5\" for upgrade lwma (expected a non-negative integer, -1 or never)"),
        ("equi144_5:2147483648",
         "bad height \"2147483648\" for upgrade equihash144_5 (expected a non-negative integer, -1 or never)"),
        ("pon", "bad -upgradeheight value \"pon\": expected NAME:HEIGHT"),
        ("pon:1:2", "bad -upgradeheight value \"pon:1:2\": expected NAME:HEIGHT"),
        ("", "bad -upgradeheight value \"\": expected NAME:HEIGHT"),
    ])
    func rejectsBadValuesWithExactMessages(_ text: String, _ message: String) {
        do {
            _ = try UpgradeOverride(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func parseAllStopsAtFirstError() throws {
        #expect(try UpgradeOverride.parseAll(["pon:5", "lwma:1"]).count == 2)
        #expect(throws: UpgradeOverrideError.unknownUpgrade("x")) {
            try UpgradeOverride.parseAll(["pon:5", "x:1", "y:2"])
        }
        #expect(UpgradeOverride(upgrade: .pon, height: 300).description == "pon:300")
        #expect(UpgradeOverride(upgrade: .equihash144_5, height: nil).description == "equihash144_5:never")
    }

    @Test func ponAloneOnRegtestIsAllowed() throws {
        let p = try ChainParameters.regtest(upgradeOverrides: [try UpgradeOverride(parsing: "pon:300")])
        #expect(p.upgrades.activationHeight(of: .pon) == 300)
        #expect(!p.isProofOfNode(at: 299))
        #expect(p.isProofOfNode(at: 300))
        #expect(p.upgrades.currentUpgrade(at: 300) == .pon)
        #expect(p.upgrades.currentBranchId(at: 299) == 0)
        #expect(p.upgrades.currentBranchId(at: 300) == 0x76b8_09bb)
        #expect(!ChainParameters.regtest.isProofOfNode(at: 1_000_000), "plain regtest stays proof of work")
        // Everything else about regtest is unchanged.
        #expect(p.genesisHash == ChainParameters.regtest.genesisHash)
        #expect(p.messageStart == [0xaa, 0xe8, 0x3f, 0x5f])
    }

    @Test func rejectsOverridesThatReorderEras() throws {
        #expect(throws: UpgradeOverrideError.outOfOrder(upgrade: .acadia, height: 50, earlier: .lwma, earlierHeight: 100)) {
            try ChainParameters.regtest(upgradeOverrides: [
                UpgradeOverride(upgrade: .lwma, height: 100), UpgradeOverride(upgrade: .acadia, height: 50),
            ])
        }
        do {
            _ = try ChainParameters.mainnet.withUpgradeHeights([UpgradeOverride(upgrade: .pon, height: 100)])
            Issue.record("accepted pon before p2shnodes")
        } catch {
            #expect(error.description
                == "upgrade pon at height 100 would activate before p2shnodes at height 1549500;"
                + " activation heights must not decrease in upgrade order")
        }
        // The check runs on the final schedule, so the order of the options does not matter.
        let p = try ChainParameters.regtest(upgradeOverrides: [
            UpgradeOverride(upgrade: .acadia, height: 50), UpgradeOverride(upgrade: .lwma, height: 10),
        ])
        #expect(p.upgrades.activationHeight(of: .acadia) == 50)
    }

    @Test func equalHeightsNeverAndLastOverrideWin() throws {
        let all = NetworkUpgrade.allCases.filter { $0.optionName != nil }.map { UpgradeOverride(upgrade: $0, height: 5) }
        let p = try ChainParameters.regtest(upgradeOverrides: all)
        #expect(NetworkUpgrade.allCases.filter { p.upgrades.isActive($0, at: 5) }.count == 10)
        #expect(!p.upgrades.isActive(.testDummy, at: 5))
        let q = try ChainParameters.regtest(upgradeOverrides: [
            UpgradeOverride(upgrade: .pon, height: 5), UpgradeOverride(upgrade: .pon, height: nil),
        ])
        #expect(q.upgrades.activationHeight(of: .pon) == nil)
        let m = try ChainParameters.mainnet.withUpgradeHeights([UpgradeOverride(upgrade: .pon, height: nil)])
        #expect(!m.isProofOfNode(at: 3_000_000))
        #expect(ChainParameters.mainnet.upgrades.setting(.base, to: 7).activationHeight(of: .base) == 0)
        try ChainParameters.mainnet.upgrades.validateOrder()
        try ChainParameters.testnet.upgrades.validateOrder()
    }
}
