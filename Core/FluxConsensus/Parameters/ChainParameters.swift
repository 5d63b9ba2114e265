import FluxPrimitives

/// Everything that distinguishes one Flux network from another (fluxd's `CChainParams` and
/// `Consensus::Params`), plus the per-height rules derived from them in extensions (Equihash parameters,
/// subsidy, FluxNode payouts, funding outputs).
///
/// Values are transcribed from fluxd (`src/chainparams.cpp`) into Swift source, so the node needs no data file at
/// run time. Heights are block heights (`Int`); times are unix seconds.
public struct ChainParameters: Hashable, Sendable {
    // MARK: Identity

    /// Which network this is.
    public let network: NetworkKind
    /// Currency unit fluxd prints (`"ZEL (now FLUX)"` on mainnet, `"TESTFLUX"`, `"REG"`).
    public let currencyUnit: String
    /// BIP44 coin type (mainnet 19167, otherwise 1).
    public let bip44CoinType: Int
    /// Sub-folder of the data directory (`"testnet"`, `"regtest"`), nil on mainnet.
    public let dataDirectorySuffix: String?
    /// The four message-start ("magic") bytes that begin every P2P message.
    public let messageStart: [UInt8]
    /// Default P2P port.
    public let defaultPort: Int
    /// Default JSON-RPC port.
    public let defaultRPCPort: Int
    /// Transparent Base58Check prefixes (P2PKH, P2SH, WIF).
    public let base58Prefixes: Base58Prefixes
    /// Extended-key and Sprout Base58Check prefixes.
    public let keyPrefixes: KeyPrefixes
    /// Sapling bech32 human-readable parts.
    public let saplingPrefixes: SaplingPrefixes
    /// DNS seeds queried for peers (none on regtest).
    public let dnsSeeds: [String]
    /// The legacy alert-system public key (unused by consensus), nil on regtest.
    public let alertPublicKey: [UInt8]?

    // MARK: Proof of work and proof of node

    /// Easiest allowed PoW target (`powLimit`).
    public let powLimit: TargetLimit
    /// Easiest allowed PoN target (`ponLimit`).
    public let ponLimit: TargetLimit
    /// PoN target of the first blocks after PoN activation (`ponStartLimit`).
    public let ponStartLimit: TargetLimit
    /// Target seconds between PoW blocks (`nPowTargetSpacing`): 120, testnet 60.
    public let powTargetSpacing: Int
    /// Seconds per PoN slot (`nPonTargetSpacing`): 30 everywhere.
    public let ponTargetSpacing: Int
    /// Blocks averaged by the PoN difficulty adjustment (`nPonDifficultyWindow`): mainnet 30, otherwise 60.
    public let ponDifficultyWindow: Int
    /// Digishield parameters (pre-LWMA difficulty).
    public let digishield: DigishieldParameters
    /// Blocks averaged by LWMA and LWMA3 (`nZawyLWMAAveragingWindow`): 60.
    public let lwmaAveragingWindow: Int
    /// The three Equihash epochs (`eh_epoch_1/2/3`), oldest first. See ``equihashParameters(at:)``.
    public let equihashEpochs: [EquihashEpoch]
    /// Blocks during which an old and a new Equihash epoch are both accepted (`eh_epoch_fade_length`).
    public let equihashFadeLength: Int
    /// On testnet, blocks at heights ≤ this value skip the Equihash solution-size check (320); nil elsewhere.
    public let equihashSizeCheckExemptThroughHeight: Int?
    /// Height after which a block more than 2 × target spacing after its parent may use `powLimit`
    /// (`nPowAllowMinDifficultyBlocksAfterHeight`): testnet and regtest 0, mainnet nil (never).
    public let powAllowMinDifficultyBlocksAfterHeight: Int?
    /// When true, `CheckProofOfWork` accepts any header hash (fluxd regtest); the Equihash solution is still checked.
    public let skipsProofOfWorkTargetCheck: Bool
    /// fluxd's `nMinimumChainWork`: a node does not leave initial block download before its best chain has this
    /// much work (zero on testnet and regtest). A 256-bit number, display hex = big-endian.
    public let minimumChainWork: Hash256

