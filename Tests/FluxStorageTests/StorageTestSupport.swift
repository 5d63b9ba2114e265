import Foundation
import FluxPrimitives
@testable import FluxStorage
import Testing

/// SplitMix64: a tiny seeded PRNG, so property-style tests are deterministic.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh folder under the system temporary directory, removed when `body` returns or throws.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("flux-storage-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.appendingPathComponent("db").path)
}

/// Options for tests: small cache, buffered writes (the WAL still makes every commit survive a close).
func testOptions(sync: Bool = false) -> DatabaseOptions {
    var options = DatabaseOptions()
    options.cacheBytes = 4 << 20
    options.syncWrites = sync
    return options
}

/// The StorageError thrown by `body`, or nil if it succeeded (any other error is recorded as an issue).
func storageError(_ body: () throws -> Void) -> StorageError? {
    do {
        try body()
        return nil
    } catch let error as StorageError {
        return error
    } catch {
        Issue.record("expected a StorageError, got \(error)")
        return nil
    }
}

extension RandomNumberGenerator {
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &self) } }
    mutating func hash() -> Hash256 { Hash256(bytes(32)) }
}

/// Random values of every stored record type.
enum RandomRecords {
    static func script<G: RandomNumberGenerator>(_ g: inout G) -> Script {
        switch Int.random(in: 0..<6, using: &g) {
        case 0: return Script.payToPubKeyHash(g.bytes(20))
        case 1: return Script.payToScriptHash(g.bytes(20))
        case 2: return Script([33, UInt8.random(in: 2...3, using: &g)] + g.bytes(32) + [Opcode.checkSig])
        case 3: return Script([])
        case 4: return Script([65, 4] + g.bytes(64) + [Opcode.checkSig])
        default: return Script(g.bytes(Int.random(in: 0..<300, using: &g)))
        }
    }

    static func amount<G: RandomNumberGenerator>(_ g: inout G) -> Amount {
        switch Int.random(in: 0..<6, using: &g) {
        case 0: return Amount(units: 0)
        case 1: return Amount.coins(Int64.random(in: 0...1_000, using: &g))
        case 2: return Amount(units: Int64.random(in: 0...Amount.maxMoney.units, using: &g))
        case 3: return Amount.maxMoney
        case 4: return Amount(units: Int64.random(in: .min ... -1, using: &g))        // invalid, but storable
        default: return Amount(units: Int64.random(in: Amount.maxMoney.units + 1 ... .max, using: &g))
        }
    }

    static func coin<G: RandomNumberGenerator>(_ g: inout G) -> Coin {
        let height = Bool.random(using: &g) ? Int.random(in: 0...3_000_000, using: &g) : Int.random(in: 0..<(1 << 60), using: &g)
        return Coin(output: TxOut(value: amount(&g), scriptPubKey: script(&g)), height: height,
                    isCoinbase: Bool.random(using: &g))
    }

    static func outPoint<G: RandomNumberGenerator>(_ g: inout G) -> OutPoint {
        OutPoint(hash: g.hash(), index: Bool.random(using: &g) ? UInt32.random(in: 0..<8, using: &g) : UInt32.random(in: 0 ... .max, using: &g))
    }

    static func header<G: RandomNumberGenerator>(_ g: inout G) -> BlockHeader {
        let proof: BlockHeader.Proof = Bool.random(using: &g)
            ? .work(nonce: g.hash(), solution: g.bytes([0, 52, 100, 1344].randomElement(using: &g)!))
            : .node(collateral: outPoint(&g), signature: g.bytes(Int.random(in: 0...72, using: &g)))
        let version: Int32 = {
            if case .node = proof { return 100 }
            return 4
        }()
        return BlockHeader(version: version, previousBlockHash: g.hash(), merkleRoot: g.hash(),
                           finalSaplingRoot: g.hash(), time: UInt32.random(in: 0 ... .max, using: &g), bits: UInt32.random(in: 0 ... .max, using: &g), proof: proof)
    }

    static func indexRecord<G: RandomNumberGenerator>(_ g: inout G) -> BlockIndexRecord {
        let h = header(&g)
        return BlockIndexRecord(hash: h.hash, header: h, height: Int.random(in: 0...Int(Int32.max), using: &g),
                                chainWork: UInt256(g.hash()),
                                status: BlockStatus(rawValue: UInt32.random(in: 0...0x7f, using: &g)),
                                transactionCount: Int.random(in: 0...10_000, using: &g))
    }

    static func undo<G: RandomNumberGenerator>(_ g: inout G) -> BlockUndo {
        BlockUndo(spent: (0..<Int.random(in: 0..<6, using: &g)).map { _ in
            (0..<Int.random(in: 0..<5, using: &g)).map { _ in coin(&g) }
        })
    }
}
