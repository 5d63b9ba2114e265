import Foundation
import Testing
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxMempool
import FluxNodeModel
import FluxPrimitives
import FluxScript
import FluxStorage

private func units(_ n: Int64) -> Amount { Amount(units: n) }

@Suite struct MempoolAcceptanceTests {
    @Test func acceptsAValidSpendRecordsItsFeeAndReportsItOnce() throws {
        let h = try MempoolHarness()
        let funds = h.coinbase(at: 1)
        let tx = h.split([funds], into: 2, fee: units(1_000))
        let entry = try h.mempool.accept(tx)
        #expect(entry.txid == tx.txid)
        #expect(entry.fee == units(1_000))
        #expect(entry.size == tx.serializedSize)
        #expect(entry.height == SharedMempoolChain.length)
        #expect(h.mempool.contains(tx.txid))
        #expect(h.mempool.count == 1)
        #expect(h.mempool.totalBytes == tx.serializedSize)
        #expect(h.mempool.spender(of: funds.outpoint) == tx.txid)
        #expect(h.mempool.output(OutPoint(hash: tx.txid, index: 1)) == tx.outputs[1])
        #expect(h.mempool.entries.map(\.txid) == [tx.txid])
        #expect(h.accepted.all == [tx.txid])

        #expect(throws: MempoolError.alreadyKnown) { try h.mempool.accept(tx) }
        #expect(h.accepted.all == [tx.txid], "a duplicate is not reported again")
    }

    @Test func refusesTransactionsBreakingConsensusRules() throws {
        let h = try MempoolHarness()
        let funds = h.coinbase(at: 1)

        var forged = h.split([funds], fee: units(1_000))
        forged.outputs[0].value = forged.outputs[0].value - units(1)
        #expect(h.rejection(forged)?.hasPrefix("mandatory-script-verify-flag-failed") == true)

        let overspend = h.spend([funds], to: [TxOut(value: funds.value + units(1), scriptPubKey: h.script)])
        #expect(h.rejection(overspend) == "bad-txns-in-belowout")

        let immature = h.split([h.coinbase(at: 20)], fee: units(1_000))
        #expect(h.rejection(immature) == "bad-txns-premature-spend-of-coinbase")

        let twice = h.split([funds, funds], fee: units(1_000))
        #expect(h.rejection(twice) == "bad-txns-inputs-duplicate")

        let legacy = Transaction(version: 1, inputs: [TxIn(prevout: funds.outpoint, scriptSig: [])],
                                 outputs: [TxOut(value: funds.value - units(1_000), scriptPubKey: h.script)])
        #expect(h.rejection(legacy) == "tx-overwinter-active")

        let locked = h.spend([funds], to: [TxOut(value: funds.value - units(1_000), scriptPubKey: h.script)],
                             lockTime: UInt32(h.nextHeight + 5), sequence: 0)
        #expect(h.rejection(locked) == "non-final")

        #expect(h.mempool.count == 0)
        #expect(h.accepted.all.isEmpty)
        // The same coin spent correctly is accepted: the refusals above were for the stated reasons.
        #expect(h.rejection(h.split([funds], fee: units(1_000))) == nil)
    }

    @Test func refusesATransactionAlreadyMined() throws {
        let h = try MempoolHarness()
        let tx = h.split([h.coinbase(at: 1)], fee: units(1_000))
        try h.mine([tx], fees: units(1_000))
        #expect(throws: MempoolError.alreadyKnown) { try h.mempool.accept(tx) }
        #expect(!h.mempool.contains(tx.txid))
        #expect(h.mempool.orphanCount == 0, "a mined transaction is not kept as an orphan")
    }

    @Test func appliesTheStandardScriptPolicy() throws {
        let h = try MempoolHarness()
        let a = h.coinbase(at: 1)
        let opTrue = h.spend([a], to: [TxOut(value: a.value - units(1_000), scriptPubKey: Script([0x51]))])
        #expect(h.rejection(opTrue) == "scriptpubkey")

        let dust = h.spend([a], to: [TxOut(value: units(10), scriptPubKey: h.script),
                                     TxOut(value: a.value - units(1_010), scriptPubKey: h.script)])
        #expect(h.rejection(dust) == "dust")

        let data = TxOut(value: .zero, scriptPubKey: Script([0x6a, 0x04, 1, 2, 3, 4]))
        let twoData = h.spend([a], to: [data, data, TxOut(value: a.value - units(1_000), scriptPubKey: h.script)])
        #expect(h.rejection(twoData) == "multi-op-return")
        let oneData = h.spend([a], to: [data, TxOut(value: a.value - units(1_000), scriptPubKey: h.script)])
        #expect(h.rejection(oneData) == nil)
        #expect(h.mempool.count == 1)

        // Without the standardness rules (fluxd's regtest default) a non-standard output is valid.
        var relaxed = MempoolPolicy()
        relaxed.requireStandard = false
        let lax = try MempoolHarness(policy: relaxed)
        #expect(lax.rejection(opTrue) == nil)
        #expect(lax.mempool.contains(opTrue.txid))
    }

