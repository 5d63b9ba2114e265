import FluxPrimitives
import Testing

/// `onRemoved` (ZeroMQ's `sequence` `R`): transactions leaving the pool other than by being mined.
@Suite struct MempoolRemovalHookTests {
    @Test func removalsOtherThanByABlockAreReportedChildrenFirst() throws {
        let h = try MempoolHarness()
        let removed = AcceptedLog()
        h.mempool.onRemoved = { removed.append($0) }
        let parent = h.split([h.coinbase(at: 1)], fee: Amount(units: 1_000))
        try h.mempool.accept(parent)
        let child = h.split([h.output(parent, 0)], fee: Amount(units: 1_000))
        try h.mempool.accept(child)
        let mined = h.split([h.coinbase(at: 2)], fee: Amount(units: 1_000))
        try h.mempool.accept(mined)
        h.mempool.remove(parent.txid)
        #expect(removed.all == [child.txid, parent.txid])
        _ = try h.mineCandidates()
        #expect(h.mempool.count == 0)
        #expect(removed.all == [child.txid, parent.txid], "a mined transaction is not reported")
    }
}
