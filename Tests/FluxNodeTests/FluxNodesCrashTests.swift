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
            var bytes: [UInt8] = []
            for block in slice {
                let raw = block.serialized
                bytes += ChainParameters.regtest.messageStart
                withUnsafeBytes(of: UInt32(raw.count).littleEndian) { bytes += $0 }
                bytes += raw
            }
            let url = root.appendingPathComponent("blocks-\(i).dat")
            try Data(bytes).write(to: url)
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
        let logURL = root.appendingPathComponent("fluxd.log")
        func launch(_ count: Int, dataDir: URL = dataDir) throws -> Process {
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
            let process = Process()
            process.executableURL = toolURL("fluxd")
            process.arguments = ["-regtest", "-datadir=\(dataDir.path)", "-plugins=\(plugins.path)"]
                + FluxNodesPluginTests.upgrades + files.prefix(count).map { "-loadblock=\($0)" }
            process.standardOutput = try FileHandle(forWritingTo: logURL)
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        /// Waits until fluxd's log holds `marker` (or fluxd has exited); true when the marker was seen.
        func waitForLog(_ marker: String, process: Process) -> Bool {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                if let text = try? String(contentsOf: logURL, encoding: .utf8), text.contains(marker) { return true }
                if !process.isRunning { return false }
                usleep(1_000)
            }
            return false
        }

        // Calibrate: an uninterrupted import into a scratch folder says how long each file takes on this
        // machine, so that each round's kill can land inside the file that round adds.
        let calibration = try launch(rounds, dataDir: root.appendingPathComponent("calibration"))
        calibration.waitUntilExit()
        #expect(calibration.terminationStatus == 0)
        let calibrationLog = try String(contentsOf: logURL, encoding: .utf8)
        let fileSeconds = files.map { file -> Double in
            guard let line = calibrationLog.split(separator: "\n").first(where: { $0.contains("from \(file) in ") }),
                  let range = line.range(of: "from \(file) in "),
                  let seconds = Double(line[range.upperBound...].prefix { $0 != " " }) else { return 0.05 }
            return max(seconds, 0.005)
        }

        /// The plugin's namespace equals the chain's list at its cursor, and the cursor is on the committed chain.
        /// Returns the cursor's height (nil when the plugin has seen no block yet).
        func check() throws -> Int? {
            let path = dataDir.appendingPathComponent("regtest/chain").path
            let store = try ChainStore(database: try Database(path: path))
            defer { store.close() }
            let entries = try Self.snapshot(store)
            guard let cursor = try store.pluginValue(namespace: Self.namespace, key: [0] + Array("cursor".utf8)) else {
                #expect(entries.isEmpty || entries == snapshots[ChainParameters.regtest.genesisHash],
                        "plugin entries without a cursor")
                return nil
            }
            #expect(cursor.count == 40)
            let height = cursor[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
            let hash = Hash256(Array(cursor[8..<40]))
            let expected = try #require(snapshots[hash], "the plugin's cursor names a block the chain never had")
            #expect(entries == expected, "after a kill the list at height \(height) differs from the chain's")
            // Never ahead of the committed tip, and on its chain.
            let tip = try #require(try store.tip())
            var walk = tip
            var walkHeight = try #require(try store.indexRecord(tip)?.height)
            #expect(height <= walkHeight, "plugin at \(height) is ahead of the committed tip \(walkHeight)")
            while walkHeight > height, let record = try store.indexRecord(walk) {
                walk = record.header.previousBlockHash
                walkHeight -= 1
            }
            #expect(walk == hash, "the plugin's cursor is not on the committed chain")
            return height
        }

        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var heights: [Int] = []
        var tipHeights: [Int] = []
        for round in 0..<rounds {
            let process = try launch(round + 1)
            // The file this round adds starts once the previous one is done (round 0: once the chain is open).
            _ = waitForLog(round == 0 ? "chain tip " : "from \(files[round - 1]) in ", process: process)
            usleep(UInt32(fileSeconds[round] * Double.random(in: 0.05...0.95, using: &generator) * 1_000_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            guard FileManager.default.fileExists(atPath: dataDir.appendingPathComponent("regtest/chain/CURRENT").path) else {
                heights.append(-1)
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
        let process = try launch(rounds)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let finalHeight = try check()
        let store = try ChainStore(database: try Database(path: dataDir.appendingPathComponent("regtest/chain").path))
        #expect(try store.tip() == finalTip)
        #expect(try Self.snapshot(store) == snapshots[finalTip])
        store.close()
        print("fluxnodes crash-safety: survived \(kills) SIGKILLs during import (plugin and chain heights after each kill: \(zip(heights, tipHeights).map { "\($0)/\($1)" })); final height \(finalHeight ?? -1); file import times \(fileSeconds.map { String(format: "%.3f", $0) })")
        #expect(kills >= rounds / 2, "too few kills landed during the import: \(kills)")
    }
}
