import FluxChainFixtures
import FluxConsensus
import FluxP2P
import FluxPrimitives
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

extension BenchmarkGroup {
    /// Memory of a real fluxd serving `getdata` floods from peers that never read.
    static let sendbuffer = BenchmarkGroup(
        name: "sendbuffer",
        summary: "RSS of a fluxd process while 8 peers that never read flood getdata for ~1.9 MB regtest blocks",
        run: runSendBufferBenchmark)
}

// Settings, from the environment so the same binary can drive an older fluxd:
//   SENDBUFFER_FLUXD    the fluxd executable (default: the one next to flux-bench)
//   SENDBUFFER_PEERS    flooding peers (default 8)
//   SENDBUFFER_ITEMS    block items in each peer's getdata (default 100, ~190 MB asked per peer)
//   SENDBUFFER_SECONDS  how long RSS is sampled after the floods start (default 15)
//   SENDBUFFER_KB       passed as -maxsendbuffer when set (an older fluxd refuses the option)
//   SENDBUFFER_LOG      a file for fluxd's output (default: discarded)
private func setting(_ name: String, _ fallback: Int) -> Int {
    ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
}

private struct BenchFailure: Error, CustomStringConvertible {
    let description: String
}

/// A blocking loopback P2P socket with a small receive buffer; it writes and, except while waiting for the
/// node's `version`, never reads.
private final class FloodPeer {
    let fd: Int32
    let configuration: P2PConfiguration

    init(port: Int, magic: [UInt8]) throws {
        configuration = P2PConfiguration(magic: magic)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw BenchFailure(description: "connect to \(port): errno \(errno)") }
    }

    deinit { close(fd) }

    func send(_ message: P2PMessage) throws {
        let bytes = try P2PFrame.encode(message, configuration: configuration)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw BenchFailure(description: "send: errno \(errno)") }
            sent += n
        }
    }

    /// Sends version and verack; returns the node's start height from its `version`.
    func handshake() throws -> Int32 {
        try send(.version(VersionMessage(version: ProtocolVersion.current, services: 1,
                                         timestamp: Int64(Date().timeIntervalSince1970), receiver: .unspecified,
                                         sender: .unspecified, nonce: UInt64.random(in: 1...UInt64.max),
                                         userAgent: "/flux-bench/", startHeight: 0, relay: false)))
        try send(.verack)
        var buffer = ByteBuffer()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let message = try P2PFrame.read(from: &buffer, configuration: configuration) {
                if case let .version(v) = message { return v.startHeight }
                continue
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw BenchFailure(description: "no version from the node") }
            buffer.writeBytes(chunk[0..<n])
        }
    }
}

/// Resident and peak resident memory of `pid` in MiB (`VmRSS`, `VmHWM` of /proc/PID/status).
private func memory(of pid: Int32) -> (rss: Double, peak: Double)? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    func field(_ name: String) -> Double? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
        return line.split(separator: " ").compactMap { Double($0) }.first.map { $0 / 1024 }
    }
    guard let rss = field("VmRSS"), let peak = field("VmHWM") else { return nil }
    return (rss, peak)
}

private func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

private func runSendBufferBenchmark() {
    do { try sendBufferBenchmark() } catch { print("sendbuffer benchmark failed: \(error)") }
}

