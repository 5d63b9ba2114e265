/// A block: header followed by its transactions, the first being the coinbase.
public struct Block: Hashable, Sendable {
    /// The header.
    public var header: BlockHeader
    /// The transactions, coinbase first.
    public var transactions: [Transaction]

    /// Maximum serialized block size (`MAX_BLOCK_SIZE`); bounds parsing.
    public static let maxSize = 2_000_000

    /// Creates a block.
    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
    }

    /// The block hash (of the header).
    public var hash: Hash256 { header.hash }

    /// Merkle root of the transactions' txids, and whether the tree is mutated (CVE-2012-2459).
    public func computeMerkleRoot() -> (root: Hash256, mutated: Bool) {
        MerkleTree.root(of: transactions.map(\.txid))
    }
}

extension Block: WireCodable {
    /// Writes the header, the CompactSize transaction count and the transactions.
    public func encode(to writer: inout ByteWriter) {
        header.encode(to: &writer)
        writer.writeCompactSize(UInt64(transactions.count))
        transactions.forEach { $0.encode(to: &writer) }
    }

    /// Reads the wire encoding, advancing `r`.
    public init(from r: inout ByteReader) throws(DecodingError) {
        header = try BlockHeader(from: &r)
        // The smallest transaction (a v1 FluxNode CONFIRM has more) is 10 bytes.
        let n = try r.readCount("block.vtx", limit: UInt64(Block.maxSize / 10), minElementSize: 10)
        transactions = []
        transactions.reserveCapacity(n)
        for _ in 0..<n { transactions.append(try Transaction(from: &r)) }
    }
}
