import FluxPrimitives

/// A block header as `cmpheaders` carries it (fluxd's `CCompactBlockHeader`): the 108-byte common prefix, then
/// for Proof of Node the collateral and signature (exactly the full header), for proof of work the 32-byte nonce
/// and the block hash **in place of** the Equihash solution.
///
/// A proof-of-work compact header cannot be checked: its hash is the sender's word. fluxd sends `cmpheaders`
/// only for headers below the latest checkpoint, and a receiver may trust `blockHash` only there (the
/// checkpoint hash then vouches for the chain). The version selects the layout, as for `BlockHeader`.
public struct CompactBlockHeader: Hashable, Sendable {
    /// nVersion; ≥ 100 selects the Proof-of-Node layout.
    public var version: Int32
    /// Hash of the previous block.
    public var previousBlockHash: Hash256
    /// Merkle root of the block's txids.
    public var merkleRoot: Hash256
    /// Root of the Sapling note-commitment tree after this block.
    public var finalSaplingRoot: Hash256
    /// Block time (unix seconds).
    public var time: UInt32
    /// Compact target (`nBits`).
    public var bits: UInt32
    /// The form-specific tail.
    public var proof: Proof

    /// The form-specific part of a compact header.
    public enum Proof: Hashable, Sendable {
        /// Proof of work without its solution: the 32-byte nonce and the block hash the sender claims.
        case work(nonce: Hash256, blockHash: Hash256)
        /// Proof of Node, as in the full header: the producer's collateral and its signature.
        case node(collateral: OutPoint, signature: [UInt8])
    }

    /// Size of a proof-of-work compact header (108 + 32 + 32).
    public static let workSize = 172
    /// Smallest serialized size (a Proof-of-Node header with an empty signature: 108 + 36 + 1).
    public static let minimumSize = 145

    /// Creates a compact header from its parts.
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

    /// The compact form of a full header (a proof-of-work header's solution is replaced by its hash).
    public init(_ header: BlockHeader) {
        let proof: Proof = switch header.proof {
        case let .work(nonce, _): .work(nonce: nonce, blockHash: header.hash)
        case let .node(collateral, signature): .node(collateral: collateral, signature: signature)
        }
        self.init(version: header.version, previousBlockHash: header.previousBlockHash, merkleRoot: header.merkleRoot,
                  finalSaplingRoot: header.finalSaplingRoot, time: header.time, bits: header.bits, proof: proof)
    }

    /// True for a Proof-of-Node header.
    public var isProofOfNode: Bool { version >= BlockHeader.ponVersion }

    /// The block hash: computed for Proof of Node (SHA256d of the first 144 bytes), the embedded hash for proof
    /// of work (unverifiable; trust it only below a checkpoint).
    public var blockHash: Hash256 {
        switch proof {
        case let .work(_, blockHash): blockHash
        case .node: fullHeader?.hash ?? .zero
        }
    }

    /// The full header, for Proof of Node (the compact form is complete); nil for proof of work, whose
    /// solution is missing.
    public var fullHeader: BlockHeader? {
        guard case let .node(collateral, signature) = proof else { return nil }
        return BlockHeader(version: version, previousBlockHash: previousBlockHash, merkleRoot: merkleRoot,
                           finalSaplingRoot: finalSaplingRoot, time: time, bits: bits,
                           proof: .node(collateral: collateral, signature: signature))
    }
}

extension CompactBlockHeader: WireCodable {
    /// Writes the 108-byte prefix, then nonce ‖ block hash (work) or collateral ‖ CompactSize ‖ signature (node).
    public func encode(to writer: inout ByteWriter) {
        writer.writeLE(version)
        writer.writeHash(previousBlockHash)
        writer.writeHash(merkleRoot)
        writer.writeHash(finalSaplingRoot)
        writer.writeLE(time)
        writer.writeLE(bits)
        switch proof {
        case let .work(nonce, blockHash):
            writer.writeHash(nonce)
            writer.writeHash(blockHash)
        case let .node(collateral, signature):
            collateral.encode(to: &writer)
            writer.writeVarBytes(signature)
        }
    }

    /// Reads a compact header; the version selects the tail.
    public init(from r: inout ByteReader) throws(DecodingError) {
        version = try r.readLE(Int32.self, "cmpheader.nVersion")
        previousBlockHash = try r.readHash("cmpheader.hashPrevBlock")
        merkleRoot = try r.readHash("cmpheader.hashMerkleRoot")
        finalSaplingRoot = try r.readHash("cmpheader.hashFinalSaplingRoot")
        time = try r.readLE(UInt32.self, "cmpheader.nTime")
        bits = try r.readLE(UInt32.self, "cmpheader.nBits")
        if version >= BlockHeader.ponVersion {
            let collateral = try OutPoint(from: &r)
            let signature = try r.readVarBytes("cmpheader.vchBlockSig", limit: BlockHeader.maxBlockSignatureSize)
            proof = .node(collateral: collateral, signature: signature)
        } else {
            let nonce = try r.readHash("cmpheader.nNonce")
            let blockHash = try r.readHash("cmpheader.hashBlock")
            proof = .work(nonce: nonce, blockHash: blockHash)
        }
    }
}
