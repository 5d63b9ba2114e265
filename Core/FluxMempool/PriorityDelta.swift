/// A `prioritisetransaction` adjustment: added to a transaction's priority and fee when the node chooses what to
/// mine; the fee the block pays does not change.
public struct PriorityDelta: Sendable, Equatable {
    /// Added to the transaction's priority (coin age × value / size). This node selects by fee rate only, so the
    /// priority delta matters only through fluxd's rule that a positive delta waives the relay minimum fee.
    public var priority: Double
    /// Added to the fee, in units, when ordering block candidates; a positive delta also waives the relay minimum.
    public var fee: Int64

    /// Creates a delta.
    public init(priority: Double = 0, fee: Int64 = 0) {
        self.priority = priority
        self.fee = fee
    }
}
