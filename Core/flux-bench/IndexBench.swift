import Foundation
import FluxChain
import FluxStorage

extension BenchmarkGroup {
    /// Cost of the optional indexes (`-txindex`, `-insightexplorer`) on block connection: the `connect` workload
    /// connected with no index and with every index, on base chains built the same way.
    static let indexes = BenchmarkGroup(
        name: "indexes",
        summary: "block connection with and without -txindex + -insightexplorer (ratio)",
        run: runIndexBenchmarks)
}

/// Timed blocks (of 400 one-input P2PKH spends each) and rounds per configuration (median reported).
private let indexBlockCount = 30
private let indexRounds = 5

func runIndexBenchmarks() {
    let w = makeConnectWorkload(blocks: indexBlockCount)
    let all: ChainIndexes = [.transactions, .addresses, .spent, .timestamps]
    let plain = makeBaseChain(w)
    let indexed = makeBaseChain(w, indexes: all)
    defer {
        try? FileManager.default.removeItem(at: plain)
        try? FileManager.default.removeItem(at: indexed)
    }
    let txs = w.transactionCount
    print("Chain: the `connect` workload with \(w.timed.count) timed blocks (\(txs) transactions, one P2PKH input "
          + "and 1-2 P2PKH outputs each); acceptBlock in order, syncWrites false, default script threads. "
          + "\(ProcessInfo.processInfo.activeProcessorCount) cores.\n")
    var rows: [[String]] = []
    for perCommit in [1, 50] {
        let configurations = [ChainIndexes(), all].map { set in
            ConnectConfiguration(mode: .inOrder, syncWrites: false, blocksPerCommit: perCommit, scriptThreads: 0,
                                 indexes: set)
        }
        var runs: [[Double]] = [[], []]
        for round in 0..<indexRounds {
            // Alternate which runs first, so machine noise hits both alike.
            for k in round % 2 == 0 ? [0, 1] : [1, 0] {
                runs[k].append(timeConnect(w, base: k == 0 ? plain : indexed, configurations[k]))
            }
        }
        let (without, with) = (median(runs[0]), median(runs[1]))
        rows.append(["\(perCommit)", fixed(without * 1e3 / Double(w.timed.count), 2),
                     fixed(with * 1e3 / Double(w.timed.count), 2), fixed(Double(txs) / without, 0),
                     fixed(Double(txs) / with, 0), fixed(with / without, 3) + "×"])
    }
    print("### Connecting \(w.timed.count) blocks (median of \(indexRounds) rounds, fresh copy of the base chain each run)\n")
    printTable(["blocksPerCommit", "ms/block, no index", "ms/block, all indexes", "tx/s, no index",
                "tx/s, all indexes", "time ratio (all ÷ none)"], rows)
}
