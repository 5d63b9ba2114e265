import Foundation
import FluxPrimitives
@testable import FluxStorage
import Testing

@Suite struct DatabaseTests {
    @Test func valuesPersistAcrossCloseAndReopen() throws {
        try withTemporaryDirectory { path in
            let db = try Database(path: path, options: testOptions())
            var batch = WriteBatch()
            for family in ColumnFamily.allCases {
                batch.put(family, Array(family.rawValue.utf8), [1, 2, 3] + Array(family.rawValue.utf8))
            }
            batch.put(.utxo, [], [9])                         // the empty key is a key like any other
            try db.write(batch)
            db.close()
            db.close()                                         // idempotent

            let reopened = try Database(path: path, options: testOptions())
            for family in ColumnFamily.allCases {
                #expect(try reopened.get(family, Array(family.rawValue.utf8)) == [1, 2, 3] + Array(family.rawValue.utf8))
            }
            #expect(try reopened.get(.utxo, []) == [9])
            #expect(try reopened.get(.meta, Array("utxo".utf8)) == nil)   // families are separate key spaces
        }
    }

    @Test func multiGetReturnsValuesInKeyOrderWithNilForMissingKeys() throws {
        try withTemporaryDirectory { path in
            let db = try Database(path: path, options: testOptions())
            var batch = WriteBatch()
            for i in 0..<300 { batch.put(.plugins, [UInt8(i >> 8), UInt8(i & 0xFF)], [UInt8(i & 0xFF), 7]) }
            batch.put(.plugins, [9, 9], [])                   // an empty value is not a missing one
            batch.put(.meta, [0, 5], [1])                     // other families are not read
            try db.write(batch)
            // Unsorted, with duplicates, missing keys and the empty key.
            let keys: [[UInt8]] = [[1, 0x2B], [0, 5], [7, 7], [0, 5], [9, 9], [], [0, 0xFF]]
            let values = try db.multiGet(.plugins, keys)
            #expect(values.count == keys.count)
            #expect(values[0] == [0x2B, 7])
            #expect(values[1] == [5, 7])
            #expect(values[2] == nil)
            #expect(values[3] == [5, 7])
            #expect(values[4] == [])
            #expect(values[5] == nil)
            #expect(values[6] == [0xFF, 7])
            #expect(try db.multiGet(.plugins, []).isEmpty)
            let many = (0..<300).map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            #expect(try db.multiGet(.plugins, many) == many.map { try? db.get(.plugins, $0) })
            db.close()
            #expect(storageError { _ = try db.multiGet(.plugins, [[1]]) } != nil)
        }
    }

    @Test func closedDatabaseThrowsAndDeinitCloses() throws {
        try withTemporaryDirectory { path in
            let db = try Database(path: path, options: testOptions())
            db.close()
            #expect(db.isClosed)
            let error = storageError { _ = try db.get(.meta, [1]) }
            #expect(error?.message.contains("closed") == true)
            #expect(storageError { try db.write(WriteBatch()) } != nil)
            #expect(storageError { try db.scan(.meta, prefix: []) { _, _ in true } } != nil)

            // A database released without close() frees its lock, so the folder can be opened again.
            do { _ = try Database(path: path, options: testOptions()) }
            let again = try Database(path: path, options: testOptions())
            again.close()
        }
    }

    @Test func openFailureNamesThePath() throws {
        try withTemporaryDirectory { path in
            var options = testOptions()
            options.createIfMissing = false
            let error = storageError { _ = try Database(path: path, options: options) }
            #expect(error?.message.hasPrefix("open \(path): ") == true)

            // A second open of a database held by this process fails on RocksDB's lock file.
            let held = try Database(path: path, options: testOptions())
            let locked = storageError { _ = try Database(path: path, options: testOptions()) }
            #expect(locked?.message.hasPrefix("open \(path): ") == true)
            held.close()
        }
    }

    @Test func scanVisitsPrefixInKeyOrderAndStopsWhenAsked() throws {
        try withTemporaryDirectory { path in
            let db = try Database(path: path, options: testOptions())
            var g = SplitMix64(seed: 7)
            var keys: Set<[UInt8]> = []
            for _ in 0..<500 { keys.insert(g.bytes(Int.random(in: 1...4, using: &g))) }
            keys.formUnion([[0x10], [0x10, 0x00], [0x10, 0xff], [0x10, 0xff, 0xff], [0x11], [0x0f, 0xff]])
            var batch = WriteBatch()
            for key in keys.shuffled(using: &g) { batch.put(.plugins, key, key.reversed()) }
            try db.write(batch)

            var all: [[UInt8]] = []
            try db.scan(.plugins, prefix: []) { key, value in
                #expect(value == key.reversed())
                all.append(key)
                return true
            }
            #expect(all == keys.sorted { $0.lexicographicallyPrecedes($1) })

            var under10: [[UInt8]] = []
            try db.scan(.plugins, prefix: [0x10]) { key, _ in under10.append(key); return true }
            #expect(under10 == all.filter { $0.first == 0x10 })
            #expect(under10.first == [0x10] && under10.contains([0x10, 0xff, 0xff]))

            var firstThree: [[UInt8]] = []
            try db.scan(.plugins, prefix: []) { key, _ in firstThree.append(key); return firstThree.count < 3 }
            #expect(firstThree == Array(all.prefix(3)))

            struct Stop: Error {}
            #expect(throws: Stop.self) { try db.scan(.plugins, prefix: []) { _, _ in throw Stop() } }
            var none = 0
            try db.scan(.utxo, prefix: [0x10]) { _, _ in none += 1; return true }
            #expect(none == 0)
        }
    }

