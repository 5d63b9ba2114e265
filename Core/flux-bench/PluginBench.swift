import FluxConsensus
import FluxPluginHost
import FluxPrimitives
import Foundation
import Logging

extension BenchmarkGroup {
    /// Plugin dispatch through the C ABI and the pause a hot upgrade causes.
    static let plugins = BenchmarkGroup(
        name: "plugins",
        summary: "block event to 1/10/50 loaded plugins vs a direct Swift call; hot-upgrade pause",
        run: runPluginBenchmarks)
}

/// In-memory services: a dictionary per namespace.
private final class BenchServices: PluginServices, @unchecked Sendable {
    var store: [String: [[UInt8]: [UInt8]]] = [:]
    func tip() -> (height: Int64, hash: [UInt8]) { (0, [UInt8](repeating: 0, count: 32)) }
    func blockHash(at height: Int64) -> [UInt8]? { nil }
    func header(_ hash: [UInt8]) -> (header: [UInt8], height: Int64)? { nil }
    func block(_ hash: [UInt8]) -> [UInt8]? { nil }
    func unspentOutput(txid: [UInt8], index: UInt32) -> (value: Int64, height: UInt32, coinbase: Bool, script: [UInt8])? { nil }
    func mempoolTransaction(_ txid: [UInt8]) -> [UInt8]? { nil }
    func storedValue(namespace: String, key: [UInt8]) throws(PluginStoreError) -> [UInt8]? { store[namespace]?[key] }
    func storeNow(namespace: String, writes: [(key: [UInt8], value: [UInt8]?)]) throws(PluginStoreError) {
        for (k, v) in writes { store[namespace, default: [:]][k] = v }
    }
    func submitTransaction(_ transaction: [UInt8]) -> String? { "no mempool" }
    func sendP2P(peer: UInt64, command: String, payload: [UInt8]) -> Bool { false }
}

/// The directory of this executable (SwiftPM puts the plugin products next to it).
private func productPath(_ name: String) -> String {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("lib\(name).so").path
}

/// What chainstats does per block, written directly in Swift over the same transaction type: read the
/// transaction count, put the height record, read-modify-write the totals.
@inline(never)
private func directChainStats(height: Int64, block: [UInt8], transaction: PluginKVTransaction) throws(PluginStoreError) {
    var reader = ByteReader(block)
    let version = (try? reader.readLE(Int32.self, "version")) ?? 0
    var position = version >= 100 ? 108 + 36 : 140
    func compact() -> UInt64 {
        guard position < block.count else { return 0 }
        let first = block[position]
        position += 1
        let extra = first < 0xfd ? 0 : first == 0xfd ? 2 : first == 0xfe ? 4 : 8
        if extra == 0 { return UInt64(first) }
        var v: UInt64 = 0
        for i in (0..<extra).reversed() { v = v << 8 | UInt64(block[position + i]) }
        position += extra
        return v
    }
    let skip = compact()
    position += Int(skip)
    let count = compact()
    var key: [UInt8] = [UInt8(ascii: "h"), UInt8(ascii: "/")]
    withUnsafeBytes(of: UInt64(height).bigEndian) { key += $0 }
    transaction.set(key, withUnsafeBytes(of: count.littleEndian) { Array($0) } + withUnsafeBytes(of: UInt64(block.count).littleEndian) { Array($0) })
    var totals = try transaction.get(Array("totals".utf8)) ?? [UInt8](repeating: 0, count: 32)
    totals.withUnsafeMutableBytes { raw in
        let p = raw.bindMemory(to: UInt64.self)
        p[0] = UInt64(littleEndian: p[0]) &+ 1
        p[1] = UInt64(littleEndian: p[1]) &+ count
        p[2] = UInt64(littleEndian: p[2]) &+ UInt64(block.count)
        p[3] = UInt64(height)
    }
    transaction.set(Array("totals".utf8), totals)
}

