import CRocksDB
import Foundation
import FluxPrimitives
import FluxStorage

extension BenchmarkGroup {
    /// Chain-store write throughput: ChainStore commits of UTXO batches against a raw RocksDB C-API loop and
    /// `db_bench` (when installed), with and without fsync per commit.
    static let store = BenchmarkGroup(
        name: "store",
        summary: "ChainStore UTXO batch commits vs. raw RocksDB C API and db_bench, sync on/off",
        run: runStoreBenchmarks)
}

/// One benchmark batch: coins created and coins spent, as one block-connect flush writes them.
private struct UTXOBatch {
    var puts: [(OutPoint, Coin)]
    var deletes: [OutPoint]
}

/// Deterministic 64-bit generator (SplitMix64) for the synthetic UTXO workload.
private struct BenchRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Coins created and spent per batch (2,000 operations, about a full 2 MB block's worth of outputs and inputs).
private let putsPerBatch = 1_200
private let deletesPerBatch = 800

/// `count` batches: each creates `putsPerBatch` outputs (random txids, 80% P2PKH, 10% P2SH, 10% 67-byte P2PK with
/// an uncompressed key, amounts of random satoshis) and spends `deletesPerBatch` earlier unspent outputs.
private func makeWorkload(batches count: Int, seed: UInt64) -> [UTXOBatch] {
    var g = BenchRandom(state: seed)
    func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) } }
    var unspent: [OutPoint] = []
    var batches: [UTXOBatch] = []
    for height in 0..<count {
        var batch = UTXOBatch(puts: [], deletes: [])
        for _ in 0..<deletesPerBatch where !unspent.isEmpty {
            let i = Int.random(in: 0..<unspent.count, using: &g)
            batch.deletes.append(unspent[i])
            unspent.swapAt(i, unspent.count - 1)
            unspent.removeLast()
        }
        var txid = Hash256(bytes(32))
        for n in 0..<putsPerBatch {
            if n % 3 == 0 { txid = Hash256(bytes(32)) }           // ~3 outputs per transaction
            let outpoint = OutPoint(hash: txid, index: UInt32(n % 3))
            let roll = Int.random(in: 0..<10, using: &g)
            let script: Script = roll < 8 ? .payToPubKeyHash(bytes(20))
                : roll == 8 ? .payToScriptHash(bytes(20)) : Script([65, 4] + bytes(64) + [Opcode.checkSig])
            let coin = Coin(output: TxOut(value: Amount(units: Int64.random(in: 1...2_000_000_000, using: &g)),
                                          scriptPubKey: script),
                            height: 1_000_000 + height, isCoinbase: n == 0)
            batch.puts.append((outpoint, coin))
            unspent.append(outpoint)
        }
        batches.append(batch)
    }
    return batches
}

private func chainBatch(_ b: UTXOBatch) -> ChainBatch {
    var batch = ChainBatch()
    for (outpoint, coin) in b.puts { batch.putCoin(coin, at: outpoint) }
    for outpoint in b.deletes { batch.deleteCoin(outpoint) }
    return batch
}

/// A fresh folder for one database, removed by the caller.
private func scratchFolder() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("flux-bench-store-\(UUID().uuidString)")
}

private struct WriteResult {
    var seconds: Double
    var operations: Int
    var bytes: Int
    var recordsPerSecond: Double { Double(operations) / seconds }
    var megabytesPerSecond: Double { Double(bytes) / seconds / 1e6 }
}

/// Commits prebuilt (or, with `encode`, freshly built) batches through `ChainStore`.
private func chainStoreWrites(_ workload: [UTXOBatch], sync: Bool, encode: Bool) -> WriteResult {
    let folder = scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var options = DatabaseOptions()
    options.syncWrites = sync
    do {
        let store = try ChainStore(path: folder.path, options: options)
        defer { store.close() }
        let prebuilt = encode ? [] : workload.map(chainBatch)
        var operations = 0, bytes = 0
        var failure: StorageError?
        let ns = Timer.nanoseconds {
            do throws(StorageError) {
                for i in workload.indices {
                    let batch = encode ? chainBatch(workload[i]) : prebuilt[i]
                    operations += batch.operationCount
                    bytes += batch.byteSize
                    try store.commit(batch)
                }
            } catch { failure = error }
        }
        if let failure { fatalError("store benchmark: \(failure)") }
        return WriteResult(seconds: ns / 1e9, operations: operations, bytes: bytes)
    } catch {
        fatalError("store benchmark: \(error)")
    }
}

