import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxNode
import FluxOptions
import FluxPrimitives
import Foundation
import Logging

extension BenchmarkGroup {
    /// Initial sync of a regtest chain from one peer over loopback, next to importing the same blocks from a file.
    static let sync = BenchmarkGroup(
        name: "sync",
        summary: "initial sync from one peer over loopback vs -loadblock import of the same blocks (blocks/s, tx/s)",
        run: runSyncBenchmarks)
}

/// One chain to sync: its blocks in order (genesis excluded).
private struct SyncChain {
    let name: String
    let blocks: [Block]
    var transactions: Int { blocks.reduce(0) { $0 + $1.transactions.count } }
    var bytes: Int { blocks.reduce(0) { $0 + $1.serialized.count } }
}

private let upgradeArguments = ["-upgradeheight=acadia:1"]

/// Runs an async body to completion from synchronous code.
private func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.value = .success(try await body()) } catch { box.value = .failure(error) }
        done.signal()
    }
    done.wait()
    switch box.value! {
    case let .success(v): return v
    case let .failure(e): fatalError("sync benchmark: \(e)")
    }
}

private final class ResultBox<T>: @unchecked Sendable { var value: Result<T, any Error>? }

private func makeNode(_ folder: String, _ extra: [String]) throws -> Node {
    let arguments = ["-regtest", "-datadir=\(folder)", "-port=0", "-rpcport=0", "-bind=127.0.0.1"] + upgradeArguments
        + extra
    var logger = Logger(label: "flux-bench")
    logger.logLevel = .error
    return try Node(configuration: try NodeConfiguration(options: try NodeOptions(arguments: arguments)), logger: logger)
}

private func scratch() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("flux-bench-sync-\(UUID().uuidString)").path
}

/// Writes `blocks` in `-loadblock` format (magic ‖ LE32 size ‖ block, repeated).
private func writeBlockFile(_ blocks: [Block], magic: [UInt8]) -> String {
    var bytes: [UInt8] = []
    for b in blocks {
        let s = b.serialized
        bytes += magic
        withUnsafeBytes(of: UInt32(s.count).littleEndian) { bytes += $0 }
        bytes += s
    }
    let path = scratch() + ".dat"
    precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot write \(path)")
    return path
}

/// Seconds to import the block file into a fresh node's chain.
private func timeImport(_ file: String, count: Int) -> Double {
    let folder = scratch()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    do {
        let node = try makeNode(folder, ["-listen=0"])
        var logger = Logger(label: "import")
        logger.logLevel = .error
        let start = ContinuousClock.now
        let result = BlockImporter(chain: node.chain, logger: logger).importFile(file)
        let elapsed = ContinuousClock.now - start
        precondition(result.imported == count && node.chain.height == count, "import incomplete: \(result)")
        node.chain.store.close()
        return seconds(elapsed)
    } catch {
        fatalError("sync benchmark: import: \(error)")
    }
}

/// Seconds for a fresh node to sync `count` blocks from a serving node (already holding them) over loopback:
/// from the joiner's start to its tip equalling the server's.
private func timeSync(server: Node, count: Int) -> Double {
    let folder = scratch()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let port = server.p2pPort
    return blocking {
        let joiner = try makeNode(folder, ["-listen=0", "-connect=127.0.0.1:\(port)"])
        let target = server.chain.tip.hash
        let start = ContinuousClock.now
        try await joiner.start()
        while joiner.chain.tip.hash != target {
            try await Task.sleep(for: .milliseconds(2))
            if ContinuousClock.now - start > .seconds(600) { fatalError("sync benchmark: joiner stuck at \(joiner.chain.height)") }
        }
        let elapsed = ContinuousClock.now - start
        await joiner.stop()
        joiner.chain.store.close()
        return seconds(elapsed)
    }
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}


func runSyncBenchmarks() {
    let rounds = 3
    let workload = makeConnectWorkload(blocks: 50)
    let params = workload.params
    var builder = ChainBuilder(params: params, seed: 7)
    let empty = SyncChain(name: "2,000 coinbase-only blocks",
                          blocks: builder.chain(on: params.genesisHash, count: 2_000))
    let full = SyncChain(name: "161 blocks, 50 of them with 400 signed P2PKH spends",
                         blocks: workload.base + workload.timed)
    print("Regtest (Acadia from height 1), one serving node and one joining node in this process on 127.0.0.1, "
          + "\(ProcessInfo.processInfo.activeProcessorCount) cores; median of \(rounds) rounds. The import column is "
          + "`-loadblock` (BlockImporter) into a fresh data folder with the same options.\n")
    print("| chain | blocks | transactions | MB | import s | import blocks/s | import tx/s | sync s | sync blocks/s | sync tx/s | sync ÷ import time |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for chain in [empty, full] {
        let file = writeBlockFile(chain.blocks, magic: params.messageStart)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let importTimes = (0..<rounds).map { _ in timeImport(file, count: chain.blocks.count) }
        let serverFolder = scratch()
        defer { try? FileManager.default.removeItem(atPath: serverFolder) }
        let server: Node
        do {
            server = try makeNode(serverFolder, ["-listen=1"])
        } catch {
            fatalError("sync benchmark: server: \(error)")
        }
        var logger = Logger(label: "import")
        logger.logLevel = .error
        _ = BlockImporter(chain: server.chain, logger: logger).importFile(file)
        blocking { try await server.start() }
        let syncTimes = (0..<rounds).map { _ in timeSync(server: server, count: chain.blocks.count) }
        blocking { await server.stop() }
        let i = median(importTimes), s = median(syncTimes)
        let n = Double(chain.blocks.count), t = Double(chain.transactions)
        print(String(format: "| %@ | %d | %d | %.1f | %.2f | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f× |",
                     chain.name, chain.blocks.count, chain.transactions, Double(chain.bytes) / 1e6, i, n / i, t / i,
                     s, n / s, t / s, s / i))
    }
}
