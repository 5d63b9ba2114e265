import Foundation

import FluxPrimitives

/// Banned peer addresses, persisted in `banlist.json` so bans survive restarts. An entry is a single address
/// (`1.2.3.4`, `::1`) or a subnet as `setban` takes it (`192.168.0.0/24`, `10.0.0.0/255.0.0.0`); a host is banned
/// when an unexpired entry names it or a subnet entry contains it.
final class BanList: @unchecked Sendable {
    private var bans: [String: Date] = [:]
    private let file: URL?
    private let lock = NSLock()

    init(file: URL?) {
        self.file = file
        if let file, let data = try? Data(contentsOf: file),
           let stored = try? JSONDecoder().decode([String: Double].self, from: data) {
            bans = stored.mapValues { Date(timeIntervalSince1970: $0) }
        }
    }

    func isBanned(_ host: String, now: Date = Date()) -> Bool {
        lock.lock(); defer { lock.unlock() }
        for (key, until) in bans where until < now { bans[key] = nil }
        if bans[host] != nil { return true }
        return bans.keys.contains { $0.contains("/") && IPSubnet($0)?.contains(host) == true }
    }

    /// Whether `key` itself (an address or subnet, not a subnet containing it) has an unexpired entry.
    func hasEntry(_ key: String, now: Date = Date()) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return bans[key].map { $0 >= now } ?? false
    }

    func ban(_ host: String, until: Date) {
        lock.lock()
        bans[host] = until
        lock.unlock()
        save()
    }

    /// Removes the entry `key`; false when there was none.
    @discardableResult
    func unban(_ key: String) -> Bool {
        lock.lock()
        let removed = bans.removeValue(forKey: key) != nil
        lock.unlock()
        if removed { save() }
        return removed
    }

    /// Removes every entry (`clearbanned`).
    func clear() {
        lock.lock()
        bans = [:]
        lock.unlock()
        save()
    }

    var entries: [(host: String, until: Date)] {
        lock.lock(); defer { lock.unlock() }
        return bans.map { ($0.key, $0.value) }.sorted { $0.host < $1.host }
    }

    private func save() {
        guard let file else { return }
        lock.lock()
        let stored = bans.mapValues { $0.timeIntervalSince1970 }
        lock.unlock()
        if let data = try? JSONEncoder().encode(stored) { try? data.write(to: file, options: .atomic) }
    }
}
