import FluxEquihash
import FluxPrimitives

/// The digests transparent signatures commit to (`SignatureHash` in fluxd's `script/interpreter.cpp`).
///
/// | transaction | algorithm |
/// |---|---|
/// | not overwintered (v1, v2) | Bitcoin's original algorithm (SHA256d of a modified copy), plus Zcash's JoinSplits |
///
/// The legacy copy keeps only the signed input's script code (OP_CODESEPARATORs removed), blanks or drops other
/// inputs and outputs by sighash type and, for version ≥ 2, appends the JoinSplits, their public key and 64 zero
/// bytes in place of the JoinSplit signature.
/// | Overwinter v3 | ZIP 143: BLAKE2b-256 personalised `ZcashSigHash` ‖ LE32(branch id) |
/// | Sapling v4 | ZIP 243: ZIP 143 plus the Sapling spends, outputs and value balance |
///
/// FluxNode transactions (v5/v6) have no transparent inputs and are never signed this way.
public enum SignatureHash {
    /// The digest for a signature of input `inputIndex` (`0 ..< tx.inputs.count`).
    ///
    /// - Parameters:
    ///   - scriptCode: the script being executed from the last `OP_CODESEPARATOR` (with the signature already
    ///     removed by the interpreter); the legacy algorithm additionally drops every `OP_CODESEPARATOR`.
    ///   - amount: value of the spent output (committed to only by ZIP 143/243).
    ///   - hashType: the full sighash type (the legacy algorithm appends all 32 bits).
    ///   - branchId: consensus branch id of the block's epoch (ZIP 143/243 only; `0x76b809bb` on Flux).
    /// - Returns: the digest in internal byte order (`uint256` as fluxd signs it), or nil for SIGHASH_SINGLE
    ///   without an output of the same index in a legacy transaction. Bitcoin signs the constant 1 there; Zcash,
    ///   and so fluxd, throws instead, which makes the signature check fail. (ZIP 143/243 define that case:
    ///   the outputs hash is zero.)
    public static func compute(tx: Transaction, inputIndex: Int, scriptCode: Script, amount: Amount,
                               hashType: SigHashType, branchId: UInt32) -> Hash256? {
        precondition(inputIndex >= 0 && inputIndex < tx.inputs.count, "sighash input index out of range")
        return digest(tx: tx, inputIndex: inputIndex, scriptCode: scriptCode.bytes, amount: amount,
                      hashType: hashType, branchId: branchId)
    }

    /// The digest the JoinSplit signature and the Sapling binding and spend-authorisation signatures sign
    /// (fluxd's `SignatureHash` with `NOT_AN_INPUT`, an empty script and SIGHASH_ALL).
    public static func computeForShieldedSignatures(tx: Transaction, branchId: UInt32) -> Hash256 {
        // SIGHASH_ALL always has a digest.
        digest(tx: tx, inputIndex: nil, scriptCode: [], amount: .zero, hashType: .all, branchId: branchId)!
    }

    static func digest(tx: Transaction, inputIndex: Int?, scriptCode: [UInt8], amount: Amount,
                       hashType: SigHashType, branchId: UInt32) -> Hash256? {
        if tx.overwintered {
            return zip143(tx: tx, inputIndex: inputIndex, scriptCode: scriptCode, amount: amount,
                          hashType: hashType, branchId: branchId,
                          sapling: tx.versionGroupId == Transaction.saplingVersionGroupId)
        }
        return legacy(tx: tx, inputIndex: inputIndex, scriptCode: scriptCode, hashType: hashType)
    }

    // MARK: Legacy (Bitcoin + Sprout)

