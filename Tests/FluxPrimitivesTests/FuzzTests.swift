import FluxPrimitives
import FluxTestSupport
import Testing

/// Deterministic fuzzing of the parsers. The property: parsing either throws a `DecodingError` or yields a value
/// whose serialization is exactly the input (and whose hashes can be computed).
@Suite("Parser fuzzing")
struct FuzzTests {
    enum Kind: String, CaseIterable { case transaction, block, header }

    /// Parses `input` as `kind`; records an issue if the property fails. Returns whether parsing succeeded.
    @discardableResult
    static func check(_ input: [UInt8], as kind: Kind) -> Bool {
        do {
            let output: [UInt8]
            switch kind {
            case .transaction:
                let tx = try Transaction(serialized: input)
                _ = tx.txid
                output = tx.serialized
            case .block:
                let block = try Block(serialized: input)
                _ = block.hash
                _ = block.computeMerkleRoot()
                output = block.serialized
            case .header:
                let header = try BlockHeader(serialized: input)
                _ = header.hash
                output = header.serialized
            }
            if output != input {
                Issue.record("\(kind) parsed but re-serialised differently: \(Hex.encode(input))")
            }
            return true
        } catch {
            return false
        }
    }

    static let interesting: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 0x4c, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff]

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var out = input
        let rounds = 1 + Int(rng.next() % 3)
        for _ in 0..<rounds {
            let position = out.isEmpty ? 0 : Int(rng.next() % UInt64(out.count))
            switch rng.next() % 8 {
            case 0 where !out.isEmpty: out[position] ^= 1 << UInt8(rng.next() % 8)
            case 1 where !out.isEmpty: out[position] = UInt8(truncatingIfNeeded: rng.next())
            case 2: out.insert(UInt8(truncatingIfNeeded: rng.next()), at: position)
            case 3 where !out.isEmpty: out.remove(at: position)
            case 4: out = Array(out.prefix(position))
            case 5 where !out.isEmpty:
                out[position] = interesting[Int(rng.next() % UInt64(interesting.count))]
            case 6 where out.count > 8:                          // header-area edits reach other tx formats
                out[Int(rng.next() % 8)] = interesting[Int(rng.next() % UInt64(interesting.count))]
            case 7 where out.count > 2:                          // duplicate a slice
                let length = min(1 + Int(rng.next() % 64), out.count - position)
                out.insert(contentsOf: out[position..<(position + length)], at: position)
            default: out.append(UInt8(truncatingIfNeeded: rng.next()))
            }
        }
        return out
    }

    /// Valid transactions of every format: fixture v1, sighash v1/v2-like/v3/v4, and FluxNode v5/v6.
    static func transactionCorpus() throws -> [[UInt8]] {
        var corpus = try fixtureTransactions().map(\.bytes) + sighashTransactions()
        let f = FluxNodeTransactionTests.self
        corpus.append(Transaction.fluxNode(.start(f.start(fluxTxVersion: nil)), version: 5).serialized)
        corpus.append(Transaction.fluxNode(.confirm(f.confirm()), version: 5).serialized)
        corpus.append(Transaction.fluxNode(.start(f.start(fluxTxVersion: 2)), version: 6).serialized)
        corpus.append(Transaction.fluxNode(.start(f.start(
            fluxTxVersion: 0x0101, usingDelegates: true,
            delegates: FluxNodeDelegates(version: 1, type: 1, keys: f.delegateKeys))), version: 6).serialized)
        corpus.append(Transaction.fluxNode(.start(f.start(fluxTxVersion: 0x0102, usingDelegates: false)),
                                           version: 6).serialized)
        return corpus
    }

    @Test func mutatedTransactionsParseExactlyOrThrow() throws {
        let corpus = try Self.transactionCorpus()
        #expect(corpus.allSatisfy { Self.check($0, as: .transaction) })
        var rng = SplitMix64(seed: 0x5eed_0001)
        var parsed = 0
        for _ in 0..<4000 {
            let seed = corpus[Int(rng.next() % UInt64(corpus.count))]
            if Self.check(Self.mutate(seed, &rng), as: .transaction) { parsed += 1 }
        }
        #expect(parsed > 200, "the mutations should also produce parseable transactions (\(parsed))")
    }

    @Test func mutatedBlocksAndHeadersParseExactlyOrThrow() throws {
        let regtest = try genesisBlockBytes("regtest")
        let main = try genesisBlockBytes("main")
        let pon = BlockHeaderTests.ponHeader()
        let ponBlock = Block(header: pon, transactions: try Self.transactionCorpus().suffix(3).map {
            try Transaction(serialized: $0)
        }).serialized
        let blocks = [regtest, main, ponBlock]
        let headers = [try Block(serialized: regtest).header.serialized, pon.serialized]
        #expect(blocks.allSatisfy { Self.check($0, as: .block) } && headers.allSatisfy { Self.check($0, as: .header) })
        var rng = SplitMix64(seed: 0x5eed_0002)
        var parsedBlocks = 0, parsedHeaders = 0
        for i in 0..<1500 {
            let block = blocks[i % blocks.count]
            if Self.check(Self.mutate(block, &rng), as: .block) { parsedBlocks += 1 }
            let header = headers[i % headers.count]
            if Self.check(Self.mutate(header, &rng), as: .header) { parsedHeaders += 1 }
        }
        #expect(parsedBlocks > 50 && parsedHeaders > 50, "\(parsedBlocks) blocks, \(parsedHeaders) headers parsed")
    }

    @Test func randomBytesParseExactlyOrThrow() {
        var rng = SplitMix64(seed: 0x5eed_0003)
        let prefixes: [[UInt8]] = [[], [1, 0, 0, 0], [2, 0, 0, 0], [5, 0, 0, 0, 2], [5, 0, 0, 0, 4], [6, 0, 0, 0, 2],
                                   [6, 0, 0, 0, 4], [4, 0, 0, 0x80, 0x85, 0x20, 0x2f, 0x89],
                                   [3, 0, 0, 0x80, 0x70, 0x82, 0xc4, 0x03]]
        for i in 0..<3000 {
            let length = Int(rng.next() % 160)
            var input = prefixes[i % prefixes.count]
            for _ in 0..<length {
                // Small values make short counts and lengths, so random input gets past the first fields.
                let r = rng.next()
                input.append(r % 4 == 0 ? UInt8(truncatingIfNeeded: r >> 8) : UInt8((r >> 8) % 3))
            }
            Self.check(input, as: .transaction)
            Self.check(input, as: .header)
            Self.check(input, as: .block)
        }
    }

    @Test func splitMix64IsDeterministic() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        #expect((0..<4).map { _ in a.next() } == (0..<4).map { _ in b.next() })
        var zero = SplitMix64(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)      // published first output for seed 0
    }
}
