import FluxPrimitives
import FluxScript
import Foundation

/// Signing transparent inputs.
extension Wallet {
    /// Signs every input (fluxd's `signrawtransaction`) whose previous output is given in `prevouts`, is in
    /// the chain's UTXO set, or is a wallet coin (confirmed or pending), when it pays P2PKH or
    /// pay-to-public-key of a wallet key or of one of `extraKeys` (WIF; malformed ones are ignored, so
    /// validate them first to report them). Inputs that cannot be signed keep their scriptSig. Every input is
    /// then verified with the standard script flags and the branch id of the next block.
    ///
    /// - Returns: the transaction, whether every input verifies, and one error per failing input (a missing
    ///   previous output: "Input not found or already spent"; otherwise fluxd's script error text), to be
    ///   shaped as `{txid, vout, scriptSig, sequence, error}` from the input.
    public func signRawTransaction(_ tx: Transaction, prevouts: [OutPoint: TxOut] = [:], extraKeys: [String] = [],
                                   hashType: SigHashType = .all)
        -> (transaction: Transaction, complete: Bool, errors: [(input: Int, message: String)]) {
        var extra: [[UInt8]: WalletKey] = [:]
        for text in extraKeys {
            guard let wif = WIF(text.trimmingCharacters(in: .whitespacesAndNewlines), prefixes: prefixes),
                  let key = PrivateKey(bytes: wif.secret) else { continue }
            let entry = WalletKey(key: key, compressed: wif.compressed, sequence: 0)
            extra[entry.hash160] = entry
        }
        return lockedQuery {
            let branchId = chain.params.upgrades.currentBranchId(at: chain.height + 1)
            var signed = tx
            var spent: [Int: TxOut] = [:]
            var errors: [(input: Int, message: String)] = []
            for (i, input) in tx.inputs.enumerated() {
                guard let previous = previousOutput(input.prevout, given: prevouts) else {
                    errors.append((i, "Input not found or already spent"))
                    continue
                }
                spent[i] = previous
                if let scriptSig = signature(tx: tx, input: i, spending: previous, hashType: hashType,
                                             branchId: branchId, extraKeys: extra) {
                    signed.inputs[i].scriptSig = scriptSig
                }
            }
            let cache = SighashCache(tx: signed)
            for i in signed.inputs.indices {
                guard let previous = spent[i] else { continue }
                if let error = verify(tx: signed, input: i, spending: previous, branchId: branchId, cache: cache) {
                    errors.append((i, error.description))
                }
            }
            errors.sort { $0.input < $1.input }
            return (signed, errors.isEmpty, errors)
        }
    }

    /// The output `outpoint` names: given by the caller, unspent in the chain, or a wallet coin. Locks held.
    func previousOutput(_ outpoint: OutPoint, given: [OutPoint: TxOut]) -> TxOut? {
        if let output = given[outpoint] { return output }
        if let coin = try? chain.coin(outpoint) { return coin.output }
        if let coin = coins[outpoint], spentBy[outpoint] == nil { return coin.output }
        return pendingCoins[outpoint]?.output
    }

    /// A scriptSig for input `input` of `tx` spending `previous`, or nil when `previous` is neither P2PKH nor
    /// pay-to-public-key of a known key, or the digest is undefined (legacy SIGHASH_SINGLE without a
    /// matching output). Lock held.
    func signature(tx: Transaction, input: Int, spending previous: TxOut, hashType: SigHashType, branchId: UInt32,
                   extraKeys: [[UInt8]: WalletKey]) -> Script? {
        let script = previous.scriptPubKey
        let keyHash: [UInt8]
        var withPublicKey = true
        if let hash = script.pubKeyHash {
            keyHash = hash
        } else if let publicKey = script.payToPublicKey {
            keyHash = Hashing.hash160(publicKey)
            withPublicKey = false
        } else {
            return nil
        }
        guard let key = keys[keyHash] ?? extraKeys[keyHash],
              let digest = SignatureHash.compute(tx: tx, inputIndex: input, scriptCode: script, amount: previous.value,
                                                 hashType: hashType, branchId: branchId) else { return nil }
        var scriptSig = Script([])
        scriptSig.appendPush(key.key.sign(digest32: digest) + [UInt8(truncatingIfNeeded: hashType.rawValue)])
        if withPublicKey { scriptSig.appendPush(key.publicKey) }
        return scriptSig
    }

    /// Why input `input` of `tx` does not satisfy `previous` under the standard flags, or nil when it does.
    func verify(tx: Transaction, input: Int, spending previous: TxOut, branchId: UInt32,
                cache: SighashCache) -> ScriptError? {
        let checker = TransactionSignatureChecker(tx: tx, inputIndex: input, amount: previous.value,
                                                  branchId: branchId, cache: cache)
        do {
            try ScriptInterpreter.verify(scriptSig: tx.inputs[input].scriptSig, scriptPubKey: previous.scriptPubKey,
                                         flags: .standard, checker: checker)
            return nil
        } catch {
            return error
        }
    }
}