    // MARK: Upgrades, checkpoints, genesis

    /// Activation heights of the network upgrades.
    public private(set) var upgrades: UpgradeSchedule
    /// Known hashes of upgrade activation blocks (`hashActivationBlock`, mainnet only), used to detect fake chains
    /// during initial block download.
    public let activationBlockHashes: [NetworkUpgrade: Hash256]
    /// Hash of the genesis block.
    public let genesisHash: Hash256
    /// Hard-coded checkpoints, ordered by height.
    public private(set) var checkpoints: [Checkpoint]

    // MARK: Rewards

    /// Block-subsidy schedule parameters.
    public let subsidy: SubsidyParameters
    /// Whether coinbase outputs had to be shielded before spending before the Flux upgrade
    /// (`fCoinbaseMustBeProtected`): true on mainnet/testnet, false on regtest.
    public let coinbaseMustBeProtected: Bool
    /// BIP34-style majority thresholds (unused by Flux rules).
    public let majority: MajorityRules
    /// FluxNode payments and keys.
    public let fluxnode: FluxnodeParameters
    /// Exchange, foundation, swap-pool and dev-fund payments.
    public let funding: FundingParameters
    /// PoN emergency-block signers.
    public let emergency: EmergencyParameters
    /// Tip heights with a deeper reorganization limit than ``ConsensusConstants/maxReorgLength``, if any.
    public let extendedReorgWindow: ReorgWindow?

    /// Creates a parameter set from every field. Normally use ``mainnet``, ``testnet`` or ``regtest``.
    public init(network: NetworkKind, currencyUnit: String, bip44CoinType: Int, dataDirectorySuffix: String?,
                messageStart: [UInt8], defaultPort: Int, defaultRPCPort: Int, base58Prefixes: Base58Prefixes,
                keyPrefixes: KeyPrefixes, saplingPrefixes: SaplingPrefixes, dnsSeeds: [String],
                alertPublicKey: [UInt8]?, powLimit: TargetLimit, ponLimit: TargetLimit, ponStartLimit: TargetLimit,
                powTargetSpacing: Int, ponTargetSpacing: Int, ponDifficultyWindow: Int,
                digishield: DigishieldParameters, lwmaAveragingWindow: Int, equihashEpochs: [EquihashEpoch],
                equihashFadeLength: Int, equihashSizeCheckExemptThroughHeight: Int?,
                powAllowMinDifficultyBlocksAfterHeight: Int?, skipsProofOfWorkTargetCheck: Bool,
                minimumChainWork: Hash256, upgrades: UpgradeSchedule,
                activationBlockHashes: [NetworkUpgrade: Hash256], genesisHash: Hash256, checkpoints: [Checkpoint],
                subsidy: SubsidyParameters, coinbaseMustBeProtected: Bool, majority: MajorityRules,
                fluxnode: FluxnodeParameters, funding: FundingParameters, emergency: EmergencyParameters,
                extendedReorgWindow: ReorgWindow?) {
        precondition(equihashEpochs.count == 3, "fluxd has exactly three Equihash epochs")
        self.network = network
        self.currencyUnit = currencyUnit
        self.bip44CoinType = bip44CoinType
        self.dataDirectorySuffix = dataDirectorySuffix
        self.messageStart = messageStart
        self.defaultPort = defaultPort
        self.defaultRPCPort = defaultRPCPort
        self.base58Prefixes = base58Prefixes
        self.keyPrefixes = keyPrefixes
        self.saplingPrefixes = saplingPrefixes
        self.dnsSeeds = dnsSeeds
        self.alertPublicKey = alertPublicKey
        self.powLimit = powLimit
        self.ponLimit = ponLimit
        self.ponStartLimit = ponStartLimit
        self.powTargetSpacing = powTargetSpacing
        self.ponTargetSpacing = ponTargetSpacing
        self.ponDifficultyWindow = ponDifficultyWindow
        self.digishield = digishield
        self.lwmaAveragingWindow = lwmaAveragingWindow
        self.equihashEpochs = equihashEpochs
        self.equihashFadeLength = equihashFadeLength
        self.equihashSizeCheckExemptThroughHeight = equihashSizeCheckExemptThroughHeight
        self.powAllowMinDifficultyBlocksAfterHeight = powAllowMinDifficultyBlocksAfterHeight
        self.skipsProofOfWorkTargetCheck = skipsProofOfWorkTargetCheck
        self.minimumChainWork = minimumChainWork
        self.upgrades = upgrades
        self.activationBlockHashes = activationBlockHashes
        self.genesisHash = genesisHash
        self.checkpoints = checkpoints.sorted { $0.height < $1.height }
        self.subsidy = subsidy
        self.coinbaseMustBeProtected = coinbaseMustBeProtected
        self.majority = majority
        self.fluxnode = fluxnode
        self.funding = funding
        self.emergency = emergency
        self.extendedReorgWindow = extendedReorgWindow
    }

