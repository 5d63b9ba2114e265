import Foundation
import FluxChain
import FluxStorage

extension BenchmarkGroup {
    /// Cost of the optional indexes (`-txindex`, `-insightexplorer`) on block connection: the `connect` workload
    /// connected with no index and with every index, on base chains built the same way.
    static let indexes = BenchmarkGroup(
        name: "indexes",
        summary: "block connection with no index, -txindex, and -txindex + -insightexplorer (ratios)",
        run: runIndexBenchmarks)
}

/// Timed blocks (of 400 one-input P2PKH spends each) and rounds per configuration (median reported).
private let indexBlockCount = 30
private let indexRounds = 5

func runIndexBenchmarks() {
    let w = makeConnectWorkload(blocks: indexBlockCount)
    let all: ChainIndexes = [.transactions, .addresses, .spent, .timestamps]
    let sets: [ChainIndexes] = [[], [.transactions], all]
    let bases = sets.map { makeBaseChain(w, indexes: $0) }
    defer { for base in bases { try? FileManager.default.removeItem(at: base) } }
    let txs = w.transactionCount
    print("Chain: the `connect` workload with \(w.timed.count) timed blocks (\(txs) transactions, one P2PKH input "
          + "and 1-2 P2PKH outputs each); acceptBlock in order, syncWrites false, default script threads. "
          + "\(ProcessInfo.processInfo.activeProcessorCount) cores.\n")
    var rows: [[String]] = []
    for perCommit in [1, 50] {
        let configurations = sets.map { set in
            ConnectConfiguration(mode: .inOrder, syncWrites: false, blocksPerCommit: perCommit, scriptThreads: 0,
                                 indexes: set)
        }
        var runs: [[Double]] = [[], [], []]
        for round in 0..<indexRounds {
            // Rotate which runs first, so machine noise hits every set alike.
            for k in sets.indices.map({ ($0 + round) % sets.count }) {
                runs[k].append(timeConnect(w, base: bases[k], configurations[k]))
            }
        }
        let (without, txOnly, with) = (median(runs[0]), median(runs[1]), median(runs[2]))
        let perBlock = { (s: Double) in fixed(s * 1e3 / Double(w.timed.count), 2) }
        rows.append(["\(perCommit)", perBlock(without), perBlock(txOnly), perBlock(with), fixed(Double(txs) / without, 0),
                     fixed(Double(txs) / with, 0), fixed(txOnly / without, 3) + "×", fixed(with / without, 3) + "×"])
    }
    print("### Connecting \(w.timed.count) blocks (median of \(indexRounds) rounds, fresh copy of the base chain each run)\n")
    printTable(["blocksPerCommit", "ms/block, no index", "ms/block, -txindex", "ms/block, all indexes",
                "tx/s, no index", "tx/s, all indexes", "time ratio (txindex ÷ none)", "time ratio (all ÷ none)"], rows)
}
