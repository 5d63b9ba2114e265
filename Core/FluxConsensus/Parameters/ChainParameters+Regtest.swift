import FluxPrimitives

extension ChainParameters {
    /// The local regression-test network (fluxd `CRegTestParams` identity: magic `aae83f5f`, ports 26126/26124,
    /// testnet Base58 prefixes, genesis `01998760…e0ce`), with every upgrade after Base disabled.
    ///
    /// **Difference from fluxd.** fluxd's `IsPONActive(h)` compares `h` with the PoN activation height without
    /// checking for "never" (-1), so on fluxd regtest every block after genesis must be a PoN (v100) block and gets
    /// the PoN subsidy. Here regtest follows the upgrade schedule literally: blocks are proof-of-work blocks solved
    /// with Equihash (48,5) (the header hash is not checked against the target, as in fluxd) and the PoW subsidy
    /// applies, until PoN is given a height with `-upgradeheight=pon:HEIGHT`
    /// (``regtest(upgradeOverrides:)``); from that height on blocks are PoN blocks. Other upgrades are enabled the
    /// same way. Tests that replay fluxd regtest behaviour must therefore set `pon:1` (or similar) explicitly.
    public static let regtest = ChainParameters(
        network: .regtest,
        currencyUnit: "REG",
        bip44CoinType: 1,
        dataDirectorySuffix: "regtest",
        messageStart: [0xaa, 0xe8, 0x3f, 0x5f],
        defaultPort: 26126,
        defaultRPCPort: 26124,
        base58Prefixes: testBase58Prefixes,
        keyPrefixes: testKeyPrefixes,
        saplingPrefixes: SaplingPrefixes(paymentAddress: "zregtestsapling", fullViewingKey: "zviewregtestsapling",
                                         incomingViewingKey: "zivkregtestsapling",
                                         extendedSpendingKey: "secret-extended-key-regtest"),
        dnsSeeds: [],
        alertPublicKey: nil,
        powLimit: TargetLimit(
            target: Literal.hash("0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"), compact: 0x200f_0f0f),
        ponLimit: TargetLimit(
            target: Literal.hash("0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"), compact: 0x200f_0f0f),
        ponStartLimit: TargetLimit(
            target: Literal.hash("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), compact: 0x207f_ffff),
        powTargetSpacing: 120,
        ponTargetSpacing: 30,
        ponDifficultyWindow: 60,
        digishield: DigishieldParameters(averagingWindow: 17, maxAdjustDownPercent: 0, maxAdjustUpPercent: 0),
        lwmaAveragingWindow: 60,
        // Epoch 3 keeps fluxd's class default (ZelHash); it only matters if Kamiooka is given a height.
        equihashEpochs: [.zcash48_5, .zcash48_5, .zelHash125_4],
        equihashFadeLength: 11,
        equihashSizeCheckExemptThroughHeight: nil,
        powAllowMinDifficultyBlocksAfterHeight: 0,
        skipsProofOfWorkTargetCheck: true,
        minimumChainWork: .zero,
        upgrades: UpgradeSchedule(activationHeights: [:], protocolVersions: [.acadia: 170_006]),
        activationBlockHashes: [:],
        genesisHash: Literal.hash("01998760a88dc2b5715f69d2f18c1d90e0b604612242d9099eaff3048dd1e0ce"),
        checkpoints: [
            Checkpoint(height: 0, hash: Literal.hash("01998760a88dc2b5715f69d2f18c1d90e0b604612242d9099eaff3048dd1e0ce")),
        ],
        subsidy: SubsidyParameters(slowStartInterval: 0, halvingInterval: 150, ponInitialSubsidy: .coins(14),
                                   ponReductionInterval: 100, ponMaxReductions: 10),
        coinbaseMustBeProtected: false,
        majority: MajorityRules(enforceBlockUpgrade: 750, rejectBlockOutdated: 950, window: 1000),
        fluxnode: FluxnodeParameters(
            startPaymentsHeight: 100,
            benchmarkKeys: [
                TimedPublicKey(publicKey: Literal.bytes(
                    "04cf3c34f01486bbb34c1a7ca11c2ddb1b3d98698c3f37d54452ff91a8cd5e92a6"
                        + "910ce5fc2cc7ad63547454a965df53ff5be740d4ef4ac89848c2bafd1e40e6b7"), validFrom: 0),
                TimedPublicKey(publicKey: Literal.bytes(
                    "045d54130187b4c4bba25004bf615881c2d79b16950a59114df27dc9858d8e531f"
                        + "da4f3a27aa95ceb2bcc87ddd734be40a6808422655e5350fa9417874556b7342"), validFrom: 1_617_508_800),
            ],
            p2shKeys: [testP2SHKey],
            collateralTransitions: [.cumulus: 0..<1000, .nimbus: 0..<1000, .stratus: 0..<100]),
        funding: FundingParameters(
            exchange: FundingEvent(destination: testFundingDestination, height: 10, amount: .coins(3_000_000)),
            foundation: FundingEvent(
                destination: Literal.destination("t2DFGpj2tciojsGKKrGVwQ92hUwAxWQQgJ9",
                                                 "a9144977cdf9e3f8c083dd464c4bc9bbcf6c9fa8db7b87"),
                height: 10, amount: .coins(2_500_000)),
            swapPool: SwapPoolSchedule(
                destination: Literal.destination("t2Dsexh4v5g2dpL2LLCsR1p9TshMm63jSBM",
                                                 "a91450594230059eae22204c458800bc288de2dc35c187"),
                startHeight: 10, amount: .coins(2_100_000), interval: 10, maxTimes: 5),
            devFund: testDevFund),
        emergency: EmergencyParameters(publicKeys: testEmergencyKeys, minimumSignatures: 1,
                                       collateralHash: emergencyCollateralHash, collateralIndex: 0),
        extendedReorgWindow: nil)
}
