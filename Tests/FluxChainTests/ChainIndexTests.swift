import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage
import Foundation
import Testing

/// The optional indexes (`-txindex`, `-insightexplorer`) kept by `ChainState`: their records after a chain with
/// spends, reorganisations that undo and redo them, `-reindex` rebuilding them, and the stored index set.
@Suite(.serialized) struct ChainIndexTests {
    static let all: ChainIndexes = [.transactions, .addresses, .spent, .timestamps]

    static func open(_ path: String, indexes: ChainIndexes = all, rebuild: Bool = false) throws -> ChainState {
        var options = ChainOptions()
        options.indexes = indexes
        options.rebuildIndexes = rebuild
        return try ChainState(params: .regtest, path: path, options: options)
    }

    /// A second key's P2PKH script, and a P2SH script, to pay in the spends.
    static let otherScript = Script.payToPubKeyHash(PrivateKey(bytes: [UInt8](repeating: 7, count: 32))!
        .publicKey(compressed: true).hash160)
    static let scriptHashScript = Script.payToScriptHash([UInt8](repeating: 0x33, count: 20))

    /// 101 blocks, then block 102 spending block 1's coinbase to the other key (3 FLUX), a P2SH (1 FLUX) and
    /// change back to the miner; block 103 spends that change again within itself (two transactions, the second
    /// spending the first). Block 3's time equals block 2's (logical timestamp rule).
    static func makeBlocks(_ builder: inout ChainBuilder) -> [Block] {
        var blocks: [Block] = []
        var tip = ChainParameters.regtest.genesisHash
        for h in 1...101 {
            let time: UInt32? = h == 3 ? blocks[1].header.time : nil
            let b = builder.block(on: tip, time: time)
            blocks.append(b)
            tip = b.hash
        }
        let coinbase = blocks[0].transactions[0]
        let value = coinbase.outputs[0].value
        let fee = Amount(units: 10_000)
        let change = value - Amount(units: 400_000_000) - fee
        let spend = builder.spend([(OutPoint(hash: coinbase.txid, index: 0), value)],
                                  to: [TxOut(value: Amount(units: 300_000_000), scriptPubKey: otherScript),
                                       TxOut(value: Amount(units: 100_000_000), scriptPubKey: scriptHashScript),
                                       TxOut(value: change, scriptPubKey: builder.minerScript)], height: 102)
        let b102 = builder.block(on: tip, transactions: [spend], fees: fee)
        blocks.append(b102)
        let first = builder.spend([(OutPoint(hash: spend.txid, index: 2), change)],
                                  to: [TxOut(value: change - fee, scriptPubKey: builder.minerScript)], height: 103)
        let second = builder.spend([(OutPoint(hash: first.txid, index: 0), change - fee)],
                                   to: [TxOut(value: change - fee - fee, scriptPubKey: otherScript)], height: 103)
        blocks.append(builder.block(on: b102.hash, transactions: [first, second], fees: fee + fee))
        return blocks
    }

    /// Index records, without the timestamp records of blocks off the active chain (fluxd keeps those on
    /// disconnect; a rebuild only has the active chain's).
    static func activeRecords(_ chain: ChainState) throws -> [[UInt8]] {
        try chain.store.indexRecords().compactMap { record in
            let key = record.key
            let blockHash: Hash256? = key[0] == 0x54 ? Hash256(Array(key[5..<37]))
                : key[0] == 0x68 ? Hash256(Array(key[1..<33])) : nil
            if let blockHash {
                guard let e = chain.entry(blockHash), chain.isActive(e) else { return nil }
            }
            return key + [0xff] + record.value
        }
    }

    @Test func theIndexesHoldEveryTransactionCreditDebitSpendAndTimestamp() throws {
        let path = ChainBuilder.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var builder = ChainBuilder()
        let blocks = Self.makeBlocks(&builder)
        let chain = try Self.open(path)
        for b in blocks { try chain.acceptBlock(b) }
        try chain.close()
        let store = try ChainStore(path: path)
        defer { store.close() }
        #expect(try store.indexSet() == Self.all)

        // txindex: every transaction, spent or not, with its block and position.
        let spend = blocks[101].transactions[1]
        let coinbase1 = blocks[0].transactions[0]
        #expect(try store.transactionLocation(coinbase1.txid) == TransactionLocation(blockHash: blocks[0].hash, position: 0))
        #expect(try store.transactionLocation(spend.txid) == TransactionLocation(blockHash: blocks[101].hash, position: 1))
        #expect(try store.transactionLocation(blocks[102].transactions[2].txid)
                == TransactionLocation(blockHash: blocks[102].hash, position: 2))
        #expect(try store.transactionLocation(ChainParameters.regtest.genesisHash) == nil)

