import FluxPrimitives

/// A header whose block hash comes from its sender rather than from hashing it: the chain-side form of a
/// compact header (fluxd's `CCompactBlockHeader`, P2P `cmpheaders`), which omits the Equihash solution.
///
/// A proof-of-work header is kept without its solution (an empty one), so its hash cannot be computed and
/// `hash` is the sender's word. `ChainState.acceptTrustedHeaders(_:)` takes such headers only at or below the
/// network's last checkpoint, where the checkpoint hashes vouch for the chain; the solution is verified when
/// the block body (or the full header) arrives. A Proof-of-Node header is complete and `hash` must be its own.
public struct TrustedHeader: Hashable, Sendable {
    /// The header; for proof of work its solution is empty.
    public let header: BlockHeader
    /// The block hash the sender vouches for.
    public let hash: Hash256

    /// A trusted header from its fields and the claimed hash. A proof-of-work header's solution is dropped
    /// (it is not part of the trusted form), whatever it was.
    public init(header: BlockHeader, hash: Hash256) {
        var stripped = header
        if case let .work(nonce, _) = header.proof { stripped.proof = .work(nonce: nonce, solution: []) }
        self.header = stripped
        self.hash = hash
    }

    /// The trusted form of a full header, vouched for by its own hash (what an honest sender would claim).
    public init(_ header: BlockHeader) {
        self.init(header: header, hash: header.hash)
    }

    /// True for a proof-of-work header, whose hash is taken on trust.
    public var isProofOfWork: Bool { !header.isProofOfNode }
}
