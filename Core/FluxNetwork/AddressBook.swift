import Foundation
import FluxP2P

/// Addresses of peers the node has heard of, persisted in `peers.json` so they survive restarts.
final class AddressBook: @unchecked Sendable {
    struct Entry: Codable {
        var host: String
        var port: Int
        var services: UInt64
        var lastSeen: Double
        var lastTried: Double?
        var failures: Int
    }

    private var entries: [String: Entry] = [:]
    private let file: URL?
    private let lock = NSLock()
    /// Upper bound on remembered addresses.
    let capacity = 10_000

    init(file: URL?) {
        self.file = file
        if let file, let data = try? Data(contentsOf: file), let stored = try? JSONDecoder().decode([Entry].self, from: data) {
            for e in stored { entries["\(e.host):\(e.port)"] = e }
        }
    }

    func add(host: String, port: Int, services: UInt64, seen: Date = Date()) {
        lock.lock(); defer { lock.unlock() }
        let key = "\(host):\(port)"
        if var e = entries[key] {
            e.lastSeen = max(e.lastSeen, seen.timeIntervalSince1970)
            e.services = services
            entries[key] = e
        } else if entries.count < capacity {
            entries[key] = Entry(host: host, port: port, services: services, lastSeen: seen.timeIntervalSince1970,
                                 lastTried: nil, failures: 0)
        }
    }

    func markTried(host: String, port: Int, succeeded: Bool) {
        lock.lock(); defer { lock.unlock() }
        let key = "\(host):\(port)"
        guard var e = entries[key] else { return }
        e.lastTried = Date().timeIntervalSince1970
        e.failures = succeeded ? 0 : e.failures + 1
        entries[key] = e
    }

    /// Candidates to connect to, freshest and least-failed first.
    func candidates(excluding: Set<String>, limit: Int) -> [(host: String, port: Int)] {
        lock.lock(); defer { lock.unlock() }
        let now = Date().timeIntervalSince1970
        return entries.values
            .filter { !excluding.contains("\($0.host):\($0.port)") && $0.failures < 10
                && ($0.lastTried.map { now - $0 > 60 } ?? true) }
            .sorted { ($0.failures, -$0.lastSeen) < ($1.failures, -$1.lastSeen) }
            .prefix(limit).map { ($0.host, $0.port) }
    }

    /// Up to `limit` addresses to share in an `addr` reply.
    func sample(limit: Int) -> [Entry] {
        lock.lock(); defer { lock.unlock() }
        return Array(entries.values.sorted { $0.lastSeen > $1.lastSeen }.prefix(limit))
    }

    var count: Int { lock.lock(); defer { lock.unlock() }; return entries.count }

    func save() {
        guard let file else { return }
        lock.lock()
        let list = Array(entries.values)
        lock.unlock()
        if let data = try? JSONEncoder().encode(list) { try? data.write(to: file, options: .atomic) }
    }
}