        // Address deltas of the miner: a credit per coinbase, the debit at 102 (input 0), the change credit.
        let miner = Address(script: builder.minerScript)!
        let deltas = try store.addressDeltas(miner)
        let value = coinbase1.outputs[0].value.units
        #expect(deltas.first == AddressDelta(address: miner, height: 1, blockIndex: 0, txid: coinbase1.txid, index: 0,
                                            spending: false, satoshis: value))
        let at102 = deltas.filter { $0.height == 102 }
        #expect(at102.contains(AddressDelta(address: miner, height: 102, blockIndex: 1, txid: spend.txid, index: 0,
                                             spending: true, satoshis: -value)))
        #expect(at102.contains { $0.txid == spend.txid && $0.index == 2 && !$0.spending })
        #expect(deltas.map(\.height) == deltas.map(\.height).sorted(), "deltas are in height order")
        // The range form: heights 102...103 only.
        let ranged = try store.addressDeltas(miner, start: 102, end: 103)
        #expect(!ranged.isEmpty && ranged.allSatisfy { (102...103).contains($0.height) })
        #expect(ranged == deltas.filter { (102...103).contains($0.height) })

        // Unspent outputs: block 1's coinbase is spent, the change was spent within block 103.
        let unspent = try store.addressUnspentOutputs(miner)
        #expect(!unspent.contains { $0.outpoint == OutPoint(hash: coinbase1.txid, index: 0) })
        #expect(!unspent.contains { $0.outpoint.hash == spend.txid || $0.outpoint.hash == blocks[102].transactions[1].txid })
        #expect(unspent.count == 102, "102 unspent coinbases of the miner: \(unspent.count)")
        let other = Address(script: Self.otherScript)!
        let otherUnspent = try store.addressUnspentOutputs(other).map(\.outpoint)
        #expect(Set(otherUnspent) == [OutPoint(hash: spend.txid, index: 0),
                                      OutPoint(hash: blocks[102].transactions[2].txid, index: 0)])
        let p2sh = try store.addressUnspentOutputs(Address(script: Self.scriptHashScript)!)
        #expect(p2sh == [AddressUnspentOutput(address: Address(script: Self.scriptHashScript)!,
                                              outpoint: OutPoint(hash: spend.txid, index: 1), satoshis: 100_000_000,
                                              script: Self.scriptHashScript, height: 102)])

        // Spent index: who spent block 1's coinbase, with its value and address.
        #expect(try store.spentInfo(OutPoint(hash: coinbase1.txid, index: 0))
                == SpentInfo(txid: spend.txid, inputIndex: 0, height: 102, satoshis: value, address: miner))
        #expect(try store.spentInfo(OutPoint(hash: spend.txid, index: 0)) == nil)
        #expect(try store.spentInfo(OutPoint(hash: blocks[102].transactions[1].txid, index: 0))?.txid
                == blocks[102].transactions[2].txid)

        // Timestamps: one per block (genesis is never connected); block 3's time equals block 2's, so its logical
        // timestamp is one more.
        let stamps = try store.blockHashes(timestampsFrom: 0, below: .max)
        #expect(stamps.count == 103)
        #expect(try store.logicalTimestamp(blocks[1].hash) == blocks[1].header.time)
        #expect(try store.logicalTimestamp(blocks[2].hash) == blocks[1].header.time + 1)
        #expect(try store.logicalTimestamp(blocks[3].hash) == blocks[3].header.time)
        let window = try store.blockHashes(timestampsFrom: blocks[1].header.time, below: blocks[3].header.time)
        #expect(window.map(\.hash) == [blocks[1].hash, blocks[2].hash])
    }

    @Test func aReorganisationUndoesTheIndexesAndRedoesThemOnTheWayBack() throws {
        let root = ChainBuilder.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var builder = ChainBuilder()
        let mainBlocks = Self.makeBlocks(&builder)
        // Branch B forks below the spends (at 101) and outgrows them; branch A then outgrows B again.
        let branchB = builder.chain(on: mainBlocks[100].hash, count: 4)
        let branchA = builder.chain(on: mainBlocks[102].hash, count: 3)

        func fresh(_ name: String, _ blocks: [Block]) throws -> [[UInt8]] {
            let chain = try Self.open(root + "/" + name)
            for b in blocks { try chain.acceptBlock(b) }
            defer { try? chain.close() }
            return try Self.activeRecords(chain)
        }
        let expectedB = try fresh("b", Array(mainBlocks[0...100]) + branchB)
        let expectedA = try fresh("a", mainBlocks + branchA)

        let chain = try Self.open(root + "/reorg")
        for b in mainBlocks { try chain.acceptBlock(b) }
        for b in branchB { try chain.acceptBlock(b) }
        #expect(chain.tip.hash == branchB.last!.hash)
        try chain.close()
        let reopened = try Self.open(root + "/reorg")
        #expect(try Self.activeRecords(reopened) == expectedB, "after the reorganisation to B")
        #expect(try reopened.store.transactionLocation(mainBlocks[101].transactions[1].txid) == nil)
        #expect(try reopened.store.spentInfo(OutPoint(hash: mainBlocks[0].transactions[0].txid, index: 0)) == nil)
        let miner = Address(script: builder.minerScript)!
        #expect(try reopened.store.addressUnspentOutputs(miner)
            .contains { $0.outpoint == OutPoint(hash: mainBlocks[0].transactions[0].txid, index: 0) && $0.height == 1 },
                "the coin the undone spend had spent is unspent again")
        for b in branchA { try reopened.acceptBlock(b) }
        #expect(reopened.tip.hash == branchA.last!.hash)
        #expect(try Self.activeRecords(reopened) == expectedA, "after the reorganisation back to A")
        // fluxd keeps the timestamp records of the orphaned branch B (getblockhashes without noOrphans).
        #expect(try reopened.store.logicalTimestamp(branchB[0].hash) != nil)
        try reopened.close()
    }

    @Test func reindexRebuildsTheSameIndexes() throws {
        let path = ChainBuilder.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var builder = ChainBuilder()
        let blocks = Self.makeBlocks(&builder)
        let chain = try Self.open(path)
        for b in blocks { try chain.acceptBlock(b) }
        let before = try chain.store.indexRecords().map { $0.key + [0xff] + $0.value }
        #expect(before.count > 500)
        try chain.reindex()
        #expect(chain.tip.hash == blocks.last!.hash)
        let after = try chain.store.indexRecords().map { $0.key + [0xff] + $0.value }
        #expect(after == before)
        try chain.close()
    }

    @Test func changingTheChainIndexesNeedsReindexWhichBuildsTheNewSet() throws {
        let path = ChainBuilder.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var builder = ChainBuilder()
        let blocks = Array(Self.makeBlocks(&builder).prefix(103))
        do {
            let chain = try Self.open(path, indexes: [])
            for b in blocks { try chain.acceptBlock(b) }
            #expect(try chain.store.indexRecords().isEmpty)
            try chain.close()
        }
        func refusal(_ indexes: ChainIndexes) -> String? {
            do {
                let chain = try Self.open(path, indexes: indexes)
                try? chain.close()
                return nil
            } catch { return "\(error)" }
        }
        #expect(refusal([.transactions])?.contains("You need to rebuild the database using -reindex to change -txindex") == true)
        #expect(refusal(ChainIndexes.insight)?.contains("You need to rebuild the database using -reindex to change -insightexplorer") == true)
        #expect(refusal([.spent])?.contains("-reindex to change -spentindex") == true)
        #expect(refusal([]) == nil)

        // With -reindex the new set is accepted; nothing is connected until the reindex, which builds it.
        let chain = try Self.open(path, indexes: Self.all, rebuild: true)
        try chain.reindex()
        #expect(chain.height == blocks.count)
        #expect(try chain.store.indexSet() == Self.all)
        #expect(try chain.store.transactionLocation(blocks[101].transactions[1].txid) != nil)
        try chain.close()
        #expect(refusal(Self.all) == nil)
        #expect(refusal([])?.contains("-reindex to change -txindex and -addressindex and -spentindex and -timestampindex") == true)
        // Going back to none with -reindex clears every record.
        let back = try Self.open(path, indexes: [], rebuild: true)
        try back.reindex()
        #expect(try back.store.indexRecords().isEmpty)
        #expect(try back.store.indexSet() == [])
        try back.close()
    }
}