private func sendBufferBenchmark() throws {
    let peers = setting("SENDBUFFER_PEERS", 8)
    let items = setting("SENDBUFFER_ITEMS", 100)
    let seconds = setting("SENDBUFFER_SECONDS", 15)
    let limitKB = ProcessInfo.processInfo.environment["SENDBUFFER_KB"].flatMap(Int.init)
    let fluxd = ProcessInfo.processInfo.environment["SENDBUFFER_FLUXD"]
        ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("fluxd").path

    // Ten ~1.9 MB blocks (Acadia from height 1 allows transactions up to the 2 MB block size).
    let params = try ChainParameters.regtest(upgradeOverrides: [UpgradeOverride(upgrade: .acadia, height: 1)])
    var builder = ChainBuilder(params: params, seed: 9)
    var blocks: [Block] = []
    var tip = params.genesisHash
    for _ in 0..<10 {
        let block = builder.paddedBlock(on: tip, bytes: 1_900_000)
        blocks.append(block)
        tip = block.hash
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flux-bench-sendbuffer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let blockFile = folder.appendingPathComponent("blocks.dat")
    try BlockFile.write(blocks, to: blockFile, magic: params.messageStart)
    let noPlugins = folder.appendingPathComponent("no-plugins.toml")
    try Data().write(to: noPlugins)

    let port = freePort()
    var arguments = ["-regtest", "-datadir=\(folder.path)", "-port=\(port)", "-bind=127.0.0.1", "-listen=1",
                     "-rpcport=\(freePort())", "-upgradeheight=acadia:1", "-loadblock=\(blockFile.path)",
                     "-plugins=\(noPlugins.path)", "-whitelist=127.0.0.1"]
    if let limitKB { arguments.append("-maxsendbuffer=\(limitKB)") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: fluxd)
    process.arguments = arguments
    if let log = ProcessInfo.processInfo.environment["SENDBUFFER_LOG"] {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
    } else {
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
    }
    try process.run()
    defer {
        // SIGTERM, then SIGKILL after 10 s (a release fluxd at 6ee768e ignores SIGTERM).
        process.terminate()
        let end = Date().addingTimeInterval(10)
        while process.isRunning && Date() < end { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    // Wait for the import: a handshake reports the node's height.
    let deadline = Date().addingTimeInterval(120)
    var height: Int32 = -1
    while height < Int32(blocks.count) {
        guard Date() < deadline else { throw BenchFailure(description: "fluxd did not import the blocks (height \(height))") }
        Thread.sleep(forTimeInterval: 0.5)
        if let peer = try? FloodPeer(port: port, magic: params.messageStart) { height = (try? peer.handshake()) ?? -1 }
    }
    Thread.sleep(forTimeInterval: 1)
    let pid = process.processIdentifier
    let before = memory(of: pid)?.rss ?? 0

    let request = P2PMessage.getdata((0..<items).map { InventoryItem(type: InventoryType.block.rawValue, hash: blocks[$0 % blocks.count].hash) })
    var flooders: [FloodPeer] = []
    for _ in 0..<peers {
        let peer = try FloodPeer(port: port, magic: params.messageStart)
        _ = try peer.handshake()
        try peer.send(request)
        flooders.append(peer)
    }
    var samples: [(Double, Double)] = []
    let start = Date()
    while Date().timeIntervalSince(start) < Double(seconds) {
        Thread.sleep(forTimeInterval: 0.1)
        guard let m = memory(of: pid) else { break }
        samples.append((Date().timeIntervalSince(start), m.rss))
    }
    let highWater = memory(of: pid)?.peak ?? 0
    let peak = samples.map(\.1).max() ?? 0
    let blockMB = Double(blocks[0].serialized.count) / 1_048_576
    let limitBytes = Double((limitKB ?? 1_000) * 1_000)
    print("fluxd: \(fluxd)")
    print("arguments: \(arguments.filter { !$0.hasPrefix("-datadir") && !$0.hasPrefix("-loadblock") && !$0.hasPrefix("-plugins") }.joined(separator: " "))")
    print("blocks: \(blocks.count) of \(fixed(blockMB, 2)) MiB; \(peers) peers x getdata of \(items) blocks"
          + " (\(fixed(Double(items) * blockMB * Double(peers), 0)) MiB asked), receive buffer 4 kB, never read")
    print("")
    print("| | MiB |")
    print("|---|---:|")
    print("| RSS before the floods | \(fixed(before, 0)) |")
    for t in [1.0, 2, 5, 10, 15, 30, 60] where t <= Double(seconds) {
        if let s = samples.first(where: { $0.0 >= t }) { print("| RSS after \(Int(t)) s | \(fixed(s.1, 0)) |") }
    }
    print("| peak RSS during the floods (sampled every 0.1 s) | \(fixed(peak, 0)) |")
    print("| growth over the start | \(fixed(peak - before, 0)) |")
    print("| VmHWM of the whole run (import included) | \(fixed(highWater, 0)) |")
    print("| bound: peers x (limit + one block) | \(fixed(Double(peers) * (limitBytes / 1_048_576 + blockMB), 0)) |")
    withExtendedLifetime(flooders) {}
}
