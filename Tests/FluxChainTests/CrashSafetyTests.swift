import Foundation
import Testing
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxStorage

/// Kills a real `fluxd` with SIGKILL at random moments while it imports a long chain with reorganisations,
/// restarts it, and checks after every kill that the store is consistent.
@Suite(.serialized) struct CrashSafetyTests {
    static var fluxd: URL {
        var dir = Bundle.main.bundleURL
        if dir.pathExtension != "xctest" { dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }
        for c in [dir.deletingLastPathComponent(), dir] {
            let url = c.appendingPathComponent("fluxd")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return dir.deletingLastPathComponent().appendingPathComponent("fluxd")
    }

    /// Blocks of a main chain, then a heavier branch forking 25 blocks below its tip, in file order, with
    /// transactions spending matured coinbases so undo data matters.
    static func makeChain() -> (blocks: [Block], finalTip: Hash256) {
        var builder = ChainBuilder()
        var blocks: [Block] = []
        var tip = ChainParameters.regtest.genesisHash
        var height = 0
        var mainChain: [Block] = []
        for _ in 0..<400 {
            var txs: [Transaction] = []
            var fees = Amount.zero
            if height >= 101 {
                let source = mainChain[height - 101].transactions[0]
                let value = source.outputs[0].value
                let fee = Amount(units: 1_000)
                txs.append(builder.spend([(OutPoint(hash: source.txid, index: 0), value)],
                                         to: [TxOut(value: value - fee, scriptPubKey: builder.minerScript)],
                                         height: height + 1))
                fees = fee
            }
            let b = builder.block(on: tip, transactions: txs, fees: fees)
            mainChain.append(b)
            blocks.append(b)
            tip = b.hash
            height += 1
        }
        let branch = builder.chain(on: mainChain[374].hash, count: 40)
        blocks += branch
        return (blocks, branch.last!.hash)
    }

    /// Opens the chain left by a killed process and checks it against a rebuild from its own stored blocks.
    /// With `indexes`, the optional indexes must also equal the rebuilt ones (timestamp records of blocks off the
    /// active chain aside: fluxd keeps those when a block is disconnected).
    static func checkConsistency(dataDir: URL, indexes: ChainIndexes = []) throws -> (tip: Hash256, height: Int) {
        let chainPath = dataDir.appendingPathComponent("regtest/chain")
        let copy = dataDir.deletingLastPathComponent().appendingPathComponent("copy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        var options = ChainOptions()
        options.indexes = indexes
        let observed: (Hash256, Int, Hash256, Int)
        var observedIndexes: [[UInt8]] = []
        do {
            let chain = try ChainState(params: .regtest, path: chainPath.path, options: options)
            observedIndexes = try ChainIndexTests.activeRecords(chain)
            let digest = try chain.utxoSetDigest()
            for entry in chain.allEntries where entry.status.contains(.haveData) {
                #expect(try chain.block(entry.hash) != nil, "block \(entry.hash) is indexed as stored but missing")
            }
            observed = (chain.tip.hash, chain.height, digest.hash, digest.count)
        }
        try FileManager.default.copyItem(at: chainPath, to: copy)
        let rebuilt = try ChainState(params: .regtest, path: copy.path, options: options)
        try rebuilt.reindex()
        let digest = try rebuilt.utxoSetDigest()
        if !indexes.isEmpty {
            #expect(!observedIndexes.isEmpty || rebuilt.height == 0)
            #expect(try ChainIndexTests.activeRecords(rebuilt) == observedIndexes,
                    "indexes after a kill differ from the ones rebuilt from stored blocks")
        }
        #expect(rebuilt.tip.hash == observed.0)
        #expect(digest.hash == observed.2, "UTXO set after a kill differs from the one rebuilt from stored blocks")
        #expect(digest.count == observed.3)
        return (observed.0, observed.1)
    }

    @Test func survivesRepeatedKillsDuringImport() throws {
        try runKills(withPlugin: false)
    }

    /// The same kills with every optional index on: they stay equal to a rebuild from the stored blocks.
    @Test func indexesSurviveRepeatedKillsDuringImport() throws {
        try runKills(withPlugin: false, indexes: [.transactions, .addresses, .spent, .timestamps])
    }

    /// The same with the stateful example plugin `chainstats` loaded: its key-value records commit in the block's
    /// batch, so after every kill its totals and cursor match the chain exactly.
    @Test func pluginStateSurvivesRepeatedKills() throws {
        try runKills(withPlugin: true)
    }

    /// Checks chainstats' records in the raw store (opening a `ChainState` would connect stored blocks first).
    /// After a kill the plugin may be behind the committed tip (a restarted node connects stored blocks before
    /// its plugins load, and catches them up afterwards), but never ahead and never off the chain: its cursor is a
    /// block of the committed active chain and its totals describe exactly the blocks up to it. `exact` (after a
    /// run to completion) requires the cursor to be the tip.
    static func checkPluginState(dataDir: URL, exact: Bool) throws {
        let path = dataDir.appendingPathComponent("regtest/chain").path
        guard FileManager.default.fileExists(atPath: path + "/CURRENT") else {
            #expect(!exact, "no database after a complete run")
            return   // killed before the database was created
        }
        let store = try ChainStore(database: try Database(path: path))
        defer { store.close() }
        func le(_ b: [UInt8], _ offset: Int) -> Int { b[offset..<offset + 8].reversed().reduce(0) { $0 << 8 | Int($1) } }
        let stored = try store.pluginValue(namespace: "plugin.chainstats", key: Array("totals".utf8))
        let cursor = try StoredPluginCursor.read(store, namespace: "plugin.chainstats")
        guard let tip = try store.tip(), let tipHeight = try store.indexRecord(tip)?.height, tipHeight > 0 else {
            #expect(stored == nil || le(stored!, 0) == 0, "plugin records exist for a chain with no committed block")
            return
        }
        guard let cursor, let totals = stored else {
            #expect(!exact, "the plugin has no records after a complete run")
            return
        }
        #expect(totals.count == 32)
        #expect(le(totals, 0) == cursor.height, "plugin counted \(le(totals, 0)) blocks, its cursor is at \(cursor.height)")
        #expect(le(totals, 24) == cursor.height)
        #expect(try cursor.isOnCommittedChain(store), "the plugin's cursor \(cursor) is ahead of the tip \(tipHeight) or off its chain")
        if exact { #expect(cursor.height == tipHeight) }
    }

    func runKills(withPlugin: Bool, indexes: ChainIndexes = []) throws {
        let root = URL(fileURLWithPath: ChainBuilder.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: root) }
        let dataDir = root.appendingPathComponent("node")
        let (blocks, finalTip) = Self.makeChain()
        // The chain in 12 files; round i imports files 0...i, so every round has new blocks to connect
        // (including the reorganisation in the last files) when the kill lands.
        let rounds = 12
        var files: [String] = []
        for i in 0..<rounds {
            let slice = Array(blocks[(blocks.count * i / rounds)..<(blocks.count * (i + 1) / rounds)])
            let url = root.appendingPathComponent("blocks-\(i).dat")
            try BlockFile.write(slice, to: url)
            files.append(url.path)
        }
        let plugins = root.appendingPathComponent("plugins.toml")
        let library = Self.fluxd.deletingLastPathComponent().appendingPathComponent("libFluxPluginChainStats.so").path
        try (withPlugin ? "[plugins.chainstats]\npath = \"\(library)\"\nrequired = true\n" : "")
            .write(to: plugins, atomically: true, encoding: .utf8)
        let indexArguments = indexes.isEmpty ? [] : ["-txindex=1", "-insightexplorer=1", "-experimentalfeatures=1"]
        let killer = try ImportKiller(fluxd: Self.fluxd, arguments: ["-regtest", "-plugins=\(plugins.path)"] + indexArguments, files: files,
                                      log: root.appendingPathComponent("fluxd.log"),
                                      calibrationFolder: root.appendingPathComponent("calibration"))
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var heights: [Int] = []
        for round in 0..<rounds {
            if try killer.killRound(round, dataDir: dataDir, using: &generator) { kills += 1 }
            // A kill before fluxd created its database leaves nothing to check.
            let current = dataDir.appendingPathComponent("regtest/chain/CURRENT").path
            guard FileManager.default.fileExists(atPath: current) else {
                heights.append(-1)
                continue
            }
            if withPlugin { try Self.checkPluginState(dataDir: dataDir, exact: false) }
            heights.append(try Self.checkConsistency(dataDir: dataDir, indexes: indexes).height)
        }
        // A last run to completion ends on the heavier branch with nothing lost.
        let process = try killer.launch(rounds, dataDir: dataDir)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let final = try Self.checkConsistency(dataDir: dataDir, indexes: indexes)
        #expect(final.tip == finalTip)
        if withPlugin { try Self.checkPluginState(dataDir: dataDir, exact: true) }
        print("crash-safety\(withPlugin ? " (with plugin chainstats)" : ""): survived \(kills) SIGKILLs during import (heights after each restart: \(heights)); final tip at height \(final.height); file import times \(killer.fileSeconds.map { String(format: "%.3f", $0) })")
        #expect(kills >= rounds / 2, "too few kills landed during the import: \(kills)")
        #expect(heights.filter { $0 > 0 }.count >= rounds / 2, "the kills landed before any block was imported: \(heights)")
    }
}
