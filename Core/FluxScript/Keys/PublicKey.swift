import CSecp256k1
import FluxPrimitives

/// A secp256k1 public key as carried in scripts and FluxNode transactions (fluxd's `CPubKey`).
///
/// The value holds the bytes exactly as given, like `CPubKey`: a script may push anything where a key is
/// expected, and only `verify` decides whether it works. `isValid` is fluxd's cheap length check;
/// `isFullyValid` parses the point on the curve. All methods are safe to call from many threads at once.
public struct PublicKey: Hashable, Sendable {
    /// The serialized key: 33 bytes (`02`/`03` ‖ x) compressed, 65 bytes (`04` ‖ x ‖ y) uncompressed;
    /// libsecp256k1 also accepts the hybrid forms `06`/`07`.
    public let bytes: [UInt8]

    /// Wraps serialized key bytes without checking them.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses a 33- or 65-byte key; nil unless it is a point on the curve.
    public init?(parsing bytes: [UInt8]) {
        self.init(bytes)
        guard isFullyValid else { return nil }
    }

    /// The key length the first byte announces (`CPubKey::GetLen`): 33 for `02`/`03`, 65 for `04`/`06`/`07`,
    /// otherwise 0.
    static func announcedLength(_ first: UInt8) -> Int {
        switch first {
        case 2, 3: 33
        case 4, 6, 7: 65
        default: 0
        }
    }

    /// fluxd's `CPubKey::IsValid`: the length matches the one the first byte announces (no curve check).
    public var isValid: Bool {
        guard let first = bytes.first else { return false }
        return bytes.count == Self.announcedLength(first)
    }

    /// True if the key is valid and parses as a point on the curve (`CPubKey::IsFullyValid`).
    public var isFullyValid: Bool { isValid && parsed() != nil }

    /// True for the 33-byte compressed form (`CPubKey::IsCompressed`).
    public var isCompressed: Bool { bytes.count == 33 }

    /// HASH160 of the serialized key: the key id of P2PKH scripts and of the signed-message check.
    public var hash160: [UInt8] { Hashing.hash160(bytes) }

    /// Re-serialises the point in the requested form; nil if the key does not parse.
    public func serialized(compressed: Bool) -> [UInt8]? {
        guard var point = parsed() else { return nil }
        return Self.serialize(&point, compressed: compressed)
    }

    /// Verifies a DER-encoded ECDSA signature (without the sighash byte) over a 32-byte digest, as
    /// `CPubKey::Verify` does: the key must parse, the signature must parse as strict DER, and its S value is
    /// normalised to the lower half before verification, so high-S signatures verify unless `lowS` is set, in
    /// which case they are rejected.
    ///
    /// - Parameter digest32: the digest in internal byte order (the bytes of a `Hash256`, as fluxd's
    ///   `uint256::begin()`).
    public func verify(signatureDER: [UInt8], digest32: Hash256, lowS: Bool = false) -> Bool {
        guard isValid, var point = parsed(), !signatureDER.isEmpty else { return false }
        let ctx = Secp256k1Context.shared.raw
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_der(ctx, &sig, signatureDER, signatureDER.count) == 1 else {
            return false
        }
        var normalized = secp256k1_ecdsa_signature()
        let wasHigh = secp256k1_ecdsa_signature_normalize(ctx, &normalized, &sig) == 1
        if lowS && wasHigh { return false }
        return secp256k1_ecdsa_verify(ctx, &normalized, digest32.bytes, &point) == 1
    }

    /// True if the DER signature (without sighash byte) parses and its S value is at most half the group order
    /// (`CPubKey::CheckLowS`). False for a signature that does not parse.
    public static func isLowS(signatureDER: [UInt8]) -> Bool {
        guard !signatureDER.isEmpty else { return false }
        let ctx = Secp256k1Context.shared.raw
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_der(ctx, &sig, signatureDER, signatureDER.count) == 1 else {
            return false
        }
        return secp256k1_ecdsa_signature_normalize(ctx, nil, &sig) == 0
    }

    /// Recovers the signing key from a 65-byte compact signature (Bitcoin's `SignCompact` format: header byte
    /// 27 + recovery id, plus 4 when the key is compressed, then R ‖ S). The recovered key is returned in the
    /// form the header announces. Nil if the signature does not recover a key.
    public static func recover(compactSignature65 sig: [UInt8], digest32: Hash256) -> PublicKey? {
        guard sig.count == 65 else { return nil }
        let header = Int(sig[0]) - 27
        let recoveryId = Int32(header & 3)
        let compressed = header & 4 != 0
        let ctx = Secp256k1Context.shared.raw
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        let body = Array(sig[1...])
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &recoverable, body, recoveryId) == 1
        else { return nil }
        var point = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(ctx, &point, &recoverable, digest32.bytes) == 1 else { return nil }
        return PublicKey(serialize(&point, compressed: compressed))
    }

    // MARK: libsecp256k1 plumbing

    func parsed() -> secp256k1_pubkey? {
        guard !bytes.isEmpty else { return nil }
        var point = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.raw, &point, bytes, bytes.count) == 1 else {
            return nil
        }
        return point
    }

    static func serialize(_ point: inout secp256k1_pubkey, compressed: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: compressed ? 33 : 65)
        var length = out.count
        let ok = secp256k1_ec_pubkey_serialize(
            Secp256k1Context.shared.raw, &out, &length, &point,
            compressed ? Secp256k1Context.compressedFlag : Secp256k1Context.uncompressedFlag)
        precondition(ok == 1 && length == out.count, "libsecp256k1: cannot serialise a parsed key")
        return out
    }
}
