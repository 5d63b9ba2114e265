import FluxPrimitives
@testable import FluxStorage
import Testing

@Suite struct UTXOCacheTests {
    static func coin(_ n: Int) -> Coin {
        Coin(output: TxOut(value: Amount(units: Int64(n)), scriptPubKey: .payToPubKeyHash([UInt8](repeating: UInt8(n & 255), count: 20))),
             height: n, isCoinbase: n % 7 == 0)
    }

    static func outPoint(_ n: Int) -> OutPoint {
        OutPoint(hash: Hash256([UInt8](repeating: UInt8(n & 255), count: 31) + [UInt8(n >> 8 & 255)]), index: UInt32(n % 3))
    }

    static func storedCoins(_ store: ChainStore) throws -> [OutPoint: Coin] {
        var all: [OutPoint: Coin] = [:]
        try store.forEachCoin { outpoint, coin in all[outpoint] = coin; return true }
        return all
    }

    @Test func matchesModelOverThousandsOfRandomOperations() throws {
        try withTemporaryDirectory { path in
            var g = SplitMix64(seed: 2026)
            var store = try ChainStore(path: path, options: testOptions())
            var cache = UTXOCache(store: store, maxBytes: 40_000)
            var committed: [OutPoint: Coin] = [:]
            var current: [OutPoint: Coin] = [:]
            var created: [OutPoint] = []
            var commits = 0, failedCommits = 0, discards = 0, reopens = 0

            for step in 1...12_000 {
                let roll = Int.random(in: 0..<100, using: &g)
                switch roll {
                case 0..<40:                                          // a new output
                    let o = RandomRecords.outPoint(&g)
                    guard current[o] == nil, committed[o] == nil else { continue }
                    let c = RandomRecords.coin(&g)
                    cache.add(c, at: o)
                    current[o] = c
                    created.append(o)
                case 40..<75:                                         // spend a known outpoint (maybe already spent)
                    guard let o = created.randomElement(using: &g) else { continue }
                    #expect(try cache.spend(o) == current[o])
                    current[o] = nil
                case 75..<85:                                         // look up
                    guard let o = created.randomElement(using: &g) else { continue }
                    #expect(try cache.coin(o) == current[o])
                case 85..<89:                                         // unknown outpoints
                    let o = RandomRecords.outPoint(&g)
                    #expect(try cache.coin(o) == current[o])
                    #expect(try cache.spend(o) == current[o])
                    current[o] = nil
                case 89..<93:                                         // re-create a spent outpoint
                    guard let o = created.randomElement(using: &g), current[o] == nil else { continue }
                    let c = RandomRecords.coin(&g)
                    cache.add(c, at: o)
                    current[o] = c
                case 93..<95:                                         // overwrite an unspent one
                    guard let o = created.randomElement(using: &g), current[o] != nil else { continue }
                    let c = RandomRecords.coin(&g)
                    cache.add(c, at: o, possibleOverwrite: true)
                    current[o] = c
                case 95..<96:                                         // a failed block: drop pending changes
                    cache.discardChanges()
                    current = committed
                    discards += 1
                default:
                    cache.trim()
                }
                #expect(cache.dirtyCount <= cache.entryCount)

                if step % 250 == 0 {
                    var batch = ChainBatch()
                    cache.flush(into: &batch)
                    #expect(cache.dirtyCount == 0)
                    if Int.random(in: 0..<5, using: &g) == 0 {
                        store.database.faultInjector = { _ in StorageError("injected") }
                        #expect(throws: StorageError.self) { try store.commit(batch) }
                        store.database.faultInjector = nil
                        cache.discardChanges()
                        current = committed
                        failedCommits += 1
                    } else {
                        try store.commit(batch)
                        committed = current
                        commits += 1
                        if commits % 4 == 0 { #expect(try Self.storedCoins(store) == committed) }
                    }
                    cache.trim()
                    #expect(cache.estimatedBytes <= cache.maxBytes)   // nothing dirty right after a flush
                }
                if step % 3_000 == 0 {                                // reopen: pending changes are lost
                    store.close()
                    store = try ChainStore(path: path, options: testOptions())
                    cache = UTXOCache(store: store, maxBytes: 40_000)
                    current = committed
                    reopens += 1
                }
                if step % 500 == 0 {
                    for o in created.suffix(50) { #expect(try cache.coin(o) == current[o]) }
                }
            }
            var batch = ChainBatch()
            cache.flush(into: &batch)
            try store.commit(batch)
            store.close()
            let reopened = try ChainStore(path: path, options: testOptions())
            #expect(try Self.storedCoins(reopened) == current)
            #expect(commits > 20 && failedCommits > 3 && discards > 20 && reopens == 4)
        }
    }

    @Test func freshAddThenSpendWritesNothing() throws {
        try withTemporaryDirectory { path in
            let store = try ChainStore(path: path, options: testOptions())
            let cache = UTXOCache(store: store)
            cache.add(Self.coin(1), at: Self.outPoint(1))
            #expect(cache.dirtyCount == 1)
            #expect(try cache.spend(Self.outPoint(1)) == Self.coin(1))
            #expect(cache.dirtyCount == 0 && cache.entryCount == 0 && cache.estimatedBytes == 0)
            var batch = ChainBatch()
            cache.flush(into: &batch)
            #expect(batch.isEmpty)

            // Known absent (a cached miss) then added and spent: also nothing.
            #expect(try cache.coin(Self.outPoint(2)) == nil)
            cache.add(Self.coin(2), at: Self.outPoint(2), possibleOverwrite: true)
            _ = try cache.spend(Self.outPoint(2))
            cache.flush(into: &batch)
            #expect(batch.isEmpty)
        }
    }

    @Test func spendsOfStoredCoinsWriteDeletesAndAddsWritePuts() throws {
        try withTemporaryDirectory { path in
            let store = try ChainStore(path: path, options: testOptions())
            var setup = ChainBatch()
            setup.putCoin(Self.coin(1), at: Self.outPoint(1))
            try store.commit(setup)

            let cache = UTXOCache(store: store)
            #expect(try cache.spend(Self.outPoint(1)) == Self.coin(1))
            #expect(try cache.spend(Self.outPoint(1)) == nil)
            #expect(try cache.coin(Self.outPoint(1)) == nil)
            cache.add(Self.coin(3), at: Self.outPoint(3))
            var batch = ChainBatch()
            cache.flush(into: &batch)
            #expect(Set(batch.writeBatch.operations) == [
                .delete(.utxo, key: StorageKey.outPoint(Self.outPoint(1))),
                .put(.utxo, key: StorageKey.outPoint(Self.outPoint(3)), value: Self.coin(3).encoded()),
            ])
            try store.commit(batch)
            #expect(try store.coin(Self.outPoint(1)) == nil)
            #expect(try store.coin(Self.outPoint(3)) == Self.coin(3))

            // Spent then re-added before a flush (the DB still holds the old coin): a put, never nothing.
            _ = try cache.spend(Self.outPoint(3))
            cache.add(Self.coin(4), at: Self.outPoint(3))
            _ = try cache.spend(Self.outPoint(3))
            var second = ChainBatch()
            cache.flush(into: &second)
            #expect(second.writeBatch.operations == [.delete(.utxo, key: StorageKey.outPoint(Self.outPoint(3)))])
        }
    }

