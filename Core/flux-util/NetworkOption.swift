import ArgumentParser
import FluxConsensus

/// `--network main|test|regtest` (also `mainnet`, `testnet`), selecting address prefixes and limits.
struct NetworkOption: ParsableArguments {
    @Option(name: .long, help: "Network whose prefixes and limits apply: main, test or regtest.")
    var network: String = "main"

    func parameters() throws -> ChainParameters {
        switch network.lowercased() {
        case "main", "mainnet": return .mainnet
        case "test", "testnet": return .testnet
        case "regtest": return .regtest
        default: throw ValidationError("unknown network \"\(network)\" (expected main, test or regtest)")
        }
    }
}

/// Reads a hex argument, or standard input when the argument is `-`.
func readHexArgument(_ argument: String, name: String) throws -> [UInt8] {
    var text = argument
    if argument == "-" {
        var lines: [String] = []
        while let line = readLine() { lines.append(line) }
        text = lines.joined()
    }
    let trimmed = text.filter { !$0.isWhitespace }
    guard let bytes = Hex.decode(trimmed) else {
        throw InvalidInput("\(name) is not valid hex (odd length or a non-hex character)")
    }
    return bytes
}

import FluxPrimitives
