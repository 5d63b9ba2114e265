/// A Sprout JoinSplit description (`JSDescription`). Proofs and ciphertexts are carried, not verified.
///
/// Wire layout: vpub_old(8) ‖ vpub_new(8) ‖ anchor(32) ‖ 2 nullifiers(64) ‖ 2 commitments(64) ‖ ephemeralKey(32)
/// ‖ randomSeed(32) ‖ 2 macs(64) ‖ proof (296-byte PHGR13 before Sapling, 192-byte Groth16 in v4) ‖
/// 2 note ciphertexts(2 × 601).
public struct JoinSplit: Hashable, Sendable {
    /// Transparent value entering the shielded pool through this JoinSplit.
    public var vpubOld: Amount
    /// Transparent value leaving the shielded pool through this JoinSplit.
    public var vpubNew: Amount
    /// Root of the note-commitment tree the spent notes are proven against.
    public var anchor: Hash256
    /// The two nullifiers of the spent notes.
    public var nullifiers: [Hash256]
    /// The two note commitments of the new notes.
    public var commitments: [Hash256]
    /// Ephemeral public key for note encryption.
    public var ephemeralKey: Hash256
    /// Random seed entering h_sig.
    public var randomSeed: Hash256
    /// The two MACs binding the spending keys to h_sig.
    public var macs: [Hash256]
    /// 296 bytes (PHGR13) or 192 bytes (Groth16).
    public var proof: [UInt8]
    /// Two ciphertexts of 601 bytes.
    public var ciphertexts: [[UInt8]]

    static let ciphertextSize = 601
    /// Proof size for the transaction format: Groth16 (192) in v4 Sapling transactions, else PHGR13 (296).
    static func proofSize(groth: Bool) -> Int { groth ? 192 : 296 }
    /// Serialized size of one JoinSplit: 1802 bytes with a PHGR13 proof, 1698 with Groth16. Nine 32-byte fields:
    /// anchor, 2 nullifiers, 2 commitments, ephemeral key, random seed, 2 MACs.
    static func size(groth: Bool) -> Int { 8 + 8 + 32 * 9 + proofSize(groth: groth) + 2 * ciphertextSize }

    func encode(to w: inout ByteWriter) {
        w.writeLE(vpubOld.units); w.writeLE(vpubNew.units); w.writeHash(anchor)
        nullifiers.forEach { w.writeHash($0) }
        commitments.forEach { w.writeHash($0) }
        w.writeHash(ephemeralKey); w.writeHash(randomSeed)
        macs.forEach { w.writeHash($0) }
        w.writeBytes(proof)
        ciphertexts.forEach { w.writeBytes($0) }
    }

    init(from r: inout ByteReader, groth: Bool, field: String) throws(DecodingError) {
        vpubOld = Amount(units: try r.readLE(Int64.self, field + ".vpub_old"))
        vpubNew = Amount(units: try r.readLE(Int64.self, field + ".vpub_new"))
        anchor = try r.readHash(field + ".anchor")
        nullifiers = [try r.readHash(field + ".nullifiers"), try r.readHash(field + ".nullifiers")]
        commitments = [try r.readHash(field + ".commitments"), try r.readHash(field + ".commitments")]
        ephemeralKey = try r.readHash(field + ".ephemeralKey")
        randomSeed = try r.readHash(field + ".randomSeed")
        macs = [try r.readHash(field + ".macs"), try r.readHash(field + ".macs")]
        proof = try r.readBytes(JoinSplit.proofSize(groth: groth), field + ".proof")
        ciphertexts = [try r.readBytes(JoinSplit.ciphertextSize, field + ".ciphertexts"),
                       try r.readBytes(JoinSplit.ciphertextSize, field + ".ciphertexts")]
    }
}

/// A Sapling spend description (384 bytes): cv ‖ anchor ‖ nullifier ‖ rk ‖ zkproof(192) ‖ spendAuthSig(64).
public struct SpendDescription: Hashable, Sendable {
    /// Value commitment.
    public var cv: Hash256
    /// Root of the note-commitment tree the spent notes are proven against.
    public var anchor: Hash256
    /// Nullifier of the spent note.
    public var nullifier: Hash256
    /// Randomised public key that verifies `spendAuthSig`.
    public var rk: Hash256
    /// Groth16 proof (192 bytes).
    public var zkproof: [UInt8]
    /// Spend authorisation signature (64 bytes).
    public var spendAuthSig: [UInt8]

    static let size = 384

    func encode(to w: inout ByteWriter) {
        w.writeHash(cv); w.writeHash(anchor); w.writeHash(nullifier); w.writeHash(rk)
        w.writeBytes(zkproof); w.writeBytes(spendAuthSig)
    }

    init(from r: inout ByteReader, field: String) throws(DecodingError) {
        cv = try r.readHash(field + ".cv")
        anchor = try r.readHash(field + ".anchor")
        nullifier = try r.readHash(field + ".nullifier")
        rk = try r.readHash(field + ".rk")
        zkproof = try r.readBytes(192, field + ".zkproof")
        spendAuthSig = try r.readBytes(64, field + ".spendAuthSig")
    }
}

/// A Sapling output description (948 bytes): cv ‖ cmu ‖ ephemeralKey ‖ encCiphertext(580) ‖ outCiphertext(80)
/// ‖ zkproof(192).
public struct OutputDescription: Hashable, Sendable {
    /// Value commitment.
    public var cv: Hash256
    /// Note commitment (u-coordinate).
    public var cmu: Hash256
    /// Ephemeral public key for note encryption.
    public var ephemeralKey: Hash256
    /// Note ciphertext for the recipient (580 bytes).
    public var encCiphertext: [UInt8]
    /// Ciphertext for the sender's outgoing viewing key (80 bytes).
    public var outCiphertext: [UInt8]
    /// Groth16 proof (192 bytes).
    public var zkproof: [UInt8]

    static let size = 948

    func encode(to w: inout ByteWriter) {
        w.writeHash(cv); w.writeHash(cmu); w.writeHash(ephemeralKey)
        w.writeBytes(encCiphertext); w.writeBytes(outCiphertext); w.writeBytes(zkproof)
    }

    init(from r: inout ByteReader, field: String) throws(DecodingError) {
        cv = try r.readHash(field + ".cv")
        cmu = try r.readHash(field + ".cmu")
        ephemeralKey = try r.readHash(field + ".ephemeralKey")
        encCiphertext = try r.readBytes(580, field + ".encCiphertext")
        outCiphertext = try r.readBytes(80, field + ".outCiphertext")
        zkproof = try r.readBytes(192, field + ".zkproof")
    }
}