    @Test func requiresTheMinimumRelayFee() throws {
        var policy = MempoolPolicy()
        policy.minRelayFeePerKB = units(10_000)
        let h = try MempoolHarness(policy: policy)
        let a = h.coinbase(at: 1)
        #expect(h.rejection(h.split([a], fee: .zero)) == "insufficient fee")

        // The fee changes the signature and so perhaps the size by a byte: settle on a fee matching the size.
        func paying(_ fee: (Int) -> Amount) throws -> (tx: Transaction, fee: Amount) {
            // A past lock time (final) changes the signature, not the size.
            let base = h.split([a], fee: units(3_000)).serializedSize
            for lockTime in UInt32(0)..<32 {
                for size in [base, base - 1, base + 1] {
                    let tx = h.spend([a], to: [TxOut(value: a.value - fee(size), scriptPubKey: h.script)], lockTime: lockTime)
                    if tx.serializedSize == size { return (tx, fee(size)) }
                }
            }
            throw MempoolError.rejected(RejectReason("test", "no fee matching the size near \(base) bytes"))
        }
        let short = try paying { policy.minimumFee(size: $0) - units(1) }
        let exact = try paying { policy.minimumFee(size: $0) }
        #expect(h.rejection(short.tx) == "insufficient fee")
        #expect(MempoolError.rejected(RejectReason("insufficient fee", "")).rejectCode == 0x42)
        #expect(h.rejection(exact.tx) == nil)
        #expect(h.mempool.entry(exact.tx.txid)?.fee == exact.fee)
    }

    @Test func refusesTransactionsOverTheStandardSize() throws {
        let h = try MempoolHarness()
        // 3000 P2PKH outputs: over 100,000 bytes.
        let big = h.split([h.coinbase(at: 1)], into: 3_000, fee: units(20_000))
        #expect(big.serializedSize >= MempoolPolicy().maxStandardTxSize)
        #expect(h.rejection(big) == "tx-size")
        // 2500 outputs: about 85,000 bytes, within the limit.
        let large = h.split([h.coinbase(at: 2)], into: 2_500, fee: units(20_000))
        #expect(large.serializedSize < MempoolPolicy().maxStandardTxSize)
        #expect(h.rejection(large) == nil)
        #expect(h.mempool.totalBytes == large.serializedSize)
    }

    @Test func refusesADoubleSpendOfAPooledInput() throws {
        let h = try MempoolHarness()
        let a = h.coinbase(at: 1)
        let first = h.split([a], fee: units(1_000))
        let second = h.split([a], into: 2, fee: units(5_000))
        try h.mempool.accept(first)
        #expect(h.rejection(second) == "txn-mempool-conflict")
        #expect(h.mempool.contains(first.txid) && !h.mempool.contains(second.txid))
        #expect(h.mempool.spender(of: a.outpoint) == first.txid)
        #expect(h.mempool.orphanCount == 0)

        // Two children of a pooled parent spending the same output.
        let child = h.split([h.output(first)], fee: units(1_000))
        let rival = h.split([h.output(first)], into: 2, fee: units(2_000))
        try h.mempool.accept(child)
        #expect(h.rejection(rival) == "txn-mempool-conflict")

        // Once the first spend is gone (with its child) the other may enter.
        h.mempool.remove(first.txid)
        #expect(h.mempool.count == 0)
        #expect(h.rejection(second) == nil)
    }
}

