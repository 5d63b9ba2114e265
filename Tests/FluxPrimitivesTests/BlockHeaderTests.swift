import FluxPrimitives
import FluxTestSupport
import Testing

@Suite("Block headers")
struct BlockHeaderTests {
    static let prev = Hash256(bytes(0x01, 16) + bytes(0x02, 16))
    static let merkle = Hash256(bytes(0x03, 32))
    static let sapling = Hash256(bytes(0x04, 32))
    static let collateral = OutPoint(hash: Hash256(bytes(0x05, 31) + [0x06]), index: 0x0102_0304)
    static let signature: [UInt8] = [0x30, 0x44, 0x02, 0x20] + bytes(0x07, 32) + [0x02, 0x20] + bytes(0x08, 32)

    static func ponHeader(signature: [UInt8] = signature) -> BlockHeader {
        BlockHeader(version: 100, previousBlockHash: prev, merkleRoot: merkle, finalSaplingRoot: sapling,
                    time: 1_750_000_000, bits: 0x200f_ffff,
                    proof: .node(collateral: collateral, signature: signature))
    }

    /// The 144 hashed bytes of `ponHeader()`, assembled by hand from §4.1.1 and §4.1.3.
    static var ponPrefix: [UInt8] {
        [100, 0, 0, 0] + prev.bytes + merkle.bytes + sapling.bytes
            + [0x80, 0xe1, 0x4e, 0x68]            // 1,750,000,000 = 0x684EE180 LE
            + [0xff, 0xff, 0x0f, 0x20]            // nBits
            + bytes(0x05, 31) + [0x06] + [0x04, 0x03, 0x02, 0x01]
    }

    @Test func proofOfNodeHeaderSerialisesAs144BytesThenSignature() throws {
        let header = Self.ponHeader()
        let raw = header.serialized
        #expect(Self.ponPrefix.count == 144)
        #expect(raw == Self.ponPrefix + [UInt8(Self.signature.count)] + Self.signature)
        #expect(raw.count == 144 + 1 + 70)
        #expect(header.isProofOfNode)
        let parsed = try BlockHeader(serialized: raw)
        #expect(parsed == header && parsed.serialized == raw)
    }

    @Test func proofOfNodeHashCoversOnlyTheFirst144Bytes() {
        let header = Self.ponHeader()
        #expect(header.hash == Hashing.sha256d(Self.ponPrefix))
        #expect(Self.ponHeader(signature: []).hash == header.hash, "the signature is not hashed")
        #expect(Self.ponHeader(signature: bytes(0x09, 72)).hash == header.hash)
        var other = header
        other.proof = .node(collateral: OutPoint(hash: Self.collateral.hash, index: 0), signature: Self.signature)
        #expect(other.hash != header.hash, "the collateral is hashed")
    }

    @Test func proofOfNodeEquihashInputIsTheCommon108BytePrefix() {
        #expect(Self.ponHeader().equihashInput == Array(Self.ponPrefix.prefix(108)))
    }

    @Test func versionAtOrAbove100SelectsProofOfNodeLayout() throws {
        var header = Self.ponHeader()
        header.version = 101
        #expect(try BlockHeader(serialized: header.serialized).isProofOfNode)
        // The same bytes read with version 99 are a PoW header: bytes 108..<140 become the nonce, and the
        // collateral index's low byte (4) the solution length.
        var raw = Self.ponPrefix + [0]
        raw[0] = 99
        let pow = try BlockHeader(serialized: raw)
        #expect(pow.proof == .work(nonce: Hash256(raw[108..<140]), solution: [3, 2, 1, 0]))
        #expect(pow.serialized == raw)
    }

    @Test func proofOfWorkHeaderWith48_5SolutionIs177Bytes() throws {
        let header = BlockHeader(version: 4, previousBlockHash: Self.prev, merkleRoot: Self.merkle, time: 1,
                                 bits: 0x200f_0f0f, proof: .work(nonce: Hash256(bytes(0x0a, 32)), solution: bytes(0x0b, 36)))
        let raw = header.serialized
        #expect(raw.count == 177)
        #expect(raw[140] == 36 && Array(raw[108..<140]) == bytes(0x0a, 32))
        #expect(header.hash == Hashing.sha256d(raw), "a PoW hash covers the solution")
        #expect(try BlockHeader(serialized: raw) == header)
        // Solution sizes of the other parameter sets (§4.1.2).
        for (solutionSize, headerSize) in [(1344, 1487), (100, 241), (52, 193)] {
            var h = header
            h.proof = .work(nonce: .zero, solution: bytes(1, solutionSize))
            #expect(h.serialized.count == headerSize)
        }
        // An empty solution still writes its 1-byte length: 141 bytes, not HEADER_SIZE 140.
        var empty = header
        empty.proof = .work(nonce: .zero, solution: [])
        #expect(empty.serialized.count == 141)
    }

