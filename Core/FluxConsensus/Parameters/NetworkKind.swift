/// Which Flux network a set of ``ChainParameters`` describes.
public enum NetworkKind: String, CaseIterable, Hashable, Sendable {
    /// The production network.
    case mainnet = "main"
    /// The public test network ("testnet-kamata").
    case testnet = "test"
    /// The local regression-test network.
    case regtest = "regtest"

    /// fluxd's `strNetworkID` (`"main"`, `"test"`, `"regtest"`), as `getblockchaininfo` reports in `chain`.
    public var networkId: String { rawValue }
}
