import FluxPrimitives

/// A FluxNode collateral tier (fluxd `Tier`; NONE = 0 is not represented).
public enum FluxNodeTier: Int, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    /// The smallest tier (legacy RPC name BASIC).
    case cumulus = 1
    /// The middle tier (legacy RPC name SUPER).
    case nimbus
    /// The largest tier (legacy RPC name BAMF).
    case stratus

    /// fluxd's RPC name: `"CUMULUS"`, `"NIMBUS"`, `"STRATUS"`.
    public var name: String {
        switch self {
        case .cumulus: "CUMULUS"
        case .nimbus: "NIMBUS"
        case .stratus: "STRATUS"
        }
    }

    /// Legacy RPC name: `"BASIC"`, `"SUPER"`, `"BAMF"`.
    public var legacyName: String {
        switch self {
        case .cumulus: "BASIC"
        case .nimbus: "SUPER"
        case .stratus: "BAMF"
        }
    }

    /// V1 collateral in units (10,000 / 25,000 / 100,000 FLUX).
    public var collateralV1: Int64 {
        switch self {
        case .cumulus: 10_000 * FluxNodeNetwork.coin
        case .nimbus: 25_000 * FluxNodeNetwork.coin
        case .stratus: 100_000 * FluxNodeNetwork.coin
        }
    }

    /// V2 collateral in units (1,000 / 12,500 / 40,000 FLUX).
    public var collateralV2: Int64 {
        switch self {
        case .cumulus: 1_000 * FluxNodeNetwork.coin
        case .nimbus: 12_500 * FluxNodeNetwork.coin
        case .stratus: 40_000 * FluxNodeNetwork.coin
        }
    }

    /// Share of the PoW block subsidy before the Flux upgrade doubles it (`V1_FLUXNODE_PERCENT_*`), as the IEEE
    /// double fluxd multiplies with.
    public var powPercentage: Double {
        switch self {
        case .cumulus: 0.0375
        case .nimbus: 0.0625
        case .stratus: 0.15
        }
    }

    /// Payout out of a 14-FLUX PoN subsidy, in units (1, 3.5, 9 FLUX).
    public var ponBaseUnits: Int64 {
        switch self {
        case .cumulus: 100_000_000
        case .nimbus: 350_000_000
        case .stratus: 900_000_000
        }
    }

    /// Off-chain hardware minimums (FluxOS `fluxSpecifics`).
    public var hardware: FluxNodeHardware { FluxNodeHardware.minimum(for: self) }

    /// Orders by fluxd number.
    public static func < (a: FluxNodeTier, b: FluxNodeTier) -> Bool { a.rawValue < b.rawValue }

    /// The tier's ``name``.
    public var description: String { name }
}

/// Hardware minimums of a tier. Not consensus: FluxOS and the benchmark enforce them off-chain; the chain only sees
/// `benchmarkTier` signed by the benchmark key. Values from FluxOS `ZelBack/config/default.js` (`fluxSpecifics`).
public struct FluxNodeHardware: Sendable, Equatable {
    /// Virtual CPU cores.
    public let cores: Int
    /// Memory in MB.
    public let memoryMB: Int
    /// SSD storage in GB.
    public let diskGB: Int

    /// The minimum for `tier`: Cumulus 4 cores / 7,000 MB / 220 GB, Nimbus 8 / 30,000 / 440,
    /// Stratus 16 / 61,000 / 880.
    public static func minimum(for tier: FluxNodeTier) -> FluxNodeHardware {
        switch tier {
        case .cumulus: FluxNodeHardware(cores: 4, memoryMB: 7_000, diskGB: 220)
        case .nimbus: FluxNodeHardware(cores: 8, memoryMB: 30_000, diskGB: 440)
        case .stratus: FluxNodeHardware(cores: 16, memoryMB: 61_000, diskGB: 880)
        }
    }
}

/// A public key valid from a unix time on (chainparams `vecBenchmarkingPublicKeys` / `vecP2SHPublicKeys`).
public struct FluxNodeTimedKey: Sendable, Equatable {
    /// The serialized public key.
    public let key: [UInt8]
    /// First unix time the key is in force.
    public let validFrom: UInt32
}

