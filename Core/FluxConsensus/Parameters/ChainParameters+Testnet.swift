import FluxPrimitives

extension ChainParameters {
    /// Flux testnet, "testnet-kamata" (fluxd `CTestNetParams`). All three Equihash epochs are (48,5); the genesis
    /// block nevertheless carries a (200,9) solution.
    public static let testnet = ChainParameters(
        network: .testnet,
        currencyUnit: "TESTFLUX",
        bip44CoinType: 1,
        dataDirectorySuffix: "testnet",
        messageStart: [0xfa, 0x1a, 0xf9, 0xbf],
        defaultPort: 26125,
        defaultRPCPort: 26124,
        base58Prefixes: testBase58Prefixes,
        keyPrefixes: testKeyPrefixes,
        saplingPrefixes: SaplingPrefixes(paymentAddress: "ztestacadia", fullViewingKey: "zviewtestacadia",
                                         incomingViewingKey: "zivktestacadia",
                                         extendedSpendingKey: "secret-extended-key-test"),
        dnsSeeds: ["flux-testnet-seed.asoftwaresolution.com", "test.dnsseed.zel.network", "test.dnsseed.runonflux.io"],
        alertPublicKey: Literal.bytes(
            "044b5cb8fd1db34e2d89a93e7becf3fb35dd08a81bb3080484365e567136403fd4"
                + "a6682a43d8819522ae35394704afa83de1ef069a3104763fd0ebdbdd505a1386"),
        powLimit: TargetLimit(
            target: Literal.hash("0effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), compact: 0x200e_ffff),
        ponLimit: TargetLimit(
            target: Literal.hash("0fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), compact: 0x200f_ffff),
        ponStartLimit: TargetLimit(
            target: Literal.hash("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), compact: 0x207f_ffff),
        powTargetSpacing: 60,
        ponTargetSpacing: 30,
        ponDifficultyWindow: 60,
        digishield: DigishieldParameters(averagingWindow: 17, maxAdjustDownPercent: 32, maxAdjustUpPercent: 16),
        lwmaAveragingWindow: 60,
        equihashEpochs: [.zcash48_5, .zcash48_5, .zcash48_5],
        equihashFadeLength: 10,
        equihashSizeCheckExemptThroughHeight: 320,
        powAllowMinDifficultyBlocksAfterHeight: 0,
        skipsProofOfWorkTargetCheck: false,
        minimumChainWork: .zero,
        upgrades: UpgradeSchedule(activationHeights: [
            .lwma: 70, .equihash144_5: 140, .acadia: 210, .kamiooka: 280, .kamata: 350, .flux: 420, .halving: 520,
            .p2shNodes: 600, .pon: 800,
        ]),
        activationBlockHashes: [:],
        genesisHash: Literal.hash("0042202a64a929fc25cc10e68615ddbe38007b1b40da08acd3f530f83c79b9d1"),
        checkpoints: [
            Checkpoint(height: 320, hash: Literal.hash("0237bf16aba912b0c68933809a7e7fe9553ddff1bc0782d2463fc5d161af1c46")),
            Checkpoint(height: 1249, hash: Literal.hash("00c364ea9772696665c857e3967c7c5d3345a8df8671b4b504565131a9efa5ed")),
        ],
        subsidy: SubsidyParameters(slowStartInterval: 1, halvingInterval: 655_350, ponInitialSubsidy: .coins(14),
                                   ponReductionInterval: 525_600, ponMaxReductions: 20),
        coinbaseMustBeProtected: true,
        majority: MajorityRules(enforceBlockUpgrade: 51, rejectBlockOutdated: 75, window: 400),
        fluxnode: FluxnodeParameters(
            startPaymentsHeight: 350,
            benchmarkKeys: [
                TimedPublicKey(publicKey: Literal.bytes(
                    "04d422e01f5acff68504b92df96a9004cf61be432a20efe83fe8a94c1aa730fe7d"
                        + "ece5d2e8298f2d5672d4e569c55d9f0a73268ef7b92990d8c014e828a7cc48dd"), validFrom: 0),
                TimedPublicKey(publicKey: Literal.bytes(
                    "042023568fbcc4715c34d8596feaabf0683b3dfa7280b2f4df0436311a31086a73"
                        + "fdf507d63c3ec89455037ba738375d17b309c2cd226f173a5ef7841400cd09ec"), validFrom: 1_617_508_800),
            ],
            p2shKeys: [testP2SHKey],
            collateralTransitions: [.cumulus: 420..<520, .nimbus: 420..<520, .stratus: 420..<520]),
        funding: FundingParameters(
            exchange: FundingEvent(destination: testFundingDestination, height: 4100, amount: .coins(7_500_000)),
            foundation: FundingEvent(destination: testFundingDestination, height: 4200, amount: .coins(2_500_000)),
            swapPool: SwapPoolSchedule(destination: testFundingDestination, startHeight: 4300,
                                       amount: .coins(2_200_000), interval: 100, maxTimes: 10),
            devFund: testDevFund),
        emergency: EmergencyParameters(publicKeys: testEmergencyKeys, minimumSignatures: 2,
                                       collateralHash: emergencyCollateralHash, collateralIndex: 0),
        extendedReorgWindow: nil)

    // Values testnet and regtest share.

    static let testBase58Prefixes = Base58Prefixes(pubKeyHash: [0x1d, 0x25], scriptHash: [0x1c, 0xba], secretKey: [0xef])

    static let testKeyPrefixes = KeyPrefixes(
        extendedPublicKey: [0x04, 0x35, 0x87, 0xcf], extendedSecretKey: [0x04, 0x35, 0x83, 0x94],
        sproutPaymentAddress: [0x16, 0xb6], sproutViewingKey: [0xa8, 0xac, 0x0c], sproutSpendingKey: [0xac, 0x08])

    static let testP2SHKey = TimedPublicKey(publicKey: Literal.bytes(
        "04276f105ff36a670a56e75c2462cff05a4a7864756e6e1af01022e32752d6fe57"
            + "b1e13cab4f2dbe3a6a51b4e0de83a5c4627345f5232151867850018c9a3c3a1d"), validFrom: 0)

    static let testFundingDestination = Literal.destination(
        "tmRucHD85zgSigtA4sJJBDbPkMUJDcw5XDE", "76a914b1a3111de491cc77362286ee26256c699cb5bb4d88ac")

    static let testDevFund = Literal.destination(
        "t2GoxS2SRmLQDnTyWePHjKD3izvFsKUAjrH", "a914708e8e6c05af3dbe237b8ac759a14c5f56d6d31287")

    static let testEmergencyKeys: [[UInt8]] = [
        "029a1c55fa7e69dd99087f7ca799797052ae21327b94159e60b8cc5704eb188583",
        "023c806b01f35a18b42b08f23f5c7e8490801a7da8fd6f6e77708d9f26f22c423e",
        "02615c78e21078c21a63cb21cc4d29eaa148d97c3dcbe7be5d9d4dda4e969bb05a",
        "033d301dc7ef7ab653da36da1285063ea9be1448d601e3c9f99185476b9d4ae1d1",
    ].map(Literal.bytes)

    static let emergencyCollateralHash = Literal.hash(
        "1111111111111111111111111111111111111111111111111111111111111111")
}
