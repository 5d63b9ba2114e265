import CFluxPlugin
import FluxChainFixtures
import Foundation
import Logging
import Testing
@testable import FluxPluginHost

/// Plugins that fail or overrun: counted, disabled when they keep failing, never taking the host down.
@Suite struct PluginFaultTests {
    func manager(_ defines: [String], budgetMilliseconds: Int = 250, queue: Int = 1024) throws -> PluginManager {
        let path = try TestPlugins.build(defines)
        let manager = PluginManager(services: MemoryPluginServices(), imagesDirectory: TestPlugins.imagesDirectory(),
                                    logger: Logger(label: "test"))
        let configuration = PluginConfiguration(name: "testplugin", path: path, declaredPath: path,
                                                budgetMilliseconds: budgetMilliseconds, queueLength: queue)
        try manager.load(PluginsFile(path: nil, plugins: [configuration]))
        return manager
    }

    func block(_ manager: PluginManager, _ height: Int64) {
        manager.observeBlock(connected: true, height: height, hash: [UInt8](repeating: UInt8(height & 0xff), count: 32),
                             block: [1, 2, 3])
    }

    @Test func aCallOverItsBudgetIsAFault() throws {
        let m = try manager(["SLEEP_MS=20"], budgetMilliseconds: 5)
        block(m, 1)
        m.drainObservers()
        let status = try #require(m.statuses.first)
        #expect(status.counters.calls == 1)
        #expect(status.counters.overruns == 1)
        #expect(status.counters.faults == 1)
        #expect(status.counters.lastFault?.contains("over the budget") == true)
        #expect(status.state == "active")
        m.unloadAll()
    }

    @Test func anObserverThatKeepsFailingIsDisabledAndNoLongerCalled() throws {
        let m = try manager(["FAIL_FROM_HEIGHT=3"])
        for h in 1...12 { block(m, Int64(h)) }
        m.drainObservers()
        let status = try #require(m.statuses.first)
        #expect(status.state.hasPrefix("disabled: \(PluginManager.maxObserverFaults) faults in a row"))
        // Two good blocks, then five faults, then nothing more is delivered.
        #expect(status.counters.calls == 2 + PluginManager.maxObserverFaults)
        #expect(status.counters.faults == PluginManager.maxObserverFaults)
        #expect(status.counters.lastFault?.contains("cannot handle this block") == true)
        #expect(m.activePlugins.isEmpty)
        m.unloadAll()
    }

    @Test func aFullObserverQueueDropsAndCountsEvents() throws {
        let m = try manager(["SLEEP_MS=5"], budgetMilliseconds: 1_000, queue: 2)
        for h in 1...20 { block(m, Int64(h)) }
        m.drainObservers()
        let status = try #require(m.statuses.first)
        #expect(status.counters.dropped > 0)
        #expect(status.counters.calls + status.counters.dropped == 20)
        #expect(status.counters.faults == 0)
        m.unloadAll()
    }

    @Test func aRequiredPluginThatFailsStopsTheLoad() throws {
        let manager = PluginManager(services: MemoryPluginServices(), imagesDirectory: TestPlugins.imagesDirectory(),
                                    logger: Logger(label: "test"))
        let good = try TestPlugins.build(["NAME=\"good\""])
        let bad = try TestPlugins.build(["NAME=\"bad\"", "FAIL_LOAD"])
        let file = PluginsFile(path: nil, plugins: [
            PluginConfiguration(name: "good", path: good, declaredPath: good),
            PluginConfiguration(name: "bad", path: bad, declaredPath: bad, required: true),
        ])
        #expect(throws: PluginLoadError.self) { try manager.load(file) }
        // What was loaded before the failure is unloaded again.
        #expect(manager.activePlugins.isEmpty)
        let optional = PluginsFile(path: nil, plugins: [
            PluginConfiguration(name: "good", path: good, declaredPath: good),
            PluginConfiguration(name: "bad", path: bad, declaredPath: bad),
        ])
        let second = PluginManager(services: MemoryPluginServices(), imagesDirectory: TestPlugins.imagesDirectory(),
                                   logger: Logger(label: "test"))
        try second.load(optional)
        #expect(second.activePlugins.map(\.name) == ["good"])
        #expect(second.statuses.first { $0.configuration.name == "bad" }?.state.contains("config.limit must be positive") == true)
        second.unloadAll()
    }

    @Test func aFailedUpgradeLeavesTheRunningBuild() throws {
        let m = try manager([])
        let before = try #require(m.plugin(named: "testplugin"))
        for defines in [["FAIL_LOAD"], ["ABI_MAJOR=2"], ["NAME=\"other\""]] {
            let path = try TestPlugins.build(defines)
            #expect(throws: PluginLoadError.self) {
                try m.reload("testplugin", path: path, tipHeight: 0, recentBlocks: { [] }, atBlockBoundary: { $0() })
            }
            #expect(m.plugin(named: "testplugin") === before)
        }
        block(m, 1)
        m.drainObservers()
        #expect(before.counterSnapshot.calls == 1)
        // A good build replaces it; the old instance is no longer called.
        let good = try TestPlugins.build(["NAME=\"testplugin\""])
        _ = try m.reload("testplugin", path: good, tipHeight: 0, recentBlocks: { [] }, atBlockBoundary: { $0() })
        let after = try #require(m.plugin(named: "testplugin"))
        #expect(after !== before)
        block(m, 2)
        m.drainObservers()
        #expect(before.counterSnapshot.calls == 1)
        #expect(after.counterSnapshot.calls == 1)
        #expect(m.retiredImages == 1)
        m.unloadAll()
    }
}