    @Test func rejectsProofOfWorkSolutionLongerThan1344Bytes() {
        var raw = BlockHeader(version: 4, previousBlockHash: .zero, merkleRoot: .zero, time: 0, bits: 0,
                              proof: .work(nonce: .zero, solution: [])).serialized
        raw.removeLast()
        raw += [0xfd, 0x41, 0x05] + bytes(0, 1345)
        let error = decodingError { _ = try BlockHeader(serialized: raw) }
        #expect(error?.field == "header.nSolution" && error?.offset == 140)
        #expect(error?.reason == .tooLarge(value: 1345, limit: 1344))
    }
}

@Suite("Merkle tree")
struct MerkleTreeTests {
    static func leaf(_ i: UInt8) -> Hash256 { Hashing.sha256d([i]) }
    static func pair(_ a: Hash256, _ b: Hash256) -> Hash256 { Hashing.sha256d(a.bytes + b.bytes) }

    @Test func rootOfOneLeafIsTheLeaf() {
        let r = MerkleTree.root(of: [Self.leaf(1)])
        #expect(r.root == Self.leaf(1) && !r.mutated)
    }

    @Test func rootOfEmptyListIsZero() {
        #expect(MerkleTree.root(of: []).root == .zero)
    }

    @Test func rootOfTwoThreeAndFourLeavesMatchesIndependentComputation() {
        let (a, b, c, d) = (Self.leaf(1), Self.leaf(2), Self.leaf(3), Self.leaf(4))
        #expect(MerkleTree.root(of: [a, b]).root == Self.pair(a, b))
        #expect(MerkleTree.root(of: [a, b, c]).root == Self.pair(Self.pair(a, b), Self.pair(c, c)), "odd last duplicated")
        #expect(MerkleTree.root(of: [a, b, c, d]).root == Self.pair(Self.pair(a, b), Self.pair(c, d)))
        let five = MerkleTree.root(of: [a, b, c, d, Self.leaf(5)])
        let e = Self.leaf(5)
        #expect(five.root == Self.pair(Self.pair(Self.pair(a, b), Self.pair(c, d)), Self.pair(Self.pair(e, e), Self.pair(e, e))))
        #expect(!five.mutated)
        #expect(!MerkleTree.root(of: [a, b, c]).mutated)
    }

    @Test func duplicatedTailHasSameRootAndIsMutated() {
        // CVE-2012-2459: [1,2,3,4,5,6] and [1,2,3,4,5,6,5,6] share a root.
        let six = (1...6).map { Self.leaf(UInt8($0)) }
        let honest = MerkleTree.root(of: six)
        let forged = MerkleTree.root(of: six + [six[4], six[5]])
        #expect(forged.root == honest.root)
        #expect(forged.mutated && !honest.mutated)
        // [a,b,c] and [a,b,c,c]: the trailing pair at the leaf level.
        let three = Array(six.prefix(3))
        let forged3 = MerkleTree.root(of: three + [three[2]])
        #expect(forged3.root == MerkleTree.root(of: three).root && forged3.mutated)
    }

    @Test func identicalPairBeforeTheEndIsNotFlaggedAsFluxdDoes() {
        // fluxd's BuildMerkleTree only flags the last pair of a level; other duplicates fail later validation.
        let (a, b) = (Self.leaf(1), Self.leaf(2))
        #expect(!MerkleTree.root(of: [a, a, b, Self.leaf(3)]).mutated)
        #expect(MerkleTree.root(of: [b, Self.leaf(3), a, a]).mutated)
    }

    @Test func blockMerkleRootUsesTxids() throws {
        let txs = try fixtureTransactions().prefix(4).map { try Transaction(serialized: $0.bytes) }
        let header = BlockHeader(version: 4, previousBlockHash: .zero, merkleRoot: .zero, time: 0, bits: 0,
                                 proof: .work(nonce: .zero, solution: []))
        let block = Block(header: header, transactions: Array(txs))
        let ids = txs.map(\.txid)
        #expect(block.computeMerkleRoot().root == Self.pair(Self.pair(ids[0], ids[1]), Self.pair(ids[2], ids[3])))
        #expect(try Block(serialized: block.serialized) == block)
    }
}
