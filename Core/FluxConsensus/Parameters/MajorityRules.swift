/// BIP34-style block-version majority thresholds (`nMajorityEnforceBlockUpgrade` etc.). Carried over from Zcash;
/// no Flux rule currently depends on them, kept so the parameter set is complete.
public struct MajorityRules: Hashable, Sendable {
    /// Blocks in the window needed to enforce a new version's rules.
    public let enforceBlockUpgrade: Int
    /// Blocks in the window needed to reject older-version blocks.
    public let rejectBlockOutdated: Int
    /// The number of most recent blocks examined.
    public let window: Int

    /// Creates the thresholds.
    public init(enforceBlockUpgrade: Int, rejectBlockOutdated: Int, window: Int) {
        self.enforceBlockUpgrade = enforceBlockUpgrade
        self.rejectBlockOutdated = rejectBlockOutdated
        self.window = window
    }
}
