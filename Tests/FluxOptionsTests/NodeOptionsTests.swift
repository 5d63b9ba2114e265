import Foundation
import Testing
import FluxConsensus
import FluxOptions

@Suite struct NodeOptionsTests {
    @Test func parsesFluxdSpellings() throws {
        let o = try NodeOptions(arguments: ["-regtest", "--rpcport=1234", "-addnode=127.0.0.1:1", "-addnode=127.0.0.1:2",
                                            "-nolisten", "-debug=net", "ignored", "-port=1"])
        #expect(o.flag("regtest"))
        #expect(o.int("rpcport") == 1234)
        #expect(o.all("addnode") == ["127.0.0.1:1", "127.0.0.1:2"])
        #expect(o.string("listen") == "0")
        #expect(o.all("debug") == ["net"])
        #expect(o.string("port") == nil, "parsing stops at the first non-option argument")
    }

    @Test func unknownAndMalformedOptionsAreNamed() {
        #expect(throws: OptionError(option: "frobnicate", source: "command line", problem: "unknown option")) {
            try NodeOptions(arguments: ["-frobnicate=1"])
        }
        #expect(throws: OptionError(option: "rpcport", source: "command line",
                                    problem: "\"99999\" is not a TCP port (0-65535)")) {
            try NodeOptions(arguments: ["-rpcport=99999"])
        }
        #expect(throws: OptionError(option: "regtest", source: "command line", problem: "expected 0 or 1, got \"yes\"")) {
            try NodeOptions(arguments: ["-regtest=yes"])
        }
    }

    @Test func configurationFileMergesBelowTheCommandLine() throws {
        var o = try NodeOptions(arguments: ["-rpcport=1000", "-addnode=a"])
        try o.merge(configuration: "# comment\nrpcport=2000\n\naddnode=b # trailing\nrpcuser=alice\n", path: "/x/flux.conf")
        #expect(o.int("rpcport") == 1000)
        #expect(o.all("addnode") == ["a", "b"])
        #expect(o.string("rpcuser") == "alice")
        #expect(o.source("rpcuser") == "/x/flux.conf:5")
        var bad = NodeOptions()
        #expect(throws: OptionError(option: "bogus", source: "/x/flux.conf:2", problem: "unknown option")) {
            try bad.merge(configuration: "rpcuser=a\nbogus=1\n", path: "/x/flux.conf")
        }
        #expect(throws: OptionError(option: "justaword", source: "/x/flux.conf:1", problem: "expected name=value")) {
            try bad.merge(configuration: "justaword\n", path: "/x/flux.conf")
        }
    }

    @Test func regtestUpgradeHeightsApply() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flux-opt-\(UUID())")
        let c = try NodeConfiguration(options: try NodeOptions(arguments: ["-regtest", "-datadir=\(dir.path)",
                                                                           "-upgradeheight=pon:300"]))
        #expect(c.params.network == .regtest)
        #expect(!c.params.isProofOfNode(at: 299))
        #expect(c.params.isProofOfNode(at: 300))
        #expect(c.dataDirectory.lastPathComponent == "regtest")
    }

    @Test func upgradeHeightsAreRefusedOffRegtestAndWhenMalformed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flux-opt-\(UUID())").path
        #expect(throws: OptionError.self) {
            try NodeConfiguration(options: try NodeOptions(arguments: ["-datadir=\(dir)", "-upgradeheight=pon:300"]))
        }
        do {
            _ = try NodeConfiguration(options: try NodeOptions(arguments: ["-regtest", "-datadir=\(dir)",
                                                                          "-upgradeheight=moon:3"]))
            Issue.record("expected an error")
        } catch {
            #expect(error.option == "upgradeheight")
            #expect(error.problem.contains("unknown upgrade \"moon\""))
        }
        #expect(throws: OptionError.self) {
            try NodeConfiguration(options: try NodeOptions(arguments: ["-regtest", "-testnet", "-datadir=\(dir)"]))
        }
    }

    @Test func readsFluxConfFromTheDataFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flux-opt-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "regtest=1\nupgradeheight=acadia:10\n".write(to: dir.appendingPathComponent("flux.conf"), atomically: true,
                                                          encoding: .utf8)
        let c = try NodeConfiguration(options: try NodeOptions(arguments: ["-datadir=\(dir.path)"]))
        #expect(c.params.network == .regtest)
        #expect(c.params.upgrades.isActive(.acadia, at: 10))
        #expect(throws: OptionError.self) {
            try NodeConfiguration(options: try NodeOptions(arguments: ["-datadir=\(dir.path)", "-conf=missing.conf"]))
        }
    }
}
