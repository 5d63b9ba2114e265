import FluxPrimitives

/// One head of the block tree, as `getchaintips` reports it.
public struct ChainTip: Sendable, Equatable {
    /// How far a tip's branch got (fluxd's `getchaintips` statuses, in its order of precedence).
    public enum Status: String, Sendable {
        /// The tip of the active chain.
        case active
        /// The branch holds an invalid block.
        case invalid
        /// Some block of the branch has no stored body.
        case headersOnly = "headers-only"
        /// All bodies are stored but the tip was never fully validated.
        case validHeaders = "valid-headers"
        /// Fully validated once, not on the active chain now.
        case validFork = "valid-fork"
    }

    /// The tip's hash.
    public let hash: Hash256
    /// The tip's height.
    public let height: Int
    /// Blocks between the tip and its fork point with the active chain (0 for the active tip).
    public let branchLength: Int
    /// How far the branch got.
    public let status: Status

    /// Creates a tip record.
    public init(hash: Hash256, height: Int, branchLength: Int, status: Status) {
        self.hash = hash
        self.height = height
        self.branchLength = branchLength
        self.status = status
    }
}
