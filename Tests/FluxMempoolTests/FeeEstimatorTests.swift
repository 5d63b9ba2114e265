import FluxMempool
import FluxPrimitives
import Testing

/// The fee estimator behind `estimatefee`: fee rates that were mined fast enough, from synthetic pool histories.
@Suite struct FeeEstimatorTests {
    /// A distinct txid per (block, slot).
    static func txid(_ block: Int, _ slot: Int, _ lane: UInt8) -> Hash256 {
        var bytes = [UInt8](repeating: lane, count: 32)
        for i in 0..<4 { bytes[i] = UInt8(truncatingIfNeeded: block >> (8 * i)) }
        bytes[4] = UInt8(slot)
        return Hash256(bytes)
    }

    /// Each block: `fast` transactions at 50,000 units/kB mined in the next block, `slow` at 300 units/kB mined
    /// `slowWait` blocks after they entered.
    static func history(blocks: Int, fast: Int, slow: Int, slowWait: Int) -> FeeEstimator {
        var e = FeeEstimator(minimumRate: Amount(units: 100))
        for height in 1...blocks {
            var mined: [Hash256] = []
            for s in 0..<fast { mined.append(txid(height - 1, s, 1)) }
            if height > slowWait { for s in 0..<slow { mined.append(txid(height - slowWait, s, 2)) } }
            e.blockConnected(height: height, txids: mined)
            for s in 0..<fast { e.track(txid(height, s, 1), feeRate: 50_000, height: height) }
            for s in 0..<slow { e.track(txid(height, s, 2), feeRate: 300, height: height) }
        }
        return e
    }

    @Test func answersTheRateThatWasMinedWithinTheTarget() throws {
        let e = Self.history(blocks: 800, fast: 3, slow: 3, slowWait: 10)
        // Within 1 to 9 blocks only the fast rate made it; from 10 blocks the slow one did too.
        for target in [1, 2, 5, 9] {
            let rate = try #require(e.estimate(blocks: target))
            #expect(rate == Amount(units: 50_000), "target \(target)")
        }
        for target in [10, 15, 25] {
            let rate = try #require(e.estimate(blocks: target))
            #expect(rate == Amount(units: 300), "target \(target)")
        }
        #expect(e.estimate(blocks: 0) == nil)
        #expect(e.estimate(blocks: 26) == nil)
    }

    @Test func tooLittleDataAnswersNothing() {
        // 100 blocks of one transaction each: far below one transaction per block over the decay window.
        let e = Self.history(blocks: 100, fast: 1, slow: 0, slowWait: 1)
        #expect(e.estimate(blocks: 1) == nil)
        #expect(FeeEstimator(minimumRate: Amount(units: 100)).estimate(blocks: 3) == nil)
    }

    @Test func transactionsStillWaitingCountAsFailures() throws {
        var e = Self.history(blocks: 800, fast: 3, slow: 0, slowWait: 1)
        #expect(try #require(e.estimate(blocks: 2)) == Amount(units: 50_000))
        // Thousands of pooled transactions at the fast rate that have waited 30 blocks: that rate no longer
        // gets mined within 2 blocks 95 % of the time, and nothing above it has data.
        for s in 0..<4_000 { e.track(Self.txid(770 + s / 200, s % 200, 3), feeRate: 50_000, height: 770) }
        #expect(e.estimate(blocks: 2) == nil)
        // They leave without being mined (evicted): the estimate is back.
        for s in 0..<4_000 { e.untrack(Self.txid(770 + s / 200, s % 200, 3)) }
        #expect(try #require(e.estimate(blocks: 2)) == Amount(units: 50_000))
    }

    @Test func blocksConnectedAgainAfterAReorganisationAreNotCountedTwice() throws {
        var once = Self.history(blocks: 800, fast: 3, slow: 3, slowWait: 10)
        var twice = once
        // Both see block 801; `twice` then sees a competing 801 (a reorganisation) with other tracked txs.
        once.track(Self.txid(900, 0, 4), feeRate: 300, height: 800)
        twice.track(Self.txid(900, 0, 4), feeRate: 300, height: 800)
        once.blockConnected(height: 801, txids: [Self.txid(900, 0, 4)])
        twice.blockConnected(height: 801, txids: [])
        twice.blockConnected(height: 801, txids: [Self.txid(900, 0, 4)])
        // The replacement block neither decays the data again nor counts its transaction as mined.
        #expect(twice.estimate(blocks: 10) == once.estimate(blocks: 10))
        #expect(twice.estimate(blocks: 1) == once.estimate(blocks: 1))
    }
}
