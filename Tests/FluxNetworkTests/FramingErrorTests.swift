import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxNetwork
import FluxP2P
import FluxPrimitives
import Foundation
import Testing

/// Framing errors follow fluxd: a bad magic or an oversized length disconnects, a bad checksum or command skips
/// the frame; none of them bans the address (one glitch behind a NAT must not ban everyone behind it).
@Suite(.serialized) struct FramingErrorTests {
    var magic: [UInt8] { ChainParameters.regtest.messageStart }

    /// magic ‖ command ‖ length ‖ checksum ‖ payload, with the fields given.
    func frame(magic: [UInt8], command: [UInt8], length: UInt32, checksum: [UInt8], payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.writeBytes(magic)
        w.writeBytes(command + [UInt8](repeating: 0, count: 12 - command.count))
        w.writeLE(length)
        w.writeBytes(checksum)
        w.writeBytes(payload)
        return w.bytes
    }

    /// A peer on `node` that completed the handshake (it has seen the node's verack).
    func readyPeer(_ node: LoopbackNode) async throws -> RawPeer {
        let peer = try RawPeer(port: node.port, magic: magic)
        try peer.handshake()
        let verack = await peer.receive { if case .verack = $0 { true } else { nil } }
        try #require(verack == true, "no verack")
        return peer
    }

    @Test func aBadMagicOrAnOversizedFrameDisconnectsWithoutABan() async throws {
        try await LoopbackNode.with(params: .regtest) { node in
            let wrongNetwork = try await readyPeer(node)
            wrongNetwork.sendRaw(frame(magic: [0xF9, 0xBE, 0xB4, 0xD9], command: Array("ping".utf8), length: 8,
                                       checksum: [0, 0, 0, 0], payload: [UInt8](repeating: 1, count: 8)))
            #expect(await wrongNetwork.waitForClose())
            let oversized = try await readyPeer(node)
            oversized.sendRaw(frame(magic: magic, command: Array("block".utf8), length: 64 << 20, checksum: [0, 0, 0, 0],
                                    payload: []))
            #expect(await oversized.waitForClose())
            #expect(!node.network.isBanned("127.0.0.1"))
            #expect(node.network.banned.isEmpty)
            // The address may connect again at once.
            let again = try await readyPeer(node)
            try again.send(.ping(nonce: 3))
            #expect(await again.receive { if case .pong(3) = $0 { true } else { nil } } == true)
        }
    }

    @Test func framesWithABadChecksumOrCommandAreSkippedAndTheConnectionGoesOn() async throws {
        try await LoopbackNode.with(params: .regtest) { node in
            let peer = try await readyPeer(node)
            let nonce: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0]
            peer.sendRaw(frame(magic: magic, command: Array("ping".utf8), length: 8, checksum: [0, 0, 0, 0], payload: nonce))
            peer.sendRaw(frame(magic: magic, command: Array("pi".utf8) + [0x01] + Array("g".utf8), length: 8,
                               checksum: P2PFrame.checksum(nonce), payload: nonce))
            try peer.send(.ping(nonce: 2))
            let messages = try #require(await peer.messages { if case .pong(2) = $0 { true } else { false } })
            #expect(!messages.contains(.pong(nonce: 1)), "a skipped ping was answered")
            #expect(await node.network.peerInfo().first?.banScore == 0)
            #expect(!node.network.isBanned("127.0.0.1"))
        }
    }
}
