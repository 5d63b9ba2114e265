import CFluxPlugin
import Foundation
import Logging
import Testing
@testable import FluxPluginHost

/// `scripts/new-plugin.sh`: the C template builds with its own build script and loads and answers through the
/// host; the Swift template has its package manifest and sources; usage errors exit 2.
@Suite struct PluginTemplateTests {
    let logger = Logger(label: "plugin-template-test")

    /// The repository root (found from this file's location).
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("scripts/new-plugin.sh").path) {
                return url.path
            }
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// A finished process: its exit status and what it wrote (standard output and error together).
    struct Run {
        let status: Int32
        let output: String
    }

    /// Runs `executable` with `arguments` (and extra environment).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// The shared-object suffix SwiftPM and the C template use on this system.
    static let sharedObjectSuffix: String = {
        #if os(macOS)
        return "dylib"
        #else
        return "so"
        #endif
    }()

    static func newPlugin(_ arguments: [String]) throws -> Run {
        try run("/bin/bash", [repository + "/scripts/new-plugin.sh"] + arguments)
    }

    @Test func cTemplateBuildsLoadsAndAnswersItsRPCMethod() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let dir = temporary.path("testtpl")
        let created = try Self.newPlugin(["testtpl", "--lang", "c", "--dir", dir])
        #expect(created.status == 0, "\(created.output)")
        #expect(created.output.contains("[plugins.testtpl]"))
        for file in ["testtpl.c", "Makefile", "build.sh", "README.md"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + file), "missing \(file)")
        }
        let readme = try String(contentsOfFile: dir + "/README.md", encoding: .utf8)
        #expect(readme.contains("[plugins.testtpl]"))

        // The template's own build script, with the toolchain's C compiler; warnings are errors.
        let built = try Self.run("/bin/sh", [dir + "/build.sh"], environment: ["CC": TestPlugins.compiler, "CFLAGS": "-Werror"])
        #expect(built.status == 0, "\(built.output)")
        let library = dir + "/libtesttpl." + Self.sharedObjectSuffix
        #expect(FileManager.default.fileExists(atPath: library))

        let image = try PluginImage.load(path: library, imagesDirectory: temporary.path("images"))
        #expect(image.info.name == "testtpl")
        #expect(image.info.toolchain == "c")
        #expect(image.info.capabilities == UInt64(FLUX_CAP_OBSERVE_BLOCKS | FLUX_CAP_RPC))
        #expect(!image.info.isInline)
        #expect(image.info.consensusVersion == 0)

        let plugin = try PluginInstance(image: image, configuration: Array("{}".utf8), services: MemoryPluginServices(),
                                        logger: logger)
        defer { plugin.unload() }
        #expect(plugin.rpcMethods.map(\.name) == ["status"])
        #expect(plugin.rpcMethods.first?.help.hasPrefix("testtpl.status\n") == true)
        func status() throws -> String {
            String(decoding: try plugin.rpcCall(method: "status", params: Array("[]".utf8)).get(), as: UTF8.self)
        }
        #expect(try status() == "{\"blocks\":0,\"height\":-1}")
        let hash = [UInt8](repeating: 7, count: 32)
        for height in 0..<3 {
            #expect(plugin.blockEvent(connected: true, height: Int64(height), hash: hash, block: [], transaction: nil) == .ok)
        }
        #expect(plugin.blockEvent(connected: false, height: 2, hash: hash, block: [], transaction: nil) == .ok)
        #expect(try status() == "{\"blocks\":2,\"height\":1}")
        #expect(plugin.metrics["height"] == 2)
        switch plugin.rpcCall(method: "nope", params: Array("[]".utf8)) {
        case .success: Issue.record("an unknown method must fail")
        case let .failure(error): #expect(error.status == FLUX_ERR_NOT_FOUND)
        }

        // The skeleton takes no configuration and says so.
        do {
            _ = try PluginInstance(image: image, configuration: Array("{\"x\":1}".utf8), services: MemoryPluginServices(),
                                   logger: logger)
            Issue.record("a configuration was accepted")
        } catch {
            #expect(error.reason.contains("takes no configuration"))
        }
    }

    @Test func swiftTemplateHasAPackageOverTheSDK() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let dir = temporary.path("my_tpl")
        let created = try Self.newPlugin(["my_tpl", "--dir", dir])
        #expect(created.status == 0, "\(created.output)")
        let manifest = try String(contentsOfFile: dir + "/Package.swift", encoding: .utf8)
        #expect(manifest.contains("FluxPluginSDK"))
        #expect(manifest.contains("type: .dynamic"))
        #expect(manifest.contains(".package(path: \"\(URL(fileURLWithPath: Self.repository).resolvingSymlinksInPath().path)\")"))
        #expect(!manifest.contains("unsafeFlags"), "no -static-stdlib or other linker flags")
        let source = try String(contentsOfFile: dir + "/Sources/MyTplPlugin/MyTplPlugin.swift", encoding: .utf8)
        #expect(source.contains("import FluxPluginSDK"))
        #expect(source.contains("PluginManifest(name: \"my_tpl\""))
        #expect(source.contains("@_cdecl(\"flux_plugin_entry\")"))
        #expect(source.contains("registerRPC(\"status\""))
        let readme = try String(contentsOfFile: dir + "/README.md", encoding: .utf8)
        #expect(readme.contains("swift build"))
        #expect(readme.contains("[plugins.my_tpl]"))

        // Building a separate SwiftPM package is too slow for the test suite; type-checking the generated source
        // against the SDK module this build produced catches a template that no longer compiles.
        if let modules = Self.sdkModules(), let swiftc = Self.executable("swiftc") {
            let checked = try Self.run(swiftc, ["-typecheck", "-swift-version", "6", "-I", modules.swiftModules,
                                                "-Xcc", "-fmodule-map-file=" + modules.moduleMap,
                                                "-I", Self.repository + "/SDK/CFluxPlugin/include",
                                                dir + "/Sources/MyTplPlugin/MyTplPlugin.swift"])
            #expect(checked.status == 0, "\(checked.output)")
            #expect(!checked.output.contains("warning:"), "\(checked.output)")
        }
    }

    /// The SDK's Swift module and the C module map of this build (next to the test bundle), if present.
    static func sdkModules() -> (swiftModules: String, moduleMap: String)? {
        var dir = Bundle.main.bundleURL
        if dir.pathExtension != "xctest" { dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let modules = candidate.appendingPathComponent("Modules")
            let moduleMap = candidate.appendingPathComponent("CFluxPlugin.build/module.modulemap")
            if FileManager.default.fileExists(atPath: modules.appendingPathComponent("FluxPluginSDK.swiftmodule").path),
               FileManager.default.fileExists(atPath: moduleMap.path) {
                return (modules.path, moduleMap.path)
            }
        }
        return nil
    }

    /// `name` on the PATH.
    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func usageErrorsExitTwoAndExistingFoldersAreRefused() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        for arguments in [[], ["Bad"], ["1abc"], ["a-b"], [String(repeating: "a", count: 33)], ["ok", "--lang", "go"],
                          ["ok", "--dir"], ["ok", "--frobnicate"], ["ok", "other"]] {
            let run = try Self.newPlugin(arguments + (arguments.contains("--dir") ? [] : ["--dir", temporary.path("x")]))
            #expect(run.status == 2, "\(arguments): \(run.output)")
            #expect(run.output.contains("usage:"))
        }
        #expect(!FileManager.default.fileExists(atPath: temporary.path("x")))
        try temporary.write("full/keep.txt", "mine")
        let refused = try Self.newPlugin(["ok", "--lang", "c", "--dir", temporary.path("full")])
        #expect(refused.status == 1)
        #expect(refused.output.contains("not empty"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path("full")) == ["keep.txt"])
        // An existing empty folder is fine; the longest valid name too.
        try temporary.makeDirectory("empty")
        let name = "a" + String(repeating: "b", count: 31)
        #expect(try Self.newPlugin([name, "--lang", "c", "--dir", temporary.path("empty")]).status == 0)
        #expect(FileManager.default.fileExists(atPath: temporary.path("empty/\(name).c")))
    }
}
