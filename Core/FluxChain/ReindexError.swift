import FluxPrimitives

/// A reindex (`-reindex`, or one resumed after an interruption) could not reach the tip it was rebuilding.
///
/// The chain stays at the last block it connected, with the durable "reindex in progress" marker still set: the
/// node serves nothing from the half-rebuilt state, and the next start retries the same block.
public struct ReindexError: Error, Sendable, CustomStringConvertible {
    /// The block that could not be connected and its height (nil when the failure is not a block's, e.g. the
    /// store failed while unwinding or the target is unknown).
    public let block: (hash: Hash256, height: Int)?
    /// Why: the consensus rejection, the missing verdict or the storage failure.
    public let reason: ChainError
    /// The tip the reindex is rebuilding and its height.
    public let target: (hash: Hash256, height: Int)
    /// The height the chain stopped at.
    public let stoppedAt: Int

    /// Creates an error.
    public init(block: (hash: Hash256, height: Int)?, reason: ChainError, target: (hash: Hash256, height: Int),
                stoppedAt: Int) {
        self.block = block
        self.reason = reason
        self.target = target
        self.stoppedAt = stoppedAt
    }

    public var description: String {
        let what = block.map { "block \($0.hash) at height \($0.height) was refused" } ?? "the reindex failed"
        return "\(what): \(reason); stopped at height \(stoppedAt) of the chain ending at \(target.hash) (height "
            + "\(target.height)); the reindex stays in progress and resumes from there at the next start"
    }
}
