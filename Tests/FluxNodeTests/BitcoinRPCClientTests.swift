import FluxChainFixtures
import FluxNode
import FluxPrimitives
import FluxRPC
import Foundation
import Testing

/// python-bitcoinrpc 1.0 from PyPI (Tests/Python/bitcoinrpc_client.py), unchanged, against a node configured by a
/// FluxOS-style flux.conf: user and password authentication, chain, wallet and raw-transaction calls, a batch,
/// errors as `JSONRPCException` with bitcoind's codes, and amounts as `Decimal`.
@Suite(.serialized) struct BitcoinRPCClientTests {
    @Test func pythonBitcoinRPCWorksAgainstTheNodeUnchanged() async throws {
        let dir = ChainBuilder.temporaryDirectory()
        let unusedPeers = try (0..<2).map { _ in try freeLoopbackPort() }
        // A stock FluxNode's flux.conf keys (those of this part of the node), with loopback addresses.
        try """
        rpcuser=fluxos
        rpcpassword=s3cret-Pa55
        rpcallowip=127.0.0.1
        rpcallowip=172.18.0.0/255.255.0.0
        rpcbind=127.0.0.1
        server=1
        daemon=0
        logtimestamps=1
        experimentalfeatures=1
        listen=1
        bind=127.0.0.1
        maxconnections=256
        addnode=127.0.0.1:\(unusedPeers[0])
        addnode=127.0.0.1:\(unusedPeers[1])
        """.write(toFile: dir + "/flux.conf", atomically: true, encoding: .utf8)
        try await withTestNodes { nodes in
            let node = try await nodes.start(directory: dir)
            #expect(node.configuration.networkConfiguration.addNodes.count == 2)
            #expect(node.configuration.networkConfiguration.maxConnections == 256)
            let script = try PythonScript("bitcoinrpc_client.py", ["http://fluxos:s3cret-Pa55@127.0.0.1:\(node.rpcPorts[0])"])
            let status = await script.waitForExit(seconds: 120)
            #expect(status == 0, "\(script.standardError)")
            let result = try #require(script.objects.first, "no output: \(script.standardError)")
            let hashes = try #require(result["hashes"] as? [String])
            #expect(hashes.count == 101)
            let mined = try #require(result["mined"] as? String)
            #expect(node.chain.tip.hash.description == mined)
            let txid = try #require(result["txid"] as? String)
            let minedHash = try #require(Hash256(displayHex: mined))
            let block = try #require(try node.chain.block(minedHash))
            #expect(block.transactions.map(\.txid.description).contains(txid))
            let errors = try #require(result["errors"] as? [[String: Any]])
            #expect(errors.compactMap { $0["code"] as? Int } == [-5, -32601, -5, -8])
        }
    }
}
