import FluxPrimitives

extension ChainParameters {
    /// Flux mainnet (fluxd `CMainParams`).
    public static let mainnet = ChainParameters(
        network: .mainnet,
        currencyUnit: "ZEL (now FLUX)",
        bip44CoinType: 19167,
        dataDirectorySuffix: nil,
        messageStart: [0x24, 0xe9, 0x27, 0x64],
        defaultPort: 16125,
        defaultRPCPort: 16124,
        base58Prefixes: Base58Prefixes(pubKeyHash: [0x1c, 0xb8], scriptHash: [0x1c, 0xbd], secretKey: [0x80]),
        keyPrefixes: KeyPrefixes(extendedPublicKey: [0x04, 0x88, 0xb2, 0x1e], extendedSecretKey: [0x04, 0x88, 0xad, 0xe4],
                                 sproutPaymentAddress: [0x16, 0x9a], sproutViewingKey: [0xa8, 0xab, 0xd3],
                                 sproutSpendingKey: [0xab, 0x36]),
        saplingPrefixes: SaplingPrefixes(paymentAddress: "za", fullViewingKey: "zviewa", incomingViewingKey: "zivka",
                                         extendedSpendingKey: "secret-extended-key-main"),
        dnsSeeds: ["dnsseed.asoftwaresolution.com", "dnsseed.zel.network", "dnsseed.runonflux.io"],
        alertPublicKey: Literal.bytes(
            "04025b2cf3a116782a69bb68cb4ae5ba3b7f05069f7139b75573dd28e48f8992d9"
                + "5c118122b618d4943456ad64e7356b0b45b2ef179cbe3d9767a2426662d13d32"),
        powLimit: TargetLimit(
            target: Literal.hash("0007ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), compact: 0x1f07_ffff),
        ponLimit: TargetLimit(
            target: Literal.hash("0fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), compact: 0x200f_ffff),
        ponStartLimit: TargetLimit(
            target: Literal.hash("000bffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), compact: 0x1f0b_ffff),
        powTargetSpacing: 120,
        ponTargetSpacing: 30,
        ponDifficultyWindow: 30,
        digishield: DigishieldParameters(averagingWindow: 17, maxAdjustDownPercent: 32, maxAdjustUpPercent: 16),
        lwmaAveragingWindow: 60,
        equihashEpochs: [.zcash200_9, .zelProof144_5, .zelHash125_4],
        equihashFadeLength: 11,
        equihashSizeCheckExemptThroughHeight: nil,
        powAllowMinDifficultyBlocksAfterHeight: nil,
        skipsProofOfWorkTargetCheck: false,
        minimumChainWork: Literal.hash("000000000000000000000000000000000000000000000000000021f5d5da5d73"),
        upgrades: UpgradeSchedule(activationHeights: [
            .lwma: 125_000, .equihash144_5: 125_100, .acadia: 250_000, .kamiooka: 372_500, .kamata: 558_000,
            .flux: 835_554, .halving: 1_076_532, .p2shNodes: 1_549_500, .pon: 2_020_000,
        ]),
        activationBlockHashes: [
            .acadia: Literal.hash("0000001d65fa78f2f6c172a51b5aca59ee1927e51f728647fca21b180becfe59"),
            .kamiooka: Literal.hash("00000052e2ac144c2872ff641c646e41dac166ac577bc9b0837f501aba19de4a"),
            .kamata: Literal.hash("000000a33d38f37f586b843a9c8cf6d1ff1269e6114b34604cabcd14c44268d4"),
            .flux: Literal.hash("000000ce99aa6765bdaae673cdf41f661ff20a116eb6f2fe0843488d8061f193"),
            .halving: Literal.hash("000000111f8643ce24d9753dbc324220877299075a8a6102da61ef4460296325"),
            .p2shNodes: Literal.hash("00000009f9178347f3dea495a089400050c3388e07f9c871fb1ebddcab1f8044"),
        ],
        genesisHash: Literal.hash("00052461a5006c2e3b74ce48992a08695607912d5604c3eb8da25749b0900444"),
        checkpoints: [
            (5500, "0000000e7724f8bace09dd762657169c10622af4a6a8e959152cd00b9119848e"),
            (35000, "000000004646dd797644b9c67aff320961e95c311b4f26985424b720d09fcaa5"),
            (70000, "00000001edcf7768ed39fac55414e53a78d077b1b41fccdaf9307d7bc219626a"),
            (94071, "00000005ec83876bc5288badf0971ae83ac7c6a286851f7b22a75a03e73b401a"),
            (277_649, "00000004a53f9271d05071a052b3738b46663f3335d14b6aea965a3cb70c0cc8"),
            (400_000, "000000390342f0e52443ad79b43e5d85b78bf519667aeb3aa980d76caeda0369"),
            (530_000, "0000004b4459ec6904e8116d178c357b0f25a7d45c5c5836ce3714791f1ed124"),
            (600_000, "000000dea4478401e6ab95f6d05ade810115411e95e75fab9fd94a44df4b1e1d"),
            (700_000, "0000000845ef03939225cc592773fd7aef54b5232fc42790c46ef6f11ee3e8d4"),
            (800_000, "000000451b73f495b2f6ad38bd89d15495551fc15c2078ad7af3d54d06422cc6"),
            (900_000, "000001e1ad2bb5e3cabb09559b6e65b871bf1d2a51bcc141ce45fc4cbd1d9cd8"),
            (1_000_000, "0000001a80e7f30d21fb14116cd01d51e1fad8ac84cc960896f4691a57368a47"),
            (1_040_000, "00000007f3b465bd4b0e161e43c05a3d946144330e33ea3a91cb952e6ef86b7d"),
            (1_040_577, "000000071fe89682ac260bc0a49621344eb28ae01659c9e7ce86e3762e45f52d"),
            (1_042_126, "0000000295e4663178fd9e533787e74206645910a2bfb61938db5f67796eaad0"),
            (1_060_000, "0000000fd721d8d381c4b24a4f78fc036955d7a0f98d2765b8c7badad8b66c1b"),
            (1_442_798, "0000000cc561fecb2ecfd22ba7af09450ca8cf270f407ce8b948195ff2aa0d13"),
            (1_518_503, "0000000dba41dc84c52a3933af49d316fff49a76b49d42bd5b6d20c4e451a0ef"),
            (1_791_720, "0000000abc7bd62a213e0dab43c9c01220b031a568fdfb5c2ef89e6b30054bdc"),
            (2_020_500, "af2a1bd59c61f64860b4b45bd65358743fda40d8420564b58c39df45be7da97c"),
            (2_021_000, "d2dcec473e809575e30ec2c0f400758120f5121b8268f90cdb8a7dbefe285b0d"),
            (2_021_500, "fa98471f31ffc1366330bababc090ad5cb6bd23c25bb3b61d1e1ed07a77d6126"),
            (2_022_000, "40a060546a56eb7fab0fd33ab3e6de834ff0d5273847d4f231a9addecfc44f61"),
            (2_029_000, "4856dc788a973db4cc537465c9ef80288e1eb065898993d72371b1ee48c248b4"),
        ].map { Checkpoint(height: $0.0, hash: Literal.hash($0.1)) },
        subsidy: SubsidyParameters(slowStartInterval: 5000, halvingInterval: 655_350, ponInitialSubsidy: .coins(14),
                                   ponReductionInterval: 1_051_200, ponMaxReductions: 20),
        coinbaseMustBeProtected: true,
        majority: MajorityRules(enforceBlockUpgrade: 750, rejectBlockOutdated: 950, window: 4000),
        fluxnode: FluxnodeParameters(
            startPaymentsHeight: 560_000,
            benchmarkKeys: [
                TimedPublicKey(publicKey: Literal.bytes(
                    "042e79d7dd1483996157df6b16c831be2b14b31c69944ea2a585c63b5101af1f95"
                        + "17ba392cee5b1f45a62e9d936488429374535a2f76870bfa8eea6667b13eb39e"), validFrom: 0),
                TimedPublicKey(publicKey: Literal.bytes(
                    "04517413e51fa9b2e94f200b254cca69beb86f2d74bf66ca53854ba66bc376dde9"
                        + "b52e9b4403731d9a4f3e8edd9687f1e1824b688fe26454bd9fb823a3307b4682"), validFrom: 1_618_113_600),
                TimedPublicKey(publicKey: Literal.bytes(
                    "0480dff65aa9d4b4c4234e4723a5e7c5bf527ca683b53aa26a7225cc5eb16e6e79"
                        + "f9629eb5f96c12b173de7a20e9823b2d36575759f3490864922f7ed04e171fad"), validFrom: 1_647_262_800),
                TimedPublicKey(publicKey: Literal.bytes(
                    "0437d58236a849ebe0e6558c1517e1f5c56749e04a2f7a7daedd4ef7c9fb6a773f"
                        + "32a33fe5ddad88b9af3ff496ee5ce79ce245c258bafa4e8d287baa3d54c6c65f"), validFrom: 1_706_209_200),
                TimedPublicKey(publicKey: Literal.bytes(
                    "04e54965119e89861f80135b13f56c3b5cc55ad2b916d9705052fc91d2894f9cb1"
                        + "9151a8d61c6e9ea4812075dd32f06fde5965589ffa1517ab1bd2ddbc66a39f42"), validFrom: 1_743_534_000),
            ],
            p2shKeys: [
                TimedPublicKey(publicKey: Literal.bytes(
                    "04ab11edbb8a15f7cc2628a4a2c18cea095d250f8c9a2924cbd581b8d8fb3a8b91"
                        + "e39e5febddb7ffc60f20dfd352a40aa4f061aa60a9ace26d43e1b7a18aea4162"), validFrom: 0),
            ],
            collateralTransitions: [
                .cumulus: 1_076_532..<1_086_612, .nimbus: 1_081_572..<1_092_372, .stratus: 1_087_332..<1_097_412,
            ]),
        funding: FundingParameters(
            exchange: FundingEvent(
                destination: Literal.destination("t3PMbbA5YBMrjSD3dD16SSdXKuKovwmj6tS",
                                                 "a914349284cf14b6d7f800838b7d69b075f8a0371b4c87"),
                height: 836_274, amount: .coins(7_500_000)),
            foundation: FundingEvent(
                destination: Literal.destination("t3XjYMBvwxnXVv9jqg4CgokZ3f7kAoXPQL8",
                                                 "a9149079f88d58188f351ce2e299bbbf31ca0ba2bc4187"),
                height: 836_994, amount: .coins(2_500_000)),
            swapPool: SwapPoolSchedule(
                destination: Literal.destination("t3ThbWogDoAjGuS6DEnmN1GWJBRbVjSUK4T",
                                                 "a914643b474d518eb0f7603a100b503bbf0e32d647aa87"),
                startHeight: 837_714, amount: .coins(22_000_000), interval: 21600, maxTimes: 10),
            devFund: Literal.destination("t3hPu1YDeGUCp8m7BQCnnNUmRMJBa5RadyA",
                                         "a914fa742817c4a665fccc70ce4cb40bdb71ba345db787")),
        emergency: EmergencyParameters(
            publicKeys: [
                "025ee73f72d6996f94fe6ec9fac3f9ba6dcb947ed46dfbda530fc73ff99c667a4e",
                "026f4281124d10eb90589831bac405d715ad79051ac5243d21c322d2abf2fd81e2",
                "03083d65c2f57cfe4d1c34eb575bd9d836f5111dd0de86405d48211bf42ea30403",
                "03674c29f348124e998fd838228a3ff050ca26fe0c13ad98698585cbbf796b461e",
            ].map(Literal.bytes),
            minimumSignatures: 2,
            collateralHash: Literal.hash("1111111111111111111111111111111111111111111111111111111111111111"),
            collateralIndex: 0),
        extendedReorgWindow: ReorgWindow(tipHeights: 2_020_000...2_025_000, maxDepth: 5000))
}