    static func legacy(tx: Transaction, inputIndex: Int?, scriptCode: [UInt8], hashType: SigHashType) -> Hash256? {
        if hashType.isSingle {
            // fluxd: "no matching output for SIGHASH_SINGLE". NOT_AN_INPUT never has one either.
            guard let index = inputIndex, index < tx.outputs.count else { return nil }
        }
        var w = ByteWriter(capacity: 256 + tx.inputs.count * 41 + tx.outputs.count * 34 + scriptCode.count)
        w.writeLE(tx.header)
        if tx.overwintered { w.writeLE(tx.versionGroupId) }

        let signed = inputIndex ?? -1
        if hashType.anyoneCanPay {
            w.writeCompactSize(1)
            writeLegacyInput(tx, index: signed, signed: signed, scriptCode: scriptCode, hashType: hashType, to: &w)
        } else {
            w.writeCompactSize(UInt64(tx.inputs.count))
            for i in tx.inputs.indices {
                writeLegacyInput(tx, index: i, signed: signed, scriptCode: scriptCode, hashType: hashType, to: &w)
            }
        }

        let outputCount = hashType.isNone ? 0 : (hashType.isSingle ? signed + 1 : tx.outputs.count)
        w.writeCompactSize(UInt64(outputCount))
        for i in 0..<outputCount {
            if hashType.isSingle && i != signed {
                w.writeLE(Int64(-1))        // CTxOut(): null value, empty script
                w.writeCompactSize(0)
            } else {
                tx.outputs[i].encode(to: &w)
            }
        }
        w.writeLE(tx.lockTime)
        if tx.version >= 2 {
            w.writeCompactSize(UInt64(tx.joinSplits.count))
            for js in tx.joinSplits { js.writeForSignature(to: &w) }
            if !tx.joinSplits.isEmpty {
                w.writeBytes(tx.joinSplitPubKey)
                w.writeBytes([UInt8](repeating: 0, count: 64))   // the JoinSplit signature cannot sign itself
            }
        }
        w.writeLE(hashType.rawValue)
        return Hashing.sha256d(w.bytes)
    }

    private static func writeLegacyInput(_ tx: Transaction, index: Int, signed: Int, scriptCode: [UInt8],
                                         hashType: SigHashType, to w: inout ByteWriter) {
        let input = tx.inputs[index]
        input.prevout.encode(to: &w)
        if index == signed {
            writeScriptCodeWithoutSeparators(scriptCode, to: &w)
        } else {
            w.writeCompactSize(0)
        }
        if index != signed && (hashType.isNone || hashType.isSingle) {
            w.writeLE(UInt32(0))
        } else {
            w.writeLE(input.sequence)
        }
    }

    /// Writes the script code with every `OP_CODESEPARATOR` dropped, reproducing fluxd byte for byte, including
    /// its behaviour on a script whose last push runs past the end: the length prefix counts every byte but the
    /// separators, while the bytes written stop where the failed parse stopped.
    static func writeScriptCodeWithoutSeparators(_ script: [UInt8], to w: inout ByteWriter) {
        var separators = 0
        var pc = 0
        while let op = ScriptCursor.read(script, at: &pc) {
            if op.opcode == 0xab { separators += 1 }
        }
        w.writeCompactSize(UInt64(script.count - separators))
        pc = 0
        var chunkStart = 0
        while let op = ScriptCursor.read(script, at: &pc) {
            if op.opcode == 0xab {
                w.writeBytes(script[chunkStart..<(pc - 1)])
                chunkStart = pc
            }
        }
        if chunkStart != script.count {
            w.writeBytes(script[chunkStart..<pc])
        }
    }

    // MARK: ZIP 143 / ZIP 243

    static func zip143(tx: Transaction, inputIndex: Int?, scriptCode: [UInt8], amount: Amount,
                       hashType: SigHashType, branchId: UInt32, sapling: Bool,
                       cache: SighashCache? = nil) -> Hash256 {
        let zero = [UInt8](repeating: 0, count: 32)
        var hashPrevouts = zero, hashSequence = zero, hashOutputs = zero

        if !hashType.anyoneCanPay {
            hashPrevouts = cache?.prevouts ?? prevoutsHash(tx)
        }
        if !hashType.anyoneCanPay && !hashType.isSingle && !hashType.isNone {
            hashSequence = cache?.sequences ?? sequencesHash(tx)
        }
        if !hashType.isSingle && !hashType.isNone {
            hashOutputs = cache?.outputs ?? outputsHash(tx.outputs)
        } else if hashType.isSingle, let index = inputIndex, index < tx.outputs.count {
            hashOutputs = outputsHash(tx.outputs[index...index])
        }
        let hashJoinSplits = tx.joinSplits.isEmpty ? zero : (cache?.joinSplits ?? joinSplitsHash(tx))
        let hashSpends = tx.shieldedSpends.isEmpty ? zero : (cache?.shieldedSpends ?? shieldedSpendsHash(tx))
        let hashShieldedOutputs = tx.shieldedOutputs.isEmpty
            ? zero : (cache?.shieldedOutputs ?? shieldedOutputsHash(tx))

        var w = ByteWriter(capacity: 512 + scriptCode.count)
        w.writeLE(tx.header)
        w.writeLE(tx.versionGroupId)
        w.writeBytes(hashPrevouts)
        w.writeBytes(hashSequence)
        w.writeBytes(hashOutputs)
        w.writeBytes(hashJoinSplits)
        if sapling {
            w.writeBytes(hashSpends)
            w.writeBytes(hashShieldedOutputs)
        }
        w.writeLE(tx.lockTime)
        w.writeLE(tx.expiryHeight)
        if sapling { w.writeLE(tx.valueBalance.units) }
        w.writeLE(hashType.rawValue)
        if let index = inputIndex {
            let input = tx.inputs[index]
            input.prevout.encode(to: &w)
            w.writeVarBytes(scriptCode)
            w.writeLE(amount.units)
            w.writeLE(input.sequence)
        }
        var personalization = Array("ZcashSigHash".utf8)
        withUnsafeBytes(of: branchId.littleEndian) { personalization.append(contentsOf: $0) }
        return Hash256(Blake2b.hash(w.bytes, digestLength: 32, personalization: personalization))
    }

