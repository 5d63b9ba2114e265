import FluxPrimitives

/// fluxd's signed messages (`CMessageSigner`, `strMessageMagic`), used by FluxNode START and CONFIRM
/// transactions and by benchmark signatures.
///
/// digest = SHA256d(CompactSize(24) ‖ "Zelcash Signed Message:\n" ‖ CompactSize(len m) ‖ m); the signature is
/// 65-byte compact recoverable ECDSA. Verification recovers the key and compares HASH160 key ids, so the
/// signature's compressed flag must match the form of the expected key.
public enum MessageSigner {
    /// The magic prefix fluxd hashes before every message.
    public static let magic = "Zelcash Signed Message:\n"

    /// The digest fluxd signs for message `message` (its bytes as given, no encoding step).
    public static func digest(_ message: [UInt8]) -> Hash256 {
        var w = ByteWriter(capacity: 32 + message.count)
        w.writeVarBytes(Array(magic.utf8))
        w.writeVarBytes(message)
        return Hashing.sha256d(w.bytes)
    }

    /// The digest of a UTF-8 string message.
    public static func digest(_ message: String) -> Hash256 { digest(Array(message.utf8)) }

    /// Signs `message`; the header byte announces the compression of `compressed`.
    public static func sign(_ message: [UInt8], with key: PrivateKey, compressed: Bool = true) -> [UInt8] {
        key.signCompact(digest32: digest(message), compressed: compressed)
    }

    /// Signs a UTF-8 string message.
    public static func sign(_ message: String, with key: PrivateKey, compressed: Bool = true) -> [UInt8] {
        sign(Array(message.utf8), with: key, compressed: compressed)
    }

    /// True if `signature` is a compact signature of `message` by `key` (`CMessageSigner::VerifyMessage`):
    /// the recovered key's id equals `key`'s id.
    public static func verify(_ message: [UInt8], signature: [UInt8], key: PublicKey) -> Bool {
        guard let recovered = PublicKey.recover(compactSignature65: signature, digest32: digest(message)) else {
            return false
        }
        return recovered.hash160 == key.hash160
    }

    /// Verifies a UTF-8 string message.
    public static func verify(_ message: String, signature: [UInt8], key: PublicKey) -> Bool {
        verify(Array(message.utf8), signature: signature, key: key)
    }
}
