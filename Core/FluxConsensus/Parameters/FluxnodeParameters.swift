/// A network's FluxNode parameters that are not shared constants.
public struct FluxnodeParameters: Hashable, Sendable {
    /// First height whose coinbase must pay the FluxNode tiers (`nStartFluxnodePaymentsHeight`): mainnet 560,000,
    /// testnet 350, regtest 100.
    public let startPaymentsHeight: Int
    /// Benchmark-signing public keys, ordered by ``TimedPublicKey/validFrom`` (`vecBenchmarkingPublicKeys`).
    public let benchmarkKeys: [TimedPublicKey]
    /// Foundation keys allowed to sign for P2SH collateral, ordered by time (`vecP2SHPublicKeys`).
    public let p2shKeys: [TimedPublicKey]
    /// Per tier, the heights `[start, end)` in which both the V1 and V2 collateral amounts are accepted; before the
    /// window only V1 is valid, from `end` on only V2.
    public let collateralTransitions: [FluxnodeTier: Range<Int>]

    /// Creates a parameter set.
    public init(startPaymentsHeight: Int, benchmarkKeys: [TimedPublicKey], p2shKeys: [TimedPublicKey],
                collateralTransitions: [FluxnodeTier: Range<Int>]) {
        self.startPaymentsHeight = startPaymentsHeight
        self.benchmarkKeys = benchmarkKeys
        self.p2shKeys = p2shKeys
        self.collateralTransitions = collateralTransitions
    }

    /// The benchmark key in force at unix time `time`, or nil before the first one.
    public func benchmarkKey(at time: Int64) -> TimedPublicKey? { benchmarkKeys.key(at: time) }

    /// The P2SH-collateral key in force at unix time `time`, or nil before the first one.
    public func p2shKey(at time: Int64) -> TimedPublicKey? { p2shKeys.key(at: time) }
}
