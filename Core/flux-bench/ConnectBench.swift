import CSodium
import Foundation
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxEquihash
import FluxPrimitives
import FluxScript
import FluxStorage

extension BenchmarkGroup {
    /// Block connection throughput of `ChainState` on a generated regtest chain of signed P2PKH spends, next to
    /// libsecp256k1's own verification rate over the same signatures.
    static let connect = BenchmarkGroup(
        name: "connect",
        summary: "ChainState block connection (tx/s, sig checks/s) vs. raw libsecp256k1 verify rate",
        run: runConnectBenchmarks)
}

// MARK: Workload

/// Timed blocks and transactions per timed block: 50 × 400 one-input spends = 20,000 signature checks.
private let timedBlockCount = 50
private let spendsPerBlock = 400
/// With this environment variable set (to a block count), the group builds that many timed blocks and connects
/// them once (acceptBlock in order, syncWrites false, blocksPerCommit 1), for running under a profiler.
private let profileVariable = "FLUX_BENCH_CONNECT_PROFILE"
/// Outputs of each fan-out transaction.
private let fanOutWidth = 200
/// Fee of every spend, in units.
private let spendFee = Amount(units: 1_000)
/// Rounds per configuration; the median is reported.
private let connectRounds = 3

/// One signature check as the script interpreter performs it: key, DER signature (no sighash byte), digest.
struct SignatureCheck: Sendable {
    let key: PublicKey
    let signature: [UInt8]
    let digest: Hash256
}

/// The generated chain: `base` (maturity and fan-out blocks, connected outside the timed part) and `timed`.
struct ConnectWorkload {
    let params: ChainParameters
    let base: [Block]
    let timed: [Block]
    /// Every input of the timed blocks, in block order, with the coin it spends (for the script-only rows).
    let inputs: [(block: Int, transaction: Int, input: Int, coin: TxOut)]
    let checks: [SignatureCheck]
    var transactionCount: Int { timed.reduce(0) { $0 + $1.transactions.count - 1 } }
    var serializedBytes: Int { timed.reduce(0) { $0 + $1.serialized.count } }
}

/// Regtest with Acadia (Overwinter + Sapling) from height 1, so spends are v4 transactions signed with
/// ZIP 243 digests as on mainnet, not legacy v1 ones.
private func benchParameters() -> ChainParameters {
    do {
        return try ChainParameters.regtest(upgradeOverrides: [UpgradeOverride(upgrade: .acadia, height: 1)])
    } catch {
        fatalError("connect benchmark: regtest parameters: \(error)")
    }
}

/// The DER signature and key of a `<sig‖type> <33-byte key>` scriptSig.
private func parseP2PKHScriptSig(_ script: Script) -> (der: [UInt8], key: [UInt8]) {
    let b = script.bytes
    let sigLength = Int(b[0])
    precondition(sigLength < 0x4c && b[sigLength + 1] == 33 && b.count == sigLength + 35, "unexpected scriptSig")
    return (Array(b[1..<sigLength]), Array(b[(sigLength + 2)...]))
}