/// The network facts the FluxNode rules need. The plugin builds it from the host's chain-parameters JSON.
public struct FluxNodeNetwork: Sendable {
    /// Which network.
    public enum Kind: String, Sendable { case mainnet = "main", testnet = "test", regtest = "regtest" }

    /// One FLUX in units.
    public static let coin: Int64 = 100_000_000

    public var kind: Kind
    /// Activation heights of upgrades by fluxd name (lower-case: "kamata", "flux", "halving", "p2shnodes", "pon");
    /// absent = never.
    public var upgrades: [String: Int]
    /// Genesis block time (PoN slots count from it).
    public var genesisTime: UInt32
    /// Seconds per PoN slot (30).
    public var ponSpacing: UInt32
    /// Whether the PoN hash must be at or below the target (false on regtest, as fluxd).
    public var checksPonHash: Bool
    /// Overrides the benchmark public keys (regtest only; ignored on other networks): local networks sign
    /// benchmarks themselves.
    public var benchmarkKeyOverride: [UInt8]?
    /// The dev-fund output script. When set, blocks where PoN is active must pay it at least
    /// subsidy − Σ(node payouts due) in an output not used for a node payout (fluxd `CheckFluxnodePayout`);
    /// nil leaves that rule to the host.
    public var devFundScript: [UInt8]?

    /// Creates a network description.
    public init(kind: Kind, upgrades: [String: Int], genesisTime: UInt32, ponSpacing: UInt32, checksPonHash: Bool,
                benchmarkKeyOverride: [UInt8]?, devFundScript: [UInt8]? = nil) {
        self.kind = kind
        self.upgrades = upgrades
        self.genesisTime = genesisTime
        self.ponSpacing = ponSpacing
        self.checksPonHash = checksPonHash
        self.benchmarkKeyOverride = benchmarkKeyOverride
        self.devFundScript = devFundScript
    }

    /// Mainnet: fluxd's upgrade heights and genesis time.
    public static let mainnet = FluxNodeNetwork(
        kind: .mainnet,
        upgrades: ["kamata": 558_000, "flux": 835_554, "halving": 1_076_532, "p2shnodes": 1_549_500, "pon": 2_020_000],
        genesisTime: 1_516_980_000, ponSpacing: 30, checksPonHash: true, benchmarkKeyOverride: nil)

    /// Testnet: fluxd's upgrade heights and genesis time.
    public static let testnet = FluxNodeNetwork(
        kind: .testnet,
        upgrades: ["kamata": 350, "flux": 420, "halving": 520, "p2shnodes": 600, "pon": 800],
        genesisTime: 1_582_228_940, ponSpacing: 30, checksPonHash: true, benchmarkKeyOverride: nil)

    /// Regtest with the given upgrade heights (fluxd regtest activates none by default).
    public static func regtest(upgrades: [String: Int] = [:], benchmarkKeyOverride: [UInt8]? = nil) -> FluxNodeNetwork {
        FluxNodeNetwork(kind: .regtest, upgrades: upgrades, genesisTime: 1_296_688_602, ponSpacing: 30,
                        checksPonHash: false, benchmarkKeyOverride: benchmarkKeyOverride)
    }

    /// True if upgrade `name` is active at `height`.
    public func isActive(_ name: String, at height: Int) -> Bool {
        guard let h = upgrades[name], h >= 0 else { return false }
        return height >= h
    }

    // MARK: Per-network tables (values from fluxd chainparams.cpp)

    /// `nStartFluxnodePaymentsHeight`: mainnet 560,000, testnet 350, regtest 100.
    public var startPaymentsHeight: Int {
        switch kind {
        case .mainnet: 560_000
        case .testnet: 350
        case .regtest: 100
        }
    }