@Suite struct MempoolLimitsTests {
    @Test func evictsTheLowestFeeRateWithDescendantsWhenFull() throws {
        let builder = try MempoolHarness()
        let low = builder.split([builder.coinbase(at: 1)], fee: units(100))
        let lowChild = builder.split([builder.output(low)], fee: units(5_000))
        let mid = builder.split([builder.coinbase(at: 2)], fee: units(2_000))
        let high = builder.split([builder.coinbase(at: 3)], fee: units(10_000))
        let next = builder.split([builder.coinbase(at: 4)], fee: units(3_000))
        let cheap = builder.split([builder.coinbase(at: 5)], into: 3, fee: units(300))
        try #require(next.serializedSize + cheap.serializedSize >= low.serializedSize + lowChild.serializedSize)

        var policy = MempoolPolicy()
        policy.maxBytes = low.serializedSize + lowChild.serializedSize + mid.serializedSize + high.serializedSize - 1
        let h = try MempoolHarness(policy: policy)
        for tx in [low, lowChild, mid] { try h.mempool.accept(tx) }
        #expect(h.mempool.count == 3)

        try h.mempool.accept(high)
        #expect(!h.mempool.contains(low.txid), "lowest fee rate evicted")
        #expect(!h.mempool.contains(lowChild.txid), "with its descendant, whatever its own fee rate")
        #expect(h.mempool.contains(mid.txid) && h.mempool.contains(high.txid))
        #expect(h.mempool.totalBytes == mid.serializedSize + high.serializedSize)
        #expect(h.mempool.spender(of: h.coinbase(at: 1).outpoint) == nil)

        try h.mempool.accept(next)
        #expect(h.rejection(cheap) == "mempool full", "the newcomer itself has the lowest fee rate")
        #expect(!h.mempool.contains(cheap.txid))
        #expect(Set(h.mempool.entries.map(\.txid)) == [mid.txid, high.txid, next.txid])
        #expect(h.mempool.totalBytes <= policy.maxBytes)
        #expect(!h.accepted.all.contains(cheap.txid))
    }
}

@Suite struct MempoolChainTests {
    @Test func removesConfirmedAndConflictingTransactionsWhenABlockConnects() throws {
        let h = try MempoolHarness()
        let a = h.split([h.coinbase(at: 1)], fee: units(1_000))
        let aChild = h.split([h.output(a)], fee: units(1_000))
        let e = h.split([h.coinbase(at: 2)], fee: units(1_000))
        let eChild = h.split([h.output(e)], fee: units(1_000))
        let f = h.split([h.coinbase(at: 3)], fee: units(1_000))
        for tx in [a, aChild, e, eChild, f] { try h.mempool.accept(tx) }
        // The block confirms `a` and spends e's input differently.
        let rival = h.split([h.coinbase(at: 2)], into: 2, fee: units(2_000))
        try h.mine([a, rival], fees: units(3_000))

        #expect(!h.mempool.contains(a.txid), "confirmed")
        #expect(!h.mempool.contains(e.txid) && !h.mempool.contains(eChild.txid), "conflicting, with descendants")
        #expect(h.mempool.contains(aChild.txid) && h.mempool.contains(f.txid))
        #expect(h.mempool.totalBytes == aChild.serializedSize + f.serializedSize)
        #expect(h.mempool.spender(of: h.coinbase(at: 2).outpoint) == nil)
        #expect(throws: MempoolError.alreadyKnown) { try h.mempool.accept(a) }
        // Its input is gone from the UTXO set (fluxd cannot tell "spent" from "not seen yet" either).
        #expect(throws: MempoolError.missingInputs([h.coinbase(at: 2).outpoint])) { try h.mempool.accept(e) }
        #expect(!h.mempool.contains(e.txid))

        // What is left forms a valid next block, after which the pool is empty.
        let block = try h.mineCandidates()
        #expect(Set(block.transactions.dropFirst().map(\.txid)) == [aChild.txid, f.txid])
        #expect(h.chain.tip.hash == block.hash)
        #expect(h.mempool.count == 0 && h.mempool.totalBytes == 0)
    }

