import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxStorage
import Foundation
import Testing

/// `ChainState.reindex` and its parts: the one-batch reset with the durable marker, the replay toward the recorded
/// tip, a refused block reported by name, and resuming after an interruption.
@Suite(.serialized) struct ReindexTests {
    /// A consensus judge that refuses (or cannot judge) the block at one height, like a plugin whose rules changed.
    final class RefusingJudge: ConsensusJudge, @unchecked Sendable {
        let name = "refuser"
        let activationHeight = 1
        let height: Int
        let verdictUnavailable: Bool
        init(height: Int, verdictUnavailable: Bool = false) {
            self.height = height
            self.verdictUnavailable = verdictUnavailable
        }
        func connect(_ block: Block, height: Int, writes: inout PluginWrites) throws(ChainError) {
            guard height == self.height else { return }
            if verdictUnavailable { throw .verdictUnavailable("refuser is not ready for block \(block.hash)") }
            throw .rejected(RejectReason("bad-refuser", "the refuser refuses height \(height)"))
        }
        func disconnect(_ block: Block, height: Int, writes: inout PluginWrites) throws(ChainError) {}
    }

    func open(_ path: String) throws -> ChainState { try ChainState(params: .regtest, path: path) }

    /// A chain of `count` blocks with spends, accepted into a new folder: (folder, blocks, UTXO digest).
    func makeChain(count: Int) throws -> (String, [Block], Hash256) {
        let path = ChainBuilder.temporaryDirectory()
        var builder = ChainBuilder()
        let blocks = builder.chain(on: ChainParameters.regtest.genesisHash, count: count)
        let chain = try open(path)
        for b in blocks { try chain.acceptBlock(b) }
        let digest = try chain.utxoSetDigest().hash
        try chain.close()
        return (path, blocks, digest)
    }

    @Test func aRefusedBlockStopsTheReindexWithAnErrorNamingItAndTheNextStartRetriesIt() throws {
        let (path, blocks, digest) = try makeChain(count: 12)
        do {
            let chain = try open(path)
            chain.addJudge(RefusingJudge(height: 7))
            do {
                try chain.reindex()
                Issue.record("the reindex ended at height \(chain.height) without reporting the refused block")
            } catch {
                #expect(error.block?.hash == blocks[6].hash)
                #expect(error.block?.height == 7)
                #expect(error.reason.reason?.code == "bad-refuser")
                #expect(error.target.hash == blocks[11].hash && error.target.height == 12)
                #expect(error.stoppedAt == 6)
                let text = "\(error)"
                #expect(text.contains(blocks[6].hash.description) && text.contains("height 7") && text.contains("bad-refuser"), "\(text)")
            }
            #expect(chain.height == 6)
            #expect(try chain.reindexTarget == blocks[11].hash, "the marker stays until the target is reached")
            #expect(chain.entry(blocks[6].hash)?.isFailed == false, "a block refused during a reindex is not marked invalid")
            try chain.close()
        }
        // Reopened: nothing is connected on opening while the marker is set; continuing (the refuser gone) ends
        // on the old tip with the same UTXO set.
        let chain = try open(path)
        #expect(chain.height == 6)
        try chain.continueReindex()
        #expect(chain.tip.hash == blocks[11].hash)
        #expect(try chain.reindexTarget == nil)
        #expect(try chain.utxoSetDigest().hash == digest)
        try chain.close()
    }

    @Test func aBlockWithoutVerdictStopsTheReindexAndIsRetried() throws {
        let (path, blocks, digest) = try makeChain(count: 8)
        let chain = try open(path)
        let judge = RefusingJudge(height: 4, verdictUnavailable: true)
        chain.addJudge(judge)
        do {
            try chain.reindex()
            Issue.record("no error for the block without a verdict")
        } catch {
            #expect(error.block?.hash == blocks[3].hash)
            if case .verdictUnavailable = error.reason {} else { Issue.record("reason \(error.reason)") }
        }
        #expect(chain.height == 3)
        // Still refused: the same error, nothing skipped.
        #expect(throws: ReindexError.self) { try chain.continueReindex() }
        #expect(chain.height == 3)
        try chain.close()
        let reopened = try open(path)
        try reopened.continueReindex()
        #expect(reopened.tip.hash == blocks[7].hash)
        #expect(try reopened.utxoSetDigest().hash == digest)
        try reopened.close()
    }

    @Test func theResetIsOneBatchWithTheMarkerAndClearsOnlyTheNamedNamespaces() throws {
        let (path, blocks, digest) = try makeChain(count: 6)
        do {
            let chain = try open(path)
            var batch = ChainBatch()
            for (namespace, count) in [("plugin.a", 3), ("plugin.ab", 2), ("plugin.b", 1)] {
                for k in 0..<count { batch.putPlugin(namespace: namespace, key: [0x61, UInt8(k)], value: [UInt8(k)]) }
            }
            try chain.store.commit(batch)
            #expect(try chain.store.pluginNamespaces() == ["plugin.a", "plugin.b", "plugin.ab"])
            try chain.beginReindex(clearingPluginNamespaces: ["plugin.a"])
            try chain.close()   // as if killed right after the reset
        }
        let chain = try open(path)
        #expect(chain.height == 0)
        #expect(try chain.reindexTarget == blocks[5].hash)
        #expect(try chain.utxoSetDigest().count == 0)
        #expect(try chain.store.pluginNamespaces() == ["plugin.b", "plugin.ab"], "plugin.ab shares plugin.a's name as a prefix")
        // -reindex again while one is in progress keeps the recorded target.
        try chain.beginReindex(clearingPluginNamespaces: [])
        #expect(try chain.reindexTarget == blocks[5].hash)
        try chain.continueReindex()
        #expect(chain.tip.hash == blocks[5].hash)
        #expect(try chain.utxoSetDigest().hash == digest)
        try chain.close()
    }
}
