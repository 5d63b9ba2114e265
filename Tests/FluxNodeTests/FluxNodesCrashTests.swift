import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxStorage
import Foundation
import Testing

/// The fluxnodes plugin's list through SIGKILLs: a real `fluxd` with the plugin imports a chain that starts,
/// confirms, pays and reorganises FluxNodes, is killed at random moments and restarted, and after every kill the
/// plugin's namespace is exactly the list the chain had at the block its cursor names.
@Suite(.serialized) struct FluxNodesCrashTests {
    /// The plugin's own entries (keys not starting with 0x00, which are the host's), key → value.
    typealias Snapshot = [[UInt8]: [UInt8]]
    static let namespace = "plugin.fluxnodes"

    static func snapshot(_ store: ChainStore) throws -> Snapshot {
        var entries = Snapshot()
        try store.pluginScan(namespace: namespace, prefix: []) { key, value in
            if key.first != 0 { entries[key] = value }
            return true
        }
        return entries
    }

    /// A chain built by a node running the plugin, block by block: the blocks in the order they were made
    /// (a main chain, then a heavier branch that drops its last blocks), the plugin's namespace after each,
    /// and the final tip.
    static func makeChain(benchmark: PrivateKey) async throws -> (blocks: [Block], snapshots: [Hash256: Snapshot], tip: Hash256) {
        var blocks: [Block] = []
        var snapshots: [Hash256: Snapshot] = [:]
        var tip = Hash256.zero
        try await withTestNodes { nodes in
            let op = PrivateKey.generate()
            let a = try await nodes.start(FluxNodesPluginTests.upgrades,
                                          directory: try FluxNodesPluginTests.dataFolder(operator: op, benchmark: benchmark))
            let rpc = rpcClient(a)
            snapshots[a.chain.tip.hash] = try snapshot(a.chain.store)
            let miner = try #require(try await rpc.call("getnewaddress").stringValue)
            func mine(_ count: Int) async throws {
                for _ in 0..<count {
                    let hashes = try #require(try await rpc.call("generatetoaddress", params: [1, .string(miner)]).arrayValue)
                    let hash = try #require(hashes.first?.stringValue.flatMap { Hash256(displayHex: $0) })
                    blocks.append(try #require(try a.chain.block(hash)))
                    snapshots[hash] = try snapshot(a.chain.store)
                }
            }
            func collateral() async throws -> (txid: String, index: Int) {
                let address = try #require(try await rpc.call("getnewaddress").stringValue)
                let txid = try #require(try await rpc.call("sendtoaddress", params: [.string(address), 1000]).stringValue)
                let raw = try await rpc.call("getrawtransaction", params: [.string(txid), 1])
                let index = try #require(raw["vout"]?.arrayValue?.firstIndex { $0["valueZat"]?.intValue == 100_000_000_000 })
                return (txid, index)
            }
            try await mine(108)
            let first = try await collateral()
            let second = try await collateral()
            try await mine(100)
            // This node's START and CONFIRM; a second START for another operator key that never confirms.
            _ = try await rpc.call("fluxnodes.startdeterministicfluxnode", params: [.string(first.txid), .int(first.index)])
            try await mine(1)
            _ = try await rpc.call("fluxnodes.sendconfirmation")
            try await mine(1)
            #expect(try await rpc.call("fluxnodes.getfluxnodestatus")["status"] == "CONFIRMED")
            let other = Hex.encode(PrivateKey.generate().publicKey().bytes)
            _ = try await rpc.call("fluxnodes.startdeterministicfluxnode",
                                   params: [.string(second.txid), .int(second.index), .string(other)])
            try await mine(20)
            #expect(try await rpc.call("fluxnodes.getstartlist").arrayValue?.count == 1)
            // A heavier branch from 20 blocks down: the second START's block leaves the chain, and the START
            // (back in the mempool) is mined again on the branch.
            let fork = try #require(a.chain.entry(at: a.chain.height - 19)?.hash)
            _ = try await rpc.call("invalidateblock", params: [.string(fork.description)])
            try await mine(25)
            tip = a.chain.tip.hash
            #expect(try await rpc.call("fluxnodes.getfluxnodecount")["cumulus-enabled"] == .int(1))
        }
        return (blocks, snapshots, tip)
    }

    @Test func theListSurvivesRepeatedKillsDuringImport() async throws {
        let benchmark = PrivateKey.generate()
        let (blocks, snapshots, finalTip) = try await Self.makeChain(benchmark: benchmark)
        #expect(blocks.count == 255)
        #expect(snapshots[finalTip]?.isEmpty == false)

        let root = URL(fileURLWithPath: ChainBuilder.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: root) }
        let dataDir = root.appendingPathComponent("node")
        let rounds = 10
        var files: [String] = []
        for i in 0..<rounds {
            let slice = blocks[(blocks.count * i / rounds)..<(blocks.count * (i + 1) / rounds)]
            let url = root.appendingPathComponent("blocks-\(i).dat")
            try BlockFile.write(slice, to: url)
            files.append(url.path)
        }
        let plugins = root.appendingPathComponent("plugins.toml")
        try """
            [plugins.fluxnodes]
            path = "\(toolURL("libFluxPluginFluxNodes.so").path)"
            required = true
            [plugins.fluxnodes.config]
            benchmark_public_key = "\(Hex.encode(benchmark.publicKey().bytes))"

            """.write(to: plugins, atomically: true, encoding: .utf8)
        let killer = try ImportKiller(fluxd: toolURL("fluxd"),
                                      arguments: ["-regtest", "-plugins=\(plugins.path)"] + FluxNodesPluginTests.upgrades,
                                      files: files, log: root.appendingPathComponent("fluxd.log"),
                                      calibrationFolder: root.appendingPathComponent("calibration"))

        /// The plugin's namespace equals the chain's list at its cursor, and the cursor is on the committed chain.
        /// Returns the cursor's height (nil when the plugin has seen no block yet).
        func check() throws -> Int? {
            let path = dataDir.appendingPathComponent("regtest/chain").path
            let store = try ChainStore(database: try Database(path: path))
            defer { store.close() }
            let entries = try Self.snapshot(store)
            guard let cursor = try StoredPluginCursor.read(store, namespace: Self.namespace) else {
                #expect(entries.isEmpty || entries == snapshots[ChainParameters.regtest.genesisHash],
                        "plugin entries without a cursor")
                return nil
            }
            let expected = try #require(snapshots[cursor.hash], "the plugin's cursor names a block the chain never had")
            #expect(entries == expected, "after a kill the list at height \(cursor.height) differs from the chain's")
            #expect(try cursor.isOnCommittedChain(store), "the plugin's cursor \(cursor) is ahead of the tip or off its chain")
            return cursor.height
        }

        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var heights: [Int] = []
        var tipHeights: [Int] = []
        for round in 0..<rounds {
            if try killer.killRound(round, dataDir: dataDir, using: &generator) { kills += 1 }
            guard FileManager.default.fileExists(atPath: dataDir.appendingPathComponent("regtest/chain/CURRENT").path) else {
                heights.append(-1)
                tipHeights.append(-1)
                continue
            }
            let tipHeight = try { () throws -> Int in
                let store = try ChainStore(database: try Database(path: dataDir.appendingPathComponent("regtest/chain").path))
                defer { store.close() }
                return try store.tip().flatMap { try store.indexRecord($0)?.height } ?? 0
            }()
            heights.append(try check() ?? 0)
            tipHeights.append(tipHeight)
        }
        let process = try killer.launch(rounds, dataDir: dataDir)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let finalHeight = try check()
        let store = try ChainStore(database: try Database(path: dataDir.appendingPathComponent("regtest/chain").path))
        #expect(try store.tip() == finalTip)
        #expect(try Self.snapshot(store) == snapshots[finalTip])
        store.close()
        print("fluxnodes crash-safety: survived \(kills) SIGKILLs during import (plugin and chain heights after each kill: \(zip(heights, tipHeights).map { "\($0)/\($1)" })); final height \(finalHeight ?? -1); file import times \(killer.fileSeconds.map { String(format: "%.3f", $0) })")
        #expect(kills >= rounds / 2, "too few kills landed during the import: \(kills)")
        #expect(heights.filter { $0 > 0 }.count >= rounds / 2, "the kills landed before any block was imported: \(heights)")
    }
}
