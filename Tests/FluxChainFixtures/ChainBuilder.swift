import Foundation
import FluxChain
import FluxConsensus
import FluxEquihash
import FluxMining
import FluxPrimitives
import FluxScript

/// Builds valid regtest blocks for tests and benchmarks: coinbase, optional spends, correct nBits, an Equihash (48,5)
/// solution (regtest skips the target check, as fluxd does, so the first solution is enough).
public struct ChainBuilder {
    /// The network.
    public let params: ChainParameters
    /// The key that receives block rewards and signs spends.
    public let key: PrivateKey
    /// P2PKH script of `key`.
    public let minerScript: Script
    /// Headers of every block built, by hash, so any branch can be extended.
    public var headers: [Hash256: (header: BlockHeader, height: Int)] = [:]
    var nonceCounter: UInt64 = 0

    /// A builder on `params` whose key is 32 bytes of `seed`.
    public init(params: ChainParameters = .regtest, seed: UInt8 = 1) {
        self.params = params
        key = PrivateKey(bytes: [UInt8](repeating: seed, count: 32))!
        minerScript = .payToPubKeyHash(key.publicKey(compressed: true).hash160)
        let genesis = GenesisBlock.block(for: params.network)
        headers[genesis.hash] = (genesis.header, 0)
    }

    /// A new temporary data folder.
    public static func temporaryDirectory() -> String { TestScratch.directory("flux-chain") }

    /// Builds a block on `parent` with `transactions` after the coinbase. `time` defaults to parent + 120. The
    /// block reward goes to `payTo` when given, else to `minerScript`. `coinbaseExtra` is added to the reward
    /// output (negative to underpay) and `extraOutputs` are appended to the coinbase.
    public mutating func block(on parent: Hash256, transactions: [Transaction] = [], fees: Amount = .zero,
                        time: UInt32? = nil, coinbaseExtra: Amount = .zero, collateral: OutPoint? = nil,
                        signWith nodeKey: PrivateKey? = nil, bits forcedBits: UInt32? = nil,
                        payTo: Script? = nil, extraOutputs: [TxOut] = []) -> Block {
        let (parentHeader, parentHeight) = headers[parent]!
        let height = parentHeight + 1
        let blockTime = time ?? parentHeader.time + 120
        let last = ChainHeaderInfo(height: parentHeight, time: parentHeader.time, bits: parentHeader.bits)
        let bits = forcedBits ?? Difficulty.requiredBits(params: params, last: last, nextTime: blockTime,
                                                         ancestors: BuilderAncestors(builder: self, tip: parent))
        var template = BlockTemplate(params: params, previous: parentHeader, height: height, time: blockTime, bits: bits,
                                     minerScript: payTo ?? minerScript, transactions: transactions, fees: fees,
                                     nodeCollateral: collateral ?? ChainState.testCollateral)
        if coinbaseExtra != .zero || !extraOutputs.isEmpty {
            var coinbase = template.block.transactions[0]
            coinbase.outputs[0].value = coinbase.outputs[0].value + coinbaseExtra
            coinbase.outputs += extraOutputs
            template.block.transactions[0] = coinbase
            template.block.header.merkleRoot = template.block.computeMerkleRoot().root
        }
        var block = template.block
        if block.header.isProofOfNode {
            if let nodeKey {
                block.header.proof = .node(collateral: collateral!, signature: nodeKey.sign(digest32: block.header.hash))
            }
        } else {
            let miner = EquihashMiner(parameters: .zcash48_5)
            nonceCounter += 1
            block.header = miner.mine(block.header, target: .max, firstNonce: nonceCounter << 20)!.header
        }
        headers[block.hash] = (block.header, height)
        return block
    }

    /// Builds `count` blocks on `parent`, returning them in order; rewards go to `payTo` (default `minerScript`).
    public mutating func chain(on parent: Hash256, count: Int, payTo: Script? = nil) -> [Block] {
        var out: [Block] = []
        var tip = parent
        for _ in 0..<count {
            let b = block(on: tip, payTo: payTo)
            out.append(b)
            tip = b.hash
        }
        return out
    }

    /// A v1 (pre-Acadia) or v4 transaction spending `outpoint` (paying to this builder's key) to `outputs`,
    /// signed with SIGHASH_ALL.
    public func spend(_ outpoints: [(OutPoint, Amount)], to outputs: [TxOut], height: Int) -> Transaction {
        let sapling = params.upgrades.isActive(.acadia, at: height)
        var tx = sapling
            ? Transaction.sapling(inputs: outpoints.map { TxIn(prevout: $0.0, scriptSig: []) }, outputs: outputs)
            : Transaction(version: 1, inputs: outpoints.map { TxIn(prevout: $0.0, scriptSig: []) }, outputs: outputs)
        let branch = params.upgrades.currentBranchId(at: height)
        let pub = key.publicKey(compressed: true)
        for (i, (_, amount)) in outpoints.enumerated() {
            let digest = SignatureHash.compute(tx: tx, inputIndex: i, scriptCode: minerScript, amount: amount,
                                               hashType: .all, branchId: branch)!
            var scriptSig = Script([])
            scriptSig.appendPush(key.sign(digest32: digest) + [0x01])
            scriptSig.appendPush(pub.serialized(compressed: true)!)
            tx.inputs[i].scriptSig = scriptSig
        }
        return tx
    }
}

/// Ancestors of a branch the builder made.
public struct BuilderAncestors: AncestorLookup {
    let builder: ChainBuilder
    let tip: Hash256
    public func ancestor(at height: Int) -> ChainHeaderInfo? {
        var hash = tip
        while let (header, h) = builder.headers[hash] {
            if h == height { return ChainHeaderInfo(height: h, time: header.time, bits: header.bits) }
            if h < height || h == 0 { return nil }
            hash = header.previousBlockHash
        }
        return nil
    }
}
