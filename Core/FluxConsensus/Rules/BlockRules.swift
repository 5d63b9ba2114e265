import FluxPrimitives

/// Block rules that need no UTXO set: fluxd's `CheckBlock` (minus the header proof, see `ProofOfWork` and
/// `ProofOfNode`) and `ContextualCheckBlock`.
public enum BlockRules {
    /// Size, merkle root (and the CVE-2012-2459 mutation), exactly one coinbase in first position, every
    /// transaction's context-free rules, and at most one FluxNode transaction per collateral.
    public static func checkContextFree(_ block: Block) throws(RejectReason) {
        guard !block.transactions.isEmpty else { throw RejectReason("bad-blk-length", "block has no transactions") }
        let size = block.serialized.count
        if size > ConsensusConstants.maxBlockSize {
            throw RejectReason("bad-blk-length", "block is \(size) bytes (limit \(ConsensusConstants.maxBlockSize))")
        }
        let (root, mutated) = block.computeMerkleRoot()
        if root != block.header.merkleRoot {
            throw RejectReason("bad-txnmrklroot", "merkle root \(block.header.merkleRoot) does not match the transactions (\(root))")
        }
        if mutated { throw RejectReason("bad-txns-duplicate", "duplicate transaction (mutated merkle tree)") }
        guard block.transactions[0].isCoinbase else {
            throw RejectReason("bad-cb-missing", "first transaction is not a coinbase")
        }
        for tx in block.transactions.dropFirst() where tx.isCoinbase {
            throw RejectReason("bad-cb-multiple", "more than one coinbase (\(tx.txid))")
        }
        var collaterals = Set<OutPoint>()
        for tx in block.transactions {
            do { try TransactionRules.checkContextFree(tx) } catch {
                throw RejectReason(error.code, "tx \(tx.txid): \(error.message)")
            }
            if let body = tx.fluxNode, !collaterals.insert(body.collateral).inserted {
                throw RejectReason("bad-txns-fluxnode-duplicate",
                                   "two FluxNode transactions for collateral \(body.collateral)")
            }
        }
    }

    /// Rules that depend on the height and the block time: each transaction's contextual rules and finality,
    /// the height at the start of the coinbase (above height 20), the one-off funding outputs and, at Proof-of-Node
    /// heights, the dev-fund output.
    public static func checkContextual(_ block: Block, height: Int, params: ChainParameters) throws(RejectReason) {
        for tx in block.transactions {
            do { try TransactionRules.checkContextual(tx, height: height, params: params) } catch {
                throw RejectReason(error.code, "tx \(tx.txid): \(error.message)")
            }
            if !TransactionRules.isFinal(tx, height: height, blockTime: block.header.time) {
                throw RejectReason("bad-txns-nonfinal", "tx \(tx.txid) is not final at height \(height)")
            }
        }
        let coinbase = block.transactions[0]
        if height > ConsensusConstants.coinbaseHeightRequiredAbove {
            var expected = Script([])
            expected.appendNumber(Int64(height))
            if !coinbase.inputs[0].scriptSig.bytes.starts(with: expected.bytes) {
                throw RejectReason("bad-cb-height", "coinbase does not start with height \(height)")
            }
        }
        for funding in params.fundingOutputs(at: height) where !coinbase.outputs.contains(
            TxOut(value: funding.amount, scriptPubKey: funding.script)) {
            throw RejectReason("cb-no-\(funding.kind.rawValue)-fund",
                               "coinbase lacks the \(funding.kind.rawValue) output of \(funding.amount) FLUX")
        }
        if let devFund = params.devFundOutput(at: height), !coinbase.outputs.contains(where: {
            $0.scriptPubKey == devFund.script && $0.value >= devFund.amount
        }) {
            throw RejectReason("cb-no-dev-fund", "coinbase lacks a dev-fund output of at least \(devFund.amount) FLUX")
        }
    }
}