    @Test func discardChangesRestoresTheDatabaseView() throws {
        try withTemporaryDirectory { path in
            let store = try ChainStore(path: path, options: testOptions())
            var setup = ChainBatch()
            setup.putCoin(Self.coin(1), at: Self.outPoint(1))
            try store.commit(setup)
            let cache = UTXOCache(store: store)

            _ = try cache.spend(Self.outPoint(1))
            cache.add(Self.coin(2), at: Self.outPoint(2))
            cache.discardChanges()
            #expect(cache.dirtyCount == 0)
            #expect(try cache.coin(Self.outPoint(1)) == Self.coin(1))
            #expect(try cache.coin(Self.outPoint(2)) == nil)

            // A flush whose commit fails: discardChanges also forgets what the flush marked clean.
            _ = try cache.spend(Self.outPoint(1))
            cache.add(Self.coin(2), at: Self.outPoint(2))
            var batch = ChainBatch()
            cache.flush(into: &batch)
            store.database.faultInjector = { _ in StorageError("injected") }
            #expect(throws: StorageError.self) { try store.commit(batch) }
            store.database.faultInjector = nil
            cache.discardChanges()
            #expect(try cache.coin(Self.outPoint(1)) == Self.coin(1))
            #expect(try cache.coin(Self.outPoint(2)) == nil)
        }
    }

    @Test func trimEvictsOnlyCleanEntries() throws {
        try withTemporaryDirectory { path in
            let store = try ChainStore(path: path, options: testOptions())
            var setup = ChainBatch()
            for n in 0..<100 { setup.putCoin(Self.coin(n), at: Self.outPoint(n)) }
            try store.commit(setup)

            let cache = UTXOCache(store: store, maxBytes: 1_000)
            for n in 0..<100 { #expect(try cache.coin(Self.outPoint(n)) == Self.coin(n)) }     // 100 clean
            for n in 100..<150 { cache.add(Self.coin(n), at: Self.outPoint(n)) }               // 50 dirty
            for n in 0..<10 { _ = try cache.spend(Self.outPoint(n)) }                          // 10 dirty spends
            #expect(cache.entryCount == 150 && cache.dirtyCount == 60)
            #expect(cache.estimatedBytes == 140 * (UTXOCache.entryOverhead + 25) + 10 * UTXOCache.entryOverhead)
            cache.trim()
            #expect(cache.entryCount == 60 && cache.dirtyCount == 60)         // dirty ones stay, over the limit
            for n in 100..<150 { #expect(try cache.coin(Self.outPoint(n)) == Self.coin(n)) }
            for n in 10..<100 { #expect(try cache.coin(Self.outPoint(n)) == Self.coin(n)) }     // re-read from disk

            var batch = ChainBatch()
            cache.flush(into: &batch)
            #expect(batch.operationCount == 60)
            try store.commit(batch)
            cache.trim()
            #expect(cache.estimatedBytes <= 1_000 && cache.dirtyCount == 0)

            cache.add(Self.coin(200), at: Self.outPoint(200))
            cache.clear()
            #expect(cache.entryCount == 0 && cache.dirtyCount == 0 && cache.estimatedBytes == 0)
            var empty = ChainBatch()
            cache.flush(into: &empty)
            #expect(empty.isEmpty)
            #expect(try cache.coin(Self.outPoint(50)) == Self.coin(50))
        }
    }
}
