import FluxPrimitives
import FluxScript
import Foundation

/// Signing transparent inputs.
extension Wallet {
    /// Signs every input (fluxd's `signrawtransaction`) whose previous output is given in `prevouts`, is in
    /// the chain's UTXO set, or is a wallet coin (confirmed or pending), when it pays P2PKH or
    /// pay-to-public-key of a wallet key or of one of `extraKeys` (WIF; malformed ones are ignored, so
    /// validate them first to report them), multisig, or P2SH of a redeem script the wallet holds or
    /// `redeemScripts` gives (multisig signatures already present are kept, see `signature`). Inputs that cannot be signed keep their scriptSig. Every input is
    /// then verified with the standard script flags and the branch id of the next block.
    ///
    /// - Returns: the transaction, whether every input verifies, and one error per failing input (a missing
    ///   previous output: "Input not found or already spent"; otherwise fluxd's script error text), to be
    ///   shaped as `{txid, vout, scriptSig, sequence, error}` from the input.
    public func signRawTransaction(_ tx: Transaction, prevouts: [OutPoint: TxOut] = [:], extraKeys: [String] = [],
                                   redeemScripts extraRedeemScripts: [Script] = [], hashType: SigHashType = .all)
        -> (transaction: Transaction, complete: Bool, errors: [(input: Int, message: String)]) {
        var extra: [[UInt8]: WalletKey] = [:]
        for text in extraKeys {
            guard let wif = WIF(text.trimmingCharacters(in: .whitespacesAndNewlines), prefixes: prefixes),
                  let key = PrivateKey(bytes: wif.secret) else { continue }
            let entry = WalletKey(key: key, compressed: wif.compressed, sequence: 0)
            extra[entry.hash160] = entry
        }
        var redeems: [[UInt8]: Script] = [:]
        for script in extraRedeemScripts { redeems[Hashing.hash160(script.bytes)] = script }
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
                                             branchId: branchId, extraKeys: extra, extraRedeemScripts: redeems,
                                             existing: input.scriptSig) {
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

    /// A scriptSig for input `input` of `tx` spending `previous`, or nil when the wallet (with `extraKeys` and
    /// `extraRedeemScripts`) cannot sign anything for it: P2PKH and pay-to-public-key of a known key, bare
    /// multisig, and P2SH of a known redeem script of those forms. A multisig scriptSig keeps the valid
    /// signatures `existing` already carries (fluxd's `CombineSignatures`), adds the wallet's in key order up
    /// to the required count and fills missing ones with `OP_0`, so a partial signature can be completed
    /// later. Nil also when the digest is undefined (legacy SIGHASH_SINGLE without a matching output). Lock
    /// held.
    func signature(tx: Transaction, input: Int, spending previous: TxOut, hashType: SigHashType, branchId: UInt32,
                   extraKeys: [[UInt8]: WalletKey], extraRedeemScripts: [[UInt8]: Script] = [:],
                   existing: Script = Script([])) -> Script? {
        var script = previous.scriptPubKey
        var redeem: Script?
        if let hash = script.scriptHash {
            guard let inner = redeemScripts[hash] ?? extraRedeemScripts[hash], inner.scriptHash == nil else { return nil }
            redeem = inner
            script = inner
        }
        func sign(_ key: WalletKey) -> [UInt8]? {
            guard let digest = SignatureHash.compute(tx: tx, inputIndex: input, scriptCode: script,
                                                     amount: previous.value, hashType: hashType,
                                                     branchId: branchId) else { return nil }
            return key.key.sign(digest32: digest) + [UInt8(truncatingIfNeeded: hashType.rawValue)]
        }
        var scriptSig = Script([])
        if let hash = script.pubKeyHash {
            guard let key = keys[hash] ?? extraKeys[hash], let sig = sign(key) else { return nil }
            scriptSig.appendPush(sig)
            scriptSig.appendPush(key.publicKey)
        } else if let publicKey = script.payToPublicKey {
            let hash = Hashing.hash160(publicKey)
            guard let key = keys[hash] ?? extraKeys[hash], let sig = sign(key) else { return nil }
            scriptSig.appendPush(sig)
        } else if let multisig = script.multisig {
            var pushes = (existing.operations ?? []).compactMap { $0.data }.filter { !$0.isEmpty }
            if redeem != nil, pushes.last == redeem?.bytes { pushes.removeLast() }
            let checker = TransactionSignatureChecker(tx: tx, inputIndex: input, amount: previous.value,
                                                      branchId: branchId)
            var signatures: [[UInt8]] = []
            var added = false
            for publicKey in multisig.keys where signatures.count < multisig.required {
                if let kept = pushes.first(where: {
                    checker.checkSignature($0, publicKey: publicKey, scriptCode: script)
                }) {
                    signatures.append(kept)
                } else if let key = keys[Hashing.hash160(publicKey)] ?? extraKeys[Hashing.hash160(publicKey)],
                          key.publicKey == publicKey, let sig = sign(key) {
                    signatures.append(sig)
                    added = true
                }
            }
            guard added || !signatures.isEmpty else { return nil }
            scriptSig.bytes.append(Opcode.op0)
            for sig in signatures { scriptSig.appendPush(sig) }
            for _ in signatures.count..<multisig.required { scriptSig.bytes.append(Opcode.op0) }
        } else {
            return nil
        }
        if let redeem { scriptSig.appendPush(redeem.bytes) }
        return scriptSig
    }

    /// The size of a signed scriptSig spending `script`, assuming 72-byte signatures; nil when the wallet
    /// cannot sign it. Lock held.
    func estimatedScriptSigSize(_ script: Script) -> Int? {
        var inner = script
        var redeemPush = 0
        if let hash = script.scriptHash {
            guard let redeem = redeemScripts[hash] else { return nil }
            inner = redeem
            var push = Script([])
            push.appendPush(redeem.bytes)
            redeemPush = push.bytes.count
        }
        if let hash = inner.pubKeyHash { return 1 + 73 + 1 + ((keys[hash]?.compressed ?? true) ? 33 : 65) + redeemPush }
        if inner.payToPublicKey != nil { return 1 + 73 + redeemPush }
        if let multisig = inner.multisig { return 1 + multisig.required * 74 + redeemPush }
        return nil
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