/// Builds the chain: 110 empty blocks, one block of fan-out transactions (each splits a mature coinbase into
/// `fanOutWidth` outputs), then `timedBlockCount` blocks of `spendsPerBlock` one-input P2PKH spends. Every
/// fourth spend pays two outputs, the rest one; spends take the oldest unspent coin, so each block spends
/// outputs of earlier blocks.
func makeConnectWorkload(blocks timedBlockCount: Int) -> ConnectWorkload {
    let params = benchParameters()
    var builder = ChainBuilder(params: params)
    var base = builder.chain(on: params.genesisHash, count: 110)
    var height = 110
    var pool: [(OutPoint, Amount)] = []
    var poolStart = 0
    do {
        var fanOut: [Transaction] = []
        for i in 0..<(spendsPerBlock + fanOutWidth - 1) / fanOutWidth {
            let coinbase = base[i].transactions[0]
            let value = coinbase.outputs[0].value
            let each = Amount(units: (value.units - spendFee.units) / Int64(fanOutWidth))
            let outputs = (0..<fanOutWidth).map { _ in TxOut(value: each, scriptPubKey: builder.minerScript) }
            let tx = builder.spend([(OutPoint(hash: coinbase.txid, index: 0), value)], to: outputs, height: height + 1)
            let txid = tx.txid
            for n in 0..<fanOutWidth { pool.append((OutPoint(hash: txid, index: UInt32(n)), each)) }
            fanOut.append(tx)
        }
        let spent = base.prefix(fanOut.count).reduce(Int64(0)) { $0 + $1.transactions[0].outputs[0].value.units }
        let fees = Amount(units: spent - fanOut.reduce(Int64(0)) { $0 + $1.transparentValueOut })
        base.append(builder.block(on: base[base.count - 1].hash, transactions: fanOut, fees: fees))
        height += 1
    }
    var timed: [Block] = []
    var inputs: [(block: Int, transaction: Int, input: Int, coin: TxOut)] = []
    var checks: [SignatureCheck] = []
    let branchId = params.upgrades.currentBranchId(at: height + 1)
    var tip = base[base.count - 1].hash
    for b in 0..<timedBlockCount {
        height += 1
        var txs: [Transaction] = []
        var created: [(OutPoint, Amount)] = []
        for i in 0..<spendsPerBlock {
            let (outpoint, value) = pool[poolStart]
            poolStart += 1
            let remaining = value - spendFee
            let outputs: [TxOut]
            if i % 4 == 0 {
                let half = Amount(units: remaining.units / 2)
                outputs = [TxOut(value: half, scriptPubKey: builder.minerScript),
                           TxOut(value: remaining - half, scriptPubKey: builder.minerScript)]
            } else {
                outputs = [TxOut(value: remaining, scriptPubKey: builder.minerScript)]
            }
            let tx = builder.spend([(outpoint, value)], to: outputs, height: height)
            let txid = tx.txid
            for (n, o) in outputs.enumerated() { created.append((OutPoint(hash: txid, index: UInt32(n)), o.value)) }
            let (der, key) = parseP2PKHScriptSig(tx.inputs[0].scriptSig)
            let digest = SignatureHash.compute(tx: tx, inputIndex: 0, scriptCode: builder.minerScript, amount: value,
                                               hashType: .all, branchId: branchId)!
            checks.append(SignatureCheck(key: PublicKey(key), signature: der, digest: digest))
            inputs.append((b, i + 1, 0, TxOut(value: value, scriptPubKey: builder.minerScript)))
            txs.append(tx)
        }
        let block = builder.block(on: tip, transactions: txs, fees: Amount(units: spendFee.units * Int64(txs.count)))
        precondition(block.serialized.count <= Block.maxSize, "generated block too large")
        timed.append(block)
        tip = block.hash
        pool += created
    }
    return ConnectWorkload(params: params, base: base, timed: timed, inputs: inputs, checks: checks)
}

// MARK: Chain runs

/// How the timed blocks reach `ChainState`.
enum ConnectMode: CustomStringConvertible {
    /// `acceptBlock` of each block in chain order, as a synced node receives new blocks and `-loadblock` imports.
    case inOrder
    /// Headers first (untimed), then the bodies newest first; the last body (the first block) lets one
    /// `activateBestChain` connect all of them, as headers-first sync does when bodies arrive out of order.
    case headersFirst

    var description: String {
        switch self {
        case .inOrder: "acceptBlock in order"
        case .headersFirst: "headers first, bodies reversed"
        }
    }
}

struct ConnectConfiguration {
    var mode: ConnectMode
    var syncWrites: Bool
    var blocksPerCommit: Int
    /// 0 = `ChainOptions` default (the core count).
    var scriptThreads: Int
    /// Optional indexes kept while connecting (the base chain must have been built with the same set).
    var indexes: ChainIndexes = []
}

/// A new temporary folder path (not created).
private func connectScratchFolder() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("flux-bench-connect-\(UUID().uuidString)")
}

private func storageOptions(sync: Bool) -> DatabaseOptions {
    var o = DatabaseOptions()
    o.syncWrites = sync
    return o
}

