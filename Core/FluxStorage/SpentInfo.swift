import FluxPrimitives

/// What the spent index knows of a spent output (fluxd's `CSpentIndexValue`): the input that spent it, and the
/// spent output's value and address.
public struct SpentInfo: Hashable, Sendable {
    /// The spending transaction.
    public var txid: Hash256
    /// The spending input's index.
    public var inputIndex: UInt32
    /// Height of the block holding the spending transaction; -1 when the spender is in the mempool (as fluxd's
    /// mempool spent index). Stored records always hold their block's height.
    public var height: Int
    /// Value of the spent output.
    public var satoshis: Int64
    /// The spent output's address; nil when its script is neither P2PKH nor P2SH (fluxd stores type 0).
    public var address: Address?

    /// Creates a record.
    public init(txid: Hash256, inputIndex: UInt32, height: Int, satoshis: Int64, address: Address?) {
        self.txid = txid
        self.inputIndex = inputIndex
        self.height = height
        self.satoshis = satoshis
        self.address = address
    }

    func encode(to w: inout ByteWriter) {
        w.writeHash(txid)
        w.writeLE(inputIndex)
        w.writeLE(UInt32(clamping: height))
        w.writeLE(satoshis)
        if let address {
            IndexKey.writeAddress(address, to: &w)
        } else {
            w.writeUInt8(0)
            for _ in 0..<20 { w.writeUInt8(0) }
        }
    }

    init(decoding bytes: [UInt8]) throws(DecodingError) {
        var r = ByteReader(bytes)
        txid = try r.readHash("spent.txid")
        inputIndex = try r.readLE(UInt32.self, "spent.inputIndex")
        height = Int(try r.readLE(UInt32.self, "spent.height"))
        satoshis = try r.readLE(Int64.self, "spent.satoshis")
        let type = try r.readUInt8("spent.addressType")
        let hash = try r.readBytes(20, "spent.addressHash")
        try r.expectEnd("spent")
        address = IndexKey.address(type: type, hash: hash)
    }
}
