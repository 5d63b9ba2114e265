import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxNode
import FluxNodeModel
import FluxOptions
import FluxPluginHost
import FluxPrimitives
import FluxScript
import FluxStorage
import Foundation
import Logging

extension BenchmarkGroup {
    /// What the fluxnodes plugin adds to block connection on a node whose list holds 10,000 or 50,000 nodes.
    static let fluxnodes = BenchmarkGroup(
        name: "fluxnodes",
        summary: "block connection with the fluxnodes plugin (10,000 / 50,000 confirmed nodes) vs the same blocks without it",
        run: runFluxNodesBenchmarks)
}

// How the list is prepared (the fastest honest way): the model's `FluxNodeLedger` — the same code the plugin runs —
// connects synthetic START/CONFIRM blocks (real signatures, keys reused from small pools, every collateral outpoint
// distinct) on an `InMemoryFluxNodeStore`. The resulting entries are written into the plugin's namespace
// ("plugin.fluxnodes") of a chain folder whose real chain (ChainBuilder blocks, connected by a `Node` without
// plugins) ends at the height the synthetic history ends at, together with the plugin's collateral-coin index (key
// prefix 0xF0, as `CollateralCoins` writes it) and the host's plugin cursor (height ‖ hash of that tip), so that
// the node neither replays the chain into the plugin nor finds it behind. The synthetic blocks themselves are not in
// the chain, and the collateral coins exist only in the plugin's index (the node's UTXO set does not hold them):
// nothing in the timed blocks reads either. The first timed run with the plugin checks that the plugin's list ends
// equal, entry for entry, to the model's after the same blocks.

// MARK: Workload

/// Height of the prepared tip: the list is as of this block, the timed blocks follow it.
private let preparedHeight = 300
/// Timed blocks per run.
private let timedBlocks = 50
/// Ordinary one-input P2PKH spends per timed block.
private let spendsPerBlock = 20
/// New nodes per timed block (an INITIAL_CONFIRM of a START made before the prepared tip).
private let joinersPerBlock = 5
/// Steady state: every confirmed node sends an UPDATE_CONFIRM once per this many blocks (the Halving era allows
/// 121…160).
private let updateInterval = 150
/// Without updates, confirms of the prepared list are spread over this many blocks so that none expires (160)
/// during the timed blocks.
private let quietWindow = 110
/// Collateral and operator keys are reused round-robin from pools of this size (outpoints all differ).
private let keyPoolSize = 8
private let pluginName = "fluxnodes"
private let namespace = "plugin.fluxnodes"
/// Node counts, rounds: overridable for quick runs.
private let countsVariable = "FLUX_BENCH_FLUXNODES_COUNTS"
private let roundsVariable = "FLUX_BENCH_FLUXNODES_ROUNDS"
/// "few", "steady" or both (comma-separated; default both).
private let scenariosVariable = "FLUX_BENCH_FLUXNODES_SCENARIOS"
/// Regtest upgrades: v4 transactions (Acadia), FluxNode transactions (Kamata), payouts doubled (Flux), the
/// Halving era's confirm expiry (160 blocks) and update distance (120). PoN stays off (PoW blocks).
private let upgrades: [NetworkUpgrade] = [.acadia, .kamata, .flux, .halving]

/// One measured configuration: list size and whether every node re-confirms on schedule.
private struct FluxNodesScenario {
    let nodes: Int
    let steady: Bool
    /// Blocks over which the prepared list's confirmations are spread.
    var window: Int { steady ? updateInterval : quietWindow }
    var label: String { steady ? "steady state" : "few confirms" }
}

/// Keys shared by every scenario.
private struct NodeKeys: @unchecked Sendable {
    let collateral: [PrivateKey]
    let operators: [PrivateKey]
    let operatorPublic: [[UInt8]]
    let payee: [[UInt8]]
    let benchmark: PrivateKey
    var benchmarkPublic: [UInt8] { benchmark.publicKey(compressed: true).bytes }

