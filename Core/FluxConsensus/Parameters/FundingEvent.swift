import FluxPrimitives

/// A one-off coinbase payment a block at one height must contain with exactly this value to exactly this script
/// (exchange fund, foundation fund).
public struct FundingEvent: Hashable, Sendable {
    /// Where the payment goes.
    public let destination: FundingDestination
    /// The only height at which the payment is made.
    public let height: Int
    /// The exact value.
    public let amount: Amount

    /// Creates an event.
    public init(destination: FundingDestination, height: Int, amount: Amount) {
        self.destination = destination
        self.height = height
        self.amount = amount
    }
}
