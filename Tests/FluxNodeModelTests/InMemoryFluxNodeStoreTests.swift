import FluxNodeModel
import Testing

/// `InMemoryFluxNodeStore` keeps keys in unsigned byte order across its chunk splits (the benchmark and the model's
/// own users rely on it for the payment order).
@Suite struct InMemoryFluxNodeStoreTests {
    /// A key of `prefix` then the big-endian bytes of `n`.
    static func key(_ prefix: UInt8, _ n: Int) -> [UInt8] {
        [prefix, UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
    }

    @Test func keepsOrderAcrossChunkSplitsAndDeletes() throws {
        let store = InMemoryFluxNodeStore()
        // 3,000 keys (several 512-entry chunks) inserted in a scrambled order, under two prefixes.
        let numbers = (0..<1_500).map { ($0 * 7_919) % 1_500 }
        for n in numbers {
            try store.put(Self.key(0x02, n), [UInt8(truncatingIfNeeded: n)])
            try store.put(Self.key(0x01, n), [])
        }
        #expect(store.count == 3_000)
        let keys = store.entries.map(\.key)
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })

        // Delete every even number under 0x02; seeks skip them and stay inside the prefix.
        for n in stride(from: 0, to: 1_500, by: 2) { try store.delete(Self.key(0x02, n)) }
        #expect(store.count == 2_250)
        #expect(try store.seek(prefix: [0x02], from: [0x02])?.key == Self.key(0x02, 1))
        #expect(try store.seek(prefix: [0x02], from: Self.key(0x02, 700))?.key == Self.key(0x02, 701))
        #expect(try store.seek(prefix: [0x02], from: Self.key(0x02, 1_499))?.value == [UInt8(truncatingIfNeeded: 1_499)])
        #expect(try store.seek(prefix: [0x02], from: Self.key(0x02, 1_500)) == nil)
        #expect(try store.seek(prefix: [0x01], from: Self.key(0x01, 1_499))?.key == Self.key(0x01, 1_499))
        #expect(try store.get(Self.key(0x02, 2)) == nil)
        #expect(try store.get(Self.key(0x02, 3)) == [3])
    }
}
