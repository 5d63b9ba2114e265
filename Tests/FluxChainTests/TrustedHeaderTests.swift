import Foundation
import Testing
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxStorage

/// Compact headers (`cmpheaders`) trusted below the last checkpoint: accepted by their claimed hash without a
/// solution, refused above the checkpoint or against a checkpoint hash, completed (Equihash verified) when the
/// block arrives.
@Suite(.serialized) struct TrustedHeaderTests {
    /// Regtest blocks 1...40 and parameters with a checkpoint at height 30.
    static let fixture: (blocks: [Block], params: ChainParameters) = {
        var builder = ChainBuilder()
        let blocks = builder.chain(on: ChainParameters.regtest.genesisHash, count: 40)
        let params = ChainParameters.regtest.withCheckpoints([
            Checkpoint(height: 0, hash: ChainParameters.regtest.genesisHash),
            Checkpoint(height: 30, hash: blocks[29].hash),
        ])
        return (blocks, params)
    }()

    var blocks: [Block] { Self.fixture.blocks }

    func open(path: String = ChainBuilder.temporaryDirectory()) throws -> ChainState {
        var storage = DatabaseOptions()
        storage.syncWrites = false
        return try ChainState(params: Self.fixture.params, path: path, storage: storage)
    }

    /// The reject code of `body`, or nil when it passes.
    func code(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let error as ChainError {
            return error.reason?.code ?? "\(error)"
        } catch { return "\(error)" }
    }

    @Test func trustedHeadersUpToTheCheckpointAreAcceptedAndTheirBodiesConnect() throws {
        let chain = try open()
        let entries = try chain.acceptTrustedHeaders(blocks.prefix(30).map { TrustedHeader($0.header) })
        #expect(entries.map(\.height) == Array(1...30))
        #expect(entries.map(\.hash) == blocks.prefix(30).map(\.hash))
        #expect(entries.allSatisfy { $0.lacksSolution && !$0.status.contains(.haveData) })
        #expect(chain.height == 0)
        #expect(chain.bestHeader.hash == blocks[29].hash)
        // Sent again: nothing changes.
        #expect(try chain.acceptTrustedHeaders([TrustedHeader(blocks[4].header)]).first === entries[4])

        // Above the checkpoint a compact header is refused; full headers go on from there.
        #expect(code { try chain.acceptTrustedHeaders([TrustedHeader(blocks[30].header)]) } == "cmpheader-above-checkpoint")
        #expect(chain.entry(blocks[30].hash) == nil)
        try chain.acceptHeaders(blocks[30...].map(\.header))
        #expect(chain.bestHeader.hash == blocks[39].hash)

        // The bodies fill in the solutions and connect.
        for block in blocks { try chain.acceptBlock(block) }
        #expect(chain.tip.hash == blocks[39].hash)
        for (i, block) in blocks.enumerated() {
            let e = try #require(chain.entry(at: i + 1))
            #expect(!e.lacksSolution)
            #expect(e.header == block.header)
        }
    }

