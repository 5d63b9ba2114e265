import Foundation
import Testing
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxEquihash
import FluxMining
import FluxPrimitives
import FluxScript
import FluxStorage

/// Consensus rules checked while headers and blocks are accepted against the UTXO set: version, checkpoints,
/// value conservation, the duplicate-txid rule (BIP30) and the signature-operation limit.
@Suite(.serialized) struct BlockValidationTests {
    func open(_ params: ChainParameters = .regtest) throws -> ChainState {
        var storage = DatabaseOptions()
        storage.syncWrites = false
        return try ChainState(params: params, path: ChainBuilder.temporaryDirectory(), storage: storage)
    }

    /// The reject code of `body`, or nil when it passes.
    func code(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let error as ChainError {
            return error.reason?.code ?? "\(error)"
        } catch { return "\(error)" }
    }

    /// Re-mines `block` (regtest (48,5); regtest skips the target check) after its transactions were changed,
    /// and records it in `builder` so it can be built on.
    func remine(_ block: Block, height: Int, builder: inout ChainBuilder) -> Block {
        var b = block
        b.header.merkleRoot = b.computeMerkleRoot().root
        b.header = EquihashMiner(parameters: .zcash48_5).mine(b.header, target: .max, firstNonce: 7 << 40)!.header
        builder.headers[b.hash] = (b.header, height)
        return b
    }

    @Test func headerVersionBelowFourIsRejected() throws {
        let chain = try open()
        var builder = ChainBuilder()
        var b = builder.block(on: chain.tip.hash)
        b.header.version = 3
        #expect(code { try chain.acceptHeader(b.header) } == "bad-version")
        #expect(chain.height == 0)
    }

    /// A block at a checkpoint height must be the checkpointed one; no fork may start below the last
    /// checkpoint once the active chain has passed it.
    @Test func checkpointsPinTheChain() throws {
        var builder = ChainBuilder()
        let main = builder.chain(on: ChainParameters.regtest.genesisHash, count: 5)
        let params = ChainParameters.regtest.withCheckpoints([
            Checkpoint(height: 0, hash: ChainParameters.regtest.genesisHash),
            Checkpoint(height: 3, hash: main[2].hash),
        ])
        let chain = try open(params)
        for b in main.prefix(2) { try chain.acceptBlock(b) }
        let rival = builder.block(on: main[1].hash, time: main[2].header.time + 1)
        #expect(rival.hash != main[2].hash)
        #expect(code { try chain.acceptHeader(rival.header) } == "checkpoint-mismatch")
        for b in main.dropFirst(2) { try chain.acceptBlock(b) }
        #expect(chain.tip.hash == main.last!.hash)
        // A side branch from genesis: its first block's parent is on the active chain (allowed), its second's not.
        let s1 = builder.block(on: chain.entry(at: 0)!.hash, time: main[0].header.time + 7)
        try chain.acceptHeader(s1.header)
        let s2 = builder.block(on: s1.hash)
        #expect(code { try chain.acceptHeader(s2.header) } == "bad-fork-prior-to-checkpoint")
        #expect(chain.tip.hash == main.last!.hash)
    }

    /// A transaction may not pay out more than its inputs hold.
    @Test func outputsAboveInputsAreRejected() throws {
        let chain = try open()
        var builder = ChainBuilder()
        let blocks = builder.chain(on: chain.tip.hash, count: 101)
        for b in blocks { try chain.acceptBlock(b) }
        let cb = blocks[0].transactions[0]
        let value = cb.outputs[0].value
        let tx = builder.spend([(OutPoint(hash: cb.txid, index: 0), value)],
                               to: [TxOut(value: value + Amount(units: 1), scriptPubKey: builder.minerScript)], height: 102)
        let b = builder.block(on: chain.tip.hash, transactions: [tx])
        #expect(code { try chain.acceptBlock(b) } == "bad-txns-in-belowout")
        #expect(chain.height == 101)
        // Paying exactly the inputs connects.
        let exact = builder.spend([(OutPoint(hash: cb.txid, index: 0), value)],
                                  to: [TxOut(value: value, scriptPubKey: builder.minerScript)], height: 102)
        #expect(try chain.acceptBlock(builder.block(on: chain.tip.hash, transactions: [exact])) == .connected)
    }

    /// BIP30: a transaction may not recreate outputs that are still unspent. Up to height 20 coinbases need not
    /// commit to their height, so the same coinbase twice is the way to get a duplicate txid.
    @Test func duplicateTxidOverUnspentOutputsIsRejected() throws {
        let chain = try open()
        var builder = ChainBuilder()
        let blocks = builder.chain(on: chain.tip.hash, count: 5)
        for b in blocks { try chain.acceptBlock(b) }
        var copy = builder.block(on: chain.tip.hash)
        copy.transactions[0] = blocks[3].transactions[0]
        let duplicate = remine(copy, height: 6, builder: &builder)
        #expect(duplicate.transactions[0].txid == blocks[3].transactions[0].txid)
        #expect(code { try chain.acceptBlock(duplicate) } == "bad-txns-BIP30")
        #expect(chain.tip.hash == blocks.last!.hash)
    }

    /// At most 20,000 signature operations per block (legacy counting: OP_CHECKMULTISIG counts 20).
    @Test func signatureOperationLimit() throws {
        let chain = try open()
        var builder = ChainBuilder()
        let blocks = builder.chain(on: chain.tip.hash, count: 102)
        for b in blocks { try chain.acceptBlock(b) }
        func spending(_ n: Int, sigops: Int) -> Transaction {
            let cb = blocks[n].transactions[0]
            let value = cb.outputs[0].value
            let script = [UInt8](repeating: 0xae, count: sigops / 20) + [UInt8](repeating: 0xac, count: sigops % 20)
            return builder.spend([(OutPoint(hash: cb.txid, index: 0), value)],
                                 to: [TxOut(value: value, scriptPubKey: Script(script))], height: 103)
        }
        // The coinbase's own outputs count too (the miner's and any FluxNode payouts).
        let coinbase = builder.block(on: chain.tip.hash).transactions[0]
        let coinbaseSigops = coinbase.outputs.reduce(0) { $0 + $1.scriptPubKey.legacySigOpCount(accurate: false) }
            + coinbase.inputs[0].scriptSig.legacySigOpCount(accurate: false)
        #expect(coinbaseSigops >= 1)
        let limit = ConsensusConstants.maxBlockSigops
        #expect(limit == 20_000)
        let over = builder.block(on: chain.tip.hash, transactions: [spending(0, sigops: limit - coinbaseSigops + 1)])
        #expect(code { try chain.acceptBlock(over) } == "bad-blk-sigops")
        #expect(chain.height == 102)
        let tx = spending(1, sigops: limit - coinbaseSigops)
        let at = builder.block(on: chain.tip.hash, transactions: [tx])
        #expect(try chain.acceptBlock(at) == .connected)
    }
}