    @Test func readdsTransactionsOfDisconnectedBlocks() throws {
        let h = try MempoolHarness()
        let fork = h.chain.tip.hash
        let a = h.split([h.coinbase(at: 1)], fee: units(1_000))
        let d = h.split([h.coinbase(at: 2)], fee: units(1_000))
        try h.mempool.accept(a)
        try h.mempool.accept(d)
        let mined = try h.mineCandidates()
        #expect(mined.transactions.count == 3 && h.mempool.count == 0)

        // A heavier branch from the fork spends d's input in another transaction.
        let rival = h.split([h.coinbase(at: 2)], into: 2, fee: units(500))
        let b1 = h.builder.block(on: fork, transactions: [rival], fees: units(500))
        #expect(try h.chain.acceptBlock(b1) == .storedOnSideBranch)
        #expect(h.mempool.count == 0)
        let b2 = h.builder.block(on: b1.hash)
        #expect(try h.chain.acceptBlock(b2) == .connected)
        #expect(h.chain.tip.hash == b2.hash)

        #expect(h.mempool.contains(a.txid), "back in the pool")
        #expect(h.mempool.entry(a.txid)?.fee == units(1_000))
        #expect(!h.mempool.contains(d.txid), "its input is spent on the new chain")
        #expect(h.mempool.spender(of: h.coinbase(at: 2).outpoint) == nil)
        #expect(h.accepted.all == [a.txid, d.txid], "re-added transactions are not announced again")

        // And it can be mined again on the new chain.
        let again = try h.mineCandidates()
        #expect(again.transactions.map(\.txid).contains(a.txid))
        #expect(h.mempool.count == 0)
    }

    @Test func readdedParentPrecedesItsPooledChild() throws {
        let h = try MempoolHarness()
        let fork = h.chain.tip.hash
        let parent = h.split([h.coinbase(at: 1)], into: 2, fee: units(300))
        try h.mempool.accept(parent)
        try h.mineCandidates()
        // A child of the now confirmed parent, paying a much higher fee rate.
        let child = h.split([h.output(parent, 0)], fee: units(20_000))
        try h.mempool.accept(child)

        // The parent's block is reorganised away: the parent returns, the child stays.
        for b in h.builder.chain(on: fork, count: 2) { try h.chain.acceptBlock(b) }
        #expect(h.chain.height == SharedMempoolChain.length + 2)
        #expect(h.mempool.contains(parent.txid) && h.mempool.contains(child.txid))

        let order = h.chain.withLock { h.mempool.blockCandidates(maxBytes: 1_000_000) }.map(\.transaction.txid)
        #expect(order == [parent.txid, child.txid], "parents before children")
        // Without room for the parent, the child is not offered either.
        let tight = h.mempool.blockCandidates(maxBytes: parent.serializedSize - 1)
        #expect(tight.isEmpty)

        let block = try h.mineCandidates()
        #expect(h.chain.tip.hash == block.hash)
        #expect(h.mempool.count == 0)

        // Removing a re-added parent also removes its pooled child.
        let h2 = try MempoolHarness()
        let fork2 = h2.chain.tip.hash
        try h2.mempool.accept(parent)
        try h2.mineCandidates()
        try h2.mempool.accept(child)
        for b in h2.builder.chain(on: fork2, count: 2) { try h2.chain.acceptBlock(b) }
        h2.mempool.remove(parent.txid)
        #expect(h2.mempool.count == 0, "the child went with its parent")
        #expect(h2.mempool.spender(of: h2.output(parent, 0).outpoint) == nil)
    }

    @Test func refusesAndRemovesExpiredTransactions() throws {
        let h = try MempoolHarness()
        let next = UInt32(h.nextHeight)
        let funds = h.coinbase(at: 1)
        #expect(h.rejection(h.split([funds], fee: units(1_000), expiryHeight: next - 1)) == "tx-overwinter-expired")
        #expect(h.rejection(h.split([funds], fee: units(1_000), expiryHeight: next + 2)) == "tx-expiring-soon")
        let expiring = h.split([funds], fee: units(1_000), expiryHeight: next + 3)
        let lasting = h.split([h.coinbase(at: 2)], fee: units(1_000))
        try h.mempool.accept(expiring)
        try h.mempool.accept(lasting)

        // The pool keeps it while it may still be mined in the next block, then drops it.
        let expiry = Int(expiring.expiryHeight)
        while h.nextHeight <= expiry {
            try h.mine()
            #expect(h.mempool.contains(expiring.txid) == (h.nextHeight <= expiry), "at next height \(h.nextHeight)")
        }
        #expect(!h.mempool.contains(expiring.txid))
        #expect(h.mempool.spender(of: funds.outpoint) == nil)
        #expect(h.mempool.contains(lasting.txid))
        #expect(h.mempool.count == 1)
    }
}

