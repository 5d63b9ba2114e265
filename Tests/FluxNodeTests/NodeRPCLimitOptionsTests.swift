import FluxNode
import FluxOptions
import FluxRPC
import Foundation
import Testing

/// `-rpcservertimeout`, `-rpcworkqueue` and `-rpcmaxconnections`: parsed, refused when meaningless, listed by
/// `fluxd -help`, and the default connection cap leaves the descriptors P2P and the database need.
struct NodeRPCLimitOptionsTests {
    @Test func limitOptionsReachTheRPCServerConfiguration() throws {
        let options = try NodeOptions(arguments: ["-regtest", "-datadir=/tmp/unused", "-rpcservertimeout=5", "-rpcworkqueue=3",
                                                  "-rpcmaxconnections=7", "-rpcthreads=2"])
        let rpc = try NodeConfiguration(options: options).rpcConfiguration
        #expect(rpc.requestTimeout == .seconds(5))
        #expect(rpc.workQueueDepth == 3)
        #expect(rpc.maxConnections == 7)
        #expect(rpc.workerThreads == 2)
        let defaults = try NodeConfiguration(options: try NodeOptions(arguments: ["-regtest", "-datadir=/tmp/unused"])).rpcConfiguration
        #expect(defaults.requestTimeout == .seconds(30))
        #expect(defaults.workQueueDepth == 16)
        #expect(defaults.maxConnections == NodeConfiguration.defaultRPCConnectionLimit(openFiles: OpenFileLimit.current,
                                                                                        p2pConnections: 125))
    }

    @Test func zeroTimeoutOrConnectionCapIsRefusedByName() throws {
        for name in ["rpcservertimeout", "rpcmaxconnections"] {
            #expect(throws: OptionError(option: name, source: "command line", problem: "must be at least 1")) {
                try NodeConfiguration(options: try NodeOptions(arguments: ["-regtest", "-datadir=/tmp/unused", "-\(name)=0"]))
            }
        }
        #expect(throws: OptionError.self) { try NodeOptions(arguments: ["-rpcworkqueue=-1"]) }
    }

    @Test func defaultConnectionCapLeavesDescriptorsForP2PAndTheDatabase() {
        // 1024 descriptors: 125 P2P + 256 database files + 150 for the rest leave 493 for RPC.
        #expect(NodeConfiguration.defaultRPCConnectionLimit(openFiles: 1024, p2pConnections: 125) == 493)
        #expect(NodeConfiguration.defaultRPCConnectionLimit(openFiles: 256, p2pConnections: 125) == 16)
        #expect(NodeConfiguration.defaultRPCConnectionLimit(openFiles: Int.max, p2pConnections: 125) == 512)
        #expect(OpenFileLimit.raiseToHardLimit() >= 16)
    }

    @Test func fluxdHelpListsTheLimitOptions() async throws {
        let help = try await runTool("fluxd", ["-help"])
        #expect(help.status == 0)
        for option in ["-rpcservertimeout=S", "-rpcworkqueue=N", "-rpcmaxconnections=N"] {
            #expect(help.stdout.contains(option), "fluxd -help does not list \(option)")
        }
    }
}
