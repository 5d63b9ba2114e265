import Foundation

/// The addresses of peers the node knows, in two tables as bitcoind's address manager (`addrman`): "new" holds
/// addresses heard of (from `addr` messages or an older `peers.json`), "tried" those the node completed a handshake
/// with. Persisted in `peers.json` so both survive restarts.
///
/// Defences, as addrman's:
/// - One source (the group of the peer that sent the addresses, see `group(of:)`) may hold at most
///   `Limits.perSource` entries of the new table, so a single `addr` flood cannot fill it.
/// - `select` first picks a table (tried or new, even odds when both have candidates), then, in the new table, a
///   source group at random and an address of that group: a source with a thousand addresses is as likely to be
///   chosen as one with a single address.
/// - Every dial counts as an attempt until a handshake succeeds; an address with attempts is skipped for
///   `Limits.retryDelay` doubled per attempt (capped at `Limits.maxRetryDelay`), and a never-successful address
///   is forgotten after `Limits.maxAttempts` attempts.
///
/// Thread-safe (one lock); the node calls it from its network queue, RPC may read it from elsewhere.
final class AddressManager: @unchecked Sendable {
    /// One known address.
    struct Entry: Codable, Equatable {
        var host: String
        var port: Int
        var services: UInt64
        /// When the address was last announced or connected (seconds since 1970).
        var lastSeen: Double
        /// The group of the source that told us of it (`group(of:)` of the peer, or "manual" / "self").
        var source: String
        /// The last dial (seconds since 1970).
        var lastAttempt: Double?
        /// The last completed handshake (seconds since 1970).
        var lastSuccess: Double?
        /// Dials since the last completed handshake.
        var attempts: Int
        /// In the tried table.
        var tried: Bool

        var key: String { "\(host):\(port)" }
    }

    /// Table sizes, per-source cap and retry back-off.
    struct Limits: Sendable {
        /// Entries in the new table.
        var newCapacity = 10_000
        /// Entries in the tried table; when full, the entry with the oldest success moves back to new.
        var triedCapacity = 4_096
        /// Entries one source group may hold in the new table.
        var perSource = 256
        /// Wait after the first failed attempt, doubled for each further one.
        var retryDelay: TimeInterval = 60
        /// The longest wait between attempts.
        var maxRetryDelay: TimeInterval = 3_600
        /// Attempts after which an address that never completed a handshake is forgotten.
        var maxAttempts = 10
    }

    /// The `peers.json` layout of this version.
    private struct Stored: Codable {
        var version: Int
        var entries: [Entry]
    }

    /// The `peers.json` layout of the earlier address book (a plain array), still loadable.
    private struct LegacyEntry: Codable {
        var host: String
        var port: Int
        var services: UInt64
        var lastSeen: Double
        var lastTried: Double?
        var failures: Int
    }

    let limits: Limits
    private var entries: [String: Entry] = [:]
    private var newPerSource: [String: Int] = [:]
    private var newTotal = 0
    private var triedTotal = 0
    private let file: URL?
    private let lock = NSLock()

    /// Loads `file` (this version's layout or the older array of addresses, which goes into the new table).
    init(file: URL?, limits: Limits = Limits()) {
        self.file = file
        self.limits = limits
        guard let file, let data = try? Data(contentsOf: file) else { return }
        if let stored = try? JSONDecoder().decode(Stored.self, from: data) {
            for e in stored.entries where entries[e.key] == nil {
                if e.tried {
                    if triedTotal < limits.triedCapacity { store(e) }
                } else if newTotal < limits.newCapacity && newPerSource[e.source, default: 0] < limits.perSource {
                    store(e)
                }
            }
        } else if let legacy = try? JSONDecoder().decode([LegacyEntry].self, from: data) {
            for e in legacy {
                insertNew(host: e.host, port: e.port, services: e.services, seen: e.lastSeen,
                          source: Self.group(of: e.host))
                if let t = e.lastTried, var entry = entries["\(e.host):\(e.port)"] {
                    entry.lastAttempt = t
                    entry.attempts = e.failures
                    entries[entry.key] = entry
                }
            }
        }
    }