/// A chain folder holding the connected base blocks (with `indexes` kept), copied for every timed run.
func makeBaseChain(_ w: ConnectWorkload, indexes: ChainIndexes = []) -> URL {
    let folder = connectScratchFolder()
    do {
        var options = ChainOptions()
        options.indexes = indexes
        let chain = try ChainState(params: w.params, path: folder.path, options: options,
                                   storage: storageOptions(sync: false))
        for b in w.base {
            guard try chain.acceptBlock(b) == .connected else { fatalError("connect benchmark: base block not connected") }
        }
        chain.store.close()
    } catch {
        fatalError("connect benchmark: base chain: \(error)")
    }
    return folder
}

/// Seconds to connect the timed blocks under `c`, on a fresh copy of the base chain.
func timeConnect(_ w: ConnectWorkload, base: URL, _ c: ConnectConfiguration) -> Double {
    let folder = connectScratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
        try FileManager.default.copyItem(at: base, to: folder)
    } catch {
        fatalError("connect benchmark: copy base chain: \(error)")
    }
    var options = ChainOptions()
    options.blocksPerCommit = c.blocksPerCommit
    options.scriptThreads = c.scriptThreads
    options.indexes = c.indexes
    do {
        let chain = try ChainState(params: w.params, path: folder.path, options: options,
                                   storage: storageOptions(sync: c.syncWrites))
        defer { chain.store.close() }
        if c.mode == .headersFirst { try chain.acceptHeaders(w.timed.map(\.header)) }
        var failure: ChainError?
        let ns = Timer.nanoseconds {
            do throws(ChainError) {
                switch c.mode {
                case .inOrder:
                    for b in w.timed { try chain.acceptBlock(b) }
                case .headersFirst:
                    for b in w.timed.reversed() { try chain.acceptBlock(b) }
                }
            } catch { failure = error }
        }
        if let failure { fatalError("connect benchmark: \(failure)") }
        guard chain.tip.hash == w.timed[w.timed.count - 1].hash else {
            fatalError("connect benchmark: tip is at height \(chain.height), not the last timed block")
        }
        return ns / 1e9
    } catch {
        fatalError("connect benchmark: \(error)")
    }
}

// MARK: Reference rates

/// Verifications per second of `PublicKey.verify` (parse key, parse DER, normalise S, `secp256k1_ecdsa_verify`)
/// over `checks`, split across `threads` threads; median of 3 passes.
private func rawVerifyRate(_ checks: [SignatureCheck], threads: Int) -> Double {
    let failures = FailureCounter()
    var seconds: [Double] = []
    for _ in 0..<3 {
        seconds.append(Timer.nanoseconds {
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var bad = 0
                var i = t
                while i < checks.count {
                    let c = checks[i]
                    if !c.key.verify(signatureDER: c.signature, digest32: c.digest) { bad += 1 }
                    i += threads
                }
                failures.add(bad)
            }
        } / 1e9)
    }
    precondition(failures.value == 0, "connect benchmark: \(failures.value) signatures did not verify")
    return Double(checks.count) / median(seconds)
}

/// Inputs per second of the interpreter alone (`ScriptInterpreter.verify` with a `TransactionSignatureChecker`
/// and one `SighashCache` per transaction, as `ChainState.verifyScripts` runs it), single thread.
private func scriptOnlyRate(_ w: ConnectWorkload) -> Double {
    let branchId = w.params.upgrades.currentBranchId(at: w.base.count + 1)
    var bad = 0
    var seconds: [Double] = []
    for _ in 0..<3 {
        seconds.append(Timer.nanoseconds {
            for (b, t, k, coin) in w.inputs {
                let tx = w.timed[b].transactions[t]
                let checker = TransactionSignatureChecker(tx: tx, inputIndex: k, amount: coin.value, branchId: branchId,
                                                          cache: SighashCache(tx: tx))
                do {
                    try ScriptInterpreter.verify(scriptSig: tx.inputs[k].scriptSig, scriptPubKey: coin.scriptPubKey,
                                                 flags: .consensus, checker: checker)
                } catch { bad += 1 }
            }
        } / 1e9)
    }
    precondition(bad == 0, "connect benchmark: \(bad) scripts failed")
    return Double(w.inputs.count) / median(seconds)
}

