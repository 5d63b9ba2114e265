import CFluxPlugin
import FluxConsensus
import Foundation
import Logging
import Testing
@testable import FluxPluginHost

/// A loaded plugin called through the host table: the C example plugin end to end, and faults.
@Suite struct PluginInstanceTests {
    let logger = Logger(label: "plugin-test")

    func chainStats(_ services: MemoryPluginServices) throws -> PluginInstance {
        let image = try PluginImage.load(path: TestPlugins.builtProduct("FluxPluginChainStats"),
                                         imagesDirectory: TestPlugins.imagesDirectory())
        return try PluginInstance(image: image, configuration: Array("{}".utf8), services: services, logger: logger)
    }

    @Test func chainStatsRecordsBlocksThroughTheTransactionAndAnswersRPC() throws {
        let services = MemoryPluginServices()
        let plugin = try chainStats(services)
        defer { plugin.unload() }
        #expect(plugin.rpcMethods.map(\.name) == ["summary", "block"])
        let genesis = GenesisBlock.block(for: .regtest)
        let bytes = genesis.serialized
        let hash = Array(genesis.hash.bytes)
        for height in 0..<3 {
            let txn = PluginKVTransaction(namespace: "plugin.chainstats") { (key) throws(PluginStoreError) in
                try services.storedValue(namespace: "plugin.chainstats", key: key)
            }
            #expect(plugin.blockEvent(connected: true, height: Int64(height), hash: hash, block: bytes, transaction: txn) == .ok)
            #expect(!txn.finalWrites.isEmpty)
            services.commit(txn)
        }
        // Nothing was written outside the transactions.
        let summary = try plugin.rpcCall(method: "summary", params: Array("[]".utf8)).get()
        #expect(String(decoding: summary, as: UTF8.self)
                == "{\"blocks\":3,\"transactions\":3,\"bytes\":\(3 * bytes.count),\"last_height\":2,\"seen\":3}")
        let one = try plugin.rpcCall(method: "block", params: Array("[1]".utf8)).get()
        #expect(String(decoding: one, as: UTF8.self) == "{\"height\":1,\"transactions\":1,\"bytes\":\(bytes.count)}")
        switch plugin.rpcCall(method: "block", params: Array("[\"x\"]".utf8)) {
        case .success: Issue.record("a bad parameter must fail")
        case let .failure(error): #expect(error.status == FLUX_ERR_INVALID_ARGUMENT)
        }
        switch plugin.rpcCall(method: "block", params: Array("[99]".utf8)) {
        case .success: Issue.record("an unknown height must fail")
        case let .failure(error): #expect(error.status == FLUX_ERR_NOT_FOUND)
        }
        // A transaction the callback did not accept (malformed block) is a fault and writes nothing.
        let txn = PluginKVTransaction(namespace: "plugin.chainstats") { (_) throws(PluginStoreError) in nil }
        let outcome = plugin.blockEvent(connected: true, height: 3, hash: hash, block: [1, 2, 3], transaction: txn)
        guard case let .fault(message) = outcome else { Issue.record("expected a fault"); return }
        #expect(message.contains("malformed block"))
        #expect(plugin.counterSnapshot.faults == 1)
        // Without a transaction, a stateful plugin refuses.
        #expect(plugin.blockEvent(connected: true, height: 3, hash: hash, block: bytes, transaction: nil) != .ok)
    }

    @Test func configurationRefusalCarriesThePluginsMessage() throws {
        let image = try PluginImage.load(path: TestPlugins.builtProduct("FluxPluginChainStats"),
                                         imagesDirectory: TestPlugins.imagesDirectory())
        do {
            _ = try PluginInstance(image: image, configuration: Array("{\"x\":1}".utf8), services: MemoryPluginServices(),
                                   logger: logger)
            Issue.record("config accepted")
        } catch {
            #expect(error.reason.contains("FLUX_ERR_INVALID_ARGUMENT"))
            #expect(error.reason.contains("takes no configuration"))
        }
        let failing = try PluginImage.load(path: try TestPlugins.build(["FAIL_LOAD"]), imagesDirectory: TestPlugins.imagesDirectory())
        do {
            _ = try PluginInstance(image: failing, configuration: [], services: MemoryPluginServices(), logger: logger)
            Issue.record("failing on_load accepted")
        } catch {
            #expect(error.reason.contains("config.limit must be positive"))
        }
    }

    @Test func unloadedPluginsAreNeverCalledAgain() throws {
        let plugin = try chainStats(MemoryPluginServices())
        plugin.unload()
        plugin.unload()
        let outcome = plugin.blockEvent(connected: true, height: 0, hash: [UInt8](repeating: 0, count: 32), block: [],
                                        transaction: nil)
        #expect(outcome == .fault("chainstats is unloaded"))
        #expect(throws: PluginCallError.self) { try plugin.rpcCall(method: "summary", params: []).get() }
    }
}