func runPluginBenchmarks() {
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    let path = productPath("FluxPluginChainStats")
    guard FileManager.default.fileExists(atPath: path) else {
        print("build the plugin first: swift build -c release --product FluxPluginChainStats (looked for \(path))")
        return
    }
    let images = FileManager.default.temporaryDirectory.appendingPathComponent("flux-bench-plugins-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: images) }
    let block = GenesisBlock.block(for: .regtest)
    let bytes = block.serialized
    let hash = Array(block.hash.bytes)
    let services = BenchServices()
    let events = 20_000

    print("Workload: one block event (the regtest genesis block, \(bytes.count) bytes) handed to the C example plugin")
    print("`chainstats` in-line with a key-value transaction: it parses the transaction count, puts the height record and")
    print("read-modify-writes its totals (1 kv_get, 2 kv_put through the host table). The direct row does the same work")
    print("in Swift on the same transaction type, without the ABI. \(events) events per row, one thread.\n")
    print("| plugins loaded | ns per event (all plugins) | ns per plugin call | direct Swift ns per call | ABI overhead per call |")
    print("|---|---|---|---|---|")
    let direct: Double = {
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<events {
            let txn = PluginKVTransaction(namespace: "plugin.direct") { (k) throws(PluginStoreError) in services.store["plugin.direct"]?[k] }
            try? directChainStats(height: Int64(i), block: bytes, transaction: txn)
        }
        return Double((clock.now - start).components.attoseconds) / 1e9 / Double(events)
            + Double((clock.now - start).components.seconds) * 1e9 / Double(events)
    }()
    for count in [1, 10, 50] {
        var instances: [PluginInstance] = []
        for _ in 0..<count {
            guard let image = try? PluginImage.load(path: path, imagesDirectory: images),
                  let instance = try? PluginInstance(image: image, configuration: Array("{}".utf8), services: services,
                                                     budget: .seconds(10), logger: logger) else {
                print("cannot load \(path)")
                return
            }
            instances.append(instance)
        }
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<events {
            for instance in instances {
                let txn = PluginKVTransaction(namespace: "plugin.chainstats") { (k) throws(PluginStoreError) in
                    services.store["plugin.chainstats"]?[k]
                }
                _ = instance.blockEvent(connected: true, height: Int64(i), hash: hash, block: bytes, transaction: txn)
            }
        }
        let elapsed = clock.now - start
        let perEvent = (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9) / Double(events)
        let perCall = perEvent / Double(count)
        print(String(format: "| %d | %.0f | %.0f | %.0f | %.2f× |", count, perEvent, perCall, direct, perCall / direct))
        instances.forEach { $0.unload() }
    }

    // Hot upgrade: the pause is the time block connection is held (state export/import and the switch).
    print("\n| hot upgrade of chainstats (median of 21) | µs |")
    print("|---|---|")
    let manager = PluginManager(services: services, imagesDirectory: images, logger: logger)
    let configuration = PluginConfiguration(name: "chainstats", path: path, declaredPath: path)
    do { try manager.load(PluginsFile(path: nil, plugins: [configuration])) } catch {
        print("cannot load: \(error)")
        return
    }
    var pauses: [Double] = []
    var totals: [Double] = []
    for i in 0..<21 {
        let copy = images + "/copy-\(i).so"
        try? FileManager.default.copyItem(atPath: path, toPath: copy)
        let clock = ContinuousClock()
        var pause = Duration.zero
        let start = clock.now
        do {
            _ = try manager.reload("chainstats", path: copy, tipHeight: 0, recentBlocks: { [] }, atBlockBoundary: { body in
                let s = clock.now
                body()
                pause = clock.now - s
            })
        } catch {
            print("reload failed: \(error)")
            return
        }
        let total = clock.now - start
        pauses.append(Double(pause.components.attoseconds) / 1e12 + Double(pause.components.seconds) * 1e6)
        totals.append(Double(total.components.attoseconds) / 1e12 + Double(total.components.seconds) * 1e6)
    }
    print(String(format: "| block processing paused (export state, import state, switch) | %.1f |", median(pauses)))
    print(String(format: "| whole reload (copy and check the image, on_load, pause, unload the old build) | %.1f |", median(totals)))
    manager.unloadAll()
}
