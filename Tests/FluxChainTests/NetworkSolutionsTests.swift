import Foundation
import Testing
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxStorage

/// `getnetworksolps` as fluxd computes it (`GetNetworkHashPS`): the chain work of the last blocks over their time span.
@Suite struct NetworkSolutionsTests {
    @Test func workOverTimeSpanAsFluxd() throws {
        var storage = DatabaseOptions()
        storage.syncWrites = false
        let chain = try ChainState(params: .regtest, path: ChainBuilder.temporaryDirectory(), storage: storage)
        var builder = ChainBuilder()
        // Uneven spacing of 1-3 s (regtest's work per block is about 17, so longer spacings round to 0 solutions/s).
        var blocks: [Block] = []
        var parent = chain.tip.hash
        var time = GenesisBlock.block(for: .regtest).header.time
        for i in 0..<30 {
            time += UInt32(1 + i % 3)
            let b = builder.block(on: parent, time: time)
            try chain.acceptBlock(b)
            blocks.append(b)
            parent = b.hash
        }
        func work(_ b: Block) -> Double { UInt256.fromCompact(b.header.bits).value.workForTarget.doubleValue }
        /// Independent figure: the work of the `lookup` blocks ending at index `end` over the span of `lookup + 1` times.
        func expected(lookup: Int, end: Int) -> Int {
            let window = blocks[(end - lookup + 1)...end]
            let times = ([end - lookup >= 0 ? blocks[end - lookup].header.time : GenesisBlock.block(for: .regtest).header.time]
                         + window.map(\.header.time)).map(Int64.init)
            return Int(window.map(work).reduce(0, +) / Double(times.max()! - times.min()!))
        }
        #expect(chain.networkSolutionsPerSecond(lookup: 10, height: -1) == expected(lookup: 10, end: 29))
        #expect(chain.networkSolutionsPerSecond(lookup: 10, height: 20) == expected(lookup: 10, end: 19))
        // 0 or less: the averaging window (17); longer than the chain: the whole chain; the tip's height or above, or
        // negative: the tip; height 0: genesis, 0.
        #expect(chain.networkSolutionsPerSecond(lookup: 0, height: -1) == expected(lookup: 17, end: 29))
        #expect(chain.networkSolutionsPerSecond(lookup: 500, height: 5) == expected(lookup: 5, end: 4))
        #expect(chain.networkSolutionsPerSecond(lookup: 10, height: 99) == expected(lookup: 10, end: 29))
        #expect(chain.networkSolutionsPerSecond(lookup: 10, height: 0) == 0)   // genesis, as fluxd
        #expect(chain.networkSolutionsPerSecond(lookup: 10, height: 30) == expected(lookup: 10, end: 29))
        #expect(chain.networkSolutionsPerSecond(lookup: 10, height: -1) > 1)
        #expect(chain.networkSolutionsPerSecond(lookup: 2, height: 12) == expected(lookup: 2, end: 11))
        try chain.close()
    }
}
