import FluxPrimitives

/// Transaction rules that need no UTXO set (fluxd's `CheckTransactionWithoutProofVerification` and
/// `ContextualCheckTransaction`). Shielded proofs and signatures are carried, not verified.
public enum TransactionRules {
    /// Context-free checks: version, emptiness, size, value ranges, duplicate inputs and nullifiers, coinbase
    /// shape. Reason codes are fluxd's.
    public static func checkContextFree(_ tx: Transaction) throws(RejectReason) {
        if !tx.overwintered && tx.version < 1 {
            throw RejectReason("bad-txns-version-too-low", "transaction version \(tx.version) is below 1")
        }
        if tx.overwintered {
            if tx.version < 3 {
                throw RejectReason("bad-tx-overwinter-version-too-low", "overwintered version \(tx.version) is below 3")
            }
            if tx.versionGroupId != ConsensusConstants.overwinterVersionGroupId
                && tx.versionGroupId != ConsensusConstants.saplingVersionGroupId {
                throw RejectReason("bad-tx-version-group-id", "unknown version group id \(tx.versionGroupId)")
            }
            if tx.expiryHeight >= ConsensusConstants.txExpiryHeightThreshold {
                throw RejectReason("bad-tx-expiry-height-too-high", "expiry height \(tx.expiryHeight) is not below 500000000")
            }
        }
        if let body = tx.fluxNode {
            try checkFluxNode(body)
            return
        }
        if tx.inputs.isEmpty && tx.joinSplits.isEmpty && tx.shieldedSpends.isEmpty {
            throw RejectReason("bad-txns-vin-empty", "transaction \(tx.txid) has no inputs")
        }
        if tx.outputs.isEmpty && tx.joinSplits.isEmpty && tx.shieldedOutputs.isEmpty {
            throw RejectReason("bad-txns-vout-empty", "transaction \(tx.txid) has no outputs")
        }
        let size = tx.serializedSize
        if size > ConsensusConstants.maxTxSizeAfterSapling {
            throw RejectReason("bad-txns-oversize", "transaction is \(size) bytes")
        }
        let max = Amount.maxMoney.units
        var valueOut: Int64 = 0
        for (n, output) in tx.outputs.enumerated() {
            if output.value.units < 0 { throw RejectReason("bad-txns-vout-negative", "output \(n) is negative") }
            if output.value.units > max { throw RejectReason("bad-txns-vout-toolarge", "output \(n) exceeds MAX_MONEY") }
            valueOut += output.value.units
            if !Amount(units: valueOut).isInMoneyRange {
                throw RejectReason("bad-txns-txouttotal-toolarge", "outputs sum past MAX_MONEY")
            }
        }
        if tx.shieldedSpends.isEmpty && tx.shieldedOutputs.isEmpty && tx.valueBalance.units != 0 {
            throw RejectReason("bad-txns-valuebalance-nonzero", "value balance without Sapling spends or outputs")
        }
        if tx.valueBalance.units > max || tx.valueBalance.units < -max {
            throw RejectReason("bad-txns-valuebalance-toolarge", "value balance out of range")
        }
        if tx.valueBalance.units <= 0 {
            valueOut += -tx.valueBalance.units
            if !Amount(units: valueOut).isInMoneyRange {
                throw RejectReason("bad-txns-txouttotal-toolarge", "outputs and value balance sum past MAX_MONEY")
            }
        }
        for js in tx.joinSplits {
            if js.vpubOld.units < 0 { throw RejectReason("bad-txns-vpub_old-negative", "JoinSplit vpub_old is negative") }
            if js.vpubNew.units < 0 { throw RejectReason("bad-txns-vpub_new-negative", "JoinSplit vpub_new is negative") }
            if js.vpubOld.units > max { throw RejectReason("bad-txns-vpub_old-toolarge", "JoinSplit vpub_old too large") }
            if js.vpubNew.units > max { throw RejectReason("bad-txns-vpub_new-toolarge", "JoinSplit vpub_new too large") }
            if js.vpubNew.units != 0 && js.vpubOld.units != 0 {
                throw RejectReason("bad-txns-vpubs-both-nonzero", "JoinSplit has both vpub_old and vpub_new")
            }
            valueOut += js.vpubOld.units
            if !Amount(units: valueOut).isInMoneyRange {
                throw RejectReason("bad-txns-txouttotal-toolarge", "outputs and JoinSplits sum past MAX_MONEY")
            }
        }
        var valueIn: Int64 = 0
        for js in tx.joinSplits {
            valueIn += js.vpubNew.units
            if !js.vpubNew.isInMoneyRange || !Amount(units: valueIn).isInMoneyRange {
                throw RejectReason("bad-txns-txintotal-toolarge", "JoinSplit inputs sum past MAX_MONEY")
            }
        }
        if tx.valueBalance.units >= 0 {
            valueIn += tx.valueBalance.units
            if !Amount(units: valueIn).isInMoneyRange {
                throw RejectReason("bad-txns-txintotal-toolarge", "shielded inputs sum past MAX_MONEY")
            }
        }
        var seen = Set<OutPoint>()
        for input in tx.inputs where !seen.insert(input.prevout).inserted {
            throw RejectReason("bad-txns-inputs-duplicate", "input \(input.prevout) is spent twice")
        }
        var nullifiers = Set<Hash256>()
        for js in tx.joinSplits { for nf in js.nullifiers where !nullifiers.insert(nf).inserted {
            throw RejectReason("bad-joinsplits-nullifiers-duplicate", "JoinSplit nullifier \(nf) appears twice")
        } }
        var saplingNullifiers = Set<Hash256>()
        for spend in tx.shieldedSpends where !saplingNullifiers.insert(spend.nullifier).inserted {
            throw RejectReason("bad-spend-description-nullifiers-duplicate", "Sapling nullifier \(spend.nullifier) appears twice")
        }
        if tx.isCoinbase {
            if !tx.joinSplits.isEmpty { throw RejectReason("bad-cb-has-joinsplits", "coinbase has JoinSplits") }
            if !tx.shieldedSpends.isEmpty {
                throw RejectReason("bad-cb-has-spend-description", "coinbase has Sapling spends")
            }
            if !tx.shieldedOutputs.isEmpty {
                throw RejectReason("bad-cb-has-output-description", "coinbase has Sapling outputs")
            }
            let length = tx.inputs[0].scriptSig.bytes.count
            if !ConsensusConstants.coinbaseScriptSigLength.contains(length) {
                throw RejectReason("bad-cb-length", "coinbase scriptSig is \(length) bytes (2...100)")
            }
        } else {
            for input in tx.inputs where input.prevout.isNull {
                throw RejectReason("bad-txns-prevout-null", "a non-coinbase input spends the null outpoint")
            }
        }
    }

