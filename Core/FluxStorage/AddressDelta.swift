import FluxPrimitives

/// One credit or debit of an address in a connected block (fluxd's `CAddressIndexKey` with its amount): an output
/// paying the address, or an input spending one of its outputs.
public struct AddressDelta: Hashable, Sendable {
    /// The P2PKH or P2SH address.
    public var address: Address
    /// Height of the block.
    public var height: Int
    /// Position of the transaction in the block (fluxd's `blockindex`).
    public var blockIndex: Int
    /// The transaction.
    public var txid: Hash256
    /// The output index (credit) or input index (debit) within the transaction.
    public var index: UInt32
    /// True for a debit (an input spending the address's output).
    public var spending: Bool
    /// Satoshis: positive for credits, negative for debits.
    public var satoshis: Int64

    /// Creates a delta.
    public init(address: Address, height: Int, blockIndex: Int, txid: Hash256, index: UInt32, spending: Bool,
                satoshis: Int64) {
        self.address = address
        self.height = height
        self.blockIndex = blockIndex
        self.txid = txid
        self.index = index
        self.spending = spending
        self.satoshis = satoshis
    }

    /// Decodes a `d` record (key without the kind byte, value); nil when malformed.
    init?(key: ArraySlice<UInt8>, value: [UInt8]) {
        guard key.count == 66, value.count == 8 else { return nil }
        let k = Array(key)
        guard let address = IndexKey.address(type: k[0], hash: Array(k[1..<21])) else { return nil }
        var r = ByteReader(Array(k[21...]))
        var v = ByteReader(value)
        do {
            height = Int(try r.readBE(UInt32.self, "height"))
            blockIndex = Int(try r.readBE(UInt32.self, "blockindex"))
            txid = try r.readHash("txid")
            index = try r.readLE(UInt32.self, "index")
            spending = try r.readUInt8("spending") != 0
            satoshis = try v.readLE(Int64.self, "satoshis")
        } catch { return nil }
        self.address = address
    }
}
