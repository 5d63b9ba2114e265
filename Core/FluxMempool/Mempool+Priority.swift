import FluxPrimitives

extension Mempool {
    /// Adds to a transaction's priority and fee for block selection (fluxd's `prioritisetransaction`): deltas
    /// add up over calls, apply whether or not the transaction is pooled yet, and are forgotten when it is mined.
    public func prioritise(_ txid: Hash256, priorityDelta: Double, feeDelta: Int64) {
        locked {
            var delta = deltas[txid] ?? PriorityDelta()
            delta.priority += priorityDelta
            delta.fee = delta.fee.addingReportingOverflow(feeDelta).overflow
                ? (feeDelta > 0 ? .max : .min) : delta.fee + feeDelta
            deltas[txid] = delta
        }
    }

    /// The `prioritisetransaction` adjustments in force for `txid`, if any.
    public func priorityDelta(_ txid: Hash256) -> PriorityDelta? { locked { deltas[txid] } }

    /// The fee rate (units per 1,000 bytes) that has been enough to be mined within `blocks` blocks, or nil
    /// without enough data (see `FeeEstimator`).
    public func estimateFee(blocks: Int) -> Amount? { locked { feeEstimator.estimate(blocks: blocks) } }
}
