import FluxPrimitives

/// What the interpreter needs from the transaction being verified: signature and lock-time checks
/// (fluxd's `BaseSignatureChecker`).
public protocol SignatureChecker {
    /// True if `signature` (DER ‖ sighash byte) by `publicKey` signs the transaction for `scriptCode`.
    /// Encoding rules the flags impose have already been checked by the interpreter.
    func checkSignature(_ signature: [UInt8], publicKey: [UInt8], scriptCode: Script) -> Bool
    /// True if the transaction satisfies a CHECKLOCKTIMEVERIFY argument (non-negative, at most 5 bytes).
    func checkLockTime(_ lockTime: Int64) -> Bool
}

/// A checker that accepts no signature and no lock time (fluxd's `BaseSignatureChecker`), for evaluating
/// scripts outside a transaction.
public struct NoSignatureChecker: SignatureChecker {
    /// Creates the checker.
    public init() {}
    /// Always false.
    public func checkSignature(_ signature: [UInt8], publicKey: [UInt8], scriptCode: Script) -> Bool { false }
    /// Always false.
    public func checkLockTime(_ lockTime: Int64) -> Bool { false }
}

/// Checks signatures and lock times against one input of a transaction (fluxd's
/// `TransactionSignatureChecker`).
///
/// The digest algorithm follows the transaction's format (legacy, ZIP 143 or ZIP 243). The checker is a value
/// type holding only immutable data, so checkers for different inputs run concurrently; pass the same
/// `SighashCache` to all of them to hash the transaction-wide parts once.
public struct TransactionSignatureChecker: SignatureChecker, Sendable {
    /// The spending transaction.
    public let tx: Transaction
    /// The input being verified.
    public let inputIndex: Int
    /// Value of the output it spends (signed by ZIP 143/243).
    public let amount: Amount
    /// Consensus branch id of the block's epoch (ZIP 143/243).
    public let branchId: UInt32
    /// Shared sub-hashes for overwintered transactions.
    public let cache: SighashCache?

    /// Creates a checker for input `inputIndex` of `tx`.
    public init(tx: Transaction, inputIndex: Int, amount: Amount, branchId: UInt32, cache: SighashCache? = nil) {
        precondition(inputIndex >= 0 && inputIndex < tx.inputs.count, "input index out of range")
        self.tx = tx
        self.inputIndex = inputIndex
        self.amount = amount
        self.branchId = branchId
        self.cache = cache
    }

    /// `TransactionSignatureChecker::CheckSig`: the key must have a length matching its first byte, the
    /// signature's last byte is the sighash type, and high-S signatures verify (the LOW_S flag is enforced by
    /// the interpreter, not here). A legacy SIGHASH_SINGLE signature for an input without a matching output
    /// fails (Bitcoin would check it against the digest 1).
    public func checkSignature(_ signature: [UInt8], publicKey: [UInt8], scriptCode: Script) -> Bool {
        let key = PublicKey(publicKey)
        guard key.isValid, let typeByte = signature.last else { return false }
        let hashType = SigHashType(rawValue: Int32(typeByte))
        let digest: Hash256?
        if let cache, tx.overwintered {
            digest = cache.digest(tx: tx, inputIndex: inputIndex, scriptCode: scriptCode.bytes, amount: amount,
                                  hashType: hashType, branchId: branchId)
        } else {
            digest = SignatureHash.compute(tx: tx, inputIndex: inputIndex, scriptCode: scriptCode, amount: amount,
                                           hashType: hashType, branchId: branchId)
        }
        // No digest (legacy SIGHASH_SINGLE without a matching output): fluxd's SignatureHash throws and CheckSig
        // returns false.
        guard let digest else { return false }
        return key.verify(signatureDER: Array(signature.dropLast()), digest32: digest, lowS: false)
    }

    /// `TransactionSignatureChecker::CheckLockTime` (BIP 65): the argument and the transaction's nLockTime must
    /// be of the same kind (height below 500,000,000, else time), the argument at most nLockTime, and the
    /// input not final (sequence ≠ 0xFFFFFFFF), since a final input disables lock time.
    public func checkLockTime(_ lockTime: Int64) -> Bool {
        let threshold: Int64 = 500_000_000
        let txLockTime = Int64(tx.lockTime)
        guard (txLockTime < threshold && lockTime < threshold) || (txLockTime >= threshold && lockTime >= threshold)
        else { return false }
        guard lockTime <= txLockTime else { return false }
        return tx.inputs[inputIndex].sequence != .max
    }
}