@Suite struct MempoolOrphanTests {
    @Test func keepsOrphansUntilTheirParentArrives() throws {
        let h = try MempoolHarness()
        let parent = h.split([h.coinbase(at: 1)], into: 3, fee: units(1_000))
        let child = h.split([h.output(parent, 0), h.output(parent, 1)], fee: units(1_000))
        let grandchild = h.split([h.output(child)], fee: units(1_000))
        let invalid = h.spend([h.output(parent, 2)],
                              to: [TxOut(value: h.output(parent, 2).value + units(1), scriptPubKey: h.script)])

        #expect(throws: MempoolError.missingInputs([h.output(child).outpoint])) { try h.mempool.accept(grandchild) }
        #expect(throws: MempoolError.missingInputs([h.output(parent, 0).outpoint, h.output(parent, 1).outpoint])) {
            try h.mempool.accept(child)
        }
        #expect(throws: MempoolError.self) { try h.mempool.accept(invalid) }
        #expect(h.mempool.orphanCount == 3)
        #expect(h.mempool.count == 0)
        #expect(MempoolError.missingInputs([]).rejectCode == nil)

        try h.mempool.accept(parent)
        #expect(h.mempool.count == 3)
        #expect(h.mempool.contains(child.txid) && h.mempool.contains(grandchild.txid))
        #expect(!h.mempool.contains(invalid.txid))
        #expect(h.mempool.orphanCount == 0, "the invalid orphan is dropped")
        #expect(h.accepted.all == [parent.txid, child.txid, grandchild.txid])
    }

    @Test func acceptsAnOrphanWhenItsParentIsMined() throws {
        let h = try MempoolHarness()
        let parent = h.split([h.coinbase(at: 1)], fee: units(1_000))
        let child = h.split([h.output(parent)], fee: units(1_000))
        #expect(h.rejection(child) != nil)
        #expect(h.mempool.orphanCount == 1)
        try h.mine([parent], fees: units(1_000))
        #expect(h.mempool.contains(child.txid))
        #expect(h.mempool.orphanCount == 0)
        #expect(h.accepted.all == [child.txid])
    }

    @Test func boundsTheOrphanPool() throws {
        var policy = MempoolPolicy()
        policy.maxOrphans = 2
        let h = try MempoolHarness(policy: policy)
        let parents = (1...3).map { h.split([h.coinbase(at: $0)], fee: units(1_000)) }
        let children = parents.map { h.split([h.output($0)], fee: units(1_000)) }
        for c in children { _ = h.rejection(c) }
        #expect(h.mempool.orphanCount == 2)
        // The oldest orphan went first.
        try h.mempool.accept(parents[0])
        #expect(!h.mempool.contains(children[0].txid))
        try h.mempool.accept(parents[2])
        #expect(h.mempool.contains(children[2].txid))
        #expect(h.mempool.orphanCount == 1)
    }
}

@Suite struct MempoolBlockCandidateTests {
    @Test func ordersCandidatesByFeeRateWithParentsFirst() throws {
        let h = try MempoolHarness()
        let parent = h.split([h.coinbase(at: 1)], fee: units(300))
        let child = h.split([h.output(parent)], fee: units(20_000))
        let rich = h.split([h.coinbase(at: 2)], fee: units(5_000))
        let modest = h.split([h.coinbase(at: 3)], fee: units(1_000))
        for tx in [parent, child, modest, rich] { try h.mempool.accept(tx) }

        let all = h.chain.withLock { h.mempool.blockCandidates(maxBytes: 1_000_000) }
        #expect(all.map(\.transaction.txid) == [rich.txid, modest.txid, parent.txid, child.txid])
        #expect(all.map(\.fee) == [units(5_000), units(1_000), units(300), units(20_000)])

        // Size limit: what does not fit is skipped, with its descendants.
        #expect(h.mempool.blockCandidates(maxBytes: rich.serializedSize).map(\.transaction.txid) == [rich.txid])
        let allButOne = all.reduce(0) { $0 + $1.transaction.serializedSize } - 1
        #expect(h.mempool.blockCandidates(maxBytes: allButOne).map(\.transaction.txid)
                == [rich.txid, modest.txid, parent.txid])

        // The candidates make a valid block claiming their fees; the pool then empties.
        let block = try h.mineCandidates()
        #expect(block.transactions.dropFirst().map(\.txid) == all.map(\.transaction.txid))
        #expect(h.chain.tip.hash == block.hash)
        #expect(h.mempool.count == 0)
    }
}

