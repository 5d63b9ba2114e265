import FluxPrimitives

/// A block fluxd hard-codes as part of the valid chain (`checkpointData`). Forks below the last checkpoint are
/// rejected and script checks are skipped for its ancestors.
public struct Checkpoint: Hashable, Sendable {
    /// The block height.
    public let height: Int
    /// The block hash at that height (PoN checkpoints have no leading zeros).
    public let hash: Hash256

    /// Creates a checkpoint.
    public init(height: Int, hash: Hash256) {
        self.height = height
        self.hash = hash
    }
}
