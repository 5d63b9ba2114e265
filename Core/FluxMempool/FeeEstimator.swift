import FluxPrimitives

/// Estimates the fee rate a transaction needs to be mined within a number of blocks, from how long the pool's
/// own transactions of each fee rate waited (fluxd's `estimatefee`, the Bitcoin Core 0.12 estimator that
/// Zcash and fluxd inherit, reduced to its statistics).
///
/// Fee rates are sorted into buckets spaced by a factor of 1.1 from the relay minimum up to 10⁷ units per kB.
/// For every bucket the estimator keeps, with exponential decay of 0.998 per block (a half-life of about 346
/// blocks), how many transactions were mined and how many of those within 1, 2, … 25 blocks of entering the pool.
/// Transactions still pooled after waiting longer than the target count as failures for that target. Only
/// transactions that entered the pool with no pooled parents, by relay (not taken back from a disconnected
/// block), are tracked: their fee alone decided when they were mined.
///
/// `estimate(blocks:)` walks the buckets from the highest fee rate down, grouping neighbouring buckets until a
/// group has enough data (on average one transaction per block over the decay window); the answer is the median
/// fee rate of the lowest group whose transactions were mined within the target at least 95 % of the time, and
/// every group above it as well. Without enough data it answers nil (the RPC's -1).
public struct FeeEstimator: Sendable {
    /// The largest target `estimate(blocks:)` answers for.
    public static let maxBlocks = 25
    /// Weight kept by old data at each block.
    static let decay = 0.998
    /// Share of a group's transactions that must have been mined within the target.
    static let successShare = 0.95
    /// Decayed transactions a group needs before it is judged (one per block in the steady state).
    static let sufficientTransactions = 1 / (1 - decay)
    static let spacing = 1.1
    static let maximumRate = 1e7

    /// Lower bound of each bucket, in units per 1,000 bytes; the last bucket is open-ended.
    let bounds: [Double]
    /// Decayed count of mined transactions per bucket.
    var mined: [Double]
    /// Decayed count per bucket of those mined within `y + 1` blocks, for y in 0..<maxBlocks.
    var minedWithin: [[Double]]
    /// Decayed sum of the fee rates of mined transactions per bucket.
    var rateSum: [Double]
    /// Pooled transactions being followed: bucket and the tip height when they entered.
    var pooled: [Hash256: (bucket: Int, height: Int, rate: Double)] = [:]
    /// The height of the last block processed.
    var lastHeight: Int?

    /// Creates an estimator whose lowest bucket starts at `minimumRate` units per kB (at least 1).
    public init(minimumRate: Amount) {
        var bounds: [Double] = []
        var rate = Double(max(minimumRate.units, 1))
        while rate < Self.maximumRate {
            bounds.append(rate)
            rate *= Self.spacing
        }
        bounds.append(Self.maximumRate)
        self.bounds = bounds
        mined = Array(repeating: 0, count: bounds.count)
        rateSum = Array(repeating: 0, count: bounds.count)
        minedWithin = Array(repeating: Array(repeating: 0, count: bounds.count), count: Self.maxBlocks)
    }

    /// The bucket of a fee rate (units per kB); rates below the lowest bound go to the lowest bucket.
    func bucket(_ rate: Double) -> Int {
        var low = 0, high = bounds.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if bounds[mid] <= rate { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Starts following a transaction that entered the pool when the tip was at `height`.
    public mutating func track(_ txid: Hash256, feeRate: Double, height: Int) {
        pooled[txid] = (bucket(feeRate), height, feeRate)
    }

    /// Stops following a transaction that left the pool without being mined (evicted, conflicted, expired).
    public mutating func untrack(_ txid: Hash256) {
        pooled[txid] = nil
    }

    /// Records a block connected at `height` with the given transactions. Heights at or below the last one
    /// processed (blocks connected again after a reorganisation) only stop following their transactions, so a
    /// reorganisation never counts a transaction twice.
    public mutating func blockConnected(height: Int, txids: [Hash256]) {
        let fresh = lastHeight.map { height > $0 } ?? true
        if fresh {
            lastHeight = height
            for b in mined.indices {
                mined[b] *= Self.decay
                rateSum[b] *= Self.decay
                for y in 0..<Self.maxBlocks { minedWithin[y][b] *= Self.decay }
            }
        }
        for txid in txids {
            guard let p = pooled.removeValue(forKey: txid), fresh else { continue }
            let waited = height - p.height
            guard waited >= 1 else { continue }
            let b = p.bucket
            mined[b] += 1
            rateSum[b] += p.rate
            if waited <= Self.maxBlocks {
                for y in (waited - 1)..<Self.maxBlocks { minedWithin[y][b] += 1 }
            }
        }
    }

    /// The fee rate, in units per 1,000 bytes, that has been enough to be mined within `blocks` blocks (1 to
    /// `maxBlocks`), or nil when there is not enough data.
    public func estimate(blocks: Int) -> Amount? {
        guard (1...Self.maxBlocks).contains(blocks) else { return nil }
        let tip = lastHeight ?? 0
        var waiting = Array(repeating: 0.0, count: bounds.count)
        for (_, p) in pooled where tip - p.height >= blocks { waiting[p.bucket] += 1 }

        var passing: ClosedRange<Int>?
        var groupTop = bounds.count - 1
        var total = 0.0, within = 0.0, failed = 0.0
        for b in stride(from: bounds.count - 1, through: 0, by: -1) {
            total += mined[b]
            within += minedWithin[blocks - 1][b]
            failed += waiting[b]
            guard total >= Self.sufficientTransactions else { continue }
            guard within / (total + failed) >= Self.successShare else { break }
            passing = b...groupTop
            groupTop = b - 1
            total = 0; within = 0; failed = 0
        }
        guard let range = passing else { return nil }
        let count = range.reduce(0.0) { $0 + mined[$1] }
        var seen = 0.0
        for b in range where mined[b] > 0 {
            seen += mined[b]
            if seen >= count / 2 { return Amount(units: Int64((rateSum[b] / mined[b]).rounded())) }
        }
        return nil
    }
}
