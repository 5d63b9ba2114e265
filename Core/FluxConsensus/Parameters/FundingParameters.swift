/// The coinbase funding outputs a network requires besides miner and FluxNode rewards.
public struct FundingParameters: Hashable, Sendable {
    /// The exchange fund, paid once.
    public let exchange: FundingEvent
    /// The foundation fund, paid once.
    public let foundation: FundingEvent
    /// The ZEL→FLUX swap pool, paid several times.
    public let swapPool: SwapPoolSchedule
    /// The development fund that receives the rest of each PoN block's subsidy (at least
    /// ``ChainParameters/devFundMinimum(at:)``).
    public let devFund: FundingDestination

    /// Creates a parameter set.
    public init(exchange: FundingEvent, foundation: FundingEvent, swapPool: SwapPoolSchedule,
                devFund: FundingDestination) {
        self.exchange = exchange
        self.foundation = foundation
        self.swapPool = swapPool
        self.devFund = devFund
    }
}
