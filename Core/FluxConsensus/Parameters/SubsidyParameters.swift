import FluxPrimitives

/// Block-reward schedule parameters of one network (see ``ChainParameters/blockSubsidy(at:)``).
public struct SubsidyParameters: Hashable, Sendable {
    /// PoW slow-start length in blocks (`nSubsidySlowStartInterval`): 5000 mainnet, 1 testnet, 0 regtest.
    public let slowStartInterval: Int
    /// PoW blocks between halvings (`nSubsidyHalvingInterval`): 655,350, regtest 150.
    public let halvingInterval: Int
    /// The PoN subsidy before any reduction: 14 FLUX on every network.
    public let ponInitialSubsidy: Amount
    /// PoN blocks between 10 % reductions, counted from PoN activation: 1,051,200 mainnet, 525,600 testnet,
    /// 100 regtest.
    public let ponReductionInterval: Int
    /// Reductions after which the PoN subsidy stays constant: 20, regtest 10.
    public let ponMaxReductions: Int

    /// Creates a parameter set.
    public init(slowStartInterval: Int, halvingInterval: Int, ponInitialSubsidy: Amount,
                ponReductionInterval: Int, ponMaxReductions: Int) {
        self.slowStartInterval = slowStartInterval
        self.halvingInterval = halvingInterval
        self.ponInitialSubsidy = ponInitialSubsidy
        self.ponReductionInterval = ponReductionInterval
        self.ponMaxReductions = ponMaxReductions
    }

    /// `SubsidySlowStartShift()`: half the slow-start interval (2500 on mainnet); halvings count from here.
    public var slowStartShift: Int { slowStartInterval / 2 }
}
