import ArgumentParser
import Foundation

/// `flux-util`: offline tools for Flux data (like bitcoin-tx / bitcoin-util).
///
/// Exit status: 0 success, 1 the input is invalid (bad transaction, header or solution), 2 usage error.
@main
struct FluxUtil: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flux-util",
        abstract: "Offline tools for Flux transactions, blocks, headers and Equihash.",
        discussion: "Exit status: 0 on success, 1 when the input is invalid, 2 on a usage error.",
        subcommands: [DecodeTx.self, DecodeBlock.self, VerifyHeader.self, EquihashCommand.self, NewKey.self])

    static func main() {
        if CommandLine.arguments.count < 2 {
            FileHandle.standardError.write(Data((helpMessage() + "\n").utf8))
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as InvalidInput {
            FileHandle.standardError.write(Data(("error: " + failure.message + "\n").utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// An input that parsed as arguments but is not valid data: exit status 1.
struct InvalidInput: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