/// The same keys and values written by a loop over RocksDB's C API: one `rocksdb_writebatch_t` per batch, into a
/// database opened with the options `Database` uses (LZ4, shared 64 MiB LRU cache, bloom filter, 256 files).
private func rawRocksDBWrites(_ workload: [UTXOBatch], sync: Bool) -> WriteResult {
    // Keys and values as ChainBatch encodes them, laid out as a C program would: one buffer per batch and
    // (offset, length) pairs, value length -1 for a delete.
    let encoded: [(buffer: [UInt8], ops: [(key: Int, keyCount: Int, value: Int, valueCount: Int)])] = workload.map { b in
        var buffer: [UInt8] = []
        var ops: [(key: Int, keyCount: Int, value: Int, valueCount: Int)] = []
        for op in chainBatch(b).writeBatch.operations {
            switch op {
            case let .put(_, key, value):
                ops.append((buffer.count, key.count, buffer.count + key.count, value.count))
                buffer += key + value
            case let .delete(_, key):
                ops.append((buffer.count, key.count, 0, -1))
                buffer += key
            }
        }
        return (buffer, ops)
    }
    let folder = scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cache = rocksdb_cache_create_lru(64 << 20)
    let options = rocksdb_options_create()
    rocksdb_options_set_create_if_missing(options, 1)
    rocksdb_options_set_max_open_files(options, 256)
    rocksdb_options_set_compression(options, Int32(rocksdb_lz4_compression))
    rocksdb_options_increase_parallelism(options, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
    let table = rocksdb_block_based_options_create()
    rocksdb_block_based_options_set_block_cache(table, cache)
    rocksdb_block_based_options_set_filter_policy(table, rocksdb_filterpolicy_create_bloom_full(10))
    rocksdb_options_set_block_based_table_factory(options, table)
    rocksdb_block_based_options_destroy(table)
    var error: UnsafeMutablePointer<CChar>? = nil
    guard let db = rocksdb_open(options, folder.path, &error) else {
        fatalError("raw rocksdb_open: \(error.map { String(cString: $0) } ?? "?")")
    }
    let writeOptions = rocksdb_writeoptions_create()
    rocksdb_writeoptions_set_sync(writeOptions, sync ? 1 : 0)
    defer {
        rocksdb_writeoptions_destroy(writeOptions)
        rocksdb_close(db)
        rocksdb_options_destroy(options)
        rocksdb_cache_destroy(cache)
    }
    var operations = 0, bytes = 0
    let ns = Timer.nanoseconds {
        for (buffer, ops) in encoded {
            let batch = rocksdb_writebatch_create()
            buffer.withUnsafeBytes { raw in
                let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                for op in ops {
                    if op.valueCount >= 0 {
                        rocksdb_writebatch_put(batch, base + op.key, op.keyCount, base + op.value, op.valueCount)
                    } else {
                        rocksdb_writebatch_delete(batch, base + op.key, op.keyCount)
                    }
                }
            }
            operations += ops.count
            bytes += buffer.count
            rocksdb_write(db, writeOptions, batch, &error)
            rocksdb_writebatch_destroy(batch)
            if let e = error { fatalError("raw rocksdb_write: \(String(cString: e))") }
        }
    }
    return WriteResult(seconds: ns / 1e9, operations: operations, bytes: bytes)
}

/// `db_bench` (Debian's rocksdb-tools) fillrandom with comparable settings, or nil when it is not installed.
private func dbBench(operations: Int, valueSize: Int, batchSize: Int, sync: Bool) -> (command: String, result: WriteResult)? {
    let executable = "/usr/bin/db_bench"
    guard FileManager.default.isExecutableFile(atPath: executable) else { return nil }
    let folder = scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let arguments = ["--benchmarks=fillrandom", "--key_size=36", "--value_size=\(valueSize)", "--num=\(operations)",
                     "--batch_size=\(batchSize)", "--sync=\(sync ? 1 : 0)", "--disable_wal=0", "--threads=1",
                     "--compression_type=lz4", "--compression_ratio=1.0", "--cache_size=\(64 << 20)", "--bloom_bits=10",
                     "--open_files=256", "--db=\(folder.path)"]
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { return nil }
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    // "fillrandom   :       2.345 micros/op 426439 ops/sec 0.938 seconds 400000 operations;   32.5 MB/s"
    guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("fillrandom") }),
          let microsField = line.split(separator: ":").dropFirst().first?.split(separator: " ").first,
          let micros = Double(microsField) else {
        print("db_bench output not understood:\n\(output)")
        return nil
    }
    let seconds = micros * Double(operations) / 1e6
    let command = "db_bench " + arguments.map { $0.hasPrefix("--db=") ? "--db=/tmp/…" : $0 }.joined(separator: " ")
    return (command, WriteResult(seconds: seconds, operations: operations, bytes: operations * (36 + valueSize)))
}

