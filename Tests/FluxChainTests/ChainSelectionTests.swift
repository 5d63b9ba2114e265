import Foundation
import Testing
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxStorage

/// fluxd's chain order among branches of equal work (the block whose data arrived first wins), after a failed
/// reorganisation, across restarts and across `-reindex`.
@Suite(.serialized) struct ChainSelectionTests {
    func open(_ path: String) throws -> ChainState {
        var storage = DatabaseOptions()
        storage.syncWrites = false
        return try ChainState(params: .regtest, path: path, storage: storage)
    }

    /// Tip T; a sibling g1 of equal work (the tip stays T); then g2 on g1 with more work but an invalid coinbase.
    /// g2 is refused and the node goes back to T, the equal-work block received first.
    @Test func aFailedReorganisationReturnsToTheBranchReceivedFirst() throws {
        let path = ChainBuilder.temporaryDirectory()
        let chain = try open(path)
        var builder = ChainBuilder()
        let base = builder.chain(on: chain.tip.hash, count: 5)
        for b in base { try chain.acceptBlock(b) }
        let t = base[4]
        let g1 = builder.block(on: base[3].hash, time: base[3].header.time + 121,
                               payTo: .payToPubKeyHash([UInt8](repeating: 9, count: 20)))
        #expect(chain.entry(t.hash)!.chainWork == builder.chainWork(of: g1, from: chain))
        #expect(try chain.acceptBlock(g1) == .storedOnSideBranch)
        #expect(chain.tip.hash == t.hash)

        let g2 = builder.block(on: g1.hash, coinbaseExtra: Amount(units: 1))
        do {
            try chain.acceptBlock(g2)
            Issue.record("g2 overpays its coinbase and must be refused")
        } catch {
            #expect(error.reason?.code == "bad-cb-amount")
        }
        #expect(chain.entry(g2.hash)!.isFailed)
        #expect(chain.tip.hash == t.hash, "left on \(chain.tip.hash) (g1 is \(g1.hash))")
        // The UTXO set is T's: g1's coinbase is not in it, T's is.
        #expect(try chain.coin(OutPoint(hash: t.transactions[0].txid, index: 0)) != nil)
        #expect(try chain.coin(OutPoint(hash: g1.transactions[0].txid, index: 0)) == nil)

        // A restart keeps T.
        try chain.close()
        let reopened = try open(path)
        #expect(reopened.tip.hash == t.hash)
        try reopened.close()
    }

    /// Two branches of equal work are stored; whichever the live node chose (the one received first), a restart
    /// and repeated `-reindex` end on the same tip. Both arrival orders are tried, named by how the two tips' hashes
    /// sort (the order of the stored index), so that neither order can pass by luck.
    @Test(arguments: [false, true]) func reindexKeepsTheTipTheLiveNodeChoseAmongEqualWork(lowerHashFirst: Bool) throws {
        let path = ChainBuilder.temporaryDirectory()
        let chain = try open(path)
        var builder = ChainBuilder()
        let base = builder.chain(on: chain.tip.hash, count: 4)
        for b in base { try chain.acceptBlock(b) }
        let a = builder.chain(on: base[3].hash, count: 3)
        let b = builder.chain(on: base[3].hash, count: 3, payTo: .payToPubKeyHash([UInt8](repeating: 7, count: 20)))
        let aSortsFirst = a.last!.hash.bytes.lexicographicallyPrecedes(b.last!.hash.bytes)
        let (first, second) = aSortsFirst == lowerHashFirst ? (a, b) : (b, a)
        for block in first + second { try chain.acceptBlock(block) }
        #expect(chain.tip.hash == first.last!.hash)
        #expect(chain.entry(second.last!.hash)!.chainWork == chain.tip.chainWork)
        let digest = try chain.utxoSetDigest()

        for round in 0..<3 {
            try chain.reindex()
            #expect(chain.tip.hash == first.last!.hash, "reindex \(round) chose the other branch")
            #expect(try chain.utxoSetDigest() == digest)
        }
        try chain.close()
        let reopened = try open(path)
        #expect(reopened.tip.hash == first.last!.hash)
        try reopened.reindex()
        #expect(reopened.tip.hash == first.last!.hash)
        try reopened.close()
    }

    /// bitcoind's nSequenceId counts from the block's data, not its header: a header announced first does not let
    /// its block win a tie against a block whose data arrived earlier.
    @Test func arrivalOrderCountsFromTheBlockNotItsHeader() throws {
        let chain = try open(ChainBuilder.temporaryDirectory())
        var builder = ChainBuilder()
        let base = builder.chain(on: chain.tip.hash, count: 3)
        for b in base { try chain.acceptBlock(b) }
        let x = builder.block(on: base[2].hash)
        let y = builder.block(on: base[2].hash, time: base[2].header.time + 119)
        try chain.acceptHeader(y.header)      // y's header first
        try chain.acceptBlock(x)              // x's data first: x becomes the tip
        #expect(chain.tip.hash == x.hash)
        try chain.acceptBlock(y)
        #expect(chain.tip.hash == x.hash)
        // A failed extension of y leaves the node on x.
        let bad = builder.block(on: y.hash, coinbaseExtra: Amount(units: 1))
        #expect(throws: ChainError.self) { try chain.acceptBlock(bad) }
        #expect(chain.tip.hash == x.hash)
        try chain.close()
    }
}

extension ChainBuilder {
    /// The chain work `block` would have on `chain` (its parent must be indexed there).
    func chainWork(of block: Block, from chain: ChainState) -> UInt256 {
        chain.entry(block.header.previousBlockHash)!.chainWork &+ UInt256.fromCompact(block.header.bits).value.workForTarget
    }
}
