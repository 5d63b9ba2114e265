/// The bech32 human-readable parts of a network's Sapling encodings. These differ from Zcash's.
public struct SaplingPrefixes: Hashable, Sendable {
    /// Sapling payment address (mainnet `za`).
    public let paymentAddress: String
    /// Sapling full viewing key (mainnet `zviewa`).
    public let fullViewingKey: String
    /// Sapling incoming viewing key (mainnet `zivka`).
    public let incomingViewingKey: String
    /// Sapling extended spending key (mainnet `secret-extended-key-main`).
    public let extendedSpendingKey: String

    /// Creates the prefix set.
    public init(paymentAddress: String, fullViewingKey: String, incomingViewingKey: String,
                extendedSpendingKey: String) {
        self.paymentAddress = paymentAddress
        self.fullViewingKey = fullViewingKey
        self.incomingViewingKey = incomingViewingKey
        self.extendedSpendingKey = extendedSpendingKey
    }
}
