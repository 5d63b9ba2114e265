import Foundation
import NIOConcurrencyHelpers

/// A script of `Tests/Python` run by the project's Python (`.venv`, made by `scripts/setup-python.sh` with the pinned
/// `Tests/python-requirements.txt`) as a child process; its standard output is collected line by line.
final class PythonScript: @unchecked Sendable {
    /// The checkout's root, found from this file's path.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `.venv/bin/python`; an error telling how to create it when it is missing.
    static func interpreter() throws -> URL {
        let python = repository.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw NodeTestError("\(python.path) is missing: run scripts/setup-python.sh (scripts/setup.sh does)")
        }
        return python
    }

    let process = Process()
    private let stdin = Pipe()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private let output = NIOLockedValueBox<(lines: [String], partial: String)>(([], ""))
    private let errors = NIOLockedValueBox<String>("")

    /// Starts `Tests/Python/<name>` with `arguments`.
    init(_ name: String, _ arguments: [String]) throws {
        process.executableURL = try PythonScript.interpreter()
        process.arguments = ["-u", PythonScript.repository.appendingPathComponent("Tests/Python/\(name)").path] + arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let output = self.output
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            // End of file: stop watching (Foundation would keep calling with empty data).
            guard !data.isEmpty else { handle.readabilityHandler = nil; return }
            output.withLockedValue { state in
                state.partial += String(decoding: data, as: UTF8.self)
                while let newline = state.partial.firstIndex(of: "\n") {
                    state.lines.append(String(state.partial[..<newline]))
                    state.partial = String(state.partial[state.partial.index(after: newline)...])
                }
            }
        }
        let errors = self.errors
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else { handle.readabilityHandler = nil; return }
            errors.withLockedValue { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    /// Complete lines printed so far.
    var lines: [String] { output.withLockedValue { $0.lines } }
    /// Standard error so far.
    var standardError: String { errors.withLockedValue { $0 } }

    /// Each line that is a JSON object.
    var objects: [[String: Any]] {
        lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    /// Closes the script's standard input (the subscriber's signal to finish).
    func closeInput() { try? stdin.fileHandleForWriting.close() }

    /// Waits for the exit (at most `seconds`, then kills it) and returns the status.
    func waitForExit(seconds: Double = 60) async -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { process.terminate() }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        // Let the readability handlers take the last output.
        try? await Task.sleep(for: .milliseconds(200))
        return process.terminationStatus
    }
}
