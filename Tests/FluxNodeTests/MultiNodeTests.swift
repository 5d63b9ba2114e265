import FluxChain
import FluxConsensus
import FluxJSON
import FluxNode
import FluxP2P
import FluxPrimitives
import FluxRPC
import Foundation
import Testing

/// Several nodes on loopback: sync, reorganisation across a partition, and hostile peers.
@Suite(.serialized) struct MultiNodeTests {
    @Test func lateJoinerSyncsALongChainAcrossTheProofOfNodeSwitch() async throws {
        try await withTestNodes { nodes in
            let upgrades = ["-upgradeheight=acadia:20", "-upgradeheight=pon:150"]
            let miner = try await nodes.start(upgrades)
            _ = try miner.mineBlocks(200, to: burnScript)
            #expect(miner.chain.height == 200)
            let joiner = try await nodes.start(upgrades + ["-connect=127.0.0.1:\(miner.p2pPort)"])
            let synced = await eventually(60) { joiner.chain.tip.hash == miner.chain.tip.hash }
            #expect(synced, "joiner at \(joiner.chain.height), miner at \(miner.chain.height)")
            // The RPC answers agree.
            let a = try await rpcClient(miner).call("getbestblockhash")
            let b = try await rpcClient(joiner).call("getbestblockhash")
            #expect(a == b)
            // New blocks are relayed as they are mined.
            _ = try miner.mineBlocks(3, to: burnScript)
            #expect(await eventually(30) { joiner.chain.height == 203 })
        }
    }

    @Test func partitionedMinersReorganiseToTheHeavierChainWhenJoined() async throws {
        try await withTestNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            _ = try a.mineBlocks(5, to: burnScript)
            _ = try b.mineBlocks(9, to: burnScript)
            let forkTipA = a.chain.tip.hash
            #expect(a.chain.tip.hash != b.chain.tip.hash)
            a.network.connectOnce("127.0.0.1:\(b.p2pPort)")
            #expect(await eventually(30) { a.chain.tip.hash == b.chain.tip.hash })
            #expect(a.chain.height == 9)
            #expect(a.chain.entry(forkTipA).map { !a.chain.isActive($0) } == true)
            // Both keep going on the common chain: a block mined by `a` reaches `b`.
            _ = try a.mineBlocks(1, to: burnScript)
            #expect(await eventually(30) { b.chain.height == 10 && b.chain.tip.hash == a.chain.tip.hash })
        }
    }

    /// -whitelist: a misbehaving peer from a whitelisted address is disconnected, not banned, and may come back.
    @Test func whitelistedAddressesAreNeverBanned() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-whitelist=127.0.0.0/8"])
            let magic = node.params.messageStart
            let oversized = try RawPeer(port: node.p2pPort, magic: magic)
            oversized.sendRaw(magic + Array("block".utf8) + [UInt8](repeating: 0, count: 7) + [0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0])
            #expect(await oversized.waitForClose())
            #expect(!node.network.isBanned("127.0.0.1"))
            let friend = try await nodes.start(["-connect=127.0.0.1:\(node.p2pPort)"])
            #expect(await eventually(30) { await node.network.connectionCount() == 1 })
            _ = friend
        }
        // A value that is not an address is named at start-up.
        await #expect(throws: (any Error).self) {
            try await withTestNodes { nodes in _ = try await nodes.start(["-whitelist=local"]) }
        }
    }

    @Test func peersSendingGarbageAreDroppedUnbannedAndInvalidBlocksBannedWhileOthersKeepWorking() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let friend = try await nodes.start(["-connect=127.0.0.1:\(node.p2pPort)"])
            #expect(await eventually(30) { await node.network.connectionCount() == 1 })
            let magic = node.params.messageStart

            // Wrong magic: dropped at once, but (as fluxd) not banned: one glitch behind a NAT must not ban everyone.
            let garbage = try RawPeer(port: node.p2pPort, magic: magic)
            garbage.sendRaw(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8) + [UInt8](repeating: 0xff, count: 64))
            #expect(await garbage.waitForClose())
            #expect(!node.network.isBanned("127.0.0.1"))

            // Oversized length field: refused before the payload is buffered; not banned either.
            let oversized = try RawPeer(port: node.p2pPort, magic: magic)
            var header = magic + Array("block".utf8) + [UInt8](repeating: 0, count: 7)
            header += [0xff, 0xff, 0xff, 0x7f] + [0, 0, 0, 0]
            oversized.sendRaw(header)
            #expect(await oversized.waitForClose())
            #expect(!node.network.isBanned("127.0.0.1"))

            // An invalid block (bad merkle root) after a proper handshake: banned.
            // A block mined elsewhere on the same genesis, its coinbase then inflated: the header (and its Equihash
            // solution) is valid, the merkle root no longer matches.
            let forger = try await nodes.start()
            let good = try forger.mineBlocks(1, to: burnScript)[0]
            var bad = try #require(try forger.chain.block(good))
            await forger.stop()
            bad.transactions[0].outputs[0].value = bad.transactions[0].outputs[0].value + Amount(units: 1)
            let liar = try RawPeer(port: node.p2pPort, magic: magic)
            try liar.handshake()
            try liar.send(.block(bad))
            #expect(await liar.waitForClose())
            #expect(node.network.isBanned("127.0.0.1"))

            // The honest peer is still connected and still gets blocks.
            _ = try node.mineBlocks(2, to: burnScript)
            #expect(await eventually(30) { friend.chain.tip.hash == node.chain.tip.hash })
            #expect(node.chain.entry(at: 1)?.hash != bad.hash)
        }
    }
}

