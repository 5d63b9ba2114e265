import Foundation
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxMempool
import FluxPrimitives
import FluxScript
import FluxStorage

/// Regtest with Acadia from height 1: spends are v4 transactions with an expiry height, as on mainnet.
let mempoolParams: ChainParameters = {
    do { return try ChainParameters.regtest(upgradeOverrides: [UpgradeOverride(upgrade: .acadia, height: 1)]) } catch {
        fatalError("regtest parameters: \(error)")
    }
}()

/// A regtest chain of 110 blocks paying `ChainBuilder`'s key, mined once per test run: at tip 110 the coinbases
/// of heights 1…11 are mature for the next block.
enum SharedMempoolChain {
    static let length = 110
    nonisolated(unsafe) static let value: (builder: ChainBuilder, blocks: [Block]) = {
        var builder = ChainBuilder(params: mempoolParams)
        let blocks = builder.chain(on: mempoolParams.genesisHash, count: length)
        return (builder, blocks)
    }()
}

/// A spendable output and its value.
struct Funds {
    let outpoint: OutPoint
    let value: Amount
}

/// What `onAccepted` reported, in order.
final class AcceptedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var txids: [Hash256] = []
    func append(_ txid: Hash256) { lock.lock(); txids.append(txid); lock.unlock() }
    var all: [Hash256] { lock.lock(); defer { lock.unlock() }; return txids }
}

/// A chain on a temporary RocksDB folder with the shared blocks connected, a mempool following it (created as
/// `Node` does, so it is registered as the chain's observer) and a builder to sign spends and extend the chain.
final class MempoolHarness {
    let chain: ChainState
    let mempool: Mempool
    var builder: ChainBuilder
    let accepted = AcceptedLog()

    init(policy: MempoolPolicy = .init()) throws {
        var storage = DatabaseOptions()
        storage.syncWrites = false
        chain = try ChainState(params: mempoolParams, path: ChainBuilder.temporaryDirectory(), storage: storage)
        for b in SharedMempoolChain.value.blocks { try chain.acceptBlock(b) }
        builder = SharedMempoolChain.value.builder
        mempool = Mempool(chain: chain, policy: policy)
        let log = accepted
        mempool.onAccepted = { log.append($0.txid) }
    }

    var script: Script { builder.minerScript }
    var nextHeight: Int { chain.height + 1 }

    /// The miner output of the coinbase at `height` (mature for the next block when height ≤ tip − 99).
    func coinbase(at height: Int) -> Funds {
        let tx = SharedMempoolChain.value.blocks[height - 1].transactions[0]
        let n = tx.outputs.firstIndex { $0.scriptPubKey == script }!
        return Funds(outpoint: OutPoint(hash: tx.txid, index: UInt32(n)), value: tx.outputs[n].value)
    }

    /// A signed v4 transaction spending `inputs` to `outputs` (paying the builder's key unless scripts are given).
    func spend(_ inputs: [Funds], to outputs: [TxOut], expiryHeight: UInt32 = 0, lockTime: UInt32 = 0,
               sequence: UInt32 = .max) -> Transaction {
        var tx = Transaction.sapling(inputs: inputs.map { TxIn(prevout: $0.outpoint, scriptSig: [], sequence: sequence) },
                                     outputs: outputs, lockTime: lockTime, expiryHeight: expiryHeight)
        sign(&tx, amounts: inputs.map(\.value))
        return tx
    }

    /// Spends `inputs` into `count` equal outputs to the builder's key, leaving `fee`.
    func split(_ inputs: [Funds], into count: Int = 1, fee: Amount, expiryHeight: UInt32 = 0) -> Transaction {
        let total = inputs.reduce(Int64(0)) { $0 + $1.value.units } - fee.units
        let each = total / Int64(count)
        var outputs = (0..<count).map { _ in TxOut(value: Amount(units: each), scriptPubKey: script) }
        outputs[0].value = Amount(units: total - each * Int64(count - 1))
        return spend(inputs, to: outputs, expiryHeight: expiryHeight)
    }

    /// Signs every input of `tx` (P2PKH of the builder's key) for the chain's branch.
    func sign(_ tx: inout Transaction, amounts: [Amount]) {
        let branch = mempoolParams.upgrades.currentBranchId(at: nextHeight)
        let key = builder.key
        let pub = key.publicKey(compressed: true).serialized(compressed: true)!
        for i in tx.inputs.indices {
            let digest = SignatureHash.compute(tx: tx, inputIndex: i, scriptCode: script, amount: amounts[i],
                                               hashType: .all, branchId: branch)!
            var scriptSig = Script([])
            scriptSig.appendPush(key.sign(digest32: digest) + [0x01])
            scriptSig.appendPush(pub)
            tx.inputs[i].scriptSig = scriptSig
        }
    }

    /// Output `index` of `tx` as spendable funds.
    func output(_ tx: Transaction, _ index: Int = 0) -> Funds {
        Funds(outpoint: OutPoint(hash: tx.txid, index: UInt32(index)), value: tx.outputs[index].value)
    }

    /// Builds a block on `parent` (default: the tip) holding `transactions`, claiming `fees`, and connects it.
    @discardableResult
    func mine(_ transactions: [Transaction] = [], fees: Amount = .zero, on parent: Hash256? = nil) throws -> Block {
        let block = builder.block(on: parent ?? chain.tip.hash, transactions: transactions, fees: fees)
        try chain.acceptBlock(block)
        return block
    }

    /// Mines a block of the pool's block candidates (as `Node.mineBlocks` does) and returns it.
    @discardableResult
    func mineCandidates() throws -> Block {
        let candidates = chain.withLock { mempool.blockCandidates(maxBytes: ConsensusConstants.maxBlockSize - 10_000) }
        let fees = candidates.reduce(Amount.zero) { $0 + $1.fee }
        return try mine(candidates.map(\.transaction), fees: fees)
    }

    /// The rejection code of accepting `tx`, or nil when it was accepted.
    func rejection(_ tx: Transaction) -> String? {
        do {
            try mempool.accept(tx)
            return nil
        } catch {
            return error.reason?.code ?? error.description
        }
    }
}
