import Testing
import FluxConsensus
import FluxEquihash
import FluxPrimitives
import FluxTestSupport

@Suite struct GenesisBlockTests {
    func fixture(_ network: String) throws -> [String: Any] {
        let json = try Fixtures.json("flux_genesis.json") as! [String: Any]
        return (json["networks"] as! [String: Any])[network] as! [String: Any]
    }

    @Test(arguments: [(NetworkKind.mainnet, "main"), (.testnet, "test"), (.regtest, "regtest")])
    func rebuiltGenesisMatchesFluxd(network: NetworkKind, name: String) throws {
        let block = GenesisBlock.block(for: network)
        let params = ChainParameters.forNetwork(network)
        let f = try fixture(name)
        #expect(block.hash == params.genesisHash)
        #expect(block.hash.description == f["hash"] as? String)
        #expect(Hex.encode(block.serialized) == f["block_hex"] as? String)
        #expect(block.header.merkleRoot.description == "94c7aed6b2c67f1718006684bfc3b92081a2f19d59075691b189160d6f3aa13a")
        #expect(block.computeMerkleRoot().root == block.header.merkleRoot)
        // The solution verifies with the parameters its length selects, and the full header check passes.
        try ProofOfWork.checkSolution(block.header, params: params)
        try ProofOfWork.checkTarget(block.header, params: params)
    }

    @Test func genesisSolutionsFailUnderOtherPersonalisations() throws {
        let block = GenesisBlock.block(for: .mainnet)
        guard case let .work(nonce, solution) = block.header.proof else { Issue.record("PoW expected"); return }
        let zel = try EquihashParameters(n: 200, k: 9, personalization: "ZelProof")
        #expect(!EquihashVerifier.isValid(zel, input: block.header.equihashInput, nonce: nonce.bytes, solution: solution))
    }

    @Test func contextualSolutionSizeFollowsTheEra() throws {
        let header = GenesisBlock.block(for: .mainnet).header
        // (200,9) is allowed until the fade window of 144/5 ends at 125,110.
        try ProofOfWork.checkSolution(header, params: .mainnet, height: 125_110)
        do {
            try ProofOfWork.checkSolution(header, params: .mainnet, height: 125_111)
            Issue.record("expected bad-equihash-solution-size")
        } catch {
            #expect(error.code == "bad-equihash-solution-size")
            #expect(error.message.contains("(144,5)"))
        }
        do {
            try ProofOfWork.checkSolution(header, params: .mainnet, height: 2_020_000)
            Issue.record("expected not-pon-block")
        } catch {
            #expect(error.code == "not-pon-block")
        }
    }

    @Test func highHashAndBadBitsAreRejected() throws {
        var header = GenesisBlock.block(for: .mainnet).header
        header.bits = 0x1d00_ffff   // far harder than the genesis hash meets
        do {
            try ProofOfWork.checkTarget(header, params: .mainnet)
            Issue.record("expected high-hash")
        } catch {
            #expect(error.code == "high-hash")
        }
        for bits: UInt32 in [0, 0x0480_0001, 0xff12_3456, 0x2100_ffff] {
            header.bits = bits
            #expect(throws: RejectReason.self) { try ProofOfWork.checkTarget(header, params: .mainnet) }
        }
        // Regtest never checks the target (as fluxd), whatever the bits.
        header.bits = 0x0101_0000
        try ProofOfWork.checkTarget(header, params: .regtest)
    }

    @Test func compactTargetsRoundTrip() {
        for bits: UInt32 in [0x1f07ffff, 0x200f0f0f, 0x1d00ffff, 0x1b0404cb, 0x03123456, 0x1f0bffff] {
            let (value, negative, overflow) = UInt256.fromCompact(bits)
            #expect(!negative && !overflow)
            #expect(value.compact == bits)
        }
        #expect(UInt256.fromCompact(0x0180_0000).negative == false)   // zero mantissa is not negative
        #expect(UInt256.fromCompact(0x0492_3456).negative)
        #expect(UInt256.fromCompact(0xff12_3456).overflow)
        // Work of the easiest mainnet target: 2^256 / (target + 1).
        let limit = UInt256.fromCompact(0x1f07ffff).value
        #expect(limit.workForTarget == UInt256(8192))
    }
}
