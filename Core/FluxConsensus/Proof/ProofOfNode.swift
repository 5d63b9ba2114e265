import FluxPrimitives

/// The parts of a Proof-of-Node header check that need no node list (fluxd `src/pon/pon.cpp`): time slots,
/// the PoN hash and its target. Whether the named node may produce the block, and its signature, are judged
/// with the node list.
public enum ProofOfNode {
    /// The 30-second slot a block time falls in: ⌊(time − genesis time) / spacing⌋ (`GetSlotNumber`).
    public static func slot(time: UInt32, params: ChainParameters) -> UInt32 {
        let genesisTime = GenesisBlock.block(for: params.network).header.time
        guard time > genesisTime else { return 0 }
        return (time - genesisTime) / UInt32(params.ponTargetSpacing)
    }

    /// The PoN hash: SHA256d(collateral txid ‖ LE32 n ‖ previous block hash ‖ LE32 slot).
    public static func ponHash(collateral: OutPoint, previousBlockHash: Hash256, slot: UInt32) -> Hash256 {
        var w = ByteWriter(capacity: 72)
        collateral.encode(to: &w)
        w.writeHash(previousBlockHash)
        w.writeLE(slot)
        return Hashing.sha256d(w.bytes)
    }

    /// The context-free PoN check: nBits decodes to a usable target no easier than the larger of the PoN
    /// limits, and (except on regtest, as fluxd) the PoN hash of the header's collateral, parent and slot is
    /// at or below that target. Emergency blocks skip the hash check.
    public static func checkHash(_ header: BlockHeader, params: ChainParameters) throws(RejectReason) {
        guard case let .node(collateral, _) = header.proof else {
            throw RejectReason("bad-proof-type", "a proof-of-work header has no node collateral")
        }
        let limit = max(UInt256(params.ponLimit.target), UInt256(params.ponStartLimit.target))
        let target = try ProofOfWork.target(bits: header.bits, limit: limit)
        if params.skipsProofOfWorkTargetCheck { return }
        if collateral.hash == params.emergency.collateralHash && collateral.index == params.emergency.collateralIndex {
            return
        }
        let hash = ponHash(collateral: collateral, previousBlockHash: header.previousBlockHash,
                           slot: slot(time: header.time, params: params))
        if target < UInt256(hash) {
            throw RejectReason("high-hash", "PoN hash \(hash) of \(collateral.shortDescription) is above the target \(target)")
        }
    }
}