/// Per-block costs of steps `ChainState` performs besides script checks, single thread, µs per block (median
/// over the timed blocks): txids, block serialisation (storing the body) and decoding (connect reloads it),
/// the merkle root, and the sighash caches.
private func stepCosts(_ w: ConnectWorkload) -> [(String, Double)] {
    func perBlock(_ body: (Block) -> Void) -> Double {
        var samples: [Double] = []
        for _ in 0..<3 { for b in w.timed { samples.append(Timer.nanoseconds { body(b) }) } }
        return median(samples) / 1e3
    }
    var sink = 0
    let serialized = w.timed.map(\.serialized)
    var decodeIndex = 0
    let rows: [(String, Double)] = [
        ("txid of every transaction (serialise + SHA-256d)", perBlock { b in
            for tx in b.transactions { sink &+= Int(tx.txid.bytes[0]) }
        }),
        ("merkle root (txids + tree)", perBlock { b in sink &+= Int(b.computeMerkleRoot().root.bytes[0]) }),
        ("serialise the block", perBlock { b in sink &+= b.serialized.count }),
        ("decode the block", perBlock { _ in
            var r = ByteReader(serialized[decodeIndex % serialized.count])
            decodeIndex += 1
            if let d = try? Block(from: &r) { sink &+= d.transactions.count }
        }),
        ("SighashCache of every transaction", perBlock { b in
            for tx in b.transactions { sink &+= SighashCache(tx: tx).hashValueProxy }
        }),
    ]
    blackHole(sink)
    return rows
}

extension SighashCache {
    /// Something to consume so the construction is not optimised away.
    fileprivate var hashValueProxy: Int { withUnsafeBytes(of: self) { Int($0.count) } }
}

/// A thread-safe sum.
private final class FailureCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ n: Int) { lock.lock(); total += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return total }
}

// MARK: Report

