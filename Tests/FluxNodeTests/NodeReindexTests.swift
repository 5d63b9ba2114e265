import FluxChain
import FluxChainFixtures
import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxStorage
import FluxTestSupport
import Foundation
import Testing

/// `-reindex` with stateful plugins: every plugin namespace is rebuilt from scratch (not replayed on top of what it
/// held), the node ends on the same tip with byte-identical plugin state and UTXO set, a refused block stops it with
/// an error naming the block, and a reindex killed half-way resumes at the next start.
@Suite(.serialized) struct NodeReindexTests {
    /// Every plugin namespace of a store, key → value (the host's cursor and undo records included).
    typealias Namespaces = [String: [[UInt8]: [UInt8]]]

    /// What a reindex must reproduce exactly.
    struct ChainSnapshot: Equatable, Sendable {
        var tip: Hash256
        var height: Int
        var utxo: Hash256
        var namespaces: Namespaces
    }

    static func namespaces(_ store: ChainStore) throws -> Namespaces {
        var all = Namespaces()
        for namespace in try store.pluginNamespaces() {
            var entries: [[UInt8]: [UInt8]] = [:]
            try store.pluginScan(namespace: namespace, prefix: []) { key, value in
                entries[key] = value
                return true
            }
            all[namespace] = entries
        }
        return all
    }

    static func snapshot(_ node: Node) throws -> ChainSnapshot {
        ChainSnapshot(tip: node.chain.tip.hash, height: node.chain.height, utxo: try node.chain.utxoSetDigest().hash,
                      namespaces: try namespaces(node.chain.store))
    }

    /// A readable account of how two snapshots differ (nil when equal).
    static func difference(_ a: ChainSnapshot, _ b: ChainSnapshot) -> String? {
        var lines: [String] = []
        if a.tip != b.tip || a.height != b.height { lines.append("tip \(a.height) \(a.tip) vs \(b.height) \(b.tip)") }
        if a.utxo != b.utxo { lines.append("UTXO digest \(a.utxo) vs \(b.utxo)") }
        for name in Set(a.namespaces.keys).union(b.namespaces.keys).sorted() {
            let x = a.namespaces[name] ?? [:], y = b.namespaces[name] ?? [:]
            guard x != y else { continue }
            let differing = Set(x.keys).union(y.keys).filter { x[$0] != y[$0] }
            lines.append("\(name): \(x.count) vs \(y.count) keys, \(differing.count) differ")
        }
        return lines.isEmpty ? nil : lines.joined(separator: "; ")
    }

    /// A copy of `folder` in a new scratch folder.
    static func copy(_ folder: String) throws -> String {
        let target = ChainBuilderDirectory.make() + "/node"
        try FileManager.default.copyItem(atPath: folder, toPath: target)
        return target
    }

    // MARK: chainstats and addressindex

    @Test func chainstatsAndAddressIndexAreRebuiltFromScratchNotDoubled() async throws {
        try await withTestNodes { nodes in
            let dir = try NodePluginTests.dataFolder()
            let a = try await nodes.start(directory: dir)
            let rpc = rpcClient(a)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            _ = try await rpc.call("generatetoaddress", params: [5, .string(address)])
            let balance = try await rpc.call("addressindex.getaddressbalance", params: [.string(address)])
            #expect(try await rpc.call("chainstats.summary")["blocks"] == 5)
            #expect(balance["outputs"] == 5)
            let before = try Self.snapshot(a)
            #expect(before.namespaces.keys.filter { $0.hasPrefix("plugin.") }.sorted() == ["plugin.addressindex", "plugin.chainstats"])
            await a.stop()
            for round in 1...2 {
                let node = try await nodes.start(["-reindex"], directory: dir)
                let after = try Self.snapshot(node)
                #expect(Self.difference(before, after) == nil, "reindex \(round): \(Self.difference(before, after) ?? "")")
                #expect(!node.isReindexing)
                let rpc = rpcClient(node)
                #expect(try await rpc.call("chainstats.summary")["blocks"] == 5, "reindex \(round)")
                #expect(try await rpc.call("addressindex.getaddressbalance", params: [.string(address)]) == balance, "reindex \(round)")
                await node.stop()
            }
        }
    }

    // MARK: FluxNodes of all tiers and Proof of Node

    static let ponHeight = 220
    static let upgrades = ["-upgradeheight=kamata:1", "-upgradeheight=pon:\(ponHeight)", "-whitelist=127.0.0.1"]

