import FluxConsensus
import FluxPrimitives
import FluxTestSupport
import Testing

/// Every value transcribed into `ChainParameters` is compared with `flux_chainparams.json`.
@Suite("Chain parameters match flux_chainparams.json")
struct ChainParametersFixtureTests {
    static let networks: [(key: String, params: ChainParameters)] = [
        ("main", .mainnet), ("test", .testnet), ("regtest", .regtest),
    ]

    func fixture(_ key: String) throws -> JSONValue {
        try JSONValue.fixture("flux_chainparams.json")["networks"][key]
    }

    @Test(arguments: networks.map(\.key))
    func fixtureHasNoFieldWeDoNotCompare(_ key: String) throws {
        let j = try fixture(key)
        let known: Set<String> = [
            "network_id", "currency", "bip44_coin_type", "message_start", "default_p2p_port", "default_rpc_port",
            "datadir", "base58", "bech32_hrp", "pow_limit", "pon_limit", "pon_start_limit", "pow_target_spacing",
            "pon_target_spacing", "pon_difficulty_window", "digishield", "lwma_averaging_window",
            "eh_epoch_fade_length", "equihash_epochs", "pow_allow_min_difficulty_blocks_after_height", "subsidy",
            "coinbase_must_be_protected", "majority", "minimum_chain_work", "upgrades", "genesis_hash", "dns_seeds",
            "alert_pubkey", "checkpoints", "fluxnode", "funding", "emergency",
        ]
        #expect(j.keys.subtracting(known).isEmpty, "uncompared fields: \(j.keys.subtracting(known))")
        #expect(try JSONValue.fixture("flux_chainparams.json")["networks"].keys == ["main", "test", "regtest"])
    }

    @Test(arguments: networks.map(\.key))
    func identity(_ key: String) throws {
        let j = try fixture(key)
        let p = ChainParameters.forNetwork(NetworkKind(rawValue: key)!)
        #expect(p.network.networkId == j["network_id"].string)
        #expect(p.currencyUnit == j["currency"].string)
        #expect(p.bip44CoinType == j["bip44_coin_type"].int)
        #expect(hexString(p.messageStart) == j["message_start"].string)
        #expect(p.defaultPort == j["default_p2p_port"].int)
        #expect(p.defaultRPCPort == j["default_rpc_port"].int)
        #expect(p.dataDirectorySuffix == j["datadir"].string)
        #expect(p.dnsSeeds == j["dns_seeds"].strings)
        #expect(p.alertPublicKey.map(hexString) == j["alert_pubkey"].string)
        #expect(p.genesisHash.description == j["genesis_hash"].string)
    }

    @Test(arguments: networks.map(\.key))
    func prefixes(_ key: String) throws {
        let j = try fixture(key)
        let p = ChainParameters.forNetwork(NetworkKind(rawValue: key)!)
        let b = j["base58"]
        #expect(hexString(p.base58Prefixes.pubKeyHash) == b["p2pkh"].string)
        #expect(hexString(p.base58Prefixes.scriptHash) == b["p2sh"].string)
        #expect(hexString(p.base58Prefixes.secretKey) == b["wif"].string)
        #expect(hexString(p.keyPrefixes.extendedPublicKey) == b["xpub"].string)
        #expect(hexString(p.keyPrefixes.extendedSecretKey) == b["xprv"].string)
        #expect(hexString(p.keyPrefixes.sproutPaymentAddress) == b["sprout_payment"].string)
        #expect(hexString(p.keyPrefixes.sproutViewingKey) == b["sprout_viewing_key"].string)
        #expect(hexString(p.keyPrefixes.sproutSpendingKey) == b["sprout_spending_key"].string)
        #expect(b.keys.count == 8)
        let h = j["bech32_hrp"]
        #expect(p.saplingPrefixes.paymentAddress == h["sapling_payment"].string)
        #expect(p.saplingPrefixes.fullViewingKey == h["sapling_fvk"].string)
        #expect(p.saplingPrefixes.incomingViewingKey == h["sapling_ivk"].string)
        #expect(p.saplingPrefixes.extendedSpendingKey == h["sapling_extsk"].string)
        #expect(h.keys.count == 4)
    }

