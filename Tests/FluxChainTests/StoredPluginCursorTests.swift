import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxStorage
import Testing

@Suite struct StoredPluginCursorTests {
    /// The crash tests' cursor check: on the committed chain at its height, not ahead, not on another branch.
    @Test func aCursorIsOnTheCommittedChainOnlyAtItsOwnBlock() throws {
        var builder = ChainBuilder()
        let chain = try ChainState(params: .regtest, path: ChainBuilder.temporaryDirectory())
        let blocks = builder.chain(on: ChainParameters.regtest.genesisHash, count: 5)
        for b in blocks { try chain.acceptBlock(b) }
        func store(_ height: Int, _ hash: Hash256) throws -> StoredPluginCursor? {
            var batch = ChainBatch()
            let value = (0..<8).map { UInt8(truncatingIfNeeded: height >> (8 * $0)) } + hash.bytes
            batch.putPlugin(namespace: "plugin.test", key: [0] + Array("cursor".utf8), value: value)
            try chain.store.commit(batch)
            return try StoredPluginCursor.read(chain.store, namespace: "plugin.test")
        }
        #expect(try StoredPluginCursor.read(chain.store, namespace: "plugin.test") == nil)
        let atThree = try #require(try store(3, blocks[2].hash))
        #expect(atThree == StoredPluginCursor(height: 3, hash: blocks[2].hash))
        #expect(try atThree.isOnCommittedChain(chain.store))
        #expect(try store(3, blocks[3].hash)?.isOnCommittedChain(chain.store) == false, "another block at that height")
        #expect(try store(6, blocks[4].hash)?.isOnCommittedChain(chain.store) == false, "ahead of the tip")
        var batch = ChainBatch()
        batch.putPlugin(namespace: "plugin.test", key: [0] + Array("cursor".utf8), value: [1, 2, 3])
        try chain.store.commit(batch)
        #expect(throws: StorageError.self) { try StoredPluginCursor.read(chain.store, namespace: "plugin.test") }
    }
}
