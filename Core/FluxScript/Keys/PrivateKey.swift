import CSecp256k1
import FluxPrimitives

/// A secp256k1 secret key (32 bytes, 1 ≤ k < n), as fluxd's `CKey`.
///
/// Signing uses RFC 6979 deterministic nonces and always yields low-S signatures. Safe to use from many
/// threads at once.
public struct PrivateKey: Equatable, Sendable {
    /// The 32 secret bytes, big-endian.
    public let bytes: [UInt8]

    /// Wraps 32 bytes; nil unless they form a valid secret key (non-zero, below the group order).
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32, Self.isValid(bytes) else { return nil }
        self.bytes = bytes
    }

    /// True if `bytes` are 32 bytes forming a valid secret key.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.count == 32 && secp256k1_ec_seckey_verify(Secp256k1Context.shared.raw, bytes) == 1
    }

    /// A new random key from the system generator (`getrandom` on Linux).
    public static func generate() -> PrivateKey {
        var rng = SystemRandomNumberGenerator()
        while true {
            let candidate = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
            if let key = PrivateKey(bytes: candidate) { return key }
        }
    }

    /// The matching public key, compressed (33 bytes) or uncompressed (65 bytes).
    public func publicKey(compressed: Bool = true) -> PublicKey {
        var point = secp256k1_pubkey()
        let ok = secp256k1_ec_pubkey_create(Secp256k1Context.shared.raw, &point, bytes)
        precondition(ok == 1, "libsecp256k1: a validated secret key has no public key")
        return PublicKey(PublicKey.serialize(&point, compressed: compressed))
    }

    /// Signs a 32-byte digest (internal byte order) and returns the strict DER signature, low-S, without a
    /// sighash byte.
    public func sign(digest32: Hash256) -> [UInt8] {
        let ctx = Secp256k1Context.shared.raw
        var sig = secp256k1_ecdsa_signature()
        let ok = secp256k1_ecdsa_sign(ctx, &sig, digest32.bytes, bytes, nil, nil)
        precondition(ok == 1, "libsecp256k1: signing with a validated key failed")
        var der = [UInt8](repeating: 0, count: 72)
        var length = der.count
        let serialized = secp256k1_ecdsa_signature_serialize_der(ctx, &der, &length, &sig)
        precondition(serialized == 1, "libsecp256k1: DER buffer too small")
        return Array(der[0..<length])
    }

    /// Signs a digest in Bitcoin's 65-byte compact recoverable format (`CKey::SignCompact`): header byte
    /// 27 + recovery id (+ 4 if the key is meant compressed), then R ‖ S big-endian.
    public func signCompact(digest32: Hash256, compressed: Bool = true) -> [UInt8] {
        let ctx = Secp256k1Context.shared.raw
        var sig = secp256k1_ecdsa_recoverable_signature()
        let ok = secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest32.bytes, bytes, nil, nil)
        precondition(ok == 1, "libsecp256k1: signing with a validated key failed")
        var out = [UInt8](repeating: 0, count: 65)
        var recoveryId: Int32 = 0
        out.withUnsafeMutableBufferPointer { buffer in
            _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, buffer.baseAddress! + 1, &recoveryId,
                                                                        &sig)
        }
        out[0] = UInt8(27 + recoveryId + (compressed ? 4 : 0))
        return out
    }
}
