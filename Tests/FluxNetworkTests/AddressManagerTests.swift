import FluxChainFixtures
import FluxTestSupport
import Foundation
import Testing
@testable import FluxNetwork

/// The address manager without sockets: new and tried tables, the per-source cap, selection odds, back-off
/// and persistence.
struct AddressManagerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func manager(file: URL? = nil, _ adjust: (inout AddressManager.Limits) -> Void = { _ in }) -> AddressManager {
        var limits = AddressManager.Limits()
        adjust(&limits)
        return AddressManager(file: file, limits: limits)
    }

    @Test func groupsAreSlash16ForIPv4AndSlash32ForIPv6() {
        #expect(AddressManager.group(of: "10.1.2.3") == "10.1")
        #expect(AddressManager.group(of: "10.1.200.7") == "10.1")
        #expect(AddressManager.group(of: "2001:db8:1::5") == "2001:db8")
        #expect(AddressManager.group(of: "Seed.Example.org") == "seed.example.org")
    }

    @Test func oneSourceCannotFillTheNewTable() {
        let book = manager { $0.perSource = 64 }
        var accepted = 0
        for i in 0..<1_000 where book.add(host: "44.\(i / 256).\(i % 256).1", port: 16125, services: 1, source: "66.6") {
            accepted += 1
        }
        #expect(accepted == 64)
        // Another source still gets in; a known address is refreshed rather than refused.
        #expect(book.add(host: "55.1.1.1", port: 16125, services: 1, source: "77.7"))
        #expect(book.add(host: "44.0.0.1", port: 16125, services: 1, source: "66.6"))
        #expect(book.tableSizes.new == 65)
    }

    @Test func aHandshakeMovesAnAddressToTriedAndFreesItsSourceSlot() {
        let book = manager { $0.perSource = 1 }
        #expect(book.add(host: "1.2.3.4", port: 1, services: 1, source: "9.9"))
        #expect(!book.add(host: "1.2.3.5", port: 1, services: 1, source: "9.9"))
        book.attempt(host: "1.2.3.4", port: 1, now: now)
        book.good(host: "1.2.3.4", port: 1, services: 5, now: now)
        #expect(book.tableSizes.new == 0 && book.tableSizes.tried == 1)
        #expect(book.entry(host: "1.2.3.4", port: 1)?.attempts == 0)
        #expect(book.add(host: "1.2.3.5", port: 1, services: 1, source: "9.9"))
    }

    @Test func selectionGivesTriedAndEachSourceGroupAFairShare() {
        let book = manager()
        for i in 0..<200 { book.add(host: "44.0.\(i).1", port: 1, services: 1, source: "66.6") }
        book.add(host: "55.0.0.1", port: 1, services: 1, source: "77.7")
        book.good(host: "33.0.0.1", port: 1, services: 1, now: now)
        var generator = SeededGenerator(state: 42)
        var counts: [String: Int] = [:]
        for _ in 0..<4_000 {
            let pick = book.select(excluding: [], now: now, using: &generator)!
            counts[pick.host.hasPrefix("44.") ? "flood" : pick.host, default: 0] += 1
        }
        // About half tried; the other half split between the two source groups, whatever their sizes.
        #expect((1_800...2_200).contains(counts["33.0.0.1"] ?? 0), "\(counts)")
        #expect((800...1_200).contains(counts["55.0.0.1"] ?? 0), "\(counts)")
        #expect((800...1_200).contains(counts["flood"] ?? 0), "\(counts)")
    }

    @Test func failedAddressesWaitOutADoublingBackOffAndHopelessOnesAreForgotten() {
        let book = manager {
            $0.retryDelay = 10
            $0.maxRetryDelay = 35
            $0.maxAttempts = 4
        }
        book.add(host: "8.8.8.8", port: 1, services: 1, source: "1.1")
        var generator = SeededGenerator(state: 1)
        book.attempt(host: "8.8.8.8", port: 1, now: now)
        #expect(book.select(excluding: [], now: now.addingTimeInterval(9), using: &generator) == nil)
        #expect(book.select(excluding: [], now: now.addingTimeInterval(10), using: &generator)?.host == "8.8.8.8")
        book.attempt(host: "8.8.8.8", port: 1, now: now)
        #expect(book.select(excluding: [], now: now.addingTimeInterval(19), using: &generator) == nil)
        #expect(book.select(excluding: [], now: now.addingTimeInterval(20), using: &generator) != nil)
        book.attempt(host: "8.8.8.8", port: 1, now: now)
        book.attempt(host: "8.8.8.8", port: 1, now: now)
        // Capped at 35 s rather than 80.
        #expect(book.select(excluding: [], now: now.addingTimeInterval(35), using: &generator) != nil)
        #expect(book.select(excluding: ["8.8.8.8:1"], now: now.addingTimeInterval(35), using: &generator) == nil)
        book.attempt(host: "8.8.8.8", port: 1, now: now)
        #expect(book.count == 0)
    }

    @Test func bothTablesSurviveARestartAndTheOldPeersFileStillLoads() throws {
        let folder = URL(fileURLWithPath: ChainBuilder.temporaryDirectory(), isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("peers.json")
        let book = manager(file: file)
        book.add(host: "1.1.1.1", port: 16125, services: 1, source: "2.2")
        book.good(host: "3.3.3.3", port: 16125, services: 1, now: now)
        book.save()
        let reloaded = manager(file: file)
        #expect(reloaded.tableSizes.new == 1 && reloaded.tableSizes.tried == 1)
        #expect(reloaded.entry(host: "3.3.3.3", port: 16125)?.tried == true)
        #expect(reloaded.entry(host: "1.1.1.1", port: 16125)?.source == "2.2")

        // The earlier address book wrote a plain array: it loads into the new table.
        let legacy = #"[{"host":"5.5.5.5","port":16125,"services":1,"lastSeen":1700000000,"failures":2,"lastTried":1700000100}]"#
        try Data(legacy.utf8).write(to: file)
        let migrated = manager(file: file)
        #expect(migrated.tableSizes.new == 1)
        #expect(migrated.entry(host: "5.5.5.5", port: 16125)?.attempts == 2)
    }
}