/// Rounds per writer; the median is reported.
private let rounds = 3

extension Array {
    /// The elements rotated left by `n` places.
    fileprivate func shifted(by n: Int) -> [Element] {
        let k = n % Swift.max(count, 1)
        return Array(self[k...] + self[..<k])
    }
}

/// Median microseconds of a one-record `ChainStore.commit` (the fixed cost of a commit: WAL append, and the fsync
/// when `sync` is on).
private func singleCommitMicroseconds(sync: Bool) -> Double {
    let folder = scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
        let store = try ChainStore(path: folder.path)
        defer { store.close() }
        var samples: [Double] = []
        for i in 0..<300 {
            var batch = ChainBatch()
            batch.putMeta("bench", [UInt8(i & 255)])
            var failure: StorageError?
            samples.append(Timer.nanoseconds {
                do throws(StorageError) { try store.commit(batch, sync: sync) } catch { failure = error }
            } / 1e3)
            if let failure { fatalError("store benchmark: \(failure)") }
        }
        return median(samples)
    } catch {
        fatalError("store benchmark: \(error)")
    }
}

func runStoreBenchmarks() {
    print("### Fixed cost of one commit (one-record batch, median of 300)\n")
    printTable(["syncWrites", "µs per commit"],
               [["false", fixed(singleCommitMicroseconds(sync: false), 1)],
                ["true (fsync)", fixed(singleCommitMicroseconds(sync: true), 1)]])
    print("")
    let configurations: [(sync: Bool, batches: Int)] = [(false, 500), (true, 200)]
    print("Workload: batches of \(putsPerBatch) coin puts + \(deletesPerBatch) deletes of earlier coins; keys 36 bytes "
          + "(txid ‖ BE32 index), values = Coin records. One commit per batch; fresh database per run; "
          + "median of \(rounds) interleaved rounds.\n")
    for (sync, batches) in configurations {
        let workload = makeWorkload(batches: batches, seed: 0xF1_0C5)
        let puts = workload.reduce(0) { $0 + $1.puts.count }
        let valueBytes = workload.reduce(0) { $0 + $1.puts.reduce(0) { $0 + $1.1.encoded().count } }
        let averageValue = Double(valueBytes) / Double(puts)
        print("### syncWrites = \(sync) (\(sync ? "fsync of the WAL per commit" : "WAL in the page cache")), "
              + "\(batches) batches, \(batches * (putsPerBatch + deletesPerBatch) - deletesPerBatch) operations, "
              + "mean value \(fixed(averageValue, 1)) bytes\n")
        // Rounds interleave the writers so machine noise hits them alike; each figure is the median round.
        var rawRuns: [WriteResult] = [], storeRuns: [WriteResult] = [], encodeRuns: [WriteResult] = []
        for round in 0..<rounds {
            let order = [0, 1, 2].shifted(by: round)
            for writer in order {
                switch writer {
                case 0: rawRuns.append(rawRocksDBWrites(workload, sync: sync))
                case 1: storeRuns.append(chainStoreWrites(workload, sync: sync, encode: false))
                default: encodeRuns.append(chainStoreWrites(workload, sync: sync, encode: true))
                }
            }
        }
        func medianRun(_ runs: [WriteResult]) -> WriteResult { runs.sorted { $0.seconds < $1.seconds }[runs.count / 2] }
        let raw = medianRun(rawRuns), store = medianRun(storeRuns), encodeAndStore = medianRun(encodeRuns)
        var rows: [[String]] = []
        func row(_ name: String, _ r: WriteResult) {
            rows.append([name, fixed(r.recordsPerSecond / 1e3, 1), fixed(r.megabytesPerSecond, 1),
                         fixed(r.seconds * 1e3 / Double(batches), 2), fixed(raw.seconds / r.seconds, 2) + "×"])
        }
        row("`ChainStore.commit` (prebuilt `ChainBatch`)", store)
        row("build `ChainBatch` (encode coins) + commit", encodeAndStore)
        row("raw C API loop (`rocksdb_writebatch_put`/`delete`, `rocksdb_write`)", raw)
        var commandLine: String?
        if let (command, result) = dbBench(operations: batches * (putsPerBatch + deletesPerBatch),
                                           valueSize: Int(averageValue.rounded()),
                                           batchSize: putsPerBatch + deletesPerBatch, sync: sync) {
            row("`db_bench` fillrandom (puts only, same batch size)", result)
            commandLine = command
        }
        printTable(["writer", "k records/s", "MB/s (keys+values)", "ms per commit", "speed vs raw"], rows)
        if let commandLine { print("\n`\(commandLine)`") }
        print("")
    }
}
