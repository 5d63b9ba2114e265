import Testing
import FluxConsensus
import FluxPrimitives

@Suite struct BlockRulesTests {
    typealias F = RuleFixtures

    /// A PoW-layout block over `transactions` whose header commits to their merkle root.
    func block(_ transactions: [Transaction], time: UInt32 = 1_600_000_000, version: Int32 = 4) -> Block {
        var b = Block(header: BlockHeader(version: version, previousBlockHash: .zero, merkleRoot: .zero, time: time,
                                          bits: 0x1f07_ffff, proof: .work(nonce: .zero, solution: [])),
                      transactions: transactions)
        b.header.merkleRoot = b.computeMerkleRoot().root
        return b
    }

    func contextFree(_ b: Block) -> String? { F.code { try BlockRules.checkContextFree(b) } }
    func contextual(_ b: Block, height: Int, _ params: ChainParameters = .mainnet) -> String? {
        F.code { try BlockRules.checkContextual(b, height: height, params: params) }
    }

    @Test func wellFormedBlockPasses() {
        let b = block([F.coinbase(height: 100), F.spend(), F.spend([F.outpoint(2)])])
        #expect(contextFree(b) == nil)
        #expect(contextual(b, height: 100) == nil)
    }

    @Test func sizeLimit() {
        #expect(contextFree(block([])) == "bad-blk-length")
        // Two transactions just under the transaction limit make a block over the 2,000,000-byte limit.
        var fat = F.spend()
        fat.outputs[0].scriptPubKey = Script([UInt8](repeating: 0x6a, count: 1_100_000))
        var fat2 = fat
        fat2.inputs[0].prevout = F.outpoint(2)
        let big = block([F.coinbase(height: 100), fat, fat2])
        #expect(big.serialized.count > ConsensusConstants.maxBlockSize)
        #expect(contextFree(big) == "bad-blk-length")
        #expect(contextFree(block([F.coinbase(height: 100), fat])) == nil)
    }

    @Test func merkleRootAndMutation() {
        var b = block([F.coinbase(height: 100), F.spend()])
        b.header.merkleRoot = Hash256([UInt8](repeating: 1, count: 32))
        #expect(contextFree(b) == "bad-txnmrklroot")
        // CVE-2012-2459: [cb, a, b, b] has the same root as [cb, a, b]; the duplicate is caught.
        let a = F.spend(), c = F.spend([F.outpoint(3)])
        let mutated = block([F.coinbase(height: 100), a, c, c])
        #expect(mutated.header.merkleRoot == block([F.coinbase(height: 100), a, c]).header.merkleRoot)
        #expect(contextFree(mutated) == "bad-txns-duplicate")
    }

    @Test func exactlyOneCoinbaseFirst() {
        #expect(contextFree(block([F.spend()])) == "bad-cb-missing")
        #expect(contextFree(block([F.spend(), F.coinbase(height: 100)])) == "bad-cb-missing")
        #expect(contextFree(block([F.coinbase(height: 100), F.coinbase(height: 101)])) == "bad-cb-multiple")
    }

    @Test func transactionFailuresCarryTheirCode() {
        let b = block([F.coinbase(height: 100), F.spend(values: [-5])])
        #expect(contextFree(b) == "bad-txns-vout-negative")
        let c = block([F.coinbase(height: 100), F.spend([F.outpoint(1), F.outpoint(1)])])
        #expect(contextFree(c) == "bad-txns-inputs-duplicate")
    }

    @Test func oneFluxNodeTransactionPerCollateral() {
        let confirm = FluxNodeConfirm(collateral: F.outpoint(9), sigTime: 1, benchmarkTier: 1, benchmarkSigTime: 1,
                                      updateType: 0, ip: Array("1.2.3.4:16125".utf8), sig: [1], benchmarkSig: [2])
        var other = confirm
        other.sigTime = 2
        let b = block([F.coinbase(height: 600_000), .fluxNode(.confirm(confirm), version: 5),
                       .fluxNode(.confirm(other), version: 5)])
        #expect(contextFree(b) == "bad-txns-fluxnode-duplicate")
    }

