import Testing
import FluxConsensus
import FluxEquihash
import FluxMining
import FluxPrimitives

@Suite struct MiningTests {
    let params = ChainParameters.regtest
    let miner = Script.payToPubKeyHash([UInt8](repeating: 7, count: 20))

    @Test func minesRegtestBlocksThatPassTheConsensusProofChecks() throws {
        var tip = GenesisBlock.block(for: .regtest).header
        for height in 1...5 {
            let template = BlockTemplate(params: params, previous: tip, height: height, time: tip.time + 120,
                                         bits: params.powLimit.compact, minerScript: miner)
            let target = try ProofOfWork.target(bits: params.powLimit.compact, limit: UInt256(params.powLimit.target))
            let result = try #require(EquihashMiner(parameters: .zcash48_5).mine(template.block.header, target: target,
                                                                                  firstNonce: UInt64(height) << 32))
            try ProofOfWork.checkSolution(result.header, params: params, height: height)
            try ProofOfWork.checkTarget(result.header, params: params)
            #expect(!(target < UInt256(result.header.hash)))
            #expect(result.header.previousBlockHash == tip.hash)
            var block = template.block
            block.header = result.header
            let (root, mutated) = block.computeMerkleRoot()
            #expect(root == block.header.merkleRoot && !mutated)
            // The block survives a wire round trip.
            #expect(try Block(serialized: block.serialized) == block)
            tip = result.header
        }
    }

    @Test func coinbaseCommitsToHeightAndPaysSubsidyAndFunding() {
        let genesis = GenesisBlock.block(for: .mainnet).header
        let height = 836_274   // mainnet exchange-fund height
        let t = BlockTemplate(params: .mainnet, previous: genesis, height: height, time: 1, bits: 0x1f07ffff,
                              minerScript: miner)
        let coinbase = t.block.transactions[0]
        #expect(coinbase.isCoinbase)
        #expect(coinbase.isSaplingV4 && coinbase.expiryHeight == 0)
        #expect(coinbase.inputs[0].scriptSig.bytes == [0x03, 0xb2, 0xc2, 0x0c, 0x00])
        #expect(coinbase.outputs[0] == TxOut(value: ChainParameters.mainnet.blockSubsidy(at: height), scriptPubKey: miner))
        #expect(coinbase.outputs.count == 2)
        #expect(coinbase.outputs[1].value == .coins(7_500_000))
        #expect(Address(script: coinbase.outputs[1].scriptPubKey)?.encoded(prefixes: ChainParameters.mainnet.base58Prefixes)
                == "t3PMbbA5YBMrjSD3dD16SSdXKuKovwmj6tS")
        #expect(t.block.header.finalSaplingRoot == BlockTemplate.emptySaplingRoot)
    }

    @Test func extraOutputsArePaidOutOfTheMinersShare() throws {
        let genesis = GenesisBlock.block(for: .mainnet).header
        let height = 836_274
        let share = ChainParameters.mainnet.blockSubsidy(at: height) + Amount(units: 500)
        let toll = TxOut(value: Amount(units: 12_345), scriptPubKey: Script([0x51]))
        let t = try BlockTemplate(params: .mainnet, previous: genesis, height: height, time: 1, bits: 0x1f07ffff,
                                  minerScript: miner, fees: Amount(units: 500), extraOutputs: [toll, toll])
        let coinbase = t.block.transactions[0]
        #expect(coinbase.outputs.count == 4)   // miner, exchange fund, then the extra outputs
        #expect(Array(coinbase.outputs[2...]) == [toll, toll])
        #expect(coinbase.outputs[0].value == share - Amount(units: 24_690))
        #expect(t.block.header.merkleRoot == t.block.computeMerkleRoot().root)
        // All of the miner's share is allowed; more, or a value outside the money range, is not.
        let all = TxOut(value: share, scriptPubKey: Script([0x51]))
        #expect(try BlockTemplate(params: .mainnet, previous: genesis, height: height, time: 1, bits: 0x1f07ffff,
                                  minerScript: miner, fees: Amount(units: 500), extraOutputs: [all])
            .block.transactions[0].outputs[0].value == .zero)
        #expect(throws: BlockTemplateError.self) {
            try BlockTemplate(params: .mainnet, previous: genesis, height: height, time: 1, bits: 0x1f07ffff,
                              minerScript: miner, fees: Amount(units: 500), extraOutputs: [all, toll])
        }
        #expect(throws: BlockTemplateError.self) {
            try BlockTemplate(params: .mainnet, previous: genesis, height: height, time: 1, bits: 0x1f07ffff,
                              minerScript: miner, extraOutputs: [TxOut(value: Amount(units: -1), scriptPubKey: Script([0x51]))])
        }
    }

    @Test func ponTemplatesUseTheNodeHeaderAndPayTheDevFund() throws {
        let pon = try ChainParameters.regtest(upgradeOverrides: [UpgradeOverride(upgrade: .pon, height: 3)])
        let genesis = GenesisBlock.block(for: .regtest).header
        let collateral = OutPoint(hash: Hash256(displayHex: String(repeating: "ab", count: 32))!, index: 1)
        let t = BlockTemplate(params: pon, previous: genesis, height: 3, time: genesis.time + 90,
                              bits: pon.ponStartLimit.compact, minerScript: miner, nodeCollateral: collateral)
        #expect(t.block.header.isProofOfNode)
        #expect(t.block.header.proof == .node(collateral: collateral, signature: []))
        #expect(t.block.transactions[0].outputs[0].scriptPubKey == pon.funding.devFund.script)
        #expect(t.block.transactions[0].outputs[0].value == pon.blockSubsidy(at: 3))
        try ProofOfNode.checkHash(t.block.header, params: pon)
        // Below the PoN height the same parameters build a proof-of-work header.
        let pow = BlockTemplate(params: pon, previous: genesis, height: 2, time: genesis.time + 60,
                                bits: pon.powLimit.compact, minerScript: miner)
        #expect(!pow.block.header.isProofOfNode)
    }

    @Test func ponSlotsAndHashFollowTheSpecification() {
        let genesisTime = GenesisBlock.block(for: .mainnet).header.time
        #expect(ProofOfNode.slot(time: genesisTime + 29, params: .mainnet) == 0)
        #expect(ProofOfNode.slot(time: genesisTime + 30, params: .mainnet) == 1)
        #expect(ProofOfNode.slot(time: genesisTime + 3000, params: .mainnet) == 100)
        let c = OutPoint(hash: Hash256(displayHex: String(repeating: "01", count: 32))!, index: 2)
        var w = ByteWriter()
        w.writeBytes([UInt8](repeating: 1, count: 32) + [2, 0, 0, 0])
        w.writeBytes([UInt8](repeating: 0, count: 32))
        w.writeBytes([5, 0, 0, 0])
        #expect(ProofOfNode.ponHash(collateral: c, previousBlockHash: .zero, slot: 5) == Hashing.sha256d(w.bytes))
    }

    @Test func mainnetPonHeadersAboveTheTargetAreRejected() {
        // A target of 1 (nBits 0x01010000 → 1) is below the limit; almost every PoN hash exceeds it.
        let header = BlockHeader(version: 100, previousBlockHash: .zero, merkleRoot: .zero, time: 1_700_000_000,
                                 bits: 0x0101_0000, proof: .node(collateral: OutPoint(hash: .zero, index: 0), signature: []))
        #expect(throws: RejectReason.self) { try ProofOfNode.checkHash(header, params: .mainnet) }
        var easy = header
        easy.bits = 0x2100_ffff   // above every limit
        do {
            try ProofOfNode.checkHash(easy, params: .mainnet)
            Issue.record("expected bad-diffbits")
        } catch {
            #expect(error.code == "bad-diffbits")
        }
    }
}
