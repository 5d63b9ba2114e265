import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxNetwork
import FluxP2P
import FluxPrimitives
import Foundation
import Testing

/// fluxd's compact-header sync (`cmpheaders` below the last checkpoint, `sendcmpct` after `verack`,
/// `MSG_CMPCT_BLOCK` answered with a full block), between two nodes and against a scripted peer.
@Suite(.serialized) struct CompactHeaderSyncTests {
    /// Regtest blocks 1...300 and parameters with a checkpoint at height 250.
    static let fixture: (blocks: [Block], params: ChainParameters) = {
        var builder = ChainBuilder()
        let blocks = builder.chain(on: ChainParameters.regtest.genesisHash, count: 300)
        let params = ChainParameters.regtest.withCheckpoints([
            Checkpoint(height: 0, hash: ChainParameters.regtest.genesisHash),
            Checkpoint(height: 250, hash: blocks[249].hash),
        ])
        return (blocks, params)
    }()

    var blocks: [Block] { Self.fixture.blocks }
    var params: ChainParameters { Self.fixture.params }
    var genesis: Hash256 { params.genesisHash }

    func getheaders(from locator: Hash256, stop: Hash256 = .zero) -> P2PMessage {
        .getheaders(BlockLocatorMessage(version: UInt32(ProtocolVersion.current), locator: [locator], stop: stop))
    }

    @Test func aNodeSyncsFromAnotherThroughCompactHeadersBelowTheCheckpoint() async throws {
        try await LoopbackNode.with(params: params, blocks: blocks) { server in
            try await LoopbackNode.with(params: params, connect: ["127.0.0.1:\(server.port)"]) { client in
                let synced = await eventually(60) { client.chain.tip.hash == server.chain.tip.hash }
                #expect(synced, "client at \(client.chain.height), server at \(server.chain.height)")
                #expect(client.chain.height == 300)
                #expect(client.chain.entry(at: 250)?.lacksSolution == false)
                #expect(client.chain.entry(at: 250)?.header == blocks[249].header)
                // Heights 1...250 came as compact headers, the rest as full ones; each side announced sendcmpct.
                let received = await client.network.receivedMessageCounts()
                #expect(received["cmpheaders", default: 0] >= 1)
                #expect(received["headers", default: 0] >= 1)
                #expect(received["sendcmpct"] == 1)
                #expect(await server.network.receivedMessageCounts()["sendcmpct"] == 1)
            }
        }
    }

    @Test func getheadersFromACurrentPeerIsAnsweredWithCompactHeadersBelowTheCheckpoint() async throws {
        try await LoopbackNode.with(params: params, blocks: blocks) { server in
            let peer = try RawPeer(port: server.port, magic: params.messageStart)
            try peer.handshake(height: 0)
            // After verack: sendheaders, then sendcmpct(false, 1).
            let handshake = try #require(await peer.messages { if case .sendcmpct = $0 { true } else { false } })
            #expect(handshake.contains { if case .sendheaders = $0 { true } else { false } })
            #expect(handshake.last == .sendcmpct(announce: false, version: 1))

            // From genesis: the compact headers of 1...250, ending at the checkpoint.
            try peer.send(getheaders(from: genesis))
            let compact = try #require(await peer.receive { if case let .cmpheaders(h) = $0 { h } else { nil } })
            #expect(compact == blocks.prefix(250).map { CompactBlockHeader($0.header) })
            // The stop hash ends the batch.
            try peer.send(getheaders(from: blocks[10].hash, stop: blocks[20].hash))
            let stopped = try #require(await peer.receive { if case let .cmpheaders(h) = $0 { h } else { nil } })
            #expect(stopped.map(\.blockHash) == blocks[11...20].map(\.hash))
            // From the checkpoint's height on: full headers.
            try peer.send(getheaders(from: blocks[248].hash))
            let full = try #require(await peer.receive { if case let .headers(h) = $0 { h } else { nil } })
            #expect(full == blocks[249...].map(\.header))

            // getdata MSG_CMPCT_BLOCK is answered with the full block.
            try peer.send(.getdata([InventoryItem(.compactBlock, hash: blocks[9].hash)]))
            let block = try #require(await peer.receive { if case let .block(b) = $0 { b } else { nil } })
            #expect(block == blocks[9])
        }
    }

    @Test func olderPeersGetNeitherSendcmpctNorCompactHeaders() async throws {
        try await LoopbackNode.with(params: params, blocks: blocks) { server in
            let peer = try RawPeer(port: server.port, magic: params.messageStart)
            try peer.handshake(version: ProtocolVersion.cmpHeaders - 1, height: 0)
            // The node's getheaders comes after whatever it sends on verack.
            let handshake = try #require(await peer.messages { if case .getheaders = $0 { true } else { false } })
            #expect(!handshake.contains { if case .sendcmpct = $0 { true } else { false } })
            try peer.send(getheaders(from: genesis))
            let full = try #require(await peer.receive { message -> [BlockHeader]? in
                if case .cmpheaders = message { return [] }
                if case let .headers(h) = message { return h }
                return nil
            })
            #expect(full == blocks.prefix(P2PLimits.maxHeaders).map(\.header))
        }
    }

    @Test func compactHeadersAboveTheCheckpointOrAgainstItAreScored() async throws {
        try await LoopbackNode.with(params: params) { client in
            let peer = try RawPeer(port: client.port, magic: params.messageStart)
            try peer.handshake(height: 300)
            #expect(await peer.receive { if case .getheaders = $0 { true } else { nil } } == true)

            // One header beyond the checkpoint: the 250 below it are kept, the peer scores 20.
            try peer.send(.cmpheaders(blocks.prefix(251).map { CompactBlockHeader($0.header) }))
            let scored = await eventually(10) { await client.network.peerInfo().first?.banScore == 20 }
            #expect(scored)
            #expect(client.chain.entry(blocks[249].hash)?.lacksSolution == true)
            #expect(client.chain.entry(blocks[250].hash) == nil)
            #expect(client.chain.bestHeader.hash == blocks[249].hash)

            // Another hash at the checkpoint height: banned and disconnected.
            var lie = CompactBlockHeader(blocks[249].header)
            guard case let .work(nonce, _) = lie.proof else { Issue.record("not proof of work"); return }
            lie.proof = .work(nonce: nonce, blockHash: Hash256([UInt8](repeating: 0x77, count: 32)))
            try peer.send(.cmpheaders([lie]))
            #expect(await peer.waitForClose())
            #expect(client.network.isBanned("127.0.0.1"))
        }
    }
}
