#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// flux-bench: micro-benchmarks of the node's hot paths. Build and run in release mode:
//   swift build -c release --product flux-bench --scratch-path .build-eq && .build-eq/release/flux-bench [group]
// With no argument every group runs; `--list` names them.

extension BenchmarkGroup {
    /// Every registered group, in the order `flux-bench` runs them. Add new groups here.
    static let all: [BenchmarkGroup] = [.equihash, .store, .connect, .indexes, .sync, .plugins, .fluxnodes, .sendbuffer]
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--list" || arguments.first == "-h" || arguments.first == "--help" {
    print("usage: flux-bench [group ...]   (no group: run all)")
    for group in BenchmarkGroup.all { print("  \(group.name)  \(group.summary)") }
} else {
    let selected = arguments.isEmpty ? BenchmarkGroup.all : arguments.map { name in
        guard let group = BenchmarkGroup.all.first(where: { $0.name == name }) else {
            print("unknown benchmark group '\(name)'; known: \(BenchmarkGroup.all.map(\.name).joined(separator: ", "))")
            exit(2)
        }
        return group
    }
    #if DEBUG
    print("warning: debug build; figures are meaningless. Use -c release.")
    #endif
    for group in selected {
        print("## \(group.name)\n")
        group.run()
        print("")
    }
}
