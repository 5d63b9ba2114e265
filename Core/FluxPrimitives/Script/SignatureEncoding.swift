/// Encoding rules for ECDSA signatures in scripts (BIP 66 strict DER plus the sighash byte).
public enum SignatureEncoding {
    /// Sighash type names as fluxd prints them in script asm (`mapSigHashTypes`).
    public static let sighashNames: [UInt8: String] = [
        0x01: "ALL", 0x81: "ALL|ANYONECANPAY", 0x02: "NONE", 0x82: "NONE|ANYONECANPAY",
        0x03: "SINGLE", 0x83: "SINGLE|ANYONECANPAY",
    ]

    /// True if `sig` (DER signature followed by one sighash byte) is strictly DER-encoded
    /// (`IsValidSignatureEncoding`): `30 len 02 lenR R 02 lenS S hashtype`, minimal integers, no negatives.
    public static func isStrictDER(_ sig: [UInt8]) -> Bool {
        let n = sig.count
        guard n >= 9, n <= 73, sig[0] == 0x30, Int(sig[1]) == n - 3 else { return false }
        let lenR = Int(sig[3])
        guard 5 + lenR < n else { return false }
        let lenS = Int(sig[5 + lenR])
        guard lenR + lenS + 7 == n, sig[2] == 0x02, lenR != 0, sig[4] & 0x80 == 0 else { return false }
        if lenR > 1 && sig[4] == 0 && sig[5] & 0x80 == 0 { return false }
        guard sig[lenR + 4] == 0x02, lenS != 0, sig[lenR + 6] & 0x80 == 0 else { return false }
        if lenS > 1 && sig[lenR + 6] == 0 && sig[lenR + 7] & 0x80 == 0 { return false }
        return true
    }

    /// True if the last byte is a defined sighash type (ALL, NONE or SINGLE, optionally ANYONECANPAY).
    public static func hasDefinedHashType(_ sig: [UInt8]) -> Bool {
        guard let last = sig.last else { return false }
        let base = last & ~0x80
        return base >= 0x01 && base <= 0x03
    }
}