    /// Heights `[start, end)` in which both V1 and V2 collateral of `tier` are accepted; before only V1, from `end`
    /// only V2.
    public func collateralWindow(_ tier: FluxNodeTier) -> Range<Int> {
        switch (kind, tier) {
        case (.mainnet, .cumulus): 1_076_532..<1_086_612
        case (.mainnet, .nimbus): 1_081_572..<1_092_372
        case (.mainnet, .stratus): 1_087_332..<1_097_412
        case (.testnet, _): 420..<520
        case (.regtest, .stratus): 0..<100
        case (.regtest, _): 0..<1000
        }
    }

    /// The collateral amounts of `tier` valid at `height` (`GetCoinAmountsByTier`).
    public func collateralAmounts(_ tier: FluxNodeTier, at height: Int) -> [Int64] {
        let w = collateralWindow(tier)
        if height < w.lowerBound { return [tier.collateralV1] }
        if height < w.upperBound { return [tier.collateralV1, tier.collateralV2] }
        return [tier.collateralV2]
    }

    /// The tier whose collateral amount at `height` is exactly `amount` (`GetCoinTierFromAmount`), or nil.
    public func tier(forCollateral amount: Int64, at height: Int) -> FluxNodeTier? {
        FluxNodeTier.allCases.first { collateralAmounts($0, at: height).contains(amount) }
    }

    private static let hexMainBenchmark: [(String, UInt32)] = [
        ("042e79d7dd1483996157df6b16c831be2b14b31c69944ea2a585c63b5101af1f9517ba392cee5b1f45a62e9d936488429374535a2f76870bfa8eea6667b13eb39e", 0),
        ("04517413e51fa9b2e94f200b254cca69beb86f2d74bf66ca53854ba66bc376dde9b52e9b4403731d9a4f3e8edd9687f1e1824b688fe26454bd9fb823a3307b4682", 1_618_113_600),
        ("0480dff65aa9d4b4c4234e4723a5e7c5bf527ca683b53aa26a7225cc5eb16e6e79f9629eb5f96c12b173de7a20e9823b2d36575759f3490864922f7ed04e171fad", 1_647_262_800),
        ("0437d58236a849ebe0e6558c1517e1f5c56749e04a2f7a7daedd4ef7c9fb6a773f32a33fe5ddad88b9af3ff496ee5ce79ce245c258bafa4e8d287baa3d54c6c65f", 1_706_209_200),
        ("04e54965119e89861f80135b13f56c3b5cc55ad2b916d9705052fc91d2894f9cb19151a8d61c6e9ea4812075dd32f06fde5965589ffa1517ab1bd2ddbc66a39f42", 1_743_534_000),
    ]
    private static let hexTestBenchmark: [(String, UInt32)] = [
        ("04d422e01f5acff68504b92df96a9004cf61be432a20efe83fe8a94c1aa730fe7dece5d2e8298f2d5672d4e569c55d9f0a73268ef7b92990d8c014e828a7cc48dd", 0),
        ("042023568fbcc4715c34d8596feaabf0683b3dfa7280b2f4df0436311a31086a73fdf507d63c3ec89455037ba738375d17b309c2cd226f173a5ef7841400cd09ec", 1_617_508_800),
    ]
    private static let hexRegtestBenchmark: [(String, UInt32)] = [
        ("04cf3c34f01486bbb34c1a7ca11c2ddb1b3d98698c3f37d54452ff91a8cd5e92a6910ce5fc2cc7ad63547454a965df53ff5be740d4ef4ac89848c2bafd1e40e6b7", 0),
        ("045d54130187b4c4bba25004bf615881c2d79b16950a59114df27dc9858d8e531fda4f3a27aa95ceb2bcc87ddd734be40a6808422655e5350fa9417874556b7342", 1_617_508_800),
    ]
    private static let hexMainP2SH: [(String, UInt32)] = [
        ("04ab11edbb8a15f7cc2628a4a2c18cea095d250f8c9a2924cbd581b8d8fb3a8b91e39e5febddb7ffc60f20dfd352a40aa4f061aa60a9ace26d43e1b7a18aea4162", 0),
    ]
    private static let hexTestP2SH: [(String, UInt32)] = [
        ("04276f105ff36a670a56e75c2462cff05a4a7864756e6e1af01022e32752d6fe57b1e13cab4f2dbe3a6a51b4e0de83a5c4627345f5232151867850018c9a3c3a1d", 0),
    ]