    /// Above height 20 the coinbase scriptSig starts with the block height (BIP34 serialisation).
    @Test func coinbaseHeight() {
        let b = block([F.coinbase(height: 100)])
        #expect(contextual(b, height: 100) == nil)
        #expect(contextual(b, height: 101) == "bad-cb-height")
        #expect(contextual(block([F.coinbase(height: 7)]), height: 20) == nil, "not required up to height 20")
    }

    @Test func nonFinalTransactionsAreRejected() {
        let locked = F.spend(lockTime: 150, sequence: 0)
        #expect(contextual(block([F.coinbase(height: 150), locked]), height: 150) == "bad-txns-nonfinal")
        #expect(contextual(block([F.coinbase(height: 151), locked]), height: 151) == nil)
        let timed = F.spend(lockTime: 1_600_000_000, sequence: 0)
        #expect(contextual(block([F.coinbase(height: 151), timed], time: 1_600_000_000), height: 151)
            == "bad-txns-nonfinal")
        #expect(contextual(block([F.coinbase(height: 151), timed], time: 1_600_000_001), height: 151) == nil)
    }

    /// Contextual transaction rules apply to every transaction of the block.
    @Test func transactionFormatAtTheHeight() {
        #expect(contextual(block([F.coinbase(height: 250_000)]), height: 250_000) == "tx-overwinter-active")
    }

    /// Mainnet's one-off funding outputs (exchange at 836,274, foundation at 836,994, swap pool from 837,714
    /// every 21,600 blocks) must be in the coinbase with exactly their value and script.
    @Test func fundingOutputsAtTheirHeights() throws {
        let params = ChainParameters.mainnet
        func saplingCoinbase(_ height: Int, _ extra: [TxOut]) -> Transaction {
            let cb = F.coinbase(height: height, extra: extra)
            return .sapling(inputs: cb.inputs, outputs: cb.outputs)
        }
        for (height, code) in [(836_274, "cb-no-exchange-fund"), (836_994, "cb-no-foundation-fund"),
                               (837_714 + 21_600 * 3, "cb-no-swapPool-fund")] {
            let required = params.fundingOutputs(at: height)
            #expect(required.count == 1)
            let out = try #require(required.first)
            #expect(contextual(block([saplingCoinbase(height, [])]), height: height) == code)
            let wrongValue = TxOut(value: out.amount - Amount(units: 1), scriptPubKey: out.script)
            #expect(contextual(block([saplingCoinbase(height, [wrongValue])]), height: height) == code)
            let paid = TxOut(value: out.amount, scriptPubKey: out.script)
            #expect(contextual(block([saplingCoinbase(height, [paid])]), height: height) == nil)
        }
        #expect(params.fundingOutputs(at: 837_714 + 21_600 * 10).isEmpty, "the swap pool pays out 10 times")
        #expect(params.fundingTotal(at: 836_274) == .coins(7_500_000))
    }

    /// From Proof of Node (mainnet 2,020,000) the coinbase pays the dev fund at least the subsidy left after the
    /// FluxNode payouts.
    @Test func devFundOutputAtProofOfNodeHeights() throws {
        let params = ChainParameters.mainnet
        let height = 2_020_000
        #expect(params.devFundOutput(at: height - 1) == nil)
        let dev = try #require(params.devFundOutput(at: height))
        func ponBlock(_ extra: [TxOut]) -> Block {
            let cb = F.coinbase(height: height, extra: extra)
            return block([.sapling(inputs: cb.inputs, outputs: cb.outputs)], version: 100)
        }
        #expect(contextual(ponBlock([]), height: height) == "cb-no-dev-fund")
        let short = TxOut(value: dev.amount - Amount(units: 1), scriptPubKey: dev.script)
        #expect(contextual(ponBlock([short]), height: height) == "cb-no-dev-fund")
        #expect(contextual(ponBlock([TxOut(value: dev.amount, scriptPubKey: dev.script)]), height: height) == nil)
        #expect(contextual(ponBlock([TxOut(value: dev.amount + Amount(units: 5), scriptPubKey: dev.script)]),
                           height: height) == nil)
    }
}
