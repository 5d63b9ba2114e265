/// A range of tip heights where fluxd allows deeper reorganizations than ``ConsensusConstants/maxReorgLength``
/// (`GetMaxReorgDepth`): on mainnet 5000 blocks while the tip is in 2,020,000 ... 2,025,000, around PoN activation.
public struct ReorgWindow: Hashable, Sendable {
    /// Tip heights (inclusive) for which ``maxDepth`` applies.
    public let tipHeights: ClosedRange<Int>
    /// The larger maximum reorganization depth, in blocks.
    public let maxDepth: Int

    /// Creates a window.
    public init(tipHeights: ClosedRange<Int>, maxDepth: Int) {
        self.tipHeights = tipHeights
        self.maxDepth = maxDepth
    }
}
