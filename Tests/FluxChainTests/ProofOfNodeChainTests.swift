import Foundation
import Testing
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage

@Suite struct ProofOfNodeChainTests {
    let params = try! ChainParameters.regtest(upgradeOverrides: [UpgradeOverride(upgrade: .pon, height: 6)])
    let nodeKey = PrivateKey(bytes: [UInt8](repeating: 9, count: 32))!
    let collateral = OutPoint(hash: Hash256(displayHex: String(repeating: "c0", count: 32))!, index: 1)

    func openChain() throws -> ChainState {
        let chain = try ChainState(params: params, path: ChainBuilder.temporaryDirectory())
        chain.setProofOfNodeAuthority(StaticNodeList(keys: [collateral: nodeKey.publicKey(compressed: true).bytes]))
        return chain
    }

    func expectReject(_ code: String, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected \(code)", sourceLocation: sourceLocation)
        } catch let error as ChainError {
            #expect(error.reason?.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch { Issue.record("unexpected \(error)", sourceLocation: sourceLocation) }
    }

    @Test func crossesFromProofOfWorkIntoProofOfNode() throws {
        let chain = try openChain()
        var builder = ChainBuilder(params: params)
        for b in builder.chain(on: chain.tip.hash, count: 5) { try chain.acceptBlock(b) }
        #expect(!chain.tip.header.isProofOfNode)
        let signed = builder.block(on: chain.tip.hash, collateral: collateral, signWith: nodeKey)
        #expect(signed.header.isProofOfNode)
        #expect(try chain.acceptBlock(signed) == .connected)
        // The test collateral needs no node list on regtest (as fluxd).
        let test = builder.block(on: chain.tip.hash)
        #expect(try chain.acceptBlock(test) == .connected)
        #expect(chain.height == 7)
        // PoN blocks carry 2^40 work each.
        #expect(chain.tip.chainWork == chain.entry(at: 6)!.chainWork &+ (UInt256(1) << 40))
    }

    @Test func rejectsUnknownNodesAndBadSignatures() throws {
        let chain = try openChain()
        var builder = ChainBuilder(params: params)
        for b in builder.chain(on: chain.tip.hash, count: 5) { try chain.acceptBlock(b) }
        let stranger = PrivateKey(bytes: [UInt8](repeating: 3, count: 32))!
        let unknown = OutPoint(hash: Hash256(displayHex: String(repeating: "d0", count: 32))!, index: 0)
        let byUnknown = builder.block(on: chain.tip.hash, collateral: unknown, signWith: stranger)
        expectReject("bad-pon-node") { try chain.acceptBlock(byUnknown) }
        let forged = builder.block(on: chain.tip.hash, collateral: collateral, signWith: stranger)
        expectReject("bad-pon-signature") { try chain.acceptBlock(forged) }
        // A proof-of-work header where PoN is required, and a PoN header before activation.
        var powBuilder = ChainBuilder(params: .regtest)
        let pow = powBuilder.block(on: ChainParameters.regtest.genesisHash)
        expectReject("premature-pon-block") {
            var header = pow.header
            header.version = 100
            header.proof = .node(collateral: collateral, signature: [])
            try chain.acceptHeader(header)
        }
        #expect(chain.height == 5)
    }

    @Test func withoutANodeListPoNBlocksWaitInsteadOfBeingMarkedInvalid() throws {
        let chain = try ChainState(params: params, path: ChainBuilder.temporaryDirectory())
        var builder = ChainBuilder(params: params)
        for b in builder.chain(on: chain.tip.hash, count: 5) { try chain.acceptBlock(b) }
        let signed = builder.block(on: chain.tip.hash, collateral: collateral, signWith: nodeKey)
        do {
            try chain.acceptBlock(signed)
            Issue.record("expected no verdict")
        } catch {
            guard case .verdictUnavailable = error else { Issue.record("\(error)"); return }
        }
        #expect(chain.entry(signed.hash)?.isFailed == false)
        chain.setProofOfNodeAuthority(StaticNodeList(keys: [collateral: nodeKey.publicKey(compressed: true).bytes]))
        try chain.activateBestChain()
        #expect(chain.tip.hash == signed.hash)
    }
}

/// A judge that counts connected blocks in its namespace, to check plugin writes commit with the block.
final class CountingJudge: ConsensusJudge, @unchecked Sendable {
    let name = "counter"
    let activationHeight = 1
    var rejectHeight: Int?
    var store: ChainStore?

    func connect(_ block: Block, height: Int, writes: inout PluginWrites) throws(ChainError) {
        if height == rejectHeight { throw .rejected(RejectReason("counter-says-no", "height \(height) is refused")) }
        writes.put(namespace: name, key: Array("last".utf8), value: Array(String(height).utf8))
        writes.put(namespace: name, key: Array("h\(height)".utf8), value: block.hash.bytes)
    }

    func disconnect(_ block: Block, height: Int, writes: inout PluginWrites) throws(ChainError) {
        writes.put(namespace: name, key: Array("last".utf8), value: Array(String(height - 1).utf8))
        writes.delete(namespace: name, key: Array("h\(height)".utf8))
    }
}

@Suite struct ConsensusJudgeTests {
    @Test func judgeWritesCommitWithBlocksAndFollowReorgs() throws {
        let path = ChainBuilder.temporaryDirectory()
        let chain = try ChainState(params: .regtest, path: path)
        let judge = CountingJudge()
        chain.addJudge(judge)
        var builder = ChainBuilder()
        let main = builder.chain(on: chain.tip.hash, count: 4)
        for b in main { try chain.acceptBlock(b) }
        #expect(try chain.store.pluginValue(namespace: "counter", key: Array("last".utf8)) == Array("4".utf8))
        let side = builder.chain(on: main[1].hash, count: 3)
        for b in side { try chain.acceptBlock(b) }
        #expect(chain.tip.hash == side.last!.hash)
        #expect(try chain.store.pluginValue(namespace: "counter", key: Array("last".utf8)) == Array("5".utf8))
        #expect(try chain.store.pluginValue(namespace: "counter", key: Array("h3".utf8)) == side[0].hash.bytes)
        // A judge's rejection is a consensus rejection of that block.
        judge.rejectHeight = 6
        let refused = builder.block(on: chain.tip.hash)
        do {
            try chain.acceptBlock(refused)
            Issue.record("expected rejection")
        } catch {
            #expect(error.reason?.code == "counter-says-no")
        }
        #expect(try chain.store.pluginValue(namespace: "counter", key: Array("h6".utf8)) == nil)
    }
}
