import Foundation
import Testing
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage

@Suite(.serialized) struct ChainStateTests {
    func open(_ path: String, params: ChainParameters = .regtest, options: ChainOptions = .init()) throws -> ChainState {
        try ChainState(params: params, path: path, options: options, storage: { var o = DatabaseOptions(); o.syncWrites = false; return o }())
    }

    func expectReject(_ code: String, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected rejection \(code)", sourceLocation: sourceLocation)
        } catch let error as ChainError {
            #expect(error.reason?.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func connectsAMinedChainAndReopensAtTheSameTip() throws {
        let path = ChainBuilder.temporaryDirectory()
        var builder = ChainBuilder()
        let blocks = builder.chain(on: ChainParameters.regtest.genesisHash, count: 30)
        do {
            let chain = try open(path)
            #expect(chain.height == 0)
            for b in blocks { #expect(try chain.acceptBlock(b) == .connected) }
            #expect(chain.height == 30)
            #expect(chain.tip.hash == blocks.last!.hash)
            #expect(try chain.acceptBlock(blocks[3]) == .duplicate)
        }
        let reopened = try open(path)
        #expect(reopened.height == 30)
        #expect(reopened.tip.hash == blocks.last!.hash)
        let coinbase = blocks[9].transactions[0]
        let coin = try #require(try reopened.coin(OutPoint(hash: coinbase.txid, index: 0)))
        #expect(coin.isCoinbase && coin.height == 10)
        #expect(coin.output == coinbase.outputs[0])
    }

    @Test func spendsMatureCoinbaseAndRejectsBadSpends() throws {
        let chain = try open(ChainBuilder.temporaryDirectory())
        var builder = ChainBuilder()
        let blocks = builder.chain(on: chain.tip.hash, count: 101)
        for b in blocks { try chain.acceptBlock(b) }
        let funding = blocks[0].transactions[0]
        let fundingOut = OutPoint(hash: funding.txid, index: 0)
        let value = funding.outputs[0].value
        let pay = TxOut(value: value - Amount(units: 10_000), scriptPubKey: builder.minerScript)
        let tx = builder.spend([(fundingOut, value)], to: [pay], height: 102)

        // A signature made for other outputs fails the script check.
        var forged = tx
        forged.outputs[0].value = value - Amount(units: 1)
        let badSig = builder.block(on: chain.tip.hash, transactions: [forged], fees: Amount(units: 1))
        expectReject("mandatory-script-verify-flag-failed") { try chain.acceptBlock(badSig) }

        // Paying the miner more than subsidy + fees.
        let greedy = builder.block(on: chain.tip.hash, transactions: [tx], fees: Amount(units: 10_000),
                                   coinbaseExtra: Amount(units: 1))
        expectReject("bad-cb-amount") { try chain.acceptBlock(greedy) }

        // Spending the same output twice in one block.
        let twice = builder.spend([(fundingOut, value)], to: [TxOut(value: Amount(units: 5), scriptPubKey: builder.minerScript)], height: 102)
        let doubleSpend = builder.block(on: chain.tip.hash, transactions: [tx, twice], fees: Amount(units: 10_000))
        expectReject("bad-txns-inputs-missingorspent") { try chain.acceptBlock(doubleSpend) }

        // The honest block connects; the output is spent; its change exists.
        let good = builder.block(on: chain.tip.hash, transactions: [tx], fees: Amount(units: 10_000))
        #expect(try chain.acceptBlock(good) == .connected)
        #expect(try chain.coin(fundingOut) == nil)
        #expect(try chain.coin(OutPoint(hash: tx.txid, index: 0))?.output == pay)

        // Spending it again in a later block is a double spend against the UTXO set.
        let again = builder.block(on: chain.tip.hash, transactions: [tx], fees: Amount(units: 10_000))
        expectReject("bad-txns-inputs-missingorspent") { try chain.acceptBlock(again) }
        #expect(chain.tip.hash == good.hash)
    }

    @Test func rejectsPrematureCoinbaseSpend() throws {
        let chain = try open(ChainBuilder.temporaryDirectory())
        var builder = ChainBuilder()
        for b in builder.chain(on: chain.tip.hash, count: 50) { try chain.acceptBlock(b) }
        let coinbase = try #require(try chain.block(chain.entry(at: 2)!.hash)).transactions[0]
        let value = coinbase.outputs[0].value
        let tx = builder.spend([(OutPoint(hash: coinbase.txid, index: 0), value)],
                               to: [TxOut(value: value, scriptPubKey: builder.minerScript)], height: 51)
        let b = builder.block(on: chain.tip.hash, transactions: [tx])
        expectReject("bad-txns-premature-spend-of-coinbase") { try chain.acceptBlock(b) }
        #expect(chain.height == 50)
    }

    @Test func reorganisesToTheHeavierBranchAndRestoresSpentCoins() throws {
        let chain = try open(ChainBuilder.temporaryDirectory())
        var builder = ChainBuilder()
        let base = builder.chain(on: chain.tip.hash, count: 105)
        for b in base { try chain.acceptBlock(b) }
        let fork = chain.tip.hash
        let coinbase = base[0].transactions[0]
        let out = OutPoint(hash: coinbase.txid, index: 0)
        let tx = builder.spend([(out, coinbase.outputs[0].value)],
                               to: [TxOut(value: coinbase.outputs[0].value, scriptPubKey: builder.minerScript)], height: 106)
        // Branch A spends the coin; branch B (longer, from the same fork) does not.
        var a: [Block] = [builder.block(on: fork, transactions: [tx])]
        a += builder.chain(on: a[0].hash, count: 2)
        for b in a { try chain.acceptBlock(b) }
        #expect(try chain.coin(out) == nil)
        let digestBefore = try chain.utxoSetDigest()
        let branchB = builder.chain(on: fork, count: 4)
        for b in branchB.prefix(3) { #expect(try chain.acceptBlock(b) == .storedOnSideBranch) }
        #expect(chain.tip.hash == a.last!.hash, "equal work keeps the first-seen branch")
        #expect(try chain.acceptBlock(branchB[3]) == .connected)
        #expect(chain.tip.hash == branchB[3].hash)
        #expect(try chain.coin(out) != nil, "the coin spent only on the losing branch is unspent again")
        #expect(try chain.coin(OutPoint(hash: tx.txid, index: 0)) == nil)
        // Back to A when it grows heavier.
        let a2 = builder.chain(on: a.last!.hash, count: 2)
        for b in a2 { try chain.acceptBlock(b) }
        #expect(chain.tip.hash == a2.last!.hash)
        #expect(try chain.coin(out) == nil)
        // The UTXO set after all that equals one rebuilt from the stored blocks.
        let live = try chain.utxoSetDigest()
        #expect(live.hash != digestBefore.hash)
        try chain.reindex()
        #expect(chain.tip.hash == a2.last!.hash)
        #expect(try chain.utxoSetDigest() == live)
    }

    @Test func invalidBlockInvalidatesItsDescendantsAndTheNodeStaysOnTheBestValidChain() throws {
        let chain = try open(ChainBuilder.temporaryDirectory())
        var builder = ChainBuilder()
        let base = builder.chain(on: chain.tip.hash, count: 5)
        for b in base { try chain.acceptBlock(b) }
        // A branch whose second block overpays the miner, followed by more blocks.
        let b1 = builder.block(on: base[2].hash)
        let bad = builder.block(on: b1.hash, coinbaseExtra: Amount(units: 1))
        let after = builder.chain(on: bad.hash, count: 5)
        // Headers first (as a peer would send them), then bodies in reverse order.
        for b in [b1, bad] + after { try chain.acceptHeader(b.header) }
        for b in after.reversed() { try chain.acceptBlock(b) }
        #expect(chain.tip.hash == base.last!.hash)
        try chain.acceptBlock(b1)
        #expect(chain.tip.hash == base.last!.hash)
        expectReject("bad-cb-amount") { try chain.acceptBlock(bad) }
        #expect(chain.tip.hash == base.last!.hash)
        #expect(chain.entry(bad.hash)!.isFailed)
        #expect(chain.entry(after.last!.hash)!.isFailed)
        // Descendants of the invalid block are refused outright.
        let child = builder.block(on: after.last!.hash)
        expectReject("bad-prevblk") { try chain.acceptBlock(child) }
        // The valid chain keeps growing.
        let more = builder.chain(on: chain.tip.hash, count: 2)
        for b in more { try chain.acceptBlock(b) }
        #expect(chain.tip.hash == more.last!.hash)
    }

    @Test func invalidateAndReconsiderBlock() throws {
        let chain = try open(ChainBuilder.temporaryDirectory())
        var builder = ChainBuilder()
        let main = builder.chain(on: chain.tip.hash, count: 6)
        for b in main { try chain.acceptBlock(b) }
        let side = builder.chain(on: main[1].hash, count: 3)
        for b in side { try chain.acceptBlock(b) }
        #expect(chain.tip.hash == main.last!.hash)
        try chain.invalidateBlock(main[3].hash)
        #expect(chain.tip.hash == side.last!.hash, "the side branch (height 5) beats the truncated main (height 3)")
        try chain.reconsiderBlock(main[3].hash)
        #expect(chain.tip.hash == main.last!.hash)
    }

    @Test func refusesReorganisationsDeeperThanTheLimit() throws {
        var options = ChainOptions()
        options.maxReorgDepth = 3
        let chain = try open(ChainBuilder.temporaryDirectory(), options: options)
        var builder = ChainBuilder()
        let main = builder.chain(on: chain.tip.hash, count: 8)
        for b in main { try chain.acceptBlock(b) }
        let deep = builder.chain(on: main[2].hash, count: 8)   // forks 5 blocks below the tip
        for b in deep { _ = try? chain.acceptBlock(b) }
        #expect(chain.tip.hash == main.last!.hash)
    }

    @Test func rejectsHeadersThatBreakContextRules() throws {
        let chain = try open(ChainBuilder.temporaryDirectory())
        var builder = ChainBuilder()
        let blocks = builder.chain(on: chain.tip.hash, count: 12)
        for b in blocks { try chain.acceptBlock(b) }
        // Time not after the median of the last 11.
        let old = builder.block(on: chain.tip.hash, time: blocks[5].header.time)
        expectReject("time-too-old") { try chain.acceptHeader(old.header) }
        // Time too far in the future.
        let future = builder.block(on: chain.tip.hash, time: UInt32(Date().timeIntervalSince1970) + 3 * 3600)
        expectReject("time-too-new") { try chain.acceptHeader(future.header) }
        // Wrong nBits.
        let wrongBits = builder.block(on: chain.tip.hash, bits: 0x200f_0f00)
        expectReject("bad-diffbits") { try chain.acceptHeader(wrongBits.header) }
        // Unknown parent.
        var orphan = blocks[0].header
        orphan.previousBlockHash = Hash256(displayHex: String(repeating: "11", count: 32))!
        expectReject("prev-blk-not-found") { try chain.acceptHeader(orphan) }
        // A mutated body (merkle mismatch) is rejected without condemning the header.
        var mutated = builder.block(on: chain.tip.hash)
        mutated.transactions[0].lockTime = 1
        expectReject("bad-txnmrklroot") { try chain.acceptBlock(mutated) }
        #expect(chain.entry(mutated.hash)?.isFailed == false)
    }
}