    init() {
        collateral = (0..<keyPoolSize).map { PrivateKey(bytes: [UInt8](repeating: UInt8(0x41 + $0), count: 32))! }
        operators = (0..<keyPoolSize).map { PrivateKey(bytes: [UInt8](repeating: UInt8(0x61 + $0), count: 32))! }
        operatorPublic = operators.map { $0.publicKey(compressed: true).bytes }
        payee = collateral.map { Script.payToPubKeyHash(Hashing.hash160($0.publicKey(compressed: true).bytes)).bytes }
        benchmark = PrivateKey(bytes: [UInt8](repeating: 0x7b, count: 32))!
    }
}

/// Node `j`: its collateral (a synthetic outpoint, unique per j), tier (60 % Cumulus, 25 % Nimbus, 15 % Stratus)
/// and key slot.
private func collateral(_ j: Int) -> OutPoint {
    let seed = Array("flux-bench fluxnodes collateral".utf8) + withUnsafeBytes(of: UInt32(j).bigEndian) { Array($0) }
    return OutPoint(hash: Hashing.sha256d(seed), index: UInt32(j % 4))
}

private func tier(_ j: Int) -> FluxNodeTier {
    let r = j % 20
    return r < 12 ? .cumulus : r < 17 ? .nimbus : .stratus
}

/// The collateral coin of node `j` as the plugin's index records it (the coin itself is not in the host's UTXO set).
private let collateralHeight = 2

private func start(_ j: Int, height: Int, keys: NodeKeys) -> Transaction {
    FluxNodeTransactions.start(collateral: collateral(j), collateralKey: keys.collateral[j % keyPoolSize],
                               operatorPubKey: keys.operatorPublic[j % keyPoolSize],
                               sigTime: UInt32(1_700_000_000 + height * 120))
}

private func confirm(_ j: Int, update: Bool, height: Int, keys: NodeKeys) -> Transaction {
    let time = UInt32(1_700_000_000 + height * 120)
    return FluxNodeTransactions.confirm(
        collateral: collateral(j), updateType: update ? 1 : 0, sigTime: time, benchmarkTier: Int8(tier(j).rawValue),
        benchmarkSigTime: time, ip: "10.\(j >> 16 & 255).\(j >> 8 & 255).\(j & 255):16125",
        operatorKey: keys.operators[j % keyPoolSize], benchmarkKey: keys.benchmark, benchmarkCompressed: true)
}

/// `body(i)` for i in 0..<count on every core, in order.
private func parallelMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer { slots.deallocate() }
    let threads = max(ProcessInfo.processInfo.activeProcessorCount, 1)
    let shared = SlotsBox(slots)
    withoutActuallyEscaping(body) { body in
        let work = WorkBox(body)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var i = t
            while i < count {
                shared.slots[i] = work.body(i)
                i += threads
            }
        }
    }
    let out = slots.map { $0! }
    _ = slots.deinitialize()
    return out
}

/// Carriers for `parallelMap`: each slot is written by exactly one thread.
private final class SlotsBox<T>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<T?>
    init(_ slots: UnsafeMutableBufferPointer<T?>) { self.slots = slots }
}

private final class WorkBox<T>: @unchecked Sendable {
    let body: (Int) -> T
    init(_ body: @escaping (Int) -> T) { self.body = body }
}

private func chainParameters() -> ChainParameters {
    do {
        return try ChainParameters.regtest(upgradeOverrides: upgrades.map { UpgradeOverride(upgrade: $0, height: 1) })
    } catch {
        fatalError("fluxnodes benchmark: regtest parameters: \(error)")
    }
}

private func modelNetwork(_ keys: NodeKeys) -> FluxNodeNetwork {
    FluxNodeNetwork.regtest(upgrades: Dictionary(uniqueKeysWithValues: upgrades.map { ($0.optionName ?? $0.name, 1) }),
                            benchmarkKeyOverride: keys.benchmarkPublic)
}

/// The chain without any FluxNode data: 110 empty blocks, one fan-out block whose outputs the timed blocks spend,
/// then empty blocks up to ``preparedHeight``.
private struct BaseChain {
    var builder: ChainBuilder
    let blocks: [Block]
    /// Outputs of the fan-out block (to `builder.minerScript`).
    let pool: [(OutPoint, Amount)]
    var tip: Hash256 { blocks[blocks.count - 1].hash }
}