    /// The parameters of `network`.
    public static func forNetwork(_ network: NetworkKind) -> ChainParameters {
        switch network {
        case .mainnet: .mainnet
        case .testnet: .testnet
        case .regtest: .regtest
        }
    }

    /// A copy with its upgrade schedule changed by `-upgradeheight` overrides (see
    /// ``UpgradeSchedule/applying(_:)`` for the ordering rule). Nothing else changes; in particular the
    /// activation-block hashes are kept, so overriding mainnet or testnet heights is only meant for tests.
    /// fluxd accepts such overrides on regtest only; the option handling of the executable enforces that.
    public func withUpgradeHeights(_ overrides: [UpgradeOverride]) throws(UpgradeOverrideError) -> ChainParameters {
        var copy = self
        copy.upgrades = try upgrades.applying(overrides)
        return copy
    }

    /// A copy with `checkpoints` (sorted by height) instead of the network's, for tests of the checkpoint rules
    /// on a test network. Nothing else changes.
    public func withCheckpoints(_ checkpoints: [Checkpoint]) -> ChainParameters {
        var copy = self
        copy.checkpoints = checkpoints.sorted { $0.height < $1.height }
        return copy
    }

    /// Regtest parameters with `-upgradeheight` overrides applied, e.g. `[UpgradeOverride(upgrade: .pon, height: 300)]`.
    public static func regtest(upgradeOverrides: [UpgradeOverride]) throws(UpgradeOverrideError) -> ChainParameters {
        try ChainParameters.regtest.withUpgradeHeights(upgradeOverrides)
    }

    // MARK: Derived

    /// The checkpoint at `height`, if there is one.
    public func checkpoint(at height: Int) -> Checkpoint? {
        checkpoints.first { $0.height == height }
    }

    /// The highest checkpoint (fluxd `GetTotalBlocksEstimate` is its height), nil if there are none.
    public var lastCheckpoint: Checkpoint? { checkpoints.last }

    /// True when the block at `height` is a Proof-of-Node block, i.e. ``NetworkUpgrade/pon`` is active there.
    /// Unlike fluxd (whose `IsPONActive` treats every regtest height as PoN), a PoN upgrade that never activates
    /// means proof of work at every height.
    public func isProofOfNode(at height: Int) -> Bool { upgrades.isActive(.pon, at: height) }

    /// The maximum reorganization depth while the tip is at `tipHeight` (fluxd `GetMaxReorgDepth`): 40, or the
    /// ``extendedReorgWindow`` depth inside that window.
    public func maxReorgDepth(tipHeight: Int) -> Int {
        if let w = extendedReorgWindow, w.tipHeights.contains(tipHeight) { return w.maxDepth }
        return ConsensusConstants.maxReorgLength
    }
}
