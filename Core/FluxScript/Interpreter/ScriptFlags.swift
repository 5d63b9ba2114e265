/// Script verification flags (`SCRIPT_VERIFY_*` in fluxd's `script/interpreter.h`, bit values included).
///
/// fluxd inherits Zcash's set: Bitcoin 0.11's flags plus BIP 65. There is no DERSIG flag because Zcash, and so
/// Flux, has always required strict DER signatures (BIP 66 rules apply under every flag set), and no
/// CHECKSEQUENCEVERIFY: `OP_NOP3` stays a no-op.
public struct ScriptFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The flag bits.
    public var rawValue: UInt32

    /// Wraps flag bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `SCRIPT_VERIFY_P2SH`: evaluate P2SH redeem scripts (BIP 16).
    public static let p2sh = ScriptFlags(rawValue: 1 << 0)
    /// `SCRIPT_VERIFY_STRICTENC`: signatures need a defined sighash type, public keys must be 33-byte
    /// compressed or 65-byte uncompressed.
    public static let strictEncoding = ScriptFlags(rawValue: 1 << 1)
    /// `SCRIPT_VERIFY_LOW_S`: signatures must have S ≤ n/2 (BIP 62 rule 5).
    public static let lowS = ScriptFlags(rawValue: 1 << 3)
    /// `SCRIPT_VERIFY_NULLDUMMY`: the extra item CHECKMULTISIG pops must be empty (BIP 62 rule 7).
    public static let nullDummy = ScriptFlags(rawValue: 1 << 4)
    /// `SCRIPT_VERIFY_SIGPUSHONLY`: scriptSig may contain only pushes (BIP 62 rule 2).
    public static let sigPushOnly = ScriptFlags(rawValue: 1 << 5)
    /// `SCRIPT_VERIFY_MINIMALDATA`: pushes and numbers must be minimally encoded (BIP 62 rules 3 and 4).
    public static let minimalData = ScriptFlags(rawValue: 1 << 6)
    /// `SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS`: executing OP_NOP1, OP_NOP3…OP_NOP10 (and OP_NOP2 when
    /// CHECKLOCKTIMEVERIFY is off) fails.
    public static let discourageUpgradableNOPs = ScriptFlags(rawValue: 1 << 7)
    /// `SCRIPT_VERIFY_CLEANSTACK`: exactly one item may remain after evaluation (BIP 62 rule 6; meaningful
    /// only together with P2SH).
    public static let cleanStack = ScriptFlags(rawValue: 1 << 8)
    /// `SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY`: OP_NOP2 is OP_CHECKLOCKTIMEVERIFY (BIP 65).
    public static let checkLockTimeVerify = ScriptFlags(rawValue: 1 << 9)

    /// The flags blocks are connected with: fluxd's `ConnectBlock` uses P2SH and CHECKLOCKTIMEVERIFY (strict
    /// DER is implied, see the type's note). These are the consensus rules; anything stricter is policy.
    public static let consensus: ScriptFlags = [.p2sh, .checkLockTimeVerify]

    /// fluxd's `MANDATORY_SCRIPT_VERIFY_FLAGS` (policy.h): P2SH. A mempool transaction failing these is
    /// invalid (and its peer penalised); failing only `standard` makes it non-standard.
    public static let mandatory: ScriptFlags = [.p2sh]

    /// fluxd's `STANDARD_SCRIPT_VERIFY_FLAGS` (policy.h), used for mempool acceptance: mandatory plus STRICTENC,
    /// MINIMALDATA, NULLDUMMY, DISCOURAGE_UPGRADABLE_NOPS, CLEANSTACK, CHECKLOCKTIMEVERIFY and LOW_S.
    /// SIGPUSHONLY is not among them: the standardness check (`IsStandardTx`) separately requires push-only
    /// scriptSigs, with a distinct reject reason.
    public static let standard: ScriptFlags = [.p2sh, .strictEncoding, .minimalData, .nullDummy,
                                               .discourageUpgradableNOPs, .cleanStack, .checkLockTimeVerify, .lowS]

    /// fluxd's names, as used by its test vectors (`P2SH`, `STRICTENC`, …).
    public static let names: [(String, ScriptFlags)] = [
        ("P2SH", .p2sh), ("STRICTENC", .strictEncoding), ("LOW_S", .lowS), ("NULLDUMMY", .nullDummy),
        ("SIGPUSHONLY", .sigPushOnly), ("MINIMALDATA", .minimalData),
        ("DISCOURAGE_UPGRADABLE_NOPS", .discourageUpgradableNOPs), ("CLEANSTACK", .cleanStack),
        ("CHECKLOCKTIMEVERIFY", .checkLockTimeVerify),
    ]

    /// Parses a comma-separated list of fluxd flag names (`"P2SH,STRICTENC"`); `""` and `"NONE"` are the
    /// empty set. Nil if a name is unknown.
    public init?(names text: String) {
        self = []
        for part in text.split(separator: ",") {
            let name = String(part.filter { $0 != " " })
            if name.isEmpty || name == "NONE" { continue }
            guard let flag = Self.names.first(where: { $0.0 == name })?.1 else { return nil }
            insert(flag)
        }
    }

    /// The comma-separated fluxd names of the set flags (`"NONE"` for none).
    public var description: String {
        let set = Self.names.filter { contains($0.1) }.map(\.0)
        return set.isEmpty ? "NONE" : set.joined(separator: ",")
    }
}