private let spendFee = Amount(units: 1_000)

private func makeBaseChain(_ params: ChainParameters) -> BaseChain {
    var builder = ChainBuilder(params: params, seed: 5)
    var blocks = builder.chain(on: params.genesisHash, count: 110)
    let needed = timedBlocks * spendsPerBlock
    let width = 200
    var fanOut: [Transaction] = []
    var pool: [(OutPoint, Amount)] = []
    var spent: Int64 = 0
    for i in 0..<(needed + width - 1) / width {
        let coinbase = blocks[i].transactions[0]
        let value = coinbase.outputs[0].value
        spent += value.units
        let each = Amount(units: (value.units - spendFee.units) / Int64(width))
        let tx = builder.spend([(OutPoint(hash: coinbase.txid, index: 0), value)],
                               to: (0..<width).map { _ in TxOut(value: each, scriptPubKey: builder.minerScript) }, height: 111)
        let txid = tx.txid
        pool += (0..<width).map { (OutPoint(hash: txid, index: UInt32($0)), each) }
        fanOut.append(tx)
    }
    let fees = Amount(units: spent - fanOut.reduce(Int64(0)) { $0 + $1.transparentValueOut })
    blocks.append(builder.block(on: blocks[blocks.count - 1].hash, transactions: fanOut, fees: fees))
    blocks += builder.chain(on: blocks[blocks.count - 1].hash, count: preparedHeight - blocks.count)
    return BaseChain(builder: builder, blocks: blocks, pool: pool)
}

/// A scenario made ready: the plugin namespace as of ``preparedHeight`` (from the model's ledger), the timed
/// blocks, and the namespace the plugin must end with.
private struct PreparedScenario {
    let scenario: FluxNodesScenario
    /// Every entry of the plugin namespace at the prepared tip, without the host's keys.
    let namespaceEntries: [(key: [UInt8], value: [UInt8])]
    let timed: [Block]
    /// The ledger's entries (every prefix below the plugin's 0xF0 collateral index) after the timed blocks, as the
    /// model computed them.
    let expectedLedger: [(key: [UInt8], value: [UInt8])]
    let expectedCounts: FluxNodeCounts
    /// Seconds: signing the populate transactions, running the ledger over them, building the timed blocks.
    let signSeconds: Double
    let ledgerSeconds: Double
    /// Median ms per timed block of the model's `connect` alone on the in-memory store.
    let modelMillisecondsPerBlock: Double
    /// Median ms per timed block of only the CONFIRMs' two signature checks, as the ledger makes them.
    let signatureMillisecondsPerBlock: Double
    let confirmsPerBlock: Int
    let blockBytes: Int
}

/// A coinbase-only stand-in for the prepared history: the ledger reads only the transactions.
private func syntheticBlock(height: Int, due: [FluxNodePayout], transactions: [Transaction]) -> Block {
    let coinbase = Transaction(version: 1, inputs: [TxIn(prevout: .null, scriptSig: Script([0x02, UInt8(height & 255), UInt8(height >> 8)]))],
                               outputs: due.map { TxOut(value: Amount(units: $0.amount), scriptPubKey: Script($0.script)) })
    let genesis = GenesisBlock.block(for: .regtest)
    return Block(header: genesis.header, transactions: [coinbase] + transactions)
}

/// The collateral-coin index record the plugin keeps for node `j` (`CollateralCoins`: key 0xF0 ‖ txid ‖ LE32 n,
/// value LE64 value ‖ LE32 height ‖ script).
private func collateralCoinEntry(_ j: Int, keys: NodeKeys) -> (key: [UInt8], value: [UInt8]) {
    var key = ByteWriter(capacity: 37)
    key.writeUInt8(0xF0)
    collateral(j).encode(to: &key)
    var value = ByteWriter(capacity: 40)
    value.writeLE(tier(j).collateralV2)
    value.writeLE(UInt32(collateralHeight))
    value.writeBytes(keys.payee[j % keyPoolSize])
    return (key.bytes, value.bytes)
}