func runConnectBenchmarks() {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let profileBlocks = ProcessInfo.processInfo.environment[profileVariable].flatMap { Int($0) }
    var workload: ConnectWorkload?
    let generation = Timer.nanoseconds { workload = makeConnectWorkload(blocks: max(profileBlocks ?? timedBlockCount, 1)) }
    let w = workload!
    let txs = w.transactionCount
    let sigs = w.checks.count
    let blocks = w.timed.count
    print("Chain: regtest with Acadia from height 1 (v4 transactions, ZIP 243 digests); \(w.base.count) base blocks "
          + "(110 empty, 1 fan-out block), then \(blocks) timed blocks of \(spendsPerBlock) one-input P2PKH spends "
          + "(every 4th pays 2 outputs): \(txs) transactions, \(sigs) signature checks, "
          + "\(fixed(Double(w.serializedBytes) / Double(blocks) / 1e3, 1)) kB per block. "
          + "Generated in \(fixed(generation / 1e9, 1)) s. \(cores) cores.\n")
    let base = makeBaseChain(w)
    defer { try? FileManager.default.removeItem(at: base) }
    if profileBlocks != nil {
        let s = timeConnect(w, base: base, ConnectConfiguration(mode: .inOrder, syncWrites: false, blocksPerCommit: 1,
                                                                scriptThreads: 0))
        print("\(profileVariable): connected \(w.timed.count) blocks in \(fixed(s * 1e3, 1)) ms; nothing else run.")
        return
    }

    let raw1 = rawVerifyRate(w.checks, threads: 1)
    let rawN = rawVerifyRate(w.checks, threads: cores)

    var configurations: [ConnectConfiguration] = []
    for mode in [ConnectMode.inOrder, .headersFirst] {
        for sync in [true, false] {
            for perCommit in [1, 50] {
                configurations.append(ConnectConfiguration(mode: mode, syncWrites: sync, blocksPerCommit: perCommit,
                                                           scriptThreads: 0))
            }
        }
    }
    configurations.append(ConnectConfiguration(mode: .inOrder, syncWrites: false, blocksPerCommit: 1, scriptThreads: 1))
    configurations.append(ConnectConfiguration(mode: .headersFirst, syncWrites: false, blocksPerCommit: 50,
                                               scriptThreads: 1))
    // Interleaved rounds, so machine noise hits every configuration alike.
    var runs = [[Double]](repeating: [], count: configurations.count)
    for round in 0..<connectRounds {
        for k in configurations.indices.shifted(by: round * 3) {
            runs[k].append(timeConnect(w, base: base, configurations[k]))
        }
    }
    print("### Connecting \(blocks) blocks (median of \(connectRounds) rounds, fresh copy of the base chain each run)\n")
    var rows: [[String]] = []
    for (c, r) in zip(configurations, runs) {
        let s = median(r)
        let sigRate = Double(sigs) / s
        rows.append([c.mode.description, "\(c.syncWrites)", "\(c.blocksPerCommit)",
                     c.scriptThreads == 0 ? "default (\(cores))" : "\(c.scriptThreads)",
                     fixed(Double(blocks) / s, 1), fixed(Double(txs) / s, 0), fixed(sigRate, 0),
                     fixed(s * 1e3 / Double(blocks), 2),
                     fixed(sigRate / raw1, 2) + "×", fixed(sigRate / rawN, 2) + "×"])
    }
    printTable(["mode", "syncWrites", "blocksPerCommit", "scriptThreads", "blocks/s", "tx/s", "sig checks/s",
                "ms/block", "÷ raw verify, 1 thread", "÷ raw verify, \(cores) threads"], rows)
    print("")
    print("### Reference: the same \(sigs) signatures\n")
    let script1 = scriptOnlyRate(w)
    printTable(["what", "threads", "per second", "µs each"], [
        ["`PublicKey.verify` (libsecp256k1 `secp256k1_ecdsa_verify` + key/DER parsing)", "1", fixed(raw1, 0),
         fixed(1e6 / raw1, 2)],
        ["`PublicKey.verify`", "\(cores)", fixed(rawN, 0), fixed(1e6 / rawN, 2)],
        ["`ScriptInterpreter.verify` of each input (SighashCache + ZIP 243 digest + verify)", "1",
         fixed(script1, 0), fixed(1e6 / script1, 2)],
    ])
    print("")
    print("### Other per-block steps (single thread, median µs per timed block of \(spendsPerBlock + 1) transactions)\n")
    printTable(["step", "µs per block"], stepCosts(w).map { [$0.0, fixed($0.1, 1)] })
    print("")
    print("### One personalised BLAKE2b-256 of 36 bytes (a ZIP 243 sub-hash), single thread\n")
    let (swiftNs, sodiumNs) = personalisedBlake2bNanoseconds()
    printTable(["implementation", "ns per hash"], [
        ["`FluxEquihash.Blake2b.hash(_:digestLength:personalization:)` (as `SignatureHash` calls it)", fixed(swiftNs, 0)],
        ["libsodium `crypto_generichash_blake2b_salt_personal`", fixed(sodiumNs, 0)],
    ])
}

/// Nanoseconds per personalised 32-byte BLAKE2b of a 36-byte input (one block): the Swift implementation as the
/// signature hash calls it, and libsodium.
private func personalisedBlake2bNanoseconds() -> (swift: Double, sodium: Double) {
    precondition(sodium_init() >= 0, "sodium_init failed")
    let data = [UInt8](repeating: 0x5a, count: 36)
    let personalization = Array("ZcashPrevoutHash".utf8)
    var sink: [UInt8] = []
    let swift = Timer.medianPerCall {
        sink = Blake2b.hash(data, digestLength: 32, personalization: personalization)
    }
    var out = [UInt8](repeating: 0, count: 32)
    let sodium = Timer.medianPerCall {
        _ = out.withUnsafeMutableBufferPointer { o in
            crypto_generichash_blake2b_salt_personal(o.baseAddress!, 32, data, UInt64(data.count), nil, 0, nil,
                                                     personalization)
        }
    }
    precondition(sink == out, "BLAKE2b implementations disagree")
    return (swift, sodium)
}

extension Range<Int> {
    /// The indices rotated left by `n` places.
    fileprivate func shifted(by n: Int) -> [Int] {
        let all = Array(self)
        guard !all.isEmpty else { return all }
        let k = n % all.count
        return Array(all[k...] + all[..<k])
    }
}
