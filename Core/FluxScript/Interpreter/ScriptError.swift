/// Why a script failed (`ScriptError_t` in fluxd's `script/script_error.h`), with fluxd's messages.
public enum ScriptError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `SCRIPT_ERR_UNKNOWN_ERROR`, also what fluxd reports for a malformed script number.
    case unknown
    /// The script finished with an empty stack or a false top item.
    case evalFalse
    /// `OP_RETURN` was executed.
    case opReturn
    /// The script is longer than 10,000 bytes.
    case scriptSize
    /// A push is larger than 520 bytes.
    case pushSize
    /// More than 201 non-push operations (CHECKMULTISIG counts its keys).
    case opCount
    /// Stack and alt stack together hold more than 1,000 items.
    case stackSize
    /// CHECKMULTISIG signature count negative or above the key count.
    case sigCount
    /// CHECKMULTISIG key count negative or above 20.
    case pubkeyCount
    /// `OP_VERIFY` on a false value.
    case verify
    /// `OP_EQUALVERIFY` on unequal values.
    case equalVerify
    /// `OP_CHECKMULTISIGVERIFY` failed.
    case checkMultisigVerify
    /// `OP_CHECKSIGVERIFY` failed.
    case checkSigVerify
    /// `OP_NUMEQUALVERIFY` failed.
    case numEqualVerify
    /// An undefined or reserved opcode was executed, or the script ends inside a push.
    case badOpcode
    /// A disabled opcode (CAT, SUBSTR, LEFT, RIGHT, INVERT, AND, OR, XOR, 2MUL, 2DIV, MUL, DIV, MOD, LSHIFT,
    /// RSHIFT) appears anywhere, even in an unexecuted branch.
    case disabledOpcode
    /// An operation needed more stack items than there are.
    case invalidStackOperation
    /// `OP_FROMALTSTACK` on an empty alt stack.
    case invalidAltstackOperation
    /// IF/NOTIF/ELSE/ENDIF do not balance.
    case unbalancedConditional
    /// CHECKLOCKTIMEVERIFY with a negative lock time.
    case negativeLockTime
    /// CHECKLOCKTIMEVERIFY's lock time is not satisfied by the transaction.
    case unsatisfiedLockTime
    /// Undefined sighash type (STRICTENC).
    case sigHashType
    /// Signature not strictly DER encoded.
    case sigDER
    /// A push that is not minimal, or a non-minimal number (MINIMALDATA).
    case minimalData
    /// A scriptSig with non-push operations (SIGPUSHONLY, or any P2SH spend).
    case sigPushOnly
    /// Signature S value above n/2 (LOW_S).
    case sigHighS
    /// CHECKMULTISIG's extra item is not empty (NULLDUMMY).
    case sigNullDummy
    /// Public key neither 33-byte compressed nor 65-byte uncompressed (STRICTENC).
    case pubkeyType
    /// More than one item left on the stack (CLEANSTACK).
    case cleanStack
    /// An upgradable NOP was executed (DISCOURAGE_UPGRADABLE_NOPS).
    case discourageUpgradableNOPs

    /// fluxd's `ScriptErrorString`.
    public var description: String {
        switch self {
        case .unknown: "unknown error"
        case .evalFalse: "Script evaluated without error but finished with a false/empty top stack element"
        case .opReturn: "OP_RETURN was encountered"
        case .scriptSize: "Script is too big"
        case .pushSize: "Push value size limit exceeded"
        case .opCount: "Operation limit exceeded"
        case .stackSize: "Stack size limit exceeded"
        case .sigCount: "Signature count negative or greater than pubkey count"
        case .pubkeyCount: "Pubkey count negative or limit exceeded"
        case .verify: "Script failed an OP_VERIFY operation"
        case .equalVerify: "Script failed an OP_EQUALVERIFY operation"
        case .checkMultisigVerify: "Script failed an OP_CHECKMULTISIGVERIFY operation"
        case .checkSigVerify: "Script failed an OP_CHECKSIGVERIFY operation"
        case .numEqualVerify: "Script failed an OP_NUMEQUALVERIFY operation"
        case .badOpcode: "Opcode missing or not understood"
        case .disabledOpcode: "Attempted to use a disabled opcode"
        case .invalidStackOperation: "Operation not valid with the current stack size"
        case .invalidAltstackOperation: "Operation not valid with the current altstack size"
        case .unbalancedConditional: "Invalid OP_IF construction"
        case .negativeLockTime: "Negative locktime"
        case .unsatisfiedLockTime: "Locktime requirement not satisfied"
        case .sigHashType: "Signature hash type missing or not understood"
        case .sigDER: "Non-canonical DER signature"
        case .minimalData: "Data push larger than necessary"
        case .sigPushOnly: "Only non-push operators allowed in signatures"
        case .sigHighS: "Non-canonical signature: S value is unnecessarily high"
        case .sigNullDummy: "Dummy CHECKMULTISIG argument must be zero"
        case .pubkeyType: "Public key is neither compressed or uncompressed"
        case .cleanStack: "Extra items left on stack after execution"
        case .discourageUpgradableNOPs: "NOPx reserved for soft-fork upgrades"
        }
    }
}