    @Test func batchAppliesInOrderAndDeletes() throws {
        try withTemporaryDirectory { path in
            let db = try Database(path: path, options: testOptions())
            var batch = WriteBatch()
            batch.put(.meta, [1], [1])
            batch.put(.meta, [2], [2])
            batch.put(.meta, [1], [3])                          // later put wins
            batch.delete(.meta, [2])
            batch.delete(.meta, [4])                            // deleting a missing key is fine
            #expect(batch.count == 5)
            #expect(batch.byteSize == 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1)
            #expect(batch.operations == [.put(.meta, key: [1], value: [1]), .put(.meta, key: [2], value: [2]),
                                         .put(.meta, key: [1], value: [3]), .delete(.meta, key: [2]),
                                         .delete(.meta, key: [4])])
            try db.write(batch, sync: true)
            #expect(try db.get(.meta, [1]) == [3])
            #expect(try db.get(.meta, [2]) == nil)

            var first = WriteBatch()
            first.put(.utxo, [7], [7, 7])
            var second = WriteBatch()
            second.delete(.utxo, [7])
            second.put(.utxo, [8], [])
            first.append(contentsOf: second)
            #expect(first.operations == [.put(.utxo, key: [7], value: [7, 7]), .delete(.utxo, key: [7]),
                                         .put(.utxo, key: [8], value: [])])
            try db.write(first)
            #expect(try db.get(.utxo, [7]) == nil)
            #expect(try db.get(.utxo, [8]) == [])               // an empty value is not a missing one
        }
    }

    @Test func faultInjectedWriteLeavesNothing() throws {
        try withTemporaryDirectory { path in
            let db = try Database(path: path, options: testOptions())
            var before = WriteBatch()
            before.put(.utxo, [0], [0])
            try db.write(before)

            var batch = WriteBatch()
            for i in 0..<1_000 { batch.put(.utxo, [UInt8(i >> 8), UInt8(i & 255), 1], [UInt8(i & 255)]) }
            batch.delete(.utxo, [0])
            batch.put(.meta, Array("tip".utf8), [1])
            let injected = StorageError("injected: disk full")
            db.faultInjector = { b in b.count > 100 ? injected : nil }
            #expect(storageError { try db.write(batch) } == injected)

            db.close()
            let reopened = try Database(path: path, options: testOptions())
            var keys: [[UInt8]] = []
            try reopened.scan(.utxo, prefix: []) { key, _ in keys.append(key); return true }
            #expect(keys == [[0]])
            #expect(try reopened.get(.meta, Array("tip".utf8)) == nil)
            #expect(reopened.faultInjector == nil)              // hooks are per instance
            try reopened.write(batch)
            #expect(try reopened.get(.utxo, [0]) == nil)
            #expect(try reopened.get(.utxo, [3, 231, 1]) == [231])
        }
    }

    @Test func reopenAfterCloseGivesExactlyTheCommittedState() throws {
        try withTemporaryDirectory { path in
            var model: [[UInt8]: [UInt8]] = [:]
            var g = SplitMix64(seed: 99)
            let db = try Database(path: path, options: testOptions(sync: false))
            for round in 0..<40 {
                var batch = WriteBatch()
                var pending = model
                for _ in 0..<Int.random(in: 1...50, using: &g) {
                    let key = g.bytes(2)
                    if Bool.random(using: &g) {
                        let value = g.bytes(Int.random(in: 0...40, using: &g))
                        batch.put(.utxo, key, value)
                        pending[key] = value
                    } else {
                        batch.delete(.utxo, key)
                        pending[key] = nil
                    }
                }
                if round % 5 == 4 {                                // some batches fail: nothing of them lands
                    db.faultInjector = { _ in StorageError("injected") }
                    #expect(storageError { try db.write(batch) } != nil)
                    db.faultInjector = nil
                } else {
                    try db.write(batch, sync: round % 2 == 0)
                    model = pending
                }
            }
            db.close()                                             // no flush of memtables beyond close itself
            let reopened = try Database(path: path, options: testOptions())
            var stored: [[UInt8]: [UInt8]] = [:]
            try reopened.scan(.utxo, prefix: []) { key, value in stored[key] = value; return true }
            #expect(stored == model)
        }
    }
}
