import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxP2P
import FluxPrimitives
import Foundation
import Testing

/// The chain order after a failed reorganisation, with the blocks arriving over P2P.
@Suite struct FailedReorgTests {
    let params = ChainParameters.regtest

    /// Tip T; a peer sends a sibling g1 of equal work (the tip stays T), then g2 on g1 with more work and an
    /// overpaying coinbase. g2 is refused and the node is back on T, the equal-work block it received first.
    @Test func aPeersFailedReorganisationLeavesTheNodeOnTheBlockReceivedFirst() async throws {
        var builder = ChainBuilder(params: params)
        let base = builder.chain(on: params.genesisHash, count: 5)
        let g1 = builder.block(on: base[3].hash, payTo: .payToPubKeyHash([UInt8](repeating: 9, count: 20)))
        let g2 = builder.block(on: g1.hash, coinbaseExtra: Amount(units: 1))
        try await LoopbackNode.with(params: params, blocks: base) { node in
            #expect(node.chain.tip.hash == base[4].hash)
            let peer = try RawPeer(port: node.port, magic: params.messageStart)
            try peer.handshake(height: 6)
            #expect(await peer.receive { if case .verack = $0 { true } else { nil } } == true)
            try peer.send(.block(g1))
            #expect(await eventually(10) { node.chain.entry(g1.hash)?.status.contains(.haveData) == true })
            #expect(node.chain.tip.hash == base[4].hash)
            try peer.send(.block(g2))
            #expect(await eventually(10) { node.chain.entry(g2.hash)?.isFailed == true })
            #expect(node.chain.tip.hash == base[4].hash, "left on \(node.chain.tip.hash); g1 is \(g1.hash)")
        }
    }
}
