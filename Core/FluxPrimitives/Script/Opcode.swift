/// Opcodes of the transparent script language (Bitcoin's, as Zcash and Flux enable them).
public enum Opcode {
    /// `OP_0` / `OP_FALSE`: pushes an empty byte string.
    public static let op0: UInt8 = 0x00
    /// `OP_PUSHDATA1`: push with a 1-byte length.
    public static let pushData1: UInt8 = 0x4c
    /// `OP_PUSHDATA2`: push with a 2-byte little-endian length.
    public static let pushData2: UInt8 = 0x4d
    /// `OP_PUSHDATA4`: push with a 4-byte little-endian length.
    public static let pushData4: UInt8 = 0x4e
    /// `OP_1NEGATE`: pushes the number −1.
    public static let op1Negate: UInt8 = 0x4f
    /// `OP_1` / `OP_TRUE`: pushes the number 1 (`OP_2`…`OP_16` follow consecutively).
    public static let op1: UInt8 = 0x51
    /// `OP_16`: pushes the number 16.
    public static let op16: UInt8 = 0x60
    /// `OP_DUP`: duplicates the top stack item.
    public static let dup: UInt8 = 0x76
    /// `OP_EQUAL`: pushes whether the top two items are byte-equal.
    public static let equal: UInt8 = 0x87
    /// `OP_EQUALVERIFY`: `OP_EQUAL` then fail unless true.
    public static let equalVerify: UInt8 = 0x88
    /// `OP_HASH160`: replaces the top item with its RIPEMD160(SHA256(·)).
    public static let hash160: UInt8 = 0xa9
    /// `OP_CHECKSIG`: verifies a signature against a public key.
    public static let checkSig: UInt8 = 0xac
    /// `OP_CHECKMULTISIG`: verifies m-of-n signatures.
    public static let checkMultisig: UInt8 = 0xae
    /// `OP_RETURN`: marks the output unspendable (data carrier).
    public static let opReturn: UInt8 = 0x6a
    /// `OP_CHECKLOCKTIMEVERIFY` (BIP 65, formerly `OP_NOP2`).
    public static let checkLockTimeVerify: UInt8 = 0xb1

    /// fluxd's name for opcode `op` (as `GetOpName`), e.g. `OP_DUP`; `OP_UNKNOWN` for undefined values.
    public static func name(_ op: UInt8) -> String {
        switch op {
        case 0x00: return "0"
        case 0x4c: return "OP_PUSHDATA1"
        case 0x4d: return "OP_PUSHDATA2"
        case 0x4e: return "OP_PUSHDATA4"
        case 0x4f: return "-1"
        case 0x51...0x60: return String(Int(op) - 0x50)
        default: return names[op] ?? "OP_UNKNOWN"
        }
    }

    private static let names: [UInt8: String] = [
        0x50: "OP_RESERVED", 0x61: "OP_NOP", 0x62: "OP_VER", 0x63: "OP_IF", 0x64: "OP_NOTIF", 0x65: "OP_VERIF",
        0x66: "OP_VERNOTIF", 0x67: "OP_ELSE", 0x68: "OP_ENDIF", 0x69: "OP_VERIFY", 0x6a: "OP_RETURN",
        0x6b: "OP_TOALTSTACK", 0x6c: "OP_FROMALTSTACK", 0x6d: "OP_2DROP", 0x6e: "OP_2DUP", 0x6f: "OP_3DUP",
        0x70: "OP_2OVER", 0x71: "OP_2ROT", 0x72: "OP_2SWAP", 0x73: "OP_IFDUP", 0x74: "OP_DEPTH", 0x75: "OP_DROP",
        0x76: "OP_DUP", 0x77: "OP_NIP", 0x78: "OP_OVER", 0x79: "OP_PICK", 0x7a: "OP_ROLL", 0x7b: "OP_ROT",
        0x7c: "OP_SWAP", 0x7d: "OP_TUCK", 0x7e: "OP_CAT", 0x7f: "OP_SUBSTR", 0x80: "OP_LEFT", 0x81: "OP_RIGHT",
        0x82: "OP_SIZE", 0x83: "OP_INVERT", 0x84: "OP_AND", 0x85: "OP_OR", 0x86: "OP_XOR", 0x87: "OP_EQUAL",
        0x88: "OP_EQUALVERIFY", 0x89: "OP_RESERVED1", 0x8a: "OP_RESERVED2", 0x8b: "OP_1ADD", 0x8c: "OP_1SUB",
        0x8d: "OP_2MUL", 0x8e: "OP_2DIV", 0x8f: "OP_NEGATE", 0x90: "OP_ABS", 0x91: "OP_NOT", 0x92: "OP_0NOTEQUAL",
        0x93: "OP_ADD", 0x94: "OP_SUB", 0x95: "OP_MUL", 0x96: "OP_DIV", 0x97: "OP_MOD", 0x98: "OP_LSHIFT",
        0x99: "OP_RSHIFT", 0x9a: "OP_BOOLAND", 0x9b: "OP_BOOLOR", 0x9c: "OP_NUMEQUAL", 0x9d: "OP_NUMEQUALVERIFY",
        0x9e: "OP_NUMNOTEQUAL", 0x9f: "OP_LESSTHAN", 0xa0: "OP_GREATERTHAN", 0xa1: "OP_LESSTHANOREQUAL",
        0xa2: "OP_GREATERTHANOREQUAL", 0xa3: "OP_MIN", 0xa4: "OP_MAX", 0xa5: "OP_WITHIN", 0xa6: "OP_RIPEMD160",
        0xa7: "OP_SHA1", 0xa8: "OP_SHA256", 0xa9: "OP_HASH160", 0xaa: "OP_HASH256", 0xab: "OP_CODESEPARATOR",
        0xac: "OP_CHECKSIG", 0xad: "OP_CHECKSIGVERIFY", 0xae: "OP_CHECKMULTISIG", 0xaf: "OP_CHECKMULTISIGVERIFY",
        0xb0: "OP_NOP1", 0xb1: "OP_CHECKLOCKTIMEVERIFY", 0xb2: "OP_NOP3", 0xb3: "OP_NOP4", 0xb4: "OP_NOP5",
        0xb5: "OP_NOP6", 0xb6: "OP_NOP7", 0xb7: "OP_NOP8", 0xb8: "OP_NOP9", 0xb9: "OP_NOP10",
        0xff: "OP_INVALIDOPCODE",
    ]
}
