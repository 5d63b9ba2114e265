import FluxChainFixtures
import FluxTestSupport
import Foundation
import Testing

/// The `fluxd` executable itself: start-up errors, RPC through `flux-cli`, graceful shutdown on SIGTERM, and the
/// chain surviving the restart.
@Suite(.serialized) struct FluxdProcessTests {
    @Test func unknownAndMalformedOptionsAreNamedAtStartUp() async throws {
        let unknown = try await runTool("fluxd", ["-regtest", "-nosuchoption=1"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("nosuchoption"))
        let malformed = try await runTool("fluxd", ["-regtest", "-rpcport=notaport"])
        #expect(malformed.status == 1)
        #expect(malformed.stderr.contains("rpcport"))
        let dir = ChainBuilderDirectory.make()
        try "rpcport=1\nbogus line without equals\n".write(toFile: dir + "/flux.conf", atomically: true, encoding: .utf8)
        let conf = try await runTool("fluxd", ["-regtest", "-datadir=\(dir)"])
        #expect(conf.status == 1)
        #expect(conf.stderr.contains("flux.conf:2"))
    }

    @Test func checkpluginsValidatesEveryEnabledPluginAndExits() async throws {
        let dir = ChainBuilderDirectory.make()
        let good = dir + "/good.toml"
        try """
        [plugins.chainstats]
        path = "\(toolURL("libFluxPluginChainStats.so").path)"
        [plugins.addressindex]
        path = "\(toolURL("libFluxPluginAddressIndex.so").path)"
        """.write(toFile: good, atomically: true, encoding: .utf8)
        let ok = try await runTool("fluxd", ["-regtest", "-datadir=\(dir)", "-plugins=\(good)", "-checkplugins"])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("ok      chainstats 1.0.0"))
        #expect(ok.stdout.contains("ok      addressindex 1.0.0"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/regtest/chain"), "no database is opened")

        let bad = dir + "/bad.toml"
        try """
        [plugins.chainstats]
        path = "\(toolURL("libFluxPluginChainStats.so").path)"
        [plugins.chainstats.config]
        unexpected = 1
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try await runTool("fluxd", ["-regtest", "-datadir=\(dir)", "-plugins=\(bad)", "-checkplugins"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("FAILED  chainstats"))
        #expect(refused.stdout.contains("takes no configuration"))

        let broken = dir + "/broken.toml"
        try "[plugins.chainstats]\npath = 5\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let invalid = try await runTool("fluxd", ["-regtest", "-datadir=\(dir)", "-plugins=\(broken)", "-checkplugins"])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("broken.toml:2"))

        // A required plugin that fails to load stops start-up naming the plugin, not "the node's data".
        let required = dir + "/required.toml"
        try """
        [plugins.chainstats]
        path = "\(toolURL("libFluxPluginChainStats.so").path)"
        required = true
        [plugins.chainstats.config]
        unexpected = 1
        """.write(toFile: required, atomically: true, encoding: .utf8)
        let stopped = try await runTool("fluxd", ["-regtest", "-datadir=\(dir)", "-plugins=\(required)", "-port=0", "-rpcport=0"])
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("Error: required plugin"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("chainstats"), "\(stopped.stderr)")
        #expect(!stopped.stderr.contains("cannot open the node's data"), "\(stopped.stderr)")
    }

    @Test func sigtermStopsCleanlyAndTheChainSurvivesARestart() async throws {
        let dir = ChainBuilderDirectory.make()
        let port = try freeLoopbackPort()
        let noPlugins = dir + "/no-plugins.toml"
        try "".write(toFile: noPlugins, atomically: true, encoding: .utf8)
        let args = ["-regtest", "-datadir=\(dir)", "-port=0", "-rpcport=\(port)", "-listen=0", "-plugins=\(noPlugins)"]
        let cli = ["-regtest", "-datadir=\(dir)", "-rpcport=\(port)"]

        let first = try startProcess("fluxd", args)
        #expect(await eventually(30) { (try? await runTool("flux-cli", cli + ["getblockcount"]))?.status == 0 })
        let generated = try await runTool("flux-cli", cli + ["generate", "5"])
        #expect(generated.status == 0)
        let tip = try await runTool("flux-cli", cli + ["getbestblockhash"]).stdout
        first.terminate()   // SIGTERM
        let status = await onOwnThread { first.waitUntilExit(); return first.terminationStatus }
        #expect(status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/regtest/.cookie"), "the cookie is removed at stop")

        let second = try startProcess("fluxd", args)
        defer { second.terminate() }
        #expect(await eventually(30) { (try? await runTool("flux-cli", cli + ["getblockcount"]))?.stdout == "5\n" })
        #expect(try await runTool("flux-cli", cli + ["getbestblockhash"]).stdout == tip)
        #expect(try await runTool("flux-cli", cli + ["stop"]).status == 0)
        let stopped = await onOwnThread { second.waitUntilExit(); return second.terminationStatus }
        #expect(stopped == 0)
    }
}


/// Starts an executable built next to the test bundle, its output discarded.
func startProcess(_ name: String, _ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = toolURL(name)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}
