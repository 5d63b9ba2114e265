import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxNetwork
import FluxP2P
import FluxPrimitives
import Foundation
import Testing

/// Outbound connections recover: failed dials leave nothing behind, `-addnode` / `-connect` peers are dialled
/// again with back-off for as long as the node runs, and an `addr` flood cannot take the outbound slots.
@Suite(.serialized) struct OutboundRecoveryTests {
    /// Regtest blocks 1...8.
    static let blocks: [Block] = {
        var builder = ChainBuilder()
        return builder.chain(on: ChainParameters.regtest.genesisHash, count: 8)
    }()

    var magic: [UInt8] { ChainParameters.regtest.messageStart }

    /// Short back-off, so a test waits seconds.
    static func quickRetries(_ c: inout NetworkConfiguration) {
        c.manualRetryDelay = 0.5
        c.manualRetryMaxDelay = 2
    }

    @Test func aFailedDialLeavesNoPeerBehind() async throws {
        let closed = try freeLoopbackPort()
        try await LoopbackNode.with(params: .regtest) { node in
            node.network.connectOnce("127.0.0.1:\(closed)")
            try await Task.sleep(for: .milliseconds(1_500))
            #expect(await node.network.peerInfo().isEmpty)
            #expect(node.network.connectionCountNow == 0)
        }
    }

    @Test func aNodeStartedBeforeItsAddnodePeerSyncsOnceThePeerIsUp() async throws {
        let port = try freeLoopbackPort()
        try await LoopbackNode.with(params: .regtest, configure: {
            $0.addNodes = ["127.0.0.1:\(port)"]
            Self.quickRetries(&$0)
        }) { client in
            try await Task.sleep(for: .milliseconds(1_500))
            try await LoopbackNode.with(params: .regtest, blocks: Self.blocks, port: port) { _ in
                let synced = await eventually(20) { client.chain.height == 8 }
                #expect(synced, "client at \(client.chain.height)")
            }
        }
    }

    @Test func aNodeReconnectsToItsConnectPeerAfterThePeerRestarts() async throws {
        let first = try await LoopbackNode.start(params: .regtest, blocks: Array(Self.blocks.prefix(5)))
        let port = first.port
        try await LoopbackNode.with(params: .regtest, connect: ["127.0.0.1:\(port)"], configure: Self.quickRetries) { client in
            #expect(await eventually(20) { client.chain.height == 5 })
            await first.stop()
            #expect(await eventually(10) { client.network.connectionCountNow == 0 })
            try await Task.sleep(for: .milliseconds(1_000))
            try await LoopbackNode.with(params: .regtest, blocks: Self.blocks, port: port) { _ in
                let synced = await eventually(20) { client.chain.height == 8 }
                #expect(synced, "client at \(client.chain.height) after the peer restarted")
            }
        }
    }

    @Test func anAddrFloodOfUnreachableAddressesDoesNotBlockOutboundConnections() async throws {
        try await LoopbackNode.with(params: .regtest, blocks: Self.blocks) { good in
            let goodAddress = "127.0.0.1:\(good.port)"
            try await LoopbackNode.with(params: .regtest) { node in
                // The node has worked with the good peer before (it is in the tried table).
                node.network.connectOnce(goodAddress)
                #expect(await eventually(10) { await node.network.peerInfo().contains { $0.address == goodAddress && $0.ready } })
                // A peer announces 1,000 addresses where nothing listens (127.1.x.y, port 1: refused at once).
                let attacker = try RawPeer(port: node.port, magic: magic)
                try attacker.handshake()
                let now = UInt32(Date().timeIntervalSince1970)
                let junk = (0..<1_000).map { i in
                    TimestampedAddress(time: now, address: NetworkAddress(ipv4: [127, 1, UInt8(i / 256), UInt8(i % 256)],
                                                                          port: 1, services: 1))
                }
                try attacker.send(.addr(junk))
                try await Task.sleep(for: .milliseconds(2_500))
                // The good peer goes away; the node must find it again among the junk.
                #expect(await node.network.disconnectPeer(address: goodAddress, id: nil))
                let back = await eventually(20) {
                    await node.network.peerInfo().contains { $0.address == goodAddress && $0.ready && !$0.inbound }
                }
                let peers = await node.network.peerInfo()
                #expect(back, "peers: \(peers.map(\.address))")
                // Failed dials hold no slot: only the good peer (and the attacker, inbound) are connected.
                #expect(peers.allSatisfy { $0.ready })
            }
        }
    }
}
