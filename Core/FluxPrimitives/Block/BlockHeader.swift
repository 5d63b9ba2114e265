/// A Flux block header, in either of its two forms.
///
/// Both share a 108-byte prefix: version ‖ previous block hash ‖ merkle root ‖ final Sapling root ‖ time ‖ bits.
/// - Proof of work (version < 100): nonce (32 bytes) ‖ CompactSize ‖ Equihash solution. The block hash is
///   SHA256d of the whole serialized header, solution included.
/// - Proof of Node (version ≥ 100, mainnet from height 2,020,000): the producing node's collateral outpoint ‖
///   CompactSize ‖ DER signature. The block hash is SHA256d of the first 144 bytes: the signature is not hashed.
public struct BlockHeader: Hashable, Sendable {
    /// nVersion; ≥ 100 selects the Proof-of-Node layout.
    public var version: Int32
    /// Hash of the previous block.
    public var previousBlockHash: Hash256
    /// Merkle root of the block's txids.
    public var merkleRoot: Hash256
    /// Root of the Sapling note-commitment tree after this block (reserved, unchecked before Acadia).
    public var finalSaplingRoot: Hash256
    /// Block time (unix seconds).
    public var time: UInt32
    /// Compact target (`nBits`).
    public var bits: UInt32
    /// The form-specific tail.
    public var proof: Proof

    /// The form-specific part of a header.
    public enum Proof: Hashable, Sendable {
        /// Equihash proof of work: 32-byte nonce (internal order) and the packed solution.
        case work(nonce: Hash256, solution: [UInt8])
        /// Proof of Node: the producer's collateral and its signature over the block hash.
        case node(collateral: OutPoint, signature: [UInt8])
    }

    /// `CBlockHeader::PON_VERSION`: headers with this version or higher use the Proof-of-Node layout.
    public static let ponVersion: Int32 = 100
    /// Size of the common prefix hashed by Equihash (`CEquihashInput`).
    public static let equihashInputSize = 108
    /// Upper bound on the solution length accepted when parsing (the (200,9) solution is 1344 bytes).
    public static let maxSolutionSize: UInt64 = 1344
    /// Upper bound on a PoN signature when parsing: emergency blocks carry several signatures (`MAX_EMERGENCY_BLOCK_SIG_SIZE`).
    public static let maxBlockSignatureSize: UInt64 = 512

    /// Creates a header.
    public init(version: Int32, previousBlockHash: Hash256, merkleRoot: Hash256, finalSaplingRoot: Hash256 = .zero,
                time: UInt32, bits: UInt32, proof: Proof) {
        self.version = version
        self.previousBlockHash = previousBlockHash
        self.merkleRoot = merkleRoot
        self.finalSaplingRoot = finalSaplingRoot
        self.time = time
        self.bits = bits
        self.proof = proof
    }

    /// True for a Proof-of-Node header.
    public var isProofOfNode: Bool { version >= Self.ponVersion }

    /// The 108 bytes Equihash hashes before the nonce (`CEquihashInput`).
    public var equihashInput: [UInt8] {
        var w = ByteWriter(capacity: 108)
        encodePrefix(to: &w)
        return w.bytes
    }

    /// The block hash: SHA256d of the full header (PoW), or of the header without its signature (PoN).
    public var hash: Hash256 {
        var w = ByteWriter(capacity: 1500)
        encode(to: &w, forHash: true)
        return Hashing.sha256d(w.bytes)
    }

    func encodePrefix(to w: inout ByteWriter) {
        w.writeLE(version)
        w.writeHash(previousBlockHash)
        w.writeHash(merkleRoot)
        w.writeHash(finalSaplingRoot)
        w.writeLE(time)
        w.writeLE(bits)
    }

    /// Writes the header; `forHash` leaves out a PoN signature (the block-hash form).
    public func encode(to w: inout ByteWriter, forHash: Bool) {
        encodePrefix(to: &w)
        switch proof {
        case let .work(nonce, solution):
            w.writeHash(nonce)
            w.writeVarBytes(solution)
        case let .node(collateral, signature):
            collateral.encode(to: &w)
            if !forHash { w.writeVarBytes(signature) }
        }
    }
}

extension BlockHeader: WireCodable {
    /// Writes the full header (a PoN signature included).
    public func encode(to writer: inout ByteWriter) { encode(to: &writer, forHash: false) }

    /// Reads a header; the version selects the PoW or PoN tail.
    public init(from r: inout ByteReader) throws(DecodingError) {
        version = try r.readLE(Int32.self, "header.nVersion")
        previousBlockHash = try r.readHash("header.hashPrevBlock")
        merkleRoot = try r.readHash("header.hashMerkleRoot")
        finalSaplingRoot = try r.readHash("header.hashFinalSaplingRoot")
        time = try r.readLE(UInt32.self, "header.nTime")
        bits = try r.readLE(UInt32.self, "header.nBits")
        if version >= Self.ponVersion {
            let collateral = try OutPoint(from: &r)
            let sig = try r.readVarBytes("header.vchBlockSig", limit: Self.maxBlockSignatureSize)
            proof = .node(collateral: collateral, signature: sig)
        } else {
            let nonce = try r.readHash("header.nNonce")
            let solution = try r.readVarBytes("header.nSolution", limit: Self.maxSolutionSize)
            proof = .work(nonce: nonce, solution: solution)
        }
    }
}