private func prepare(_ scenario: FluxNodesScenario, base: inout BaseChain, params: ChainParameters,
                     keys: NodeKeys) -> PreparedScenario {
    let ledger = FluxNodeLedger(network: modelNetwork(keys))
    let store = InMemoryFluxNodeStore()
    let n = scenario.nodes
    let joiners = timedBlocks * joinersPerBlock
    var coins: [OutPoint: (value: Int64, height: Int, script: [UInt8])] = [:]
    for j in 0..<(n + joiners) {
        coins[collateral(j)] = (tier(j).collateralV2, collateralHeight, keys.payee[j % keyPoolSize])
    }
    let lookup: FluxNodeLedger.CoinLookup = { coins[$0] }
    func subsidy(_ h: Int) -> Int64 { params.blockSubsidy(at: h).units }
    func connect(_ block: Block, _ h: Int) {
        do { try ledger.connect(block, height: h, subsidy: subsidy(h), store: store, utxo: lookup) } catch {
            fatalError("fluxnodes benchmark: the model refused the block at height \(h): \(error)")
        }
    }
    func payouts(_ h: Int) -> [FluxNodePayout] {
        do { return try ledger.payouts(height: h, subsidy: subsidy(h), store: store) } catch {
            fatalError("fluxnodes benchmark: payouts at \(h): \(error)")
        }
    }

    // History: batch b of the list is started at height H − window + b and confirmed one block later, so
    // lastConfirmedHeight runs from H − window + 1 to H. Joiners are started in the last 10 blocks.
    let window = scenario.window
    let first = preparedHeight - window
    func batch(_ b: Int) -> Range<Int> { (b * n / window)..<((b + 1) * n / window) }
    var signSeconds = 0.0
    var ledgerSeconds = 0.0
    let joinerStartHeights = 10
    for h in first...preparedHeight {
        var jobs: [(j: Int, start: Bool)] = []
        if h > first { jobs += batch(h - first - 1).map { ($0, false) } }
        if h < preparedHeight { jobs += batch(h - first).map { ($0, true) } }
        let joinerBlock = h - (preparedHeight - joinerStartHeights + 1)
        if joinerBlock >= 0 {
            let per = joiners / joinerStartHeights
            jobs += (n + joinerBlock * per..<n + (joinerBlock + 1) * per).map { ($0, true) }
        }
        var txs: [Transaction] = []
        signSeconds += Timer.nanoseconds {
            txs = parallelMap(jobs.count) { i in
                jobs[i].start ? start(jobs[i].j, height: h, keys: keys) : confirm(jobs[i].j, update: false, height: h, keys: keys)
            }
        } / 1e9
        let block = syntheticBlock(height: h, due: payouts(h), transactions: txs)
        ledgerSeconds += Timer.nanoseconds { connect(block, h) } / 1e9
    }
    var entries = store.entries
    for j in 0..<(n + joiners) { entries.append(collateralCoinEntry(j, keys: keys)) }

    // Timed blocks on the base tip: the due payouts in the coinbase, spends, joiners' INITIAL_CONFIRMs and, in
    // the steady state, the UPDATE_CONFIRMs of the batch confirmed `updateInterval` blocks earlier.
    var timed: [Block] = []
    var modelTimes: [Double] = []
    var signatureTimes: [Double] = []
    var tip = base.tip
    var poolIndex = 0
    var confirms = 0
    for k in 1...timedBlocks {
        let h = preparedHeight + k
        let due = payouts(h)
        var spends: [Transaction] = []
        for _ in 0..<spendsPerBlock {
            let (outpoint, value) = base.pool[poolIndex]
            poolIndex += 1
            spends.append(base.builder.spend([(outpoint, value)],
                                             to: [TxOut(value: value - spendFee, scriptPubKey: base.builder.minerScript)], height: h))
        }
        var jobs: [(j: Int, update: Bool)] = ((k - 1) * joinersPerBlock..<k * joinersPerBlock).map { (n + $0, false) }
        if scenario.steady { jobs += batch(k - 1).map { ($0, true) } }
        confirms += jobs.count
        var nodeTxs: [Transaction] = []
        signSeconds += Timer.nanoseconds {
            nodeTxs = parallelMap(jobs.count) { i in confirm(jobs[i].j, update: jobs[i].update, height: h, keys: keys) }
        } / 1e9
        let paid = due.reduce(Int64(0)) { $0 + $1.amount }
        let block = base.builder.block(
            on: tip, transactions: spends + nodeTxs, fees: Amount(units: spendFee.units * Int64(spends.count)),
            coinbaseExtra: Amount(units: -paid),
            extraOutputs: due.map { TxOut(value: Amount(units: $0.amount), scriptPubKey: Script($0.script)) })
        let operatorKeys = jobs.map { keys.operatorPublic[$0.j % keyPoolSize] }
        var valid = true
        signatureTimes.append(Timer.nanoseconds { valid = checkConfirmSignatures(nodeTxs, operatorKeys, keys) })
        precondition(valid, "fluxnodes benchmark: a CONFIRM signature does not verify")
        modelTimes.append(Timer.nanoseconds { connect(block, h) })
        timed.append(block)
        tip = block.hash
    }
    let counts: FluxNodeCounts
    do { counts = try ledger.counts(store: store) } catch { fatalError("fluxnodes benchmark: counts: \(error)") }
    return PreparedScenario(scenario: scenario, namespaceEntries: entries, timed: timed, expectedLedger: store.entries,
                            expectedCounts: counts, signSeconds: signSeconds, ledgerSeconds: ledgerSeconds,
                            modelMillisecondsPerBlock: median(modelTimes) / 1e6,
                            signatureMillisecondsPerBlock: median(signatureTimes) / 1e6, confirmsPerBlock: confirms / timedBlocks,
                            blockBytes: timed.reduce(0) { $0 + $1.serialized.count } / timedBlocks)
}

