import FluxPrimitives

/// An unspent output paying a P2PKH or P2SH address (fluxd's `CAddressUnspentKey` and value).
public struct AddressUnspentOutput: Hashable, Sendable {
    /// The address paid.
    public var address: Address
    /// The output.
    public var outpoint: OutPoint
    /// Its value in satoshis.
    public var satoshis: Int64
    /// Its locking script.
    public var script: Script
    /// Height of the block that created it.
    public var height: Int

    /// Creates a record.
    public init(address: Address, outpoint: OutPoint, satoshis: Int64, script: Script, height: Int) {
        self.address = address
        self.outpoint = outpoint
        self.satoshis = satoshis
        self.script = script
        self.height = height
    }

    func encodeValue(to w: inout ByteWriter) {
        w.writeLE(satoshis)
        w.writeLE(UInt32(height))
        w.writeBytes(script.bytes)
    }

    /// Decodes a `u` record (key without the kind byte, value); nil when malformed.
    init?(key: ArraySlice<UInt8>, value: [UInt8]) {
        guard key.count == 57, value.count >= 12 else { return nil }
        let k = Array(key)
        guard let address = IndexKey.address(type: k[0], hash: Array(k[1..<21])) else { return nil }
        var r = ByteReader(Array(k[21...]))
        var v = ByteReader(value)
        do {
            outpoint = OutPoint(hash: try r.readHash("txid"), index: try r.readLE(UInt32.self, "index"))
            satoshis = try v.readLE(Int64.self, "satoshis")
            height = Int(try v.readLE(UInt32.self, "height"))
            script = Script(try v.readBytes(v.remaining, "script"))
        } catch { return nil }
        self.address = address
    }
}
