import FluxPrimitives

/// The repeated swap-pool coinbase payment: `amount` to `destination` at `startHeight + interval·i` for
/// `i = 0 ..< maxTimes` (fluxd `IsSwapPoolInterval`).
public struct SwapPoolSchedule: Hashable, Sendable {
    /// Where the payments go.
    public let destination: FundingDestination
    /// Height of the first payment.
    public let startHeight: Int
    /// The exact value of each payment.
    public let amount: Amount
    /// Blocks between payments.
    public let interval: Int
    /// Number of payments.
    public let maxTimes: Int

    /// Creates a schedule.
    public init(destination: FundingDestination, startHeight: Int, amount: Amount, interval: Int, maxTimes: Int) {
        self.destination = destination
        self.startHeight = startHeight
        self.amount = amount
        self.interval = interval
        self.maxTimes = maxTimes
    }

    /// True when a block at `height` must pay the swap pool.
    public func isPayoutHeight(_ height: Int) -> Bool {
        guard height >= startHeight, interval > 0 else { return false }
        let offset = height - startHeight
        return offset % interval == 0 && offset / interval < maxTimes
    }

    /// Every payout height, in order.
    public var payoutHeights: [Int] { (0..<maxTimes).map { startHeight + interval * $0 } }
}