/// The two signature checks of each CONFIRM as `FluxNodeLedger` makes them (fluxd `CMessageSigner::VerifyMessage`:
/// recover the key from the compact signature over the message digest, compare key ids): the operator's over the
/// confirm message, the benchmark key's over the benchmark message.
@inline(never)
private func checkConfirmSignatures(_ txs: [Transaction], _ operatorKeys: [[UInt8]], _ keys: NodeKeys) -> Bool {
    let benchmarkID = Hashing.hash160(keys.benchmarkPublic)
    var valid = true
    for (tx, key) in zip(txs, operatorKeys) {
        guard case let .confirm(c)? = tx.fluxNode else { return false }
        let message = FluxNodeTransactions.confirmMessage(collateral: c.collateral, updateType: c.updateType, sigTime: c.sigTime)
        let bench = FluxNodeTransactions.benchmarkMessage(sig: c.sig, benchmarkTier: c.benchmarkTier,
                                                          benchmarkSigTime: c.benchmarkSigTime, ip: c.ip)
        let op = PublicKey.recover(compactSignature65: c.sig, digest32: MessageSigner.digest(Array(message.utf8)))
        let bk = PublicKey.recover(compactSignature65: c.benchmarkSig, digest32: MessageSigner.digest(bench))
        valid = valid && op.map { Hashing.hash160($0.bytes) } == Hashing.hash160(key)
            && bk.map { Hashing.hash160($0.bytes) } == benchmarkID
    }
    return valid
}

// MARK: Folders and nodes

private func scratchFolder(_ what: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("flux-bench-fluxnodes-\(what)-\(UUID().uuidString)")
}

/// The node's arguments for a data folder (no listening, no peers).
private func nodeArguments(_ folder: URL) -> [String] {
    ["-regtest", "-datadir=\(folder.path)", "-listen=0", "-port=0", "-rpcport=0", "-bind=127.0.0.1"]
        + upgrades.map { "-upgradeheight=\($0.optionName ?? $0.name):1" }
}

