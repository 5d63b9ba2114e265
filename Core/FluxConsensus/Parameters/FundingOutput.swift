import FluxPrimitives

/// A coinbase output a consensus rule requires at some height.
public struct FundingOutput: Hashable, Sendable {
    /// Which rule requires the output.
    public enum Kind: String, Hashable, Sendable {
        /// Exchange fund (exact value).
        case exchange
        /// Foundation fund (exact value).
        case foundation
        /// Swap pool (exact value).
        case swapPool
        /// PoN development fund (``FundingOutput/amount`` is a minimum).
        case devFund
    }

    /// Which rule requires the output.
    public let kind: Kind
    /// The script the output must pay to.
    public let script: Script
    /// The exact value, or for ``Kind/devFund`` the minimum value.
    public let amount: Amount

    /// Creates a required output.
    public init(kind: Kind, script: Script, amount: Amount) {
        self.kind = kind
        self.script = script
        self.amount = amount
    }
}