    static func prevoutsHash(_ tx: Transaction) -> [UInt8] {
        var w = ByteWriter(capacity: tx.inputs.count * 36)
        for input in tx.inputs { input.prevout.encode(to: &w) }
        return blake2b256(w.bytes, "ZcashPrevoutHash")
    }

    static func sequencesHash(_ tx: Transaction) -> [UInt8] {
        var w = ByteWriter(capacity: tx.inputs.count * 4)
        for input in tx.inputs { w.writeLE(input.sequence) }
        return blake2b256(w.bytes, "ZcashSequencHash")
    }

    static func outputsHash(_ outputs: some Collection<TxOut>) -> [UInt8] {
        var w = ByteWriter(capacity: outputs.count * 34)
        for output in outputs { output.encode(to: &w) }
        return blake2b256(w.bytes, "ZcashOutputsHash")
    }

    static func joinSplitsHash(_ tx: Transaction) -> [UInt8] {
        var w = ByteWriter(capacity: tx.joinSplits.count * 1802 + 32)
        for js in tx.joinSplits { js.writeForSignature(to: &w) }
        w.writeBytes(tx.joinSplitPubKey)
        return blake2b256(w.bytes, "ZcashJSplitsHash")
    }

    static func shieldedSpendsHash(_ tx: Transaction) -> [UInt8] {
        var w = ByteWriter(capacity: tx.shieldedSpends.count * 320)
        for spend in tx.shieldedSpends {
            w.writeHash(spend.cv); w.writeHash(spend.anchor); w.writeHash(spend.nullifier)
            w.writeHash(spend.rk); w.writeBytes(spend.zkproof)
        }
        return blake2b256(w.bytes, "ZcashSSpendsHash")
    }

    static func shieldedOutputsHash(_ tx: Transaction) -> [UInt8] {
        var w = ByteWriter(capacity: tx.shieldedOutputs.count * 948)
        for output in tx.shieldedOutputs {
            w.writeHash(output.cv); w.writeHash(output.cmu); w.writeHash(output.ephemeralKey)
            w.writeBytes(output.encCiphertext); w.writeBytes(output.outCiphertext); w.writeBytes(output.zkproof)
        }
        return blake2b256(w.bytes, "ZcashSOutputHash")
    }

    private static func blake2b256(_ data: [UInt8], _ personalization: String) -> [UInt8] {
        Blake2b.hash(data, digestLength: 32, personalization: Array(personalization.utf8))
    }
}

extension JoinSplit {
    /// The `JSDescription` wire encoding, with the proof as carried (PHGR13 or Groth16 by transaction version).
    func writeForSignature(to w: inout ByteWriter) {
        w.writeLE(vpubOld.units)
        w.writeLE(vpubNew.units)
        w.writeHash(anchor)
        nullifiers.forEach { w.writeHash($0) }
        commitments.forEach { w.writeHash($0) }
        w.writeHash(ephemeralKey)
        w.writeHash(randomSeed)
        macs.forEach { w.writeHash($0) }
        w.writeBytes(proof)
        ciphertexts.forEach { w.writeBytes($0) }
    }
}