private func makeNode(_ folder: URL) -> Node {
    var logger = Logger(label: "flux-bench")
    logger.logLevel = .error
    let node: Node
    do {
        node = try Node(configuration: try NodeConfiguration(options: try NodeOptions(arguments: nodeArguments(folder))),
                        logger: logger)
    } catch {
        fatalError("fluxnodes benchmark: node in \(folder.path): \(error)")
    }
    for u in upgrades where node.params.upgrades.activationHeight(of: u) != 1 {
        fatalError("fluxnodes benchmark: the node does not activate \(u.name) at height 1")
    }
    return node
}

/// Runs an async body to completion from synchronous code.
private func waitFor(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await body()
        done.signal()
    }
    done.wait()
}

private func stop(_ node: Node) {
    waitFor { await node.stop() }
}

/// A data folder holding the base chain, connected by a node without plugins (as `fluxd` stores it).
private func makeBaseFolder(_ base: BaseChain) -> URL {
    let folder = scratchFolder("base")
    let node = makeNode(folder)
    do {
        for b in base.blocks { try node.chain.acceptBlock(b) }
    } catch {
        fatalError("fluxnodes benchmark: base chain: \(error)")
    }
    precondition(node.chain.height == preparedHeight, "base chain stops at \(node.chain.height)")
    stop(node)
    return folder
}

/// The chain folder of a node's data folder.
private func chainPath(_ folder: URL) -> String { folder.appendingPathComponent("regtest/chain").path }

/// A copy of the base folder whose plugin namespace holds the prepared list, its collateral coins and the
/// plugin's cursor at the prepared tip (so that the node does not replay the chain into the plugin).
private func makePreparedFolder(base: URL, baseChain: BaseChain, _ p: PreparedScenario, params: ChainParameters) -> URL {
    let folder = scratchFolder("prepared")
    do {
        try FileManager.default.copyItem(at: base, to: folder)
        let chain = try ChainState(params: params, path: chainPath(folder))
        var batch = ChainBatch()
        for (key, value) in p.namespaceEntries {
            batch.putPlugin(namespace: namespace, key: key, value: value)
            if batch.operationCount >= 50_000 {
                try chain.store.commit(batch)
                batch = ChainBatch()
            }
        }
        // The host's cursor (PluginChainJudge.cursorKey): LE64 height ‖ block hash.
        let cursor = withUnsafeBytes(of: Int64(preparedHeight).littleEndian) { Array($0) } + Array(baseChain.tip.bytes)
        batch.putPlugin(namespace: namespace, key: [0] + Array("cursor".utf8), value: cursor)
        try chain.store.commit(batch)
        try chain.close()
    } catch {
        fatalError("fluxnodes benchmark: prepared folder: \(error)")
    }
    return folder
}

/// Where SwiftPM put the plugin: next to this executable.
private func pluginPath() -> String {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("libFluxPluginFluxNodes.so").path
}

private func writePluginsFile(_ folder: URL, keys: NodeKeys) {
    let text = """
        [plugins.\(pluginName)]
        path = "\(pluginPath())"

        [plugins.\(pluginName).config]
        benchmark_public_key = "\(Hex.encode(keys.benchmarkPublic))"

        """
    let path = folder.appendingPathComponent("regtest/plugins.toml").path
    precondition(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)), "cannot write \(path)")
}

/// One timed run: seconds to connect the timed blocks, and the plugin's callback time (nil without it).
private struct RunResult {
    let seconds: Double
    let pluginSeconds: Double?
    let pluginCalls: Int
}

