import Foundation

/// Banned peer addresses (by host), persisted in `banlist.json` so bans survive restarts.
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
        guard let until = bans[host] else { return false }
        if until < now { bans[host] = nil; return false }
        return true
    }

    func ban(_ host: String, until: Date) {
        lock.lock()
        bans[host] = until
        lock.unlock()
        save()
    }

    func unban(_ host: String) {
        lock.lock()
        bans[host] = nil
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
