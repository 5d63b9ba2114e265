import FluxChainFixtures
import FluxNetwork
import FluxNode
import FluxOptions
import Foundation
import Testing

/// fluxd's P2P options as they reach the network configuration: `-maxsendbuffer` (kB of 1,000 bytes),
/// `-timeout` (ms) and `-peertimeout` (s).
struct NetworkOptionsTests {
    func network(_ arguments: [String]) throws -> NetworkConfiguration {
        let folder = ChainBuilder.temporaryDirectory()
        return try NodeConfiguration(options: try NodeOptions(arguments: ["-regtest", "-datadir=\(folder)"] + arguments))
            .networkConfiguration
    }

    @Test func sendBufferDialTimeoutAndPeerTimeoutOptionsApply() throws {
        let defaults = try network([])
        #expect(defaults.sendBufferLimit == 1_000_000)
        #expect(defaults.connectTimeout == 5)
        #expect(defaults.sendBufferTimeout == 60)
        let set = try network(["-maxsendbuffer=250", "-timeout=1500", "-peertimeout=7"])
        #expect(set.sendBufferLimit == 250_000)
        #expect(set.connectTimeout == 1.5)
        #expect(set.sendBufferTimeout == 7)
    }

    @Test func malformedValuesAreNamed() {
        #expect(throws: OptionError.self) { try NodeOptions(arguments: ["-maxsendbuffer=lots"]) }
        #expect(throws: OptionError.self) { try NodeOptions(arguments: ["-timeout=-5"]) }
        let error = #expect(throws: OptionError.self) { try NodeOptions(arguments: ["-maxsendbuffer=1MB"]) }
        #expect(error?.description.contains("maxsendbuffer") == true, "\(String(describing: error))")
    }
}
