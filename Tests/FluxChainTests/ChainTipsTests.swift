import Foundation
import Testing
import FluxChain
import FluxChainFixtures
import FluxPrimitives
import FluxStorage

/// `getchaintips` as fluxd reports it: every head of the block tree with its status and branch length, and
/// fluxd's `minheight` filter that FluxOS sends for reorg detection.
@Suite struct ChainTipsTests {
    @Test func everyHeadWithItsStatusBranchLengthAndFluxdsMinimumHeight() throws {
        var storage = DatabaseOptions()
        storage.syncWrites = false
        let chain = try ChainState(params: .regtest, path: ChainBuilder.temporaryDirectory(), storage: storage)
        var builder = ChainBuilder()
        let other = Script.payToPubKeyHash([UInt8](repeating: 5, count: 20))
        let base = builder.chain(on: chain.tip.hash, count: 6)                 // heights 1...6
        for b in base { try chain.acceptBlock(b) }
        // A heavier branch from height 4 is connected, then the main chain grows past it again: valid-fork.
        let v = builder.chain(on: base[3].hash, count: 3, payTo: other)       // heights 5...7
        for b in v { try chain.acceptBlock(b) }
        #expect(chain.tip.hash == v[2].hash)
        let m = builder.chain(on: base[5].hash, count: 2)                      // heights 7, 8
        for b in m { try chain.acceptBlock(b) }
        #expect(chain.tip.hash == m[1].hash)
        // A block on the tip that overpays its coinbase: invalid.
        let bad = builder.block(on: m[1].hash, coinbaseExtra: Amount(units: 1))
        #expect(throws: ChainError.self) { try chain.acceptBlock(bad) }
        // A stored body with less work, never connected: valid-headers. A header alone: headers-only.
        let stored = builder.block(on: base[2].hash, payTo: other)              // height 4
        try chain.acceptBlock(stored)
        let header = builder.block(on: base[1].hash, payTo: other)              // height 3
        try chain.acceptHeader(header.header)

        let expected = [
            ChainTip(hash: bad.hash, height: 9, branchLength: 1, status: .invalid),
            ChainTip(hash: m[1].hash, height: 8, branchLength: 0, status: .active),
            ChainTip(hash: v[2].hash, height: 7, branchLength: 3, status: .validFork),
            ChainTip(hash: stored.hash, height: 4, branchLength: 1, status: .validHeaders),
            ChainTip(hash: header.hash, height: 3, branchLength: 1, status: .headersOnly),
        ]
        #expect(chain.chainTips() == expected)
        // minheight 5: only heads whose blocks from 5 up are not built on: the invalid block, the active tip, v.
        #expect(chain.chainTips(minHeight: 5) == [expected[0], expected[1], expected[2]])
        // Above the tip's height or negative: as 0 (fluxd).
        #expect(chain.chainTips(minHeight: 9) == expected)
        #expect(chain.chainTips(minHeight: -1) == expected)
        // At the tip's height: the invalid block builds on it, so the active tip is added by rule.
        #expect(chain.chainTips(minHeight: 8) == [expected[0], expected[1]])
        try chain.close()
    }
}