/// What the network keeps across restarts, and peers that never speak.
@Suite(.serialized) struct PeerHygieneTests {
    @Test func bansAndKnownAddressesSurviveARestart() async throws {
        try await withTestNodes { nodes in
            let dir = ChainBuilderDirectory.make()
            let other = try await nodes.start()
            let first = try await nodes.start(["-addnode=127.0.0.1:\(other.p2pPort)"], directory: dir)
            #expect(await eventually(30) { await first.network.connectionCount() == 1 })
            // A peer sending an invalid header gets 127.0.0.1 banned; our outbound connection is not affected.
            let garbage = try RawPeer(port: first.p2pPort, magic: first.params.messageStart)
            try garbage.handshake()
            let forged = BlockHeader(version: 4, previousBlockHash: first.params.genesisHash, merkleRoot: .zero,
                                     finalSaplingRoot: .zero, time: 1_700_000_000, bits: 0x200F_0F0F,
                                     proof: .work(nonce: .zero, solution: [UInt8](repeating: 5, count: 100)))
            try garbage.send(.headers([forged]))
            #expect(await garbage.waitForClose())
            #expect(first.network.isBanned("127.0.0.1"))
            await first.stop()

            // Restart without -addnode: the ban is still there and the address book brings the peer back.
            let node = try await nodes.start([], directory: dir)
            #expect(node.network.isBanned("127.0.0.1"))
            node.network.unban("127.0.0.1")
            #expect(await eventually(30) { await node.network.peerInfo().contains { $0.address == "127.0.0.1:\(other.p2pPort)" } })
        }
    }

    @Test func silentPeersAreDroppedAfterThePeerTimeout() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-peertimeout=1"])
            let silent = try RawPeer(port: node.p2pPort, magic: node.params.messageStart)
            let start = Date()
            #expect(await silent.waitForClose())
            #expect(Date().timeIntervalSince(start) < 8)
            #expect(!node.network.isBanned("127.0.0.1"))
        }
    }
}

/// `-maxconnections` as bitcoind splits it: eight outbound slots, the rest inbound.
@Suite struct ConnectionLimitTests {
    @Test func inboundConnectionsBeyondTheLimitAreRefused() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-maxconnections=9"])   // 8 outbound + 1 inbound
            let first = try await nodes.start(["-connect=127.0.0.1:\(node.p2pPort)"])
            #expect(await eventually(30) { (await first.network.peerInfo()).first?.version != 0 && node.network.connectionCountNow == 1 })
            let second = try RawPeer(port: node.p2pPort, magic: node.params.messageStart)
            #expect(await second.waitForClose())
            #expect(node.network.connectionCountNow == 1)
            #expect(!node.network.isBanned("127.0.0.1"))
        }
    }
}

/// Block download spread over several peers.
@Suite(.serialized) struct ParallelDownloadTests {
    @Test func aJoinerDownloadsBlocksFromEveryPeerThatHasThem() async throws {
        try await withTestNodes { nodes in
            let a = try await nodes.start()
            _ = try a.mineBlocks(300, to: burnScript)
            let b = try await nodes.start(["-connect=127.0.0.1:\(a.p2pPort)"])
            #expect(await eventually(60) { b.chain.tip.hash == a.chain.tip.hash })
            let aBefore = await a.network.receivedMessageCounts()["getdata"] ?? 0
            let joiner = try await nodes.start(["-connect=127.0.0.1:\(a.p2pPort)", "-connect=127.0.0.1:\(b.p2pPort)"])
            #expect(await eventually(60) { joiner.chain.tip.hash == a.chain.tip.hash })
            let fromA = (await a.network.receivedMessageCounts()["getdata"] ?? 0) - aBefore
            let fromB = await b.network.receivedMessageCounts()["getdata"] ?? 0
            #expect(fromA > 0 && fromB > 0, "getdata to a: \(fromA), to b: \(fromB)")
        }
    }
}