    static func checkFluxNode(_ body: FluxNodeTransaction) throws(RejectReason) {
        if body.collateral.hash.isZero {
            throw RejectReason("bad-fluxnode-tx-collateral", "FluxNode transaction names a null collateral")
        }
        switch body {
        case let .start(start):
            if let v = start.fluxTxVersion, v & FluxNodeStart.normalBit != 0 && v & FluxNodeStart.p2shBit != 0 {
                throw RejectReason("bad-fluxnode-tx-version", "nFluxTxVersion \(v) sets both normal and P2SH bits")
            }
            if let keys = start.delegates?.keys, keys.count > 4 {
                throw RejectReason("bad-fluxnode-delegates", "\(keys.count) delegate keys (at most 4)")
            }
        case let .confirm(confirm):
            if !(1...3).contains(confirm.benchmarkTier) {
                throw RejectReason("bad-fluxnode-tx-tier", "benchmark tier \(confirm.benchmarkTier) is not 1...3")
            }
            if confirm.updateType != 0 && confirm.updateType != 1 {
                throw RejectReason("bad-fluxnode-tx-update-type", "update type \(confirm.updateType) is not 0 or 1")
            }
            let limit = confirm.benchmarkSigTime >= 1_647_262_800 ? 60 : 40
            if confirm.ip.count > limit {
                throw RejectReason("bad-fluxnode-tx-ip", "ip of \(confirm.ip.count) bytes (at most \(limit))")
            }
        }
    }

    /// Checks that depend on the height the transaction is mined at: format by network upgrade, expiry,
    /// size before Sapling, FluxNode transaction versions, and Flux's "no new shielding" rule.
    public static func checkContextual(_ tx: Transaction, height: Int, params: ChainParameters) throws(RejectReason) {
        let acadia = params.upgrades.isActive(.acadia, at: height)
        if let _ = tx.fluxNode {
            if tx.version == Transaction.fluxNodeVersion && !params.upgrades.isActive(.kamata, at: height) {
                throw RejectReason("bad-tx-fluxnode-not-active", "FluxNode transactions are not allowed before Kamata")
            }
            if tx.version == Transaction.fluxNodeUpgradeableVersion && !params.upgrades.isActive(.p2shNodes, at: height) {
                throw RejectReason("bad-tx-fluxnode-not-active", "v6 FluxNode transactions are not allowed before P2SHNodes")
            }
            return
        }
        if !acadia {
            if tx.overwintered {
                throw RejectReason("tx-overwinter-not-active", "overwintered transaction before Acadia (height \(height))")
            }
            if tx.serializedSize > ConsensusConstants.maxTxSizeBeforeSapling {
                throw RejectReason("bad-txns-oversize", "transaction exceeds 100000 bytes before Sapling")
            }
        } else {
            if !tx.overwintered {
                throw RejectReason("tx-overwinter-active", "non-overwintered transaction at height \(height)")
            }
            if tx.versionGroupId != ConsensusConstants.saplingVersionGroupId {
                throw RejectReason("bad-sapling-tx-version-group-id", "version group id must be Sapling's")
            }
            if tx.version < 4 { throw RejectReason("bad-tx-sapling-version-too-low", "version \(tx.version) < 4") }
            if tx.version > 4 { throw RejectReason("bad-tx-sapling-version-too-high", "version \(tx.version) > 4") }
            if !tx.isCoinbase && tx.expiryHeight != 0 && UInt32(clamping: height) > tx.expiryHeight {
                throw RejectReason("tx-overwinter-expired", "expired at height \(tx.expiryHeight), mined at \(height)")
            }
        }
        if params.upgrades.isActive(.flux, at: height) && !tx.inputs.isEmpty
            && (!tx.joinSplits.isEmpty || !tx.shieldedOutputs.isEmpty) {
            throw RejectReason("bad-txns-shielding-disabled", "transactions with transparent inputs may not shield funds")
        }
    }

    /// `IsFinalTx`: final when lock time is 0, below the height (heights) or block time (times), or when every
    /// input has a final sequence number.
    public static func isFinal(_ tx: Transaction, height: Int, blockTime: UInt32) -> Bool {
        if tx.lockTime == 0 { return true }
        let cutoff: Int64 = tx.lockTime < 500_000_000 ? Int64(height) : Int64(blockTime)
        if Int64(tx.lockTime) < cutoff { return true }
        return tx.inputs.allSatisfy { $0.sequence == .max }
    }
}
