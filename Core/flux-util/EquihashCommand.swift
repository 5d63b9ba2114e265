import ArgumentParser
import FluxEquihash
import FluxPrimitives

/// `flux-util equihash verify|solve`: Equihash on raw inputs.
struct EquihashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "equihash", abstract: "Verify or find Equihash solutions for raw inputs.",
        subcommands: [Verify.self, Solve.self])

    /// `flux-util equihash` without `verify` or `solve` is a usage error (exit status 2), not a help request.
    func run() throws { throw ValidationError("missing subcommand: verify or solve") }

    /// The (n, k, personalisation) options shared by both subcommands.
    struct ParameterOptions: ParsableArguments {
        @Option(help: "Equihash n.") var n: Int
        @Option(help: "Equihash k.") var k: Int
        @Option(help: "8-byte personalisation tag: ZcashPoW, or ZelProof (with n=125 k=4 this is Flux's ZelHash, twist included).")
        var personalization: String = "ZcashPoW"
        @Option(name: .customLong("input-hex"), help: "The input bytes (for a block: its first 108 header bytes).")
        var inputHex: String
        @Option(name: .customLong("nonce-hex"), help: "The nonce bytes (32 for a block header).")
        var nonceHex: String

        func parameters() throws -> EquihashParameters {
            let twist = personalization == "ZelProof" && n == 125 && k == 4
            do { return try EquihashParameters(n: n, k: k, personalization: personalization, twist: twist) } catch {
                throw ValidationError("\(error)")
            }
        }

        /// The input and nonce bytes; text that is not hex is an invalid input (exit status 1), as for decode-tx.
        func bytes() throws -> (input: [UInt8], nonce: [UInt8]) {
            guard let input = Hex.decode(inputHex) else { throw InvalidInput("--input-hex is not valid hex") }
            guard let nonce = Hex.decode(nonceHex) else { throw InvalidInput("--nonce-hex is not valid hex") }
            return (input, nonce)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check one solution; prints the failed rule.")
        @OptionGroup var options: ParameterOptions
        @Option(name: .customLong("solution-hex"), help: "The packed (minimal) solution, without its length prefix.")
        var solutionHex: String

        func run() throws {
            let params = try options.parameters()
            let (input, nonce) = try options.bytes()
            guard let solution = Hex.decode(solutionHex) else {
                throw InvalidInput("--solution-hex is not valid hex")
            }
            do {
                try EquihashVerifier.verify(params, input: input, nonce: nonce, solution: solution)
            } catch {
                throw InvalidInput("invalid solution for \(params): \(error)")
            }
            print("valid")
        }
    }

    struct Solve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find solutions (Wagner's algorithm); practical for small parameters such as (48,5) and (96,5).")
        @OptionGroup var options: ParameterOptions
        @Option(help: "Stop after this many solutions.") var max: Int = 16

        func validate() throws {
            guard max > 0 else { throw ValidationError("--max must be at least 1") }
        }

        func run() throws {
            let params = try options.parameters()
            // Parameters the solver refuses (e.g. the mainnet ones) are a usage error, not "no solution".
            do { try EquihashSolver.checkSupported(params) } catch { throw ValidationError("\(error)") }
            let (input, nonce) = try options.bytes()
            let solutions = EquihashSolver.solve(params, input: input, nonce: nonce, maxSolutions: max)
            if solutions.isEmpty { throw InvalidInput("no solution for this input and nonce") }
            for s in solutions { print(Hex.encode(s)) }
        }
    }
}
