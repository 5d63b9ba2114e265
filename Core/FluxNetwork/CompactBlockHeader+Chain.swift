import FluxChain
import FluxP2P
import FluxPrimitives

extension CompactBlockHeader {
    /// The compact form of an index entry's header, with the entry's hash (not re-hashed). The entry must hold
    /// its full header (an active-chain entry does).
    init(entry: BlockIndexEntry) {
        let header = entry.header
        let proof: Proof = switch header.proof {
        case let .work(nonce, _): .work(nonce: nonce, blockHash: entry.hash)
        case let .node(collateral, signature): .node(collateral: collateral, signature: signature)
        }
        self.init(version: header.version, previousBlockHash: header.previousBlockHash, merkleRoot: header.merkleRoot,
                  finalSaplingRoot: header.finalSaplingRoot, time: header.time, bits: header.bits, proof: proof)
    }
}

extension TrustedHeader {
    /// The chain-side form of a received compact header: its fields, an empty solution for proof of work, and
    /// the hash the sender vouches for (a Proof-of-Node header's own hash).
    init(compact: CompactBlockHeader) {
        let proof: BlockHeader.Proof
        let claimed: Hash256?
        switch compact.proof {
        case let .work(nonce, blockHash):
            proof = .work(nonce: nonce, solution: [])
            claimed = blockHash
        case let .node(collateral, signature):
            proof = .node(collateral: collateral, signature: signature)
            claimed = nil
        }
        let header = BlockHeader(version: compact.version, previousBlockHash: compact.previousBlockHash,
                                 merkleRoot: compact.merkleRoot, finalSaplingRoot: compact.finalSaplingRoot,
                                 time: compact.time, bits: compact.bits, proof: proof)
        self.init(header: header, hash: claimed ?? header.hash)
    }
}