    @Test func theCheckpointHashAndTheContextAreEnforced() throws {
        let chain = try open()
        try chain.acceptTrustedHeaders(blocks.prefix(29).map { TrustedHeader($0.header) })
        // A wrong hash at the checkpoint height.
        let bogus = Hash256([UInt8](repeating: 0x5a, count: 32))
        #expect(code { try chain.acceptTrustedHeaders([TrustedHeader(header: blocks[29].header, hash: bogus)]) }
                == "checkpoint-mismatch")
        #expect(chain.entry(bogus) == nil)
        // A different block at the checkpoint height, honestly hashed.
        var builder = ChainBuilder()
        for b in blocks { builder.headers[b.hash] = (b.header, builder.headers[b.header.previousBlockHash]!.height + 1) }
        let rival = builder.block(on: blocks[28].hash, time: blocks[29].header.time + 1)
        #expect(code { try chain.acceptTrustedHeaders([TrustedHeader(rival.header)]) } == "checkpoint-mismatch")
        // The context is still checked: difficulty, and the parent must be known.
        var easier = blocks[29].header
        easier.bits = 0x2000_0fff
        #expect(code { try chain.acceptTrustedHeaders([TrustedHeader(header: easier, hash: blocks[29].hash)]) } == "bad-diffbits")
        #expect(code { try chain.acceptTrustedHeaders([TrustedHeader(blocks[31].header)]) } == "prev-blk-not-found")
        // The honest header at the checkpoint is taken.
        #expect(try chain.acceptTrustedHeaders([TrustedHeader(blocks[29].header)]).first?.height == 30)
    }

    /// A full header for a trusted entry (from `headers`) fills in its solution after verifying it; one whose
    /// fields differ from the compact header's (a real hash vouched for with false fields) replaces the entry and
    /// what was built on it.
    @Test func fullHeadersCompleteOrReplaceTrustedEntries() throws {
        let chain = try open()
        var lie = blocks[4].header
        lie.time += 1
        var trusted = blocks.prefix(10).map { TrustedHeader($0.header) }
        trusted[4] = TrustedHeader(header: lie, hash: blocks[4].hash)
        try chain.acceptTrustedHeaders(trusted)
        #expect(chain.entry(blocks[4].hash)?.header.time == lie.time)
        #expect(chain.entry(blocks[9].hash)?.height == 10)

        try chain.acceptHeaders(blocks.prefix(4).map(\.header))
        #expect(chain.entry(blocks[3].hash)?.lacksSolution == false)
        #expect(chain.entry(blocks[4].hash)?.lacksSolution == true)

        // Block 5's body brings the true fields: the lying entry and its descendants are replaced.
        for block in blocks.prefix(5) { try chain.acceptBlock(block) }
        #expect(chain.tip.hash == blocks[4].hash)
        #expect(chain.entry(blocks[4].hash)?.header == blocks[4].header)
        #expect(chain.entry(blocks[5].hash) == nil)
        for block in blocks.dropFirst(5) { try chain.acceptBlock(block) }
        #expect(chain.tip.hash == blocks[39].hash)
    }

    /// A solution that does not verify makes the trusted block invalid when its body comes (the hash commits to
    /// the solution, so a body with these fields and this hash cannot be valid).
    @Test func aBadSolutionInvalidatesTheTrustedBlock() throws {
        let chain = try open()
        var broken = blocks[2]
        guard case let .work(nonce, solution) = broken.header.proof else { Issue.record("not PoW"); return }
        var flipped = solution
        flipped[0] ^= 1
        broken.header.proof = .work(nonce: nonce, solution: flipped)
        // The sender vouches for the broken header's own hash, and the chain is built on it.
        try chain.acceptTrustedHeaders(blocks.prefix(2).map { TrustedHeader($0.header) }
                                       + [TrustedHeader(broken.header)])
        try chain.acceptBlock(blocks[0])
        try chain.acceptBlock(blocks[1])
        #expect(code { try chain.acceptBlock(broken) } == "invalid-solution")
        #expect(chain.entry(broken.hash)?.isFailed == true)
        #expect(chain.height == 2)
    }

    /// Trusted entries persist without their solutions and are completed after a restart.
    @Test func trustedEntriesSurviveARestart() throws {
        let path = ChainBuilder.temporaryDirectory()
        do {
            let chain = try open(path: path)
            try chain.acceptTrustedHeaders(blocks.prefix(30).map { TrustedHeader($0.header) })
            try chain.acceptBlock(blocks[0])
            try chain.close()
        }
        let chain = try open(path: path)
        #expect(chain.height == 1)
        #expect(chain.entry(blocks[29].hash)?.lacksSolution == true)
        #expect(chain.bestHeader.hash == blocks[29].hash)
        for block in blocks.dropFirst() { try chain.acceptBlock(block) }
        #expect(chain.tip.hash == blocks[39].hash)
        #expect(chain.entry(blocks[29].hash)?.lacksSolution == false)
    }
}
