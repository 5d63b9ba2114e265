import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxNetwork
import FluxP2P
import FluxPrimitives
import Foundation
import Testing

/// The per-peer send queue limit (`-maxsendbuffer`): `getdata` is served one item at a time while the queue is
/// below the limit, later messages wait behind it, and a peer that never reads is dropped.
@Suite(.serialized) struct SendBufferTests {
    /// One regtest block of about 90 kB on genesis (a transaction may not exceed 100,000 bytes before Acadia).
    static let block: Block = {
        var builder = ChainBuilder()
        return builder.paddedBlock(on: ChainParameters.regtest.genesisHash, bytes: 90_000)
    }()

    static let limit = 50_000

    var magic: [UInt8] { ChainParameters.regtest.messageStart }
    var getdata: P2PMessage {
        .getdata([InventoryItem](repeating: InventoryItem(type: InventoryType.block.rawValue, hash: Self.block.hash),
                                 count: 200))
    }

    /// The largest `sendQueueBytes` of the node's only peer, sampled every 20 ms for `seconds`.
    func peakQueue(_ node: LoopbackNode, seconds: Double) async -> Int {
        var peak = 0
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            peak = max(peak, await node.network.peerInfo().map(\.sendQueueBytes).max() ?? 0)
            try? await Task.sleep(for: .milliseconds(20))
        }
        return peak
    }

    @Test func aGetdataFloodFromAPeerThatDoesNotReadQueuesAtMostTheLimitPlusOneMessage() async throws {
        #expect(Self.block.serialized.count > 85_000)
        try await LoopbackNode.with(params: .regtest, blocks: [Self.block],
                                    configure: { $0.sendBufferLimit = Self.limit }) { node in
            let peer = try RawPeer(port: node.port, magic: magic, receiveBuffer: 4096)
            try peer.handshake()
            // 200 × 90 kB = 18 MB asked for; the socket buffers take a few hundred kB at most.
            try peer.send(getdata)
            let serving = await eventually(30) { await node.network.peerInfo().contains { $0.sendQueueBytes > 0 } }
            #expect(serving, "the queue was never seen in use")
            let peak = await peakQueue(node, seconds: 2)
            #expect(peak <= Self.limit + Self.block.serialized.count + 1_000, "peak send queue \(peak) bytes")
            #expect(await node.network.connectionCount() == 1)
        }
    }

    @Test func servingResumesWhenThePeerReadsAndLaterMessagesAreAnsweredInOrder() async throws {
        try await LoopbackNode.with(params: .regtest, blocks: [Self.block],
                                    configure: { $0.sendBufferLimit = Self.limit }) { node in
            let peer = try RawPeer(port: node.port, magic: magic, receiveBuffer: 4096)
            try peer.handshake()
            try peer.send(getdata)
            try peer.send(.ping(nonce: 77))
            try await Task.sleep(for: .milliseconds(300))
            // Now read everything: all 200 blocks arrive, and only then the pong.
            let messages = try #require(await peer.messages { if case .pong(77) = $0 { true } else { false } })
            let blocks = messages.filter { if case .block = $0 { true } else { false } }.count
            #expect(blocks == 200)
            #expect(await node.network.peerInfo().first?.sendQueueBytes == 0)
        }
    }

    @Test func aPeerThatStaysOverTheLimitIsDisconnectedAfterTheTimeout() async throws {
        try await LoopbackNode.with(params: .regtest, blocks: [Self.block], configure: {
            $0.sendBufferLimit = Self.limit
            $0.sendBufferTimeout = 1
        }) { node in
            let peer = try RawPeer(port: node.port, magic: magic, receiveBuffer: 4096)
            try peer.handshake()
            try peer.send(getdata)
            #expect(await eventually(2) { await node.network.connectionCount() == 1 })
            #expect(await eventually(10) { await node.network.connectionCount() == 0 })
            #expect(!node.network.isBanned("127.0.0.1"))
        }
    }
}

extension SendBufferTests {
    @Test func otherRepliesWaitBehindAFullQueueToo() async throws {
        try await LoopbackNode.with(params: .regtest, blocks: [Self.block],
                                    configure: { $0.sendBufferLimit = Self.limit }) { node in
            let peer = try RawPeer(port: node.port, magic: magic, receiveBuffer: 4096)
            try peer.handshake()
            // 40,000 getheaders (about 8 MB of headers replies); the write blocks once the node stops reading, so it
            // runs on its own thread and ends when the node closes the connection.
            let request = try P2PFrame.encode(.getheaders(BlockLocatorMessage(
                version: UInt32(ProtocolVersion.current), locator: [ChainParameters.regtest.genesisHash], stop: .zero)),
                configuration: P2PConfiguration(magic: magic))
            let flood = [[UInt8]](repeating: request, count: 40_000).flatMap { $0 }
            DispatchQueue.global().async { peer.sendRaw(flood) }
            let serving = await eventually(30) { await node.network.peerInfo().contains { $0.sendQueueBytes > 0 } }
            #expect(serving, "the queue was never seen in use")
            let peak = await peakQueue(node, seconds: 3)
            #expect(peak <= Self.limit + 1_000, "peak send queue \(peak) bytes")
        }
    }
}
