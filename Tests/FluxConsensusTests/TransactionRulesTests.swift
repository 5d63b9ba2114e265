import Testing
import FluxConsensus
import FluxPrimitives

/// Small transparent transactions for the rule tests.
enum RuleFixtures {
    static let payee = Script.payToPubKeyHash([UInt8](repeating: 7, count: 20))

    static func outpoint(_ n: UInt8, index: UInt32 = 0) -> OutPoint {
        OutPoint(hash: Hash256([UInt8](repeating: n, count: 32)), index: index)
    }

    /// A v1 spend of `inputs` paying `values` to `payee`.
    static func spend(_ inputs: [OutPoint] = [outpoint(1)], values: [Int64] = [1_000], lockTime: UInt32 = 0,
                      sequence: UInt32 = .max) -> Transaction {
        Transaction(version: 1, inputs: inputs.map { TxIn(prevout: $0, scriptSig: [0x51], sequence: sequence) },
                    outputs: values.map { TxOut(value: Amount(units: $0), scriptPubKey: payee) }, lockTime: lockTime)
    }

    /// A v1 coinbase whose scriptSig starts with `height`, paying `value` to `payee`.
    static func coinbase(height: Int, value: Amount = .coins(1), extra: [TxOut] = []) -> Transaction {
        var script = Script([])
        script.appendNumber(Int64(height))
        script.appendPush([0x2a, 0x2a])
        return Transaction(version: 1, inputs: [TxIn(prevout: .null, scriptSig: script)],
                           outputs: [TxOut(value: value, scriptPubKey: payee)] + extra)
    }

    /// The reason code `body` throws, or nil when it passes.
    static func code(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let reason as RejectReason { return reason.code } catch {
            return "unexpected \(error)"
        }
    }
}

@Suite struct TransactionRulesTests {
    typealias F = RuleFixtures

    func contextFree(_ tx: Transaction) -> String? { F.code { try TransactionRules.checkContextFree(tx) } }
    func contextual(_ tx: Transaction, height: Int, _ params: ChainParameters = .mainnet) -> String? {
        F.code { try TransactionRules.checkContextual(tx, height: height, params: params) }
    }