    private static func keys(_ table: [(String, UInt32)]) -> [FluxNodeTimedKey] {
        table.map { FluxNodeTimedKey(key: Hex.decode($0.0) ?? [], validFrom: $0.1) }
    }

    /// Benchmark-signing keys ordered by time (`vecBenchmarkingPublicKeys`).
    public var benchmarkKeys: [FluxNodeTimedKey] {
        switch kind {
        case .mainnet: Self.keys(Self.hexMainBenchmark)
        case .testnet: Self.keys(Self.hexTestBenchmark)
        case .regtest: Self.keys(Self.hexRegtestBenchmark)
        }
    }

    /// Foundation keys allowed to stand for a P2SH collateral (legacy START form), ordered by time
    /// (`vecP2SHPublicKeys`).
    public var p2shKeys: [FluxNodeTimedKey] {
        switch kind {
        case .mainnet: Self.keys(Self.hexMainP2SH)
        case .testnet, .regtest: Self.keys(Self.hexTestP2SH)
        }
    }

    /// fluxd's key-by-time choice: the last key whose start time is <= `time`, else the first.
    static func key(in table: [FluxNodeTimedKey], at time: UInt32) -> [UInt8] {
        for k in table.reversed() where time >= k.validFrom { return k.key }
        return table.first?.key ?? []
    }

    /// The key that must have signed a benchmark with `benchmarkSigTime` (the override on regtest, if set).
    public func benchmarkKey(at time: UInt32) -> [UInt8] {
        if kind == .regtest, let k = benchmarkKeyOverride { return k }
        return Self.key(in: benchmarkKeys, at: time)
    }

    /// The foundation P2SH key in force at START `sigTime`.
    public func p2shKey(at time: UInt32) -> [UInt8] { Self.key(in: p2shKeys, at: time) }

    // MARK: Lifecycle constants by era (§5.2)

    /// A START must be confirmed within this many blocks (60; PoN 240).
    public func startExpiration(at height: Int) -> Int { isActive("pon", at: height) ? 240 : 60 }
    /// How long a failed START stays in the DoS list (180; PoN 720).
    public func dosRemoval(at height: Int) -> Int { isActive("pon", at: height) ? 720 : 180 }
    /// A confirmed node expires without a confirm for more than this many blocks (60 / Flux 80 / Halving 160 /
    /// PoN 640).
    public func confirmExpiration(at height: Int) -> Int {
        if isActive("pon", at: height) { return 640 }
        if isActive("halving", at: height) { return 160 }
        if isActive("flux", at: height) { return 80 }
        return 60
    }
    /// UPDATE_CONFIRM only when the distance since the last confirm is greater than this (40 / Halving 120 /
    /// PoN 500).
    public func updateMinDistance(at height: Int) -> Int {
        if isActive("pon", at: height) { return 500 }
        if isActive("halving", at: height) { return 120 }
        return 40
    }
    /// From Flux on, an UPDATE_CONFIRM that changes the ip is allowed at distance >= 5.
    public static let updateIPChangeDistance = 5
    /// Collateral age in blocks a START needs.
    public static let minimumCollateralConfirmations = 100

    /// The payout of `tier` in a block at `height` with block subsidy `subsidy` (`GetFluxnodeSubsidy`): PoN
    /// integer `subsidy × base / 14 FLUX`; before PoN `Int64(Double(subsidy) × (pct × multiplier))` with the
    /// multiplier 2 from the Flux upgrade.
    public func payout(_ tier: FluxNodeTier, height: Int, subsidy: Int64) -> Int64 {
        if isActive("pon", at: height) {
            // Real subsidies fit easily; an absurd one must not trap.
            let (product, overflow) = subsidy.multipliedReportingOverflow(by: tier.ponBaseUnits)
            return overflow ? 0 : product / (14 * Self.coin)
        }
        let multiplier: Double = isActive("flux", at: height) ? 2 : 1
        return Int64(Double(subsidy) * (tier.powPercentage * multiplier))
    }
}
