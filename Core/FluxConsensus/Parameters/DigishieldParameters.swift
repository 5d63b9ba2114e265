/// Zcash Digishield v3 parameters, used for PoW difficulty before LWMA activates (and for the 17-block
/// minimum-history rule after).
public struct DigishieldParameters: Hashable, Sendable {
    /// Number of blocks averaged (`nDigishieldAveragingWindow`), 17 on every network.
    public let averagingWindow: Int
    /// Maximum difficulty decrease per block in percent (`nDigishieldMaxAdjustDown`); 32, regtest 0.
    public let maxAdjustDownPercent: Int
    /// Maximum difficulty increase per block in percent (`nDigishieldMaxAdjustUp`); 16, regtest 0.
    public let maxAdjustUpPercent: Int

    /// Creates a parameter set.
    public init(averagingWindow: Int, maxAdjustDownPercent: Int, maxAdjustUpPercent: Int) {
        self.averagingWindow = averagingWindow
        self.maxAdjustDownPercent = maxAdjustDownPercent
        self.maxAdjustUpPercent = maxAdjustUpPercent
    }

    /// `AveragingWindowTimespan()`: window × target spacing, in seconds (2040 s on mainnet).
    public func averagingWindowTimespan(targetSpacing: Int) -> Int { averagingWindow * targetSpacing }

    /// `MinActualTimespan()`: timespan × (100 − max up) / 100, integer (1713 s on mainnet).
    public func minActualTimespan(targetSpacing: Int) -> Int {
        averagingWindowTimespan(targetSpacing: targetSpacing) * (100 - maxAdjustUpPercent) / 100
    }

    /// `MaxActualTimespan()`: timespan × (100 + max down) / 100, integer (2692 s on mainnet).
    public func maxActualTimespan(targetSpacing: Int) -> Int {
        averagingWindowTimespan(targetSpacing: targetSpacing) * (100 + maxAdjustDownPercent) / 100
    }
}
