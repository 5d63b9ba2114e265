import FluxPrimitives

/// The transaction-wide sub-hashes of ZIP 143/243 computed once (fluxd's `PrecomputedTransactionData`), so
/// that verifying n inputs hashes the transaction O(n) rather than O(n²) times.
///
/// Immutable and `Sendable`: build it once per transaction and share it between the checkers of all inputs,
/// on any threads. It has no effect on legacy (non-overwintered) transactions.
public struct SighashCache: Sendable {
    let prevouts: [UInt8]
    let sequences: [UInt8]
    let outputs: [UInt8]
    let joinSplits: [UInt8]
    let shieldedSpends: [UInt8]
    let shieldedOutputs: [UInt8]

    /// Hashes the parts of `tx` that every input's digest shares.
    public init(tx: Transaction) {
        prevouts = SignatureHash.prevoutsHash(tx)
        sequences = SignatureHash.sequencesHash(tx)
        outputs = SignatureHash.outputsHash(tx.outputs)
        joinSplits = tx.joinSplits.isEmpty ? [] : SignatureHash.joinSplitsHash(tx)
        shieldedSpends = tx.shieldedSpends.isEmpty ? [] : SignatureHash.shieldedSpendsHash(tx)
        shieldedOutputs = tx.shieldedOutputs.isEmpty ? [] : SignatureHash.shieldedOutputsHash(tx)
    }

    /// The same digest as `SignatureHash.compute`, using the cached sub-hashes (`tx` must be the transaction
    /// the cache was built from).
    public func digest(tx: Transaction, inputIndex: Int, scriptCode: [UInt8], amount: Amount,
                       hashType: SigHashType, branchId: UInt32) -> Hash256? {
        guard tx.overwintered else {
            return SignatureHash.compute(tx: tx, inputIndex: inputIndex, scriptCode: Script(scriptCode),
                                         amount: amount, hashType: hashType, branchId: branchId)
        }
        return SignatureHash.zip143(tx: tx, inputIndex: inputIndex, scriptCode: scriptCode, amount: amount,
                                    hashType: hashType, branchId: branchId,
                                    sapling: tx.versionGroupId == Transaction.saplingVersionGroupId, cache: self)
    }
}
