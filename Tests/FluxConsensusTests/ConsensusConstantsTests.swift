import FluxConsensus
import FluxPrimitives
import Testing

@Suite("Consensus constants and misc rules")
struct ConsensusConstantsTests {
    @Test func constants() {
        #expect(ConsensusConstants.coinbaseScriptSigLength == 2...100)
        #expect(ConsensusConstants.maxTxSize(saplingActive: false) == 100_000)
        #expect(ConsensusConstants.maxTxSize(saplingActive: true) == 2_000_000)
        #expect(ConsensusConstants.isInMoneyRange(.maxMoney))
        #expect(!ConsensusConstants.isInMoneyRange(Amount(units: Amount.maxMoney.units + 1)))
        #expect(!ConsensusConstants.isInMoneyRange(Amount(units: -1)))
    }

    @Test func maxReorgDepth() {
        let m = ChainParameters.mainnet
        #expect(m.maxReorgDepth(tipHeight: 2_019_999) == 40)
        #expect(m.maxReorgDepth(tipHeight: 2_020_000) == 5000)
        #expect(m.maxReorgDepth(tipHeight: 2_025_000) == 5000)
        #expect(m.maxReorgDepth(tipHeight: 2_025_001) == 40)
        #expect(ChainParameters.testnet.maxReorgDepth(tipHeight: 2_020_000) == 40)
        #expect(ChainParameters.regtest.maxReorgDepth(tipHeight: 0) == 40)
    }

    @Test func digishieldTimespans() {
        let m = ChainParameters.mainnet
        #expect(m.digishield.averagingWindowTimespan(targetSpacing: m.powTargetSpacing) == 2040)
        #expect(m.digishield.minActualTimespan(targetSpacing: m.powTargetSpacing) == 1713)
        #expect(m.digishield.maxActualTimespan(targetSpacing: m.powTargetSpacing) == 2692)
        #expect(m.subsidy.slowStartShift == 2500)
    }

    @Test func timedKeys() {
        let f = ChainParameters.mainnet.fluxnode
        #expect(f.benchmarkKey(at: 1_618_113_599) == f.benchmarkKeys[0])
        #expect(f.benchmarkKey(at: 1_618_113_600) == f.benchmarkKeys[1])
        #expect(f.benchmarkKey(at: 2_000_000_000) == f.benchmarkKeys[4])
        #expect(f.benchmarkKey(at: -1) == nil)
        #expect(f.p2shKey(at: 0) == f.p2shKeys[0])
    }

    @Test func networkLookupAndRegtestIdentity() {
        for n in NetworkKind.allCases { #expect(ChainParameters.forNetwork(n).network == n) }
        let r = ChainParameters.regtest
        #expect(r.skipsProofOfWorkTargetCheck && !ChainParameters.mainnet.skipsProofOfWorkTargetCheck)
        #expect(r.defaultPort == 26126 && r.defaultRPCPort == 26124)
        #expect(r.base58Prefixes == ChainParameters.testnet.base58Prefixes)
        #expect(NetworkUpgrade.allCases.dropFirst().allSatisfy { r.upgrades.activationHeight(of: $0) == nil })
    }
}
