import Foundation
import FluxPrimitives
import FluxTestSupport
@testable import FluxStorage
import Testing

@Suite struct ChainStoreTests {
    /// Flux mainnet's genesis block, from the fixtures.
    static func genesis() throws -> Block {
        let json = try #require(try Fixtures.json("flux_genesis.json") as? [String: Any])
        let networks = try #require(json["networks"] as? [String: Any])
        let main = try #require(networks["main"] as? [String: Any])
        return try Block(serialized: hexBytes(try #require(main["block_hex"] as? String)))
    }

    @Test func newStoreWritesFormatVersionAndReopens() throws {
        try withTemporaryDirectory { path in
            let store = try ChainStore(path: path, options: testOptions())
            #expect(try store.meta("format_version") == [1, 0, 0, 0])
            #expect(try store.tip() == nil)
            #expect(try store.blockIndex().isEmpty)
            store.close()
            let reopened = try ChainStore(path: path, options: testOptions())
            #expect(try reopened.meta("format_version") == [1, 0, 0, 0])
        }
    }

    @Test func otherFormatVersionIsRefusedWithAdvice() throws {
        try withTemporaryDirectory { path in
            let db = try Database(path: path, options: testOptions())
            var batch = WriteBatch()
            batch.put(.meta, Array("format_version".utf8), [2, 0, 0, 0])
            try db.write(batch)
            db.close()
            let error = try #require(storageError { _ = try ChainStore(path: path, options: testOptions()) })
            #expect(error.message.contains("storage format version 2"))
            #expect(error.message.contains("reads version 1"))
            #expect(error.message.contains("-reindex"))
            #expect(error.message.contains("-datadir"))
            #expect(error.message.contains(path))
        }
    }

    @Test func nonEmptyDatabaseWithoutVersionIsRefused() throws {
        try withTemporaryDirectory { path in
            let db = try Database(path: path, options: testOptions())
            var batch = WriteBatch()
            batch.put(.utxo, [UInt8](repeating: 1, count: 36), [1, 0, 0, 4])
            try db.write(batch)
            db.close()
            let error = try #require(storageError { _ = try ChainStore(path: path, options: testOptions()) })
            #expect(error.message.contains("no storage format version"))
            #expect(error.message.contains("version 1"))
            #expect(error.message.contains("-reindex"))
        }
    }

    @Test func everyRecordTypeRoundTripsThroughTheDatabase() throws {
        try withTemporaryDirectory { path in
            var g = SplitMix64(seed: 42)
            let block = try Self.genesis()
            let records = (0..<50).map { _ in RandomRecords.indexRecord(&g) }
            let undo = RandomRecords.undo(&g)
            let coins = (0..<200).map { _ in (RandomRecords.outPoint(&g), RandomRecords.coin(&g)) }

            let store = try ChainStore(path: path, options: testOptions())
            var batch = ChainBatch()
            #expect(batch.isEmpty)
            records.forEach { batch.putIndex($0) }
            batch.putBlock(block, hash: block.hash)
            batch.putUndo(undo, hash: block.hash)
            for (outpoint, coin) in coins { batch.putCoin(coin, at: outpoint) }
            batch.setTip(block.hash)
            batch.putMeta("note", [1, 2])
            #expect(batch.operationCount == 50 + 1 + 1 + 200 + 1 + 1)
            #expect(batch.byteSize > block.serialized.count)
            try store.commit(batch, sync: true)
            store.close()

            let reopened = try ChainStore(path: path, options: testOptions())
            #expect(try reopened.blockIndex() == records.sorted { $0.hash.bytes.lexicographicallyPrecedes($1.hash.bytes) })
            #expect(try reopened.indexRecord(records[3].hash) == records[3])
            #expect(try reopened.block(block.hash) == block)
            #expect(try reopened.block(block.hash)?.hash.description
                    == "00052461a5006c2e3b74ce48992a08695607912d5604c3eb8da25749b0900444")
            #expect(try reopened.undo(block.hash) == undo)
            #expect(try reopened.undo(records[0].hash) == nil)
            #expect(try reopened.tip() == block.hash)
            #expect(try reopened.meta("note") == [1, 2])
            for (outpoint, coin) in coins { #expect(try reopened.coin(outpoint) == coin) }

            // forEachCoin walks txid bytes, then the index numerically (big-endian keys).
            var seen: [OutPoint] = []
            try reopened.forEachCoin { outpoint, coin in
                #expect(coins.contains { $0.0 == outpoint && $0.1 == coin })
                seen.append(outpoint)
                return true
            }
            #expect(seen == coins.map(\.0).sorted())

            var removal = ChainBatch()
            removal.deleteBlock(block.hash)
            removal.deleteUndo(block.hash)
            removal.deleteCoin(coins[0].0)
            try reopened.commit(removal)
            #expect(try reopened.block(block.hash) == nil)
            #expect(try reopened.undo(block.hash) == nil)
            #expect(try reopened.coin(coins[0].0) == nil)
        }
    }

    @Test func outputsOfOneTransactionAreAdjacentInIndexOrder() throws {
        try withTemporaryDirectory { path in
            let store = try ChainStore(path: path, options: testOptions())
            let txid = Hash256([UInt8](repeating: 0x33, count: 32))
            let coin = Coin(output: TxOut(value: 1, scriptPubKey: Script([Opcode.op1])), height: 1, isCoinbase: false)
            var batch = ChainBatch()
            for index: UInt32 in [256, 1, 0, 0xffff_ffff, 2] { batch.putCoin(coin, at: OutPoint(hash: txid, index: index)) }
            batch.putCoin(coin, at: OutPoint(hash: Hash256([UInt8](repeating: 0x34, count: 32)), index: 0))
            batch.putCoin(coin, at: OutPoint(hash: Hash256([UInt8](repeating: 0x32, count: 32)), index: 7))
            try store.commit(batch)
            var order: [OutPoint] = []
            try store.forEachCoin { outpoint, _ in order.append(outpoint); return true }
            #expect(order.map(\.index) == [7, 0, 1, 2, 256, 0xffff_ffff, 0])
        }
    }

    @Test func pluginNamespacesAreIsolated() throws {
        try withTemporaryDirectory { path in
            let store = try ChainStore(path: path, options: testOptions())
            var batch = ChainBatch()
            batch.putPlugin(namespace: "ab", key: Array("c1".utf8), value: [1])
            batch.putPlugin(namespace: "ab", key: Array("d".utf8), value: [2])
            batch.putPlugin(namespace: "abc", key: Array("1".utf8), value: [3])
            batch.putPlugin(namespace: "abc", key: Array("c1".utf8), value: [4])
            batch.putPlugin(namespace: "a", key: Array("bc1".utf8), value: [5])
            batch.putPlugin(namespace: "", key: [0], value: [6])
            try store.commit(batch)

            func scan(_ namespace: String, _ prefix: String) throws -> [String] {
                var found: [String] = []
                try store.pluginScan(namespace: namespace, prefix: Array(prefix.utf8)) { key, value in
                    found.append(String(decoding: key, as: UTF8.self) + "=\(value[0])")
                    return true
                }
                return found
            }
            #expect(try scan("ab", "c") == ["c1=1"])
            #expect(try scan("ab", "") == ["c1=1", "d=2"])
            #expect(try scan("abc", "") == ["1=3", "c1=4"])
            #expect(try scan("a", "") == ["bc1=5"])
            #expect(try scan("", "") == ["\0=6"])
            #expect(try scan("zz", "") == [])
            #expect(try store.pluginValue(namespace: "ab", key: Array("c1".utf8)) == [1])
            #expect(try store.pluginValue(namespace: "a", key: Array("bc1".utf8)) == [5])
            #expect(try store.pluginValue(namespace: "abc", key: Array("d".utf8)) == nil)

            var removal = ChainBatch()
            removal.deletePlugin(namespace: "ab", key: Array("c1".utf8))
            try store.commit(removal)
            #expect(try scan("ab", "") == ["d=2"])
            #expect(try scan("abc", "") == ["1=3", "c1=4"])
        }
    }

    @Test func corruptRecordsNameTheRecord() throws {
        try withTemporaryDirectory { path in
            let store = try ChainStore(path: path, options: testOptions())
            let hash = Hash256([UInt8](repeating: 0xee, count: 32))
            let outpoint = OutPoint(hash: hash, index: 3)
            var raw = WriteBatch()
            raw.put(.blockIndex, hash.bytes, [1, 2, 3])
            raw.put(.blocks, hash.bytes, [0xff])
            raw.put(.undo, hash.bytes, [9])
            raw.put(.utxo, StorageKey.outPoint(outpoint), [1])
            raw.put(.meta, Array("tip".utf8), [1, 2])
            try store.database.write(raw)

            let index = try #require(storageError { _ = try store.blockIndex() })
            #expect(index.message.hasPrefix("corrupt block index record for \(hash): index.hash at offset 1"))
            #expect(storageError { _ = try store.indexRecord(hash) }?.message.hasPrefix("corrupt block index record for \(hash): ") == true)
            #expect(storageError { _ = try store.block(hash) }?.message.hasPrefix("corrupt block record for \(hash): header.") == true)
            #expect(storageError { _ = try store.undo(hash) }?.message
                    == "corrupt undo record for \(hash): undo.version at offset 0: unknown record version 9")
            #expect(storageError { _ = try store.coin(outpoint) }?.message.hasPrefix("corrupt coin record for \(outpoint): coin.code") == true)
            #expect(storageError { try store.forEachCoin { _, _ in true } }?.message.hasPrefix("corrupt coin record for \(outpoint)") == true)
            #expect(storageError { _ = try store.tip() }?.message == "corrupt tip record: 2 bytes, expected 32")

            // A well-formed record stored under another hash is corrupt too.
            var g = SplitMix64(seed: 5)
            let record = RandomRecords.indexRecord(&g)
            var misplaced = WriteBatch()
            misplaced.put(.blockIndex, hash.bytes, record.encoded())
            try store.database.write(misplaced)
            #expect(storageError { _ = try store.blockIndex() }?.message
                    == "corrupt block index record for \(hash): holds hash \(record.hash)")
        }
    }

    @Test func failedCommitLeavesNothingAndStoreStaysUsable() throws {
        try withTemporaryDirectory { path in
            let store = try ChainStore(path: path, options: testOptions())
            var g = SplitMix64(seed: 8)
            let record = RandomRecords.indexRecord(&g)
            var batch = ChainBatch()
            batch.putIndex(record)
            batch.setTip(record.hash)
            for _ in 0..<100 { batch.putCoin(RandomRecords.coin(&g), at: RandomRecords.outPoint(&g)) }
            store.database.faultInjector = { _ in StorageError("injected: I/O error") }
            #expect(storageError { try store.commit(batch) } == StorageError("injected: I/O error"))
            store.database.faultInjector = nil
            #expect(try store.tip() == nil)
            #expect(try store.blockIndex().isEmpty)
            var coins = 0
            try store.forEachCoin { _, _ in coins += 1; return true }
            #expect(coins == 0)
            try store.commit(batch)
            #expect(try store.tip() == record.hash)
        }
    }
}