    @Test func wellFormedTransactionsPass() {
        #expect(contextFree(F.spend()) == nil)
        #expect(contextFree(F.coinbase(height: 5)) == nil)
        #expect(contextFree(.sapling(inputs: [TxIn(prevout: F.outpoint(1), scriptSig: [0x51])],
                                     outputs: [TxOut(value: 5, scriptPubKey: F.payee)])) == nil)
    }

    @Test func shapeRules() {
        var noVersion = F.spend()
        noVersion.version = 0
        #expect(contextFree(noVersion) == "bad-txns-version-too-low")
        #expect(contextFree(F.spend([])) == "bad-txns-vin-empty")
        #expect(contextFree(F.spend(values: [])) == "bad-txns-vout-empty")
        #expect(contextFree(F.spend([F.outpoint(1), F.outpoint(2), F.outpoint(1)])) == "bad-txns-inputs-duplicate")
        #expect(contextFree(F.spend([F.outpoint(1), .null])) == "bad-txns-prevout-null")
        var big = F.spend()
        big.outputs[0].scriptPubKey = Script([UInt8](repeating: 0x6a, count: ConsensusConstants.maxTxSizeAfterSapling))
        #expect(contextFree(big) == "bad-txns-oversize")
    }

    /// Output values: each in 0...MAX_MONEY (440 million FLUX) and so is their sum.
    @Test func moneyRange() {
        let max = Amount.maxMoney.units
        #expect(max == 440_000_000 * 100_000_000)
        #expect(contextFree(F.spend(values: [max])) == nil)
        #expect(contextFree(F.spend(values: [-1])) == "bad-txns-vout-negative")
        #expect(contextFree(F.spend(values: [max + 1])) == "bad-txns-vout-toolarge")
        #expect(contextFree(F.spend(values: [max, 1])) == "bad-txns-txouttotal-toolarge")
        #expect(contextFree(F.spend(values: [max / 2, max / 2])) == nil)
        var balance = F.spend()
        balance.valueBalance = Amount(units: 1)
        #expect(contextFree(balance) == "bad-txns-valuebalance-nonzero")
    }

    @Test func coinbaseScriptLength() {
        var short = F.coinbase(height: 1)
        short.inputs[0].scriptSig = [0x51]
        #expect(contextFree(short) == "bad-cb-length")
        var long = F.coinbase(height: 1)
        long.inputs[0].scriptSig = Script([UInt8](repeating: 0x51, count: 101))
        #expect(contextFree(long) == "bad-cb-length")
        long.inputs[0].scriptSig = Script([UInt8](repeating: 0x51, count: 100))
        #expect(contextFree(long) == nil)
    }

    @Test func overwinterFormatRules() {
        var tx = Transaction.sapling(inputs: [TxIn(prevout: F.outpoint(1), scriptSig: [0x51])],
                                     outputs: [TxOut(value: 5, scriptPubKey: F.payee)])
        tx.versionGroupId = 0x1234_5678
        #expect(contextFree(tx) == "bad-tx-version-group-id")
        tx.versionGroupId = ConsensusConstants.saplingVersionGroupId
        tx.version = 2
        #expect(contextFree(tx) == "bad-tx-overwinter-version-too-low")
        tx.version = 4
        tx.expiryHeight = ConsensusConstants.txExpiryHeightThreshold
        #expect(contextFree(tx) == "bad-tx-expiry-height-too-high")
        tx.expiryHeight = ConsensusConstants.txExpiryHeightThreshold - 1
        #expect(contextFree(tx) == nil)
    }

    /// Before Acadia (mainnet 250,000) only v1/v2 transactions; from it only Sapling v4.
    @Test func formatFollowsTheUpgradeAtTheHeight() {
        let acadia = 250_000
        let v1 = F.spend()
        let v4 = Transaction.sapling(inputs: v1.inputs, outputs: v1.outputs)
        #expect(contextual(v1, height: acadia - 1) == nil)
        #expect(contextual(v4, height: acadia - 1) == "tx-overwinter-not-active")
        #expect(contextual(v4, height: acadia) == nil)
        #expect(contextual(v1, height: acadia) == "tx-overwinter-active")
        var v3 = v4
        v3.version = 3
        v3.versionGroupId = ConsensusConstants.overwinterVersionGroupId
        #expect(contextual(v3, height: acadia) == "bad-sapling-tx-version-group-id")
        var v5 = v4
        v5.version = 5
        #expect(contextual(v5, height: acadia) == "bad-tx-sapling-version-too-high")
    }

    /// A v4 transaction with expiry height E may be mined up to height E; 0 means no expiry; coinbases never expire.
    @Test func expiryHeight() {
        let v1 = F.spend()
        var tx = Transaction.sapling(inputs: v1.inputs, outputs: v1.outputs, expiryHeight: 300_000)
        #expect(contextual(tx, height: 300_000) == nil)
        #expect(contextual(tx, height: 300_001) == "tx-overwinter-expired")
        tx.expiryHeight = 0
        #expect(contextual(tx, height: 900_000) == nil)
        let cb = F.coinbase(height: 300_001)
        var saplingCoinbase = Transaction.sapling(inputs: cb.inputs, outputs: cb.outputs, expiryHeight: 300_000)
        saplingCoinbase.expiryHeight = 300_000
        #expect(contextual(saplingCoinbase, height: 300_001) == nil)
    }

    @Test func oversizeBeforeSapling() {
        var tx = F.spend()
        tx.outputs[0].scriptPubKey = Script([UInt8](repeating: 0x6a, count: ConsensusConstants.maxTxSizeBeforeSapling))
        #expect(contextFree(tx) == nil)
        #expect(contextual(tx, height: 249_999) == "bad-txns-oversize")
    }

    /// `IsFinalTx`: lock time below 500,000,000 is a height, otherwise a time; final sequences override it.
    @Test func lockTime() {
        #expect(TransactionRules.isFinal(F.spend(lockTime: 0, sequence: 0), height: 1, blockTime: 1))
        let byHeight = F.spend(lockTime: 100, sequence: 0)
        #expect(!TransactionRules.isFinal(byHeight, height: 100, blockTime: 2_000_000_000))
        #expect(TransactionRules.isFinal(byHeight, height: 101, blockTime: 0))
        let byTime = F.spend(lockTime: 1_600_000_000, sequence: 0)
        #expect(!TransactionRules.isFinal(byTime, height: 10_000_000, blockTime: 1_600_000_000))
        #expect(TransactionRules.isFinal(byTime, height: 1, blockTime: 1_600_000_001))
        #expect(TransactionRules.isFinal(F.spend(lockTime: 1_600_000_000, sequence: .max), height: 1, blockTime: 0))
    }

    /// FluxNode transactions need Kamata (v5) or P2SHNodes (v6), and a non-null collateral.
    @Test func fluxNodeTransactions() {
        let confirm = FluxNodeConfirm(collateral: F.outpoint(9), sigTime: 1, benchmarkTier: 1, benchmarkSigTime: 1,
                                      updateType: 0, ip: Array("1.2.3.4:16125".utf8), sig: [1], benchmarkSig: [2])
        let v5 = Transaction.fluxNode(.confirm(confirm), version: 5)
        #expect(contextFree(v5) == nil)
        #expect(contextual(v5, height: 557_999) == "bad-tx-fluxnode-not-active")
        #expect(contextual(v5, height: 558_000) == nil)
        var tier = confirm
        tier.benchmarkTier = 4
        #expect(contextFree(.fluxNode(.confirm(tier), version: 5)) == "bad-fluxnode-tx-tier")
        var null = confirm
        null.collateral = OutPoint(hash: .zero, index: 0)
        #expect(contextFree(.fluxNode(.confirm(null), version: 5)) == "bad-fluxnode-tx-collateral")
    }
}