    @Test(arguments: networks.map(\.key))
    func proofOfWorkAndNode(_ key: String) throws {
        let j = try fixture(key)
        let p = ChainParameters.forNetwork(NetworkKind(rawValue: key)!)
        for (limit, name) in [(p.powLimit, "pow_limit"), (p.ponLimit, "pon_limit"), (p.ponStartLimit, "pon_start_limit")] {
            #expect(limit.target.description == j[name]["hex"].string, "\(name)")
            #expect(limit.compact == j[name]["compact"].hexUInt32, "\(name)")
            // The compact form is the limit truncated to its first three significant bytes.
            let exponent = Int(limit.compact >> 24)
            let mantissa = [UInt8((limit.compact >> 16) & 0xff), UInt8((limit.compact >> 8) & 0xff),
                            UInt8(limit.compact & 0xff)]
            let bigEndian = Array(limit.target.bytes.reversed())
            #expect(bigEndian.prefix(32 - exponent).allSatisfy { $0 == 0 }, "\(name)")
            #expect(Array(bigEndian[(32 - exponent)..<(35 - exponent)]) == mantissa, "\(name)")
        }
        #expect(p.powTargetSpacing == j["pow_target_spacing"].int)
        #expect(p.ponTargetSpacing == j["pon_target_spacing"].int)
        #expect(p.ponDifficultyWindow == j["pon_difficulty_window"].int)
        #expect(p.digishield.averagingWindow == j["digishield"]["averaging_window"].int)
        #expect(p.digishield.maxAdjustDownPercent == j["digishield"]["max_adjust_down_pct"].int)
        #expect(p.digishield.maxAdjustUpPercent == j["digishield"]["max_adjust_up_pct"].int)
        #expect(p.lwmaAveragingWindow == j["lwma_averaging_window"].int)
        #expect(p.equihashFadeLength == j["eh_epoch_fade_length"].int)
        let epochs = j["equihash_epochs"].array
        #expect(epochs.count == 3 && p.equihashEpochs.count == 3)
        for (e, je) in zip(p.equihashEpochs, epochs) {
            #expect(e.n == je["n"].int && e.k == je["k"].int && e.solutionSize == je["sol_size"].int)
        }
        let minDifficulty = j["pow_allow_min_difficulty_blocks_after_height"]
        #expect(p.powAllowMinDifficultyBlocksAfterHeight == (minDifficulty.isNull ? nil : minDifficulty.int))
        let work = j["minimum_chain_work"]
        #expect(p.minimumChainWork.description
            == (work.string ?? String(repeating: "0", count: 64)))
    }

    @Test(arguments: networks.map(\.key))
    func subsidyAndMajority(_ key: String) throws {
        let j = try fixture(key)
        let p = ChainParameters.forNetwork(NetworkKind(rawValue: key)!)
        let s = j["subsidy"]
        #expect(p.subsidy.slowStartInterval == s["slow_start_interval"].int)
        #expect(p.subsidy.halvingInterval == s["halving_interval"].int)
        #expect(p.subsidy.ponInitialSubsidy == .coins(Int64(s["pon_initial_subsidy_coins"].int ?? -1)))
        #expect(p.subsidy.ponReductionInterval == s["pon_reduction_interval"].int)
        #expect(p.subsidy.ponMaxReductions == s["pon_max_reductions"].int)
        #expect(s.keys.count == 5)
        #expect(p.coinbaseMustBeProtected == j["coinbase_must_be_protected"].bool)
        #expect(p.majority.enforceBlockUpgrade == j["majority"]["enforce"].int)
        #expect(p.majority.rejectBlockOutdated == j["majority"]["reject"].int)
        #expect(p.majority.window == j["majority"]["window"].int)
    }

    @Test(arguments: networks.map(\.key))
    func upgrades(_ key: String) throws {
        let j = try fixture(key)
        let p = ChainParameters.forNetwork(NetworkKind(rawValue: key)!)
        let list = j["upgrades"].array
        #expect(list.count == NetworkUpgrade.allCases.count)
        for (u, ju) in zip(NetworkUpgrade.allCases, list) {
            #expect(u.rawValue == ju["index"].int)
            #expect(u.identifier == ju["id"].string)
            #expect(u.name == ju["name"].string)
            #expect(Int(p.upgrades.protocolVersion(of: u)) == ju["protocol_version"].int, "\(u)")
            let height = ju["activation_height"].int
            #expect(p.upgrades.activationHeight(of: u) == (height == -1 ? nil : height), "\(u)")
            #expect(u.branchId == ju["branch_id"].hexUInt32, "\(u)")
            let hash = ju["hash_activation_block"]
            #expect(p.activationBlockHashes[u]?.description == (hash.isNull ? nil : hash.string), "\(u)")
        }
        #expect(p.activationBlockHashes.count == list.filter { !$0["hash_activation_block"].isNull }.count)
    }

    @Test(arguments: networks.map(\.key))
    func checkpoints(_ key: String) throws {
        let j = try fixture(key)
        let p = ChainParameters.forNetwork(NetworkKind(rawValue: key)!)
        let list = j["checkpoints"].array
        #expect(p.checkpoints.count == list.count)
        for (c, jc) in zip(p.checkpoints, list) {
            #expect(c.height == jc["height"].int)
            #expect(c.hash.description == jc["hash"].string)
        }
        #expect(p.lastCheckpoint == p.checkpoints.last)
        if let first = p.checkpoints.first { #expect(p.checkpoint(at: first.height) == first) }
        #expect(p.checkpoint(at: 1) == nil)
    }

    @Test(arguments: networks.map(\.key))
    func fluxnode(_ key: String) throws {
        let j = try fixture(key)["fluxnode"]
        let f = ChainParameters.forNetwork(NetworkKind(rawValue: key)!).fluxnode
        #expect(f.startPaymentsHeight == j["start_payments_height"].int)
        for (keys, jkeys) in [(f.benchmarkKeys, j["benchmark_pubkeys"]), (f.p2shKeys, j["p2sh_pubkeys"])] {
            #expect(keys.count == jkeys.array.count)
            for (k, jk) in zip(keys, jkeys.array) {
                #expect(hexString(k.publicKey) == jk["pubkey"].string)
                #expect(k.validFrom == jk["valid_from_time"].int64)
            }
        }
        let windows = j["collateral_transition"]
        #expect(windows.keys == ["cumulus", "nimbus", "stratus"])
        for tier in FluxnodeTier.allCases {
            let w = windows[tier.name.lowercased()]
            #expect(f.collateralTransitions[tier] == (w[0].int ?? -1)..<(w[1].int ?? -1), "\(tier)")
        }
    }

    @Test(arguments: networks.map(\.key))
    func funding(_ key: String) throws {
        let j = try fixture(key)["funding"]
        let p = ChainParameters.forNetwork(NetworkKind(rawValue: key)!)
        let f = p.funding
        func checkDestination(_ d: FundingDestination, _ jd: JSONValue) {
            #expect(d.address == jd["address"].string)
            if let script = jd["script"].string { #expect(hexString(d.script.bytes) == script, "\(d.address)") }
            // Every script is the script of its address in this network's prefixes.
            #expect(Address(d.address, prefixes: p.base58Prefixes)?.script == d.script, "\(d.address)")
        }
        checkDestination(f.exchange.destination, j["exchange"])
        #expect(f.exchange.height == j["exchange"]["height"].int)
        #expect(f.exchange.amount == .coins(j["exchange"]["amount_coins"].int64 ?? -1))
        checkDestination(f.foundation.destination, j["foundation"])
        #expect(f.foundation.height == j["foundation"]["height"].int)
        #expect(f.foundation.amount == .coins(j["foundation"]["amount_coins"].int64 ?? -1))
        let sp = j["swap_pool"]
        checkDestination(f.swapPool.destination, sp)
        #expect(f.swapPool.startHeight == sp["start_height"].int)
        #expect(f.swapPool.amount == .coins(sp["amount_coins"].int64 ?? -1))
        #expect(f.swapPool.interval == sp["interval"].int)
        #expect(f.swapPool.maxTimes == sp["max_times"].int)
        checkDestination(f.devFund, j["dev_fund"])
        #expect(j.keys == ["exchange", "foundation", "swap_pool", "dev_fund"])
    }

    @Test(arguments: networks.map(\.key))
    func emergency(_ key: String) throws {
        let j = try fixture(key)["emergency"]
        let e = ChainParameters.forNetwork(NetworkKind(rawValue: key)!).emergency
        #expect(e.publicKeys.map(hexString) == j["pubkeys"].strings)
        #expect(e.publicKeys.allSatisfy { $0.count == 33 })
        #expect(e.minimumSignatures == j["min_signatures"].int)
        #expect(e.collateralHash.description == j["collateral_hash"].string)
        #expect(Int(e.collateralIndex) == j["collateral_n"].int)
    }

    @Test func protocolConstants() throws {
        let j = try JSONValue.fixture("flux_chainparams.json")["protocol"]
        #expect(Int(ProtocolConstants.protocolVersion) == j["PROTOCOL_VERSION"].int)
        #expect(Int(ProtocolConstants.initProtocolVersion) == j["INIT_PROTO_VERSION"].int)
        #expect(Int(ProtocolConstants.minPeerProtocolVersion) == j["MIN_PEER_PROTO_VERSION"].int)
        #expect(Int(ProtocolConstants.minPeerProtocolVersionTestnet) == j["MIN_PEER_PROTO_VERSION_TESTNET"].int)
        #expect(Int(ProtocolConstants.minPeerProtocolVersionFluxnode) == j["MIN_PEER_PROTO_VERSION_FLUXNODE"].int)
        #expect(Int(ProtocolConstants.deterministicFluxnodesVersion) == j["DETERMINISTIC_FLUXNODES"].int)
        #expect(Int(ProtocolConstants.p2shNodesVersion) == j["P2SH_NODES"].int)
        #expect(Int(ProtocolConstants.proofOfNodeVersion) == j["PROOF_OF_NODE"].int)
        #expect(Int(ProtocolConstants.sendHeadersVersion) == j["SENDHEADERS_VERSION"].int)
        #expect(Int(ProtocolConstants.sendCompactVersion) == j["SENDCMPCT_VERSION"].int)
        #expect(Int(ProtocolConstants.compactHeadersVersion) == j["CMPHEADERS_VERSION"].int)
        #expect(Int(ProtocolConstants.noBloomVersion) == j["NO_BLOOM_VERSION"].int)
        #expect(ProtocolConstants.clientSubversion == j["client_subversion"].string)
        let s = j["services"]
        #expect(Int(ProtocolConstants.nodeNetwork) == s["NODE_NETWORK"].int)
        #expect(Int(ProtocolConstants.nodeBloom) == s["NODE_BLOOM"].int)
        #expect(Int(ProtocolConstants.nodeBloomWithoutZN) == s["NODE_BLOOM_WITHOUT_ZN"].int)
        #expect(Int(ProtocolConstants.defaultServices) == s["default"].int)
        #expect(j.keys.count == 14)
    }

    @Test func consensusConstants() throws {
        let j = try JSONValue.fixture("flux_chainparams.json")["consensus_constants"]
        #expect(ConsensusConstants.maxMoney == .coins(j["MAX_MONEY_coins"].int64 ?? -1))
        #expect(ConsensusConstants.coin == j["COIN"].int64)
        #expect(ConsensusConstants.maxBlockSize == j["MAX_BLOCK_SIZE"].int)
        #expect(ConsensusConstants.maxBlockSigops == j["MAX_BLOCK_SIGOPS"].int)
        #expect(ConsensusConstants.maxBlockSigSize == j["MAX_BLOCK_SIG_SIZE"].int)
        #expect(ConsensusConstants.maxEmergencyBlockSigSize == j["MAX_EMERGENCY_BLOCK_SIG_SIZE"].int)
        #expect(ConsensusConstants.maxTxSizeBeforeSapling == j["MAX_TX_SIZE_BEFORE_SAPLING"].int)
        #expect(ConsensusConstants.maxTxSizeAfterSapling == j["MAX_TX_SIZE_AFTER_SAPLING"].int)
        #expect(ConsensusConstants.coinbaseMaturity == j["COINBASE_MATURITY"].int)
        #expect(Int(ConsensusConstants.txExpiryHeightThreshold) == j["TX_EXPIRY_HEIGHT_THRESHOLD"].int)
        #expect(Int(ConsensusConstants.minBlockVersion) == j["MIN_BLOCK_VERSION"].int)
        #expect(Int(ConsensusConstants.ponBlockVersion) == j["PON_BLOCK_VERSION"].int)
        #expect(ConsensusConstants.overwinterVersionGroupId == j["OVERWINTER_VERSION_GROUP_ID"].hexUInt32)
        #expect(ConsensusConstants.saplingVersionGroupId == j["SAPLING_VERSION_GROUP_ID"].hexUInt32)
        #expect(ConsensusConstants.maxReorgLength == j["MAX_REORG_LENGTH"].int)
        #expect(ChainParameters.mainnet.extendedReorgWindow?.maxDepth == j["MAX_REORG_LENGTH_2020000_to_2025000"].int)
        #expect(ChainParameters.mainnet.extendedReorgWindow?.tipHeights == 2_020_000...2_025_000)
        #expect(j.keys.count == 16)
    }
}
