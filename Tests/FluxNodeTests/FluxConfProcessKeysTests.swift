import FluxChainFixtures
import FluxConsensus
import FluxNode
import FluxOptions
import FluxTestSupport
import Foundation
import Testing

/// flux.conf's `server`, `daemon`, `logtimestamps` and the RPC addresses `rpcallowip`/`rpcbind` behave as fluxd's.
@Suite(.serialized) struct FluxConfProcessKeysTests {
    func configuration(_ arguments: [String]) throws -> NodeConfiguration {
        try NodeConfiguration(options: try NodeOptions(arguments: ["-regtest", "-datadir=/nonexistent"] + arguments))
    }

    @Test func rpcListensWhereFluxdDoes() throws {
        let port = ChainParameters.regtest.defaultRPCPort
        // Loopback only without -rpcallowip; -rpcbind alone is ignored (fluxd refuses to let everyone connect).
        let plain = try configuration([])
        #expect(plain.rpcConfiguration.bind.map(\.host) == ["127.0.0.1"])
        let bindOnly = try configuration(["-rpcbind=10.1.2.3"])
        #expect(bindOnly.rpcConfiguration.bind.map(\.host) == ["127.0.0.1"])
        #expect(bindOnly.rpcBindIgnored)
        // -rpcallowip without -rpcbind: every IPv4 interface, so FluxOS's containers (172.18.0.0/16) reach RPC.
        let allow = try configuration(["-rpcallowip=172.18.0.0/255.255.0.0"])
        #expect(allow.rpcConfiguration.bind.map(\.host) == ["0.0.0.0"])
        #expect(allow.rpcConfiguration.bind.map(\.port) == [port])
        #expect(!allow.rpcBindIgnored)
        // Both: -rpcbind's addresses, HOST:PORT and [IPV6]:PORT as fluxd's SplitHostPort.
        let both = try configuration(["-rpcallowip=172.18.0.0/16", "-rpcbind=127.0.0.1:1234", "-rpcbind=[::1]:1235",
                                      "-rpcbind=10.0.0.1"])
        #expect(both.rpcConfiguration.bind.map(\.host) == ["127.0.0.1", "::1", "10.0.0.1"])
        #expect(both.rpcConfiguration.bind.map(\.port) == [1234, 1235, port])
    }

    @Test func bindTakesAnAddressWithOrWithoutAPort() throws {
        let plain = try configuration(["-bind=0.0.0.0"]).networkConfiguration
        #expect(plain.bindHost == "0.0.0.0" && plain.port == ChainParameters.regtest.defaultPort)
        let withPort = try configuration(["-bind=127.0.0.1:19999", "-port=18000"]).networkConfiguration
        #expect(withPort.bindHost == "127.0.0.1" && withPort.port == 19999)
        let ipv6 = try configuration(["-bind=[::1]:19998"]).networkConfiguration
        #expect(ipv6.bindHost == "::1" && ipv6.port == 19998)
        #expect(try configuration([]).networkConfiguration.bindHost == "0.0.0.0")
    }

    @Test func serverZeroRunsNoRPCServer() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-server=0"])
            #expect(node.rpcPorts.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: node.configuration.dataDirectory.appendingPathComponent(".cookie").path))
            let on = try await nodes.start(["-server=1"])
            #expect(on.rpcPorts.count == 1)
        }
    }

    @Test func logTimestampsCanBeTurnedOff() async throws {
        let dir = ChainBuilder.temporaryDirectory()
        let empty = dir + "/empty.dat"
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let noPlugins = dir + "/no-plugins.toml"
        try "".write(toFile: noPlugins, atomically: true, encoding: .utf8)
        // -loadblock without networking imports and exits: enough to see the log's lines.
        let base = ["-regtest", "-datadir=\(dir)", "-plugins=\(noPlugins)", "-loadblock=\(empty)"]
        let timed = try await runTool("fluxd", base)
        #expect(timed.status == 0, "\(timed.stderr)")
        let timedLines = timed.stdout.split(separator: "\n")
        #expect(!timedLines.isEmpty && timedLines.allSatisfy { $0.first?.isNumber == true }, "\(timed.stdout)")
        let untimed = try await runTool("fluxd", base + ["-logtimestamps=0"])
        #expect(untimed.status == 0, "\(untimed.stderr)")
        let untimedLines = untimed.stdout.split(separator: "\n")
        #expect(!untimedLines.isEmpty && untimedLines.allSatisfy { $0.hasPrefix("info fluxd :") || $0.hasPrefix("info ") },
                "\(untimed.stdout)")
        #expect(untimed.stdout.contains("fluxd starting on regtest"))
    }

    @Test func daemonForksAndKeepsTheLogInTheDataFolder() async throws {
        let dir = ChainBuilder.temporaryDirectory()
        let port = try freeLoopbackPort()
        let noPlugins = dir + "/no-plugins.toml"
        try "".write(toFile: noPlugins, atomically: true, encoding: .utf8)
        let parentOutput = dir + "/parent.out"
        #expect(FileManager.default.createFile(atPath: parentOutput, contents: nil))
        let cli = ["-regtest", "-datadir=\(dir)", "-rpcport=\(port)"]
        let parent = Process()
        parent.executableURL = toolURL("fluxd")
        parent.arguments = cli + ["-port=0", "-listen=0", "-plugins=\(noPlugins)", "-daemon"]
        let handle = try #require(FileHandle(forWritingAtPath: parentOutput))
        parent.standardOutput = handle
        parent.standardError = handle
        try parent.run()
        let status = await onOwnThread { parent.waitUntilExit(); return parent.terminationStatus }
        #expect(status == 0, "the parent returns at once")
        #expect(try String(contentsOfFile: parentOutput, encoding: .utf8).contains("Flux server starting"))
        let answered = await eventually(30) { (try? await runTool("flux-cli", cli + ["getblockcount"]))?.stdout == "0\n" }
        #expect(answered, "the daemon serves RPC")
        _ = try? await runTool("flux-cli", cli + ["stop"])
        let log = dir + "/regtest/debug.log"
        #expect(await eventually(30) {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("stopped at height 0")
        }, "the daemon's log is appended to debug.log")
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("fluxd starting on regtest"))
    }
}
