import FluxChain
import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage

extension Mempool {
    /// Largest standard scriptSig (Bitcoin 0.11: a 15-of-15 P2SH multisig spend fits in 1650 bytes).
    static let maxScriptSigSize = 1_650
    /// Largest standard OP_RETURN output script (`MAX_OP_RETURN_RELAY`: 80 data bytes plus opcodes).
    static let maxNullDataSize = 83
    /// Most keys of a standard bare multisig output.
    static let maxBareMultisigKeys = 3
    /// Most signature operations of a non-standard P2SH redeem script in a standard input (`MAX_P2SH_SIGOPS`).
    static let maxP2SHSigOps = 15

    /// fluxd's `IsStandardTx` (after the consensus checks): version, size, push-only scriptSigs of bounded size,
    /// standard output scripts, no dust, at most one OP_RETURN output.
    func checkStandard(_ tx: Transaction) throws(MempoolError) {
        func reject(_ code: String, _ message: String) -> MempoolError { .rejected(RejectReason(code, message)) }
        if !tx.overwintered && (tx.version < 1 || tx.version > 2) {
            throw reject("version", "transaction version \(tx.version) is not standard")
        }
        let size = tx.serializedSize
        if size >= policy.maxStandardTxSize {
            throw reject("tx-size", "\(size) bytes (standard limit below \(policy.maxStandardTxSize))")
        }
        for (k, input) in tx.inputs.enumerated() {
            if input.scriptSig.bytes.count > Self.maxScriptSigSize {
                throw reject("scriptsig-size", "input \(k) scriptSig is \(input.scriptSig.bytes.count) bytes")
            }
            if !input.scriptSig.isPushOnly {
                throw reject("scriptsig-not-pushonly", "input \(k) scriptSig is not push-only")
            }
        }
        var dataOutputs = 0
        for (n, output) in tx.outputs.enumerated() {
            switch ScriptTemplate(output.scriptPubKey) {
            case .nonStandard:
                throw reject("scriptpubkey", "output \(n) has a non-standard script")
            case let .multisig(_, keys) where keys > Self.maxBareMultisigKeys:
                throw reject("scriptpubkey", "output \(n) is a bare multisig with \(keys) keys")
            case .nullData:
                if output.scriptPubKey.bytes.count > Self.maxNullDataSize {
                    throw reject("scriptpubkey", "output \(n) OP_RETURN script is \(output.scriptPubKey.bytes.count) bytes")
                }
                dataOutputs += 1
                continue
            default:
                break
            }
            if output.value < policy.dustThreshold(for: output) {
                throw reject("dust", "output \(n) pays \(output.value.units) units, dust threshold \(policy.dustThreshold(for: output).units)")
            }
        }
        if dataOutputs > 1 { throw reject("multi-op-return", "\(dataOutputs) OP_RETURN outputs") }
    }

    /// fluxd's `AreInputsStandard`: every spent script is a standard form, and its scriptSig pushes exactly the
    /// items that form expects (for P2SH, those of a standard redeem script, or a non-standard redeem script
    /// with at most 15 signature operations). scriptSigs are known to be push-only here.
    func inputsAreStandard(_ tx: Transaction, coins: [Coin]) -> Bool {
        for (k, input) in tx.inputs.enumerated() {
            let template = ScriptTemplate(coins[k].output.scriptPubKey)
            guard var expected = template.argumentsExpected, let items = input.scriptSig.pushedItems else { return false }
            if template == .payToScriptHash {
                guard let last = items.last else { return false }
                let redeem = Script(last)
                let inner = ScriptTemplate(redeem)
                if inner == .nonStandard {
                    if redeem.legacySigOpCount(accurate: true) > Self.maxP2SHSigOps { return false }
                    continue
                }
                guard let more = inner.argumentsExpected else { return false }
                expected += more
            }
            if items.count != expected { return false }
        }
        return true
    }
}