    /// A data folder whose chain has FluxNodes of every tier and Proof-of-Node blocks, and its state.
    struct FluxNodesChain: Sendable {
        var folder: String
        var state: ChainSnapshot
        var firstProofOfNodeBlock: Hash256
    }

    /// Built once for the suite: one node (the Cumulus node's operator, with fluxnodes, chainstats and addressindex)
    /// funds collaterals of every tier from the premine and STARTs them (a Cumulus, a Nimbus and a Stratus node that
    /// confirm, and a second Cumulus START that never does), pays them, then produces Proof-of-Node blocks.
    static let fluxNodesChain = Task<FluxNodesChain, any Error> { try await makeFluxNodesChain() }

    static func makeFluxNodesChain() async throws -> FluxNodesChain {
        try await withTestNodes { nodes in
            let bench = PrivateKey.generate()
            let opA = PrivateKey.generate(), opB = PrivateKey.generate(), opC = PrivateKey.generate(), opD = PrivateKey.generate()
            let dir = try FluxNodesPluginTests.dataFolder(operator: opA, benchmark: bench)
            let toml = dir + "/regtest/plugins.toml"
            let extra = "[plugins.chainstats]\npath = \"\(toolURL("libFluxPluginChainStats.so").path)\"\n"
                + "[plugins.addressindex]\npath = \"\(toolURL("libFluxPluginAddressIndex.so").path)\"\n"
                + "[plugins.addressindex.config]\nnetwork = \"regtest\"\n"
            try (try String(contentsOfFile: toml, encoding: .utf8) + extra).write(toFile: toml, atomically: true, encoding: .utf8)
            let a = try await nodes.start(upgrades, directory: dir)
            let rpc = rpcClient(a)
            let miner = try #require(try await rpc.call("getnewaddress").stringValue)
            func mine(_ count: Int) async throws {
                _ = try await rpc.call("generatetoaddress", params: [.int(count), .string(miner)])
            }
            try await mine(108)
            // One transaction from the premine coin pays the four collaterals (the wallet would spend one
            // collateral to fund the next).
            let unspent = try #require(try await rpc.call("listunspent").arrayValue)
            let premine = try #require(unspent.first { $0["amount"] == .number("13020000.00000000") })
            let premineOutpoint = OutPoint(hash: try #require(premine["txid"]?.stringValue.flatMap { Hash256(displayHex: $0) }),
                                           index: UInt32(try #require(premine["vout"]?.intValue)))
            let prefixes = FluxNodesPluginTests.regtestWIF
            let amounts: [Int64] = [1_000, 12_500, 40_000, 1_000]
            var outputs: [TxOut] = []
            for amount in amounts {
                let address = try #require(try await rpc.call("getnewaddress").stringValue)
                outputs.append(TxOut(value: .coins(amount), scriptPubKey: try #require(Address(address, prefixes: prefixes)).script))
            }
            let change = Amount(units: Amount.coins(13_020_000).units - Amount.coins(amounts.reduce(0, +)).units - 10_000)
            outputs.append(TxOut(value: change, scriptPubKey: try #require(Address(miner, prefixes: prefixes)).script))
            let funding = Transaction(inputs: [TxIn(prevout: premineOutpoint, scriptSig: Script([]))], outputs: outputs)
            let signed = try await rpc.call("signrawtransaction", params: [.string(Hex.encode(funding.serialized))])
            let signedHex = try #require(signed["hex"])
            let fundingTxid = try #require(try await rpc.call("sendrawtransaction", params: [signedHex]).stringValue)
            let fundingHash = try #require(Hash256(displayHex: fundingTxid))
            let collaterals = (0..<amounts.count).map { OutPoint(hash: fundingHash, index: UInt32($0)) }
            try await mine(1)
            try await mine(100)
            for (collateral, op) in zip(collaterals, [opA, opB, opC, opD]) {
                let reply = try await rpc.call("fluxnodes.startdeterministicfluxnode",
                                               params: [.string(collateral.hash.description), .int(collateral.index),
                                                        .string(Hex.encode(op.publicKey().bytes))])
                #expect(reply["result"] == "successful")
            }
            try await mine(1)
            _ = try await rpc.call("fluxnodes.sendconfirmation")
            for (collateral, op, tier) in [(collaterals[1], opB, Int8(2)), (collaterals[2], opC, Int8(3))] {
                let confirm = FluxNodesNetworkTests.confirm(collateral, operator: op, benchmark: bench, tier: tier, updateType: 0)
                _ = try await rpc.call("sendrawtransaction", params: [.string(Hex.encode(confirm.serialized))])
            }
            try await mine(1)
            let counts = try await rpc.call("fluxnodes.getfluxnodecount")
            #expect(counts["cumulus-enabled"] == 1 && counts["nimbus-enabled"] == 1 && counts["stratus-enabled"] == 1, "\(counts)")
            #expect(a.chain.height < ponHeight - 1)
            try await mine(ponHeight - 1 - a.chain.height)
            try await mine(3)
            #expect(a.chain.height == ponHeight + 2)
            let first = try #require(a.chain.entry(at: ponHeight))
            guard case .node = first.header.proof else { throw NodeTestError("block \(ponHeight) is not a PoN block") }
            let state = try snapshot(a)
            await a.stop()
            return FluxNodesChain(folder: dir, state: state, firstProofOfNodeBlock: first.hash)
        }
    }

    @Test func aFluxNodesChainWithProofOfNodeBlocksIsReindexedToTheSameTipAndState() async throws {
        let fixture = try await Self.fluxNodesChain.value
        #expect(fixture.state.namespaces.keys.filter { $0.hasPrefix("plugin.") }.sorted()
                == ["plugin.addressindex", "plugin.chainstats", "plugin.fluxnodes"])
        let dir = try Self.copy(fixture.folder)
        try await withTestNodes { nodes in
            for round in 1...2 {
                let node = try await nodes.start(Self.upgrades + ["-reindex"], directory: dir)
                let after = try Self.snapshot(node)
                #expect(Self.difference(fixture.state, after) == nil, "reindex \(round): \(Self.difference(fixture.state, after) ?? "")")
                let counts = try await rpcClient(node).call("fluxnodes.getfluxnodecount")
                #expect(counts["cumulus-enabled"] == 1 && counts["nimbus-enabled"] == 1 && counts["stratus-enabled"] == 1)
                await node.stop()
            }
        }
    }

    // MARK: fluxd: a refused block, and SIGKILL in the middle

    /// Runs fluxd on `dir` with `arguments`, standard output to `log`; the process is running when this returns.
    static func launchFluxd(_ dir: String, _ arguments: [String], log: URL, errors: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = toolURL("fluxd")
        process.arguments = ["-regtest", "-datadir=\(dir)", "-port=0", "-rpcport=0", "-listen=0"] + upgrades + arguments
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        return process
    }

    /// Waits until `file` contains `text` or `process` exits (at most `seconds`); returns whether the text appeared.
    static func waitFor(_ text: String, in file: URL, while process: Process, seconds: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let content = try? String(contentsOf: file, encoding: .utf8), content.contains(text) { return true }
            if !process.isRunning { break }
            usleep(2_000)
        }
        return (try? String(contentsOf: file, encoding: .utf8))?.contains(text) == true
    }

    @Test func fluxdStopsAtARefusedBlockNamingItAndTheNextStartResumes() async throws {
        let fixture = try await Self.fluxNodesChain.value
        let dir = try Self.copy(fixture.folder)
        // Without the fluxnodes plugin no PoN block can be judged: the reindex must stop at the first one.
        let plugins = dir + "/without-fluxnodes.toml"
        try ("[plugins.chainstats]\npath = \"\(toolURL("libFluxPluginChainStats.so").path)\"\n"
             + "[plugins.addressindex]\npath = \"\(toolURL("libFluxPluginAddressIndex.so").path)\"\n")
            .write(toFile: plugins, atomically: true, encoding: .utf8)
        let log = URL(fileURLWithPath: dir + "/fluxd.log"), errors = URL(fileURLWithPath: dir + "/fluxd.err")
        let process = try Self.launchFluxd(dir, ["-reindex", "-plugins=\(plugins)"], log: log, errors: errors)
        let exited = await onOwnThread { () -> Bool in
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { process.terminate(); process.waitUntilExit(); return false }
            return true
        }
        #expect(exited, "fluxd kept running after a reindex that cannot judge the PoN blocks")
        #expect(process.terminationStatus != 0)
        let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(message.contains("reindex failed"), "\(message)")
        #expect(message.contains(fixture.firstProofOfNodeBlock.description), "the error does not name the block: \(message)")
        #expect(message.contains("height \(Self.ponHeight)"), "\(message)")
        #expect(message.contains("no verdict"), "\(message)")
        // The stored chain stopped just below it, the reindex still marked as in progress.
        do {
            let store = try ChainStore(database: try Database(path: dir + "/regtest/chain"))
            defer { store.close() }
            #expect(try store.meta(ChainState.reindexMarkerKey) == Array(fixture.state.tip.bytes))
            #expect(try store.tip().flatMap { try store.indexRecord($0)?.height } == Self.ponHeight - 1)
            #expect(try store.pluginNamespaces().contains("plugin.fluxnodes") == false, "the unloaded plugin's namespace was not cleared")
        }
        // The next start, with the plugin and without -reindex, finishes the reindex.
        try await withTestNodes { nodes in
            let node = try await nodes.start(Self.upgrades, directory: dir)
            let after = try Self.snapshot(node)
            #expect(Self.difference(fixture.state, after) == nil, "\(Self.difference(fixture.state, after) ?? "")")
        }
    }

    @Test func aReindexKilledWithSIGKILLResumesAtTheNextStart() async throws {
        let fixture = try await Self.fluxNodesChain.value
        let dir = try Self.copy(fixture.folder)
        let log = URL(fileURLWithPath: dir + "/fluxd.log"), errors = URL(fileURLWithPath: dir + "/fluxd.err")
        // Calibration: how long an uninterrupted reindex takes here (fluxd keeps running afterwards: SIGTERM).
        let calibration = try Self.launchFluxd(dir, ["-reindex"], log: log, errors: errors)
        let seconds = await onOwnThread { () -> Double? in
            guard Self.waitFor("reindex: connecting stored blocks", in: log, while: calibration) else { return nil }
            let started = Date()
            guard Self.waitFor("reindex done", in: log, while: calibration) else { return nil }
            return Date().timeIntervalSince(started)
        }
        calibration.terminate()
        calibration.waitUntilExit()
        // Nothing is connected before the plugins are attached (a new PoN authority, opening the chain): the
        // replay starts at genesis.
        let calibrationLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(calibrationLog.contains("reindex: connecting stored blocks from height 0"), "\(calibrationLog)")
        let duration = try #require(seconds, "the calibration reindex did not finish: \((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
        // Kill inside the replay; retry when the kill lands before the first block or after the last.
        var landed: (height: Int, cursors: [String: StoredPluginCursor?])?
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<6 where landed == nil {
            let process = try Self.launchFluxd(dir, ["-reindex"], log: log, errors: errors)
            let reached = await onOwnThread { Self.waitFor("reindex: connecting stored blocks", in: log, while: process) }
            #expect(reached)
            usleep(UInt32(duration * Double.random(in: 0.2...0.8, using: &generator) * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let store = try ChainStore(database: try Database(path: dir + "/regtest/chain"))
            defer { store.close() }
            let height = try store.tip().flatMap { try store.indexRecord($0)?.height } ?? 0
            guard try store.meta(ChainState.reindexMarkerKey) != nil, height > 0 else { continue }
            var cursors: [String: StoredPluginCursor?] = [:]
            for name in ["plugin.chainstats", "plugin.addressindex", "plugin.fluxnodes"] {
                let cursor = try StoredPluginCursor.read(store, namespace: name)
                cursors[name] = cursor
                #expect(try cursor?.isOnCommittedChain(store) ?? false, "\(name)'s cursor is off the committed chain")
            }
            landed = (height, cursors)
        }
        let kill = try #require(landed, "no SIGKILL landed inside the reindex (calibrated at \(duration) s)")
        #expect(kill.height < fixture.state.height)
        for (name, cursor) in kill.cursors {
            #expect(cursor?.height == kill.height, "\(name) is not at the committed tip after the kill")
        }
        // Restarted without -reindex: the reindex resumes from the committed block and ends on the same state.
        try await withTestNodes { nodes in
            let node = try await nodes.start(Self.upgrades, directory: dir)
            let after = try Self.snapshot(node)
            #expect(Self.difference(fixture.state, after) == nil, "\(Self.difference(fixture.state, after) ?? "")")
            print("reindex SIGKILL: killed at height \(kill.height) of \(fixture.state.height) (reindex takes \(String(format: "%.2f", duration)) s)")
        }
    }
}