/// Connects the timed blocks on a copy of the prepared folder. With `warmed`, each block's FluxNode transactions are
/// first judged by the plugin as the mempool would judge them on arrival (untimed), as on a live network where
/// they reach a node before the block that mines them; only block connection is timed.
private func run(_ p: PreparedScenario, prepared: URL, withPlugin: Bool, verify: Bool, keys: NodeKeys,
                 warmed: Bool = false) -> RunResult {
    let folder = scratchFolder("run")
    defer { try? FileManager.default.removeItem(at: folder) }
    do { try FileManager.default.copyItem(at: prepared, to: folder) } catch {
        fatalError("fluxnodes benchmark: copy prepared folder: \(error)")
    }
    if withPlugin { writePluginsFile(folder, keys: keys) }
    let node = makeNode(folder)
    defer { stop(node) }
    let plugin = node.plugins.plugin(named: pluginName)
    if withPlugin {
        guard let plugin else {
            fatalError("fluxnodes benchmark: the plugin did not load: \(node.plugins.statuses.map(\.state))")
        }
        precondition(plugin.counterSnapshot.faults == 0, "fluxnodes benchmark: plugin fault at load")
    } else {
        precondition(node.plugins.activePlugins.isEmpty, "fluxnodes benchmark: a plugin is loaded in the plain node")
    }
    precondition(node.chain.height == preparedHeight, "fluxnodes benchmark: the node starts at \(node.chain.height)")
    var failure: ChainError?
    var ns = 0.0
    var pluginNanoseconds: UInt64 = 0
    for b in p.timed where failure == nil {
        if warmed, let plugin {
            let next = Int64(node.chain.height + 1)
            for tx in b.transactions where tx.isFluxNode {
                _ = plugin.checkTransaction(txid: Array(tx.txid.bytes), fee: 0, transaction: tx.serialized, nextHeight: next)
            }
        }
        let before = plugin?.counterSnapshot
        ns += Timer.nanoseconds {
            do throws(ChainError) { try node.chain.acceptBlock(b) } catch { failure = error }
        }
        if let before, let now = plugin?.counterSnapshot { pluginNanoseconds += now.nanoseconds - before.nanoseconds }
    }
    let after = plugin?.counterSnapshot
    if let failure { fatalError("fluxnodes benchmark: \(failure) (plugin: \(after?.lastFault ?? "none"))") }
    guard node.chain.tip.hash == p.timed[p.timed.count - 1].hash else {
        fatalError("fluxnodes benchmark: tip at height \(node.chain.height), not the last timed block; plugin: \(after?.lastFault ?? "none")")
    }
    if let after, after.faults > 0 { fatalError("fluxnodes benchmark: plugin faults: \(after.lastFault ?? "?")") }
    if withPlugin && verify { verifyNamespace(node, p) }
    let pluginSeconds: Double? = plugin == nil ? nil : Double(pluginNanoseconds) / 1e9
    return RunResult(seconds: ns / 1e9, pluginSeconds: pluginSeconds, pluginCalls: after?.calls ?? 0)
}

/// The plugin's list after the timed blocks equals the model's, entry for entry.
private func verifyNamespace(_ node: Node, _ p: PreparedScenario) {
    var stored: [(key: [UInt8], value: [UInt8])] = []
    do {
        try node.chain.store.pluginScan(namespace: namespace, prefix: []) { key, value in
            if let b = key.first, b >= 0x01, b < 0xF0 { stored.append((key, value)) }
            return true
        }
    } catch {
        fatalError("fluxnodes benchmark: scan: \(error)")
    }
    guard stored.count == p.expectedLedger.count,
          zip(stored, p.expectedLedger).allSatisfy({ $0.key == $1.key && $0.value == $1.value }) else {
        fatalError("fluxnodes benchmark: the plugin's list (\(stored.count) entries) differs from the model's (\(p.expectedLedger.count))")
    }
}

// MARK: Report