    /// The group an address belongs to for the per-source limit: the first two bytes of an IPv4 address
    /// ("10.1"), the first 32 bits of an IPv6 one ("2001:db8"), a host name as it is.
    static func group(of host: String) -> String {
        if host.contains(":") {
            return host.split(separator: ":", omittingEmptySubsequences: false).prefix(2).joined(separator: ":").lowercased()
        }
        let parts = host.split(separator: ".")
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) { return "\(parts[0]).\(parts[1])" }
        return host.lowercased()
    }

    /// Adds an address heard of from `source` (a group, see `group(of:)`) to the new table, or refreshes its
    /// `lastSeen` when known. Returns false when it was refused: the new table is full, or `source` already holds
    /// `Limits.perSource` addresses there.
    @discardableResult
    func add(host: String, port: Int, services: UInt64, seen: Date = Date(), source: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return insertNew(host: host, port: port, services: services, seen: seen.timeIntervalSince1970, source: source)
    }

    @discardableResult
    private func insertNew(host: String, port: Int, services: UInt64, seen: Double, source: String) -> Bool {
        let key = "\(host):\(port)"
        if var e = entries[key] {
            e.lastSeen = max(e.lastSeen, min(seen, Date().timeIntervalSince1970))
            e.services |= services
            entries[key] = e
            return true
        }
        guard newTotal < limits.newCapacity, newPerSource[source, default: 0] < limits.perSource else { return false }
        store(Entry(host: host, port: port, services: services, lastSeen: seen, source: source,
                    lastAttempt: nil, lastSuccess: nil, attempts: 0, tried: false))
        return true
    }

    /// Records a dial of the address (an attempt until `good` says the handshake completed). An address that
    /// never completed a handshake is forgotten after `Limits.maxAttempts` attempts.
    func attempt(host: String, port: Int, now: Date = Date()) {
        lock.lock(); defer { lock.unlock() }
        let key = "\(host):\(port)"
        guard var e = entries[key] else { return }
        e.lastAttempt = now.timeIntervalSince1970
        e.attempts += 1
        remove(key)
        if e.lastSuccess == nil && e.attempts > limits.maxAttempts { return }
        store(e)
    }

    /// Records a completed handshake with an outbound peer: the address moves to (or stays in) the tried table
    /// and its attempts are cleared.
    func good(host: String, port: Int, services: UInt64, now: Date = Date()) {
        lock.lock(); defer { lock.unlock() }
        let key = "\(host):\(port)"
        var e = entries[key] ?? Entry(host: host, port: port, services: services, lastSeen: 0, source: "self",
                                      lastAttempt: now.timeIntervalSince1970, lastSuccess: nil, attempts: 0, tried: false)
        remove(key)
        if !e.tried && triedTotal >= limits.triedCapacity, let oldest = entries.values.filter(\.tried)
            .min(by: { ($0.lastSuccess ?? 0) < ($1.lastSuccess ?? 0) }) {
            // Make room: the tried entry heard from longest ago goes back to new (or is dropped when that is full).
            remove(oldest.key)
            var demoted = oldest
            demoted.tried = false
            demoted.source = "self"
            if newTotal < limits.newCapacity { store(demoted) }
        }
        e.services = services
        e.lastSeen = now.timeIntervalSince1970
        e.lastSuccess = now.timeIntervalSince1970
        e.attempts = 0
        e.tried = true
        store(e)
    }

    /// Whether the address may be dialled at `now`: no attempt since its last success, or the back-off for its
    /// attempts has passed.
    func isEligible(_ e: Entry, now: Double) -> Bool {
        guard e.attempts > 0, let last = e.lastAttempt else { return true }
        let delay = min(limits.retryDelay * pow(2, Double(min(e.attempts - 1, 30))), limits.maxRetryDelay)
        return now - last >= delay
    }

    /// An address to dial, not in `excluding` ("host:port") and not waiting out a back-off; nil when there is none.
    /// Picks the tried or the new table with even odds (whichever has candidates), then in the new table a
    /// source group at random and an address of that group.
    func select(excluding: Set<String>, now: Date = Date(),
                using generator: inout some RandomNumberGenerator) -> (host: String, port: Int)? {
        lock.lock(); defer { lock.unlock() }
        let t = now.timeIntervalSince1970
        var tried: [Entry] = []
        var fresh: [String: [Entry]] = [:]
        for e in entries.values where !excluding.contains(e.key) && isEligible(e, now: t) {
            if e.tried { tried.append(e) } else { fresh[e.source, default: []].append(e) }
        }
        let useTried: Bool
        switch (tried.isEmpty, fresh.isEmpty) {
        case (true, true): return nil
        case (false, true): useTried = true
        case (true, false): useTried = false
        case (false, false): useTried = Bool.random(using: &generator)
        }
        if useTried {
            let e = tried.randomElement(using: &generator)!
            return (e.host, e.port)
        }
        let groups = fresh.keys.sorted()
        let group = fresh[groups.randomElement(using: &generator)!]!
        let e = group.randomElement(using: &generator)!
        return (e.host, e.port)
    }

    /// `select` with the system's random numbers.
    func select(excluding: Set<String>, now: Date = Date()) -> (host: String, port: Int)? {
        var generator = SystemRandomNumberGenerator()
        return select(excluding: excluding, now: now, using: &generator)
    }

    /// Up to `limit` addresses to share in an `addr` reply, most recently seen first; addresses still waiting
    /// out a back-off are left out.
    func sample(limit: Int, now: Date = Date()) -> [Entry] {
        lock.lock(); defer { lock.unlock() }
        let t = now.timeIntervalSince1970
        return Array(entries.values.filter { isEligible($0, now: t) }.sorted { $0.lastSeen > $1.lastSeen }.prefix(limit))
    }

    /// The entry for "host:port", if known.
    func entry(host: String, port: Int) -> Entry? {
        lock.lock(); defer { lock.unlock() }
        return entries["\(host):\(port)"]
    }

    /// All addresses known.
    var count: Int { lock.lock(); defer { lock.unlock() }; return entries.count }
    /// (new, tried) table sizes.
    var tableSizes: (new: Int, tried: Int) {
        lock.lock(); defer { lock.unlock() }
        return (newTotal, triedTotal)
    }

    /// Puts `e` in its table (the key must be free), keeping the counts.
    private func store(_ e: Entry) {
        entries[e.key] = e
        if e.tried { triedTotal += 1 } else {
            newTotal += 1
            newPerSource[e.source, default: 0] += 1
        }
    }

    /// Removes the entry for `key`, if any, keeping the counts.
    private func remove(_ key: String) {
        guard let e = entries.removeValue(forKey: key) else { return }
        if e.tried { triedTotal -= 1 } else {
            newTotal -= 1
            newPerSource[e.source, default: 1] -= 1
            if newPerSource[e.source] == 0 { newPerSource[e.source] = nil }
        }
    }

    /// Writes `peers.json` (atomically).
    func save() {
        guard let file else { return }
        lock.lock()
        let stored = Stored(version: 2, entries: entries.values.sorted { $0.key < $1.key })
        lock.unlock()
        if let data = try? JSONEncoder().encode(stored) { try? data.write(to: file, options: .atomic) }
    }
}
