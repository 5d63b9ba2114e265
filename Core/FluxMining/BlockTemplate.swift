import FluxConsensus
import FluxPrimitives

/// A block under construction at a given height: the coinbase the rules require there and a header that
/// still needs its proof (an Equihash nonce and solution, or a Proof-of-Node signature).
public struct BlockTemplate: Sendable {
    /// Height of the block.
    public let height: Int
    /// The block without its proof (a PoW header with an empty solution, or a PoN header without signature).
    public var block: Block

    /// The root of an empty Sapling note-commitment tree (depth 32), committed by every block from Acadia
    /// while no shielded outputs exist.
    public static let emptySaplingRoot = Hash256(displayHex:
        "3e49b5f954aa9d3545bc6c37744661eea48d7c34e3000d82b7f0010c30f4c2fb")!

    /// Builds the template for the block after `previous` at `height`.
    ///
    /// - Coinbase: scriptSig = height (script number) ‖ OP_0; outputs = the miner's reward (subsidy + fees −
    ///   funding) to `minerScript` (in PoN eras to the dev-fund script, as fluxd's minter does), then the
    ///   funding outputs due at this height. Version 1 before Acadia, v4 Sapling (expiry 0) from Acadia.
    /// - Header: version 4 for proof of work, 100 for Proof of Node; time `time`; `bits` as given (the caller
    ///   computes the difficulty).
    public init(params: ChainParameters, previous: BlockHeader, height: Int, time: UInt32, bits: UInt32,
                minerScript: Script, transactions: [Transaction] = [], fees: Amount = .zero,
                nodeCollateral: OutPoint? = nil) {
        self.height = height
        block = Self.build(params: params, previous: previous, height: height, time: time, bits: bits,
                           minerScript: minerScript, transactions: transactions, fees: fees,
                           nodeCollateral: nodeCollateral, extraOutputs: [])
    }

    /// Builds the template as the other initializer does, and appends `extraOutputs` (the outputs consensus
    /// plugins require) to the coinbase after the funding outputs.
    ///
    /// The extra outputs are paid out of the miner's share: the first output gets subsidy + fees − their total,
    /// so the coinbase pays exactly what it would without them. Throws when an extra output's value is outside
    /// the money range or their total exceeds the miner's share (the block would be invalid).
    public init(params: ChainParameters, previous: BlockHeader, height: Int, time: UInt32, bits: UInt32,
                minerScript: Script, transactions: [Transaction] = [], fees: Amount = .zero,
                nodeCollateral: OutPoint? = nil, extraOutputs: [TxOut]) throws(BlockTemplateError) {
        var total: Int64 = 0
        for output in extraOutputs {
            guard output.value.isInMoneyRange else {
                throw BlockTemplateError("an extra coinbase output pays \(output.value.units), outside the money range")
            }
            total += output.value.units
        }
        let share = params.blockSubsidy(at: height) + fees
        guard total <= share.units else {
            throw BlockTemplateError("extra coinbase outputs pay \(total) in all, more than the miner's share "
                                     + "\(share.units) at height \(height)")
        }
        self.height = height
        block = Self.build(params: params, previous: previous, height: height, time: time, bits: bits,
                           minerScript: minerScript, transactions: transactions, fees: fees,
                           nodeCollateral: nodeCollateral, extraOutputs: extraOutputs)
    }

    private static func build(params: ChainParameters, previous: BlockHeader, height: Int, time: UInt32, bits: UInt32,
                              minerScript: Script, transactions: [Transaction], fees: Amount,
                              nodeCollateral: OutPoint?, extraOutputs: [TxOut]) -> Block {
        let pon = params.isProofOfNode(at: height)
        var scriptSig = Script([])
        scriptSig.appendNumber(Int64(height))
        scriptSig.bytes.append(Opcode.op0)
        let funding = params.fundingOutputs(at: height)
        let extra = Amount(units: extraOutputs.reduce(Int64(0)) { $0 + $1.value.units })
        let reward = params.blockSubsidy(at: height) + fees - extra
        let payee = pon ? (params.devFundOutput(at: height)?.script ?? minerScript) : minerScript
        var outputs = [TxOut(value: reward, scriptPubKey: payee)]
        outputs += funding.map { TxOut(value: $0.amount, scriptPubKey: $0.script) }
        outputs += extraOutputs
        let input = TxIn(prevout: .null, scriptSig: scriptSig, sequence: .max)
        let sapling = params.upgrades.isActive(.acadia, at: height)
        let coinbase = sapling
            ? Transaction.sapling(inputs: [input], outputs: outputs)
            : Transaction(version: 1, inputs: [input], outputs: outputs)
        let txs = [coinbase] + transactions
        let root = MerkleTree.root(of: txs.map(\.txid)).root
        let proof: BlockHeader.Proof = pon
            ? .node(collateral: nodeCollateral ?? .null, signature: [])
            : .work(nonce: .zero, solution: [])
        let header = BlockHeader(version: pon ? BlockHeader.ponVersion : 4, previousBlockHash: previous.hash,
                                 merkleRoot: root, finalSaplingRoot: sapling ? Self.emptySaplingRoot : .zero,
                                 time: time, bits: bits, proof: proof)
        return Block(header: header, transactions: txs)
    }
}

/// Why a block template cannot be built.
public struct BlockTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