func runFluxNodesBenchmarks() {
    let environment = ProcessInfo.processInfo.environment
    let counts = environment[countsVariable].map { $0.split(separator: ",").compactMap { Int($0) } } ?? [10_000, 50_000]
    let rounds = environment[roundsVariable].flatMap { Int($0) } ?? 3
    let kinds = environment[scenariosVariable].map { $0.split(separator: ",").map(String.init) } ?? ["few", "steady"]
    guard FileManager.default.fileExists(atPath: pluginPath()) else {
        print("build the plugin first: swift build -c release --product FluxPluginFluxNodes (looked for \(pluginPath()))")
        return
    }
    let params = chainParameters()
    let keys = NodeKeys()
    var base = makeBaseChain(params)
    let baseFolder = makeBaseFolder(base)
    defer { try? FileManager.default.removeItem(at: baseFolder) }

    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("Regtest with Acadia, Kamata, Flux and Halving from height 1 (confirm expiry 160 blocks, update distance 120),")
    print("PoW blocks. The chain is \(preparedHeight) blocks; the plugin namespace holds the list as of its tip (built by the")
    print("model's ledger over START/CONFIRM blocks, 60 % Cumulus, 25 % Nimbus, 15 % Stratus, collaterals indexed) and the")
    print("plugin's cursor. Then \(timedBlocks) timed blocks: a coinbase paying the three due nodes, \(spendsPerBlock) P2PKH spends,")
    print("\(joinersPerBlock) INITIAL_CONFIRMs of new nodes, and in the steady state the UPDATE_CONFIRMs of every node confirmed")
    print("\(updateInterval) blocks earlier. `fluxd`-style node (`Node`), default options, acceptBlock in order; median of \(rounds)")
    print("rounds, each on a fresh copy of the prepared folder. \(cores) cores.\n")

    var rows: [[String]] = []
    var notes: [String] = []
    for nodes in counts {
        for steady in [false, true] where kinds.contains(steady ? "steady" : "few") {
            let scenario = FluxNodesScenario(nodes: nodes, steady: steady)
            var prepared: PreparedScenario?
            let prepareSeconds = Timer.nanoseconds { prepared = prepare(scenario, base: &base, params: params, keys: keys) } / 1e9
            let p = prepared!
            var folder: URL?
            let writeSeconds = Timer.nanoseconds {
                folder = makePreparedFolder(base: baseFolder, baseChain: base, p, params: params)
            } / 1e9
            let preparedFolder = folder!
            defer { try? FileManager.default.removeItem(at: preparedFolder) }
            notes.append("\(nodes) nodes, \(scenario.label): prepared in \(fixed(prepareSeconds, 1)) s (signing \(fixed(p.signSeconds, 1)) s on \(cores) threads, model ledger \(fixed(p.ledgerSeconds, 1)) s), \(p.namespaceEntries.count) namespace entries written in \(fixed(writeSeconds, 1)) s; after the timed blocks \(p.expectedCounts.cumulus)/\(p.expectedCounts.nimbus)/\(p.expectedCounts.stratus) confirmed")

            var plain: [Double] = []
            var with: [Double] = []
            var inPlugin: [Double] = []
            var warm: [Double] = []
            for round in 0..<rounds {
                // Alternate the order so that machine noise hits all alike.
                for variant in round % 2 == 0 ? [0, 1, 2] : [2, 1, 0] {
                    let r = run(p, prepared: preparedFolder, withPlugin: variant > 0, verify: round == 0 && variant == 1,
                                keys: keys, warmed: variant == 2)
                    switch variant {
                    case 0: plain.append(r.seconds)
                    case 1:
                        with.append(r.seconds)
                        inPlugin.append(r.pluginSeconds ?? 0)
                    default: warm.append(r.seconds)
                    }
                }
            }
            let perBlock = { (s: Double) in s * 1e3 / Double(timedBlocks) }
            let a = perBlock(median(plain)), b = perBlock(median(with)), c = perBlock(median(inPlugin))
            let w = perBlock(median(warm))
            rows.append([fixed(Double(nodes), 0), scenario.label, "\(p.confirmsPerBlock)", fixed(Double(p.blockBytes) / 1e3, 1),
                         fixed(a, 2), fixed(b, 2), fixed(b / a, 2) + "×", fixed(b - a, 2), fixed(c, 2),
                         fixed(w, 2), fixed(w / a, 2) + "×",
                         fixed(p.modelMillisecondsPerBlock, 2), fixed(p.signatureMillisecondsPerBlock, 2)])
        }
    }
    printTable(["nodes", "blocks", "CONFIRMs per block", "kB per block", "without plugin ms/block", "with plugin ms/block",
                "ratio", "added ms/block", "in plugin callbacks ms/block",
                "with plugin, CONFIRMs seen in the mempool first ms/block", "ratio (mempool first)", "model ledger alone ms/block",
                "CONFIRM signatures alone ms/block"], rows)
    print("")
    for note in notes { print("- \(note)") }
}
