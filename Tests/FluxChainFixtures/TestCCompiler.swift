import Foundation

/// Builds C plugins at test time with the C compiler next to `swift` (or `cc`), against this repository's SDK
/// header. One helper for every test target that compiles a plugin.
public enum TestCCompiler {
    /// The repository root (the folder holding Package.swift above this file).
    public static let repositoryRoot: URL = {
        var root = URL(fileURLWithPath: #filePath)
        while root.path != "/", !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            root.deleteLastPathComponent()
        }
        return root
    }()

    /// The SDK's include folder.
    public static var sdkInclude: String { repositoryRoot.appendingPathComponent("SDK/CFluxPlugin/include").path }

    /// The first of clang, cc, gcc on PATH.
    public static let path: String = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for dir in dirs {
            for name in ["clang", "cc", "gcc"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return "/usr/bin/cc"
    }()

    /// Compiles `sources` into the shared object `output` (C99, -fPIC, hidden visibility, the SDK header on the
    /// include path) with `arguments` added. Throws with the compiler's messages when it fails. Blocks: call it off
    /// the Swift concurrency pool from async tests.
    public static func sharedObject(_ sources: [String], output: String, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-std=c99", "-shared", "-fPIC", "-fvisibility=hidden", "-I", sdkInclude]
            + arguments + ["-o", output] + sources
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestCCompilerError(description: "\(path) failed: \(text)") }
        return output
    }
}

/// A failed test-time compilation.
public struct TestCCompilerError: Error, CustomStringConvertible {
    public let description: String
}