/// Which txids a test's judge refuses; changed while the pool holds transactions.
private final class RefusalList: @unchecked Sendable {
    private let lock = NSLock()
    private var refused: Set<Hash256> = []
    func refuse(_ txid: Hash256) { lock.lock(); refused.insert(txid); lock.unlock() }
    func refuses(_ txid: Hash256) -> Bool { lock.lock(); defer { lock.unlock() }; return refused.contains(txid) }
}

@Suite struct MempoolRejudgeTests {
    @Test func rejudgingRemovesWhatTheJudgesNowRefuseWithItsDescendants() throws {
        let h = try MempoolHarness()
        let list = RefusalList()
        h.mempool.transactionValidator = { request in
            list.refuses(request.txid) ? RejectReason("bad-plugin-test", "refused on second thought") : nil
        }
        let parent = h.split([h.coinbase(at: 1)], into: 2, fee: units(1_000))
        let child = h.split([h.output(parent, 1)], fee: units(1_000))
        let other = h.split([h.coinbase(at: 2)], fee: units(1_000))
        for tx in [parent, child, other] { _ = try h.mempool.accept(tx) }
        #expect(h.chain.withLock { h.mempool.rejudge() }.isEmpty, "nothing refused: nothing removed")
        #expect(h.mempool.count == 3)

        list.refuse(parent.txid)
        let refused = h.chain.withLock { h.mempool.rejudge() }
        #expect(refused.map(\.txid) == [parent.txid], "only the refused transaction is reported")
        #expect(refused.first?.reason == RejectReason("bad-plugin-test", "refused on second thought"))
        #expect(!h.mempool.contains(parent.txid))
        #expect(!h.mempool.contains(child.txid), "its descendant cannot stay")
        #expect(h.mempool.contains(other.txid))
        #expect(h.mempool.spender(of: h.coinbase(at: 1).outpoint) == nil)
        // The removed transaction's coin is free again for another spend.
        _ = try h.mempool.accept(h.split([h.coinbase(at: 1)], fee: units(2_000)))
        #expect(h.mempool.count == 2)
    }
}

extension MempoolRejudgeTests {
    /// Regtest with Acadia and Kamata from height 1, so FluxNode transactions are allowed from the start.
    static let kamataParams: ChainParameters = {
        do {
            return try ChainParameters.regtest(upgradeOverrides: [UpgradeOverride(upgrade: .acadia, height: 1),
                                                                  UpgradeOverride(upgrade: .kamata, height: 1)])
        } catch {
            fatalError("regtest parameters: \(error)")
        }
    }()

    @Test func aFluxNodeTransactionTheListNoLongerAdmitsLeavesThePoolWithTheNextBlock() throws {
        var builder = ChainBuilder(params: Self.kamataParams)
        var storage = DatabaseOptions()
        storage.syncWrites = false
        let chain = try ChainState(params: Self.kamataParams, path: ChainBuilder.temporaryDirectory(), storage: storage)
        let blocks = builder.chain(on: Self.kamataParams.genesisHash, count: 101)
        for b in blocks { try chain.acceptBlock(b) }
        let mempool = Mempool(chain: chain)
        let list = RefusalList()
        mempool.fluxNodeValidator = { tx, _ in
            list.refuses(tx.txid) ? RejectReason("fluxnode-test", "the list moved on") : nil
        }
        // A START whose collateral is the coinbase of block 1 (101 confirmations for the next block).
        let coinbase = blocks[0].transactions[0]
        let start = FluxNodeTransactions.start(collateral: OutPoint(hash: coinbase.txid, index: 0), collateralKey: builder.key,
                                               operatorPubKey: PrivateKey.generate().publicKey().bytes,
                                               sigTime: UInt32(Date().timeIntervalSince1970))
        _ = try mempool.accept(start)
        #expect(mempool.contains(start.txid))

        // A block that leaves the list's verdict unchanged keeps it; after one that changes it, it is gone.
        try chain.acceptBlock(builder.block(on: chain.tip.hash))
        #expect(mempool.contains(start.txid))
        list.refuse(start.txid)
        try chain.acceptBlock(builder.block(on: chain.tip.hash))
        #expect(!mempool.contains(start.txid))
        #expect(mempool.fluxNodeTransaction(for: OutPoint(hash: coinbase.txid, index: 0)) == nil)
    }
}
