import FluxPrimitives

/// An unspent output: the TxOut, the height of its block, whether it came from a coinbase.
///
/// Stored encoding (value of the `utxo` family), version 1:
/// `01` ‖ CompactSize(height << 2 | rawAmount << 1 | coinbase) ‖ amount ‖ script, where
/// - amount is CompactSize(Bitcoin's `CompressAmount(units)`) when 0 ≤ units ≤ `Amount.maxMoney`, else (flag
///   `rawAmount`) the Int64 little-endian;
/// - script is CompactSize(tag) then: tag 0 → 20-byte P2PKH key hash; 1 → 20-byte P2SH script hash; 2 or 3 →
///   32-byte x-coordinate of a compressed-key P2PK (`02`/`03` prefix); tag ≥ 4 → (tag − 4) raw script bytes.
/// A P2PKH coin at a mainnet height takes about 30 bytes. Inside `BlockUndo` coins are written without the
/// leading version byte.
public struct Coin: Hashable, Sendable {
    /// The output: amount and locking script.
    public var output: TxOut
    /// Height of the block holding the transaction (≥ 0).
    public var height: Int
    /// True when the transaction is a coinbase (its outputs mature after 100 blocks).
    public var isCoinbase: Bool

    /// Record version written by `encoded()`.
    static let recordVersion: UInt8 = 1

    /// Creates a coin.
    public init(output: TxOut, height: Int, isCoinbase: Bool) {
        self.output = output
        self.height = height
        self.isCoinbase = isCoinbase
    }

    /// The versioned stored encoding (see the type's documentation).
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 40 + output.scriptPubKey.bytes.count)
        encodeRecord(to: &w)
        return w.bytes
    }

    /// Decodes `encoded()` output; throws on an unknown record version, malformed fields or trailing bytes.
    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        var r = ByteReader(bytes)
        let version = try r.readUInt8("coin.version")
        guard version == Self.recordVersion else {
            throw DecodingError(field: "coin.version", offset: 0,
                                reason: .invalidValue("unknown record version \(version)"))
        }
        try self.init(body: &r)
        try r.expectEnd("coin")
    }

    /// Writes the version byte and the body.
    func encodeRecord(to w: inout ByteWriter) {
        w.writeUInt8(Self.recordVersion)
        encodeBody(to: &w)
    }

    /// Writes the unversioned body (also used inside `BlockUndo`).
    func encodeBody(to w: inout ByteWriter) {
        precondition(height >= 0 && height < 1 << 60, "coin height out of range: \(height)")
        let units = output.value.units
        let raw = units < 0 || units > Amount.maxMoney.units
        w.writeCompactSize(UInt64(height) << 2 | (raw ? 2 : 0) | (isCoinbase ? 1 : 0))
        if raw { w.writeLE(units) } else { w.writeCompactSize(AmountCompression.compress(UInt64(units))) }
        ScriptCompression.encode(output.scriptPubKey, to: &w)
    }

    /// Reads the unversioned body.
    init(body r: inout ByteReader) throws(DecodingError) {
        let codeStart = r.offset
        let code = try r.readCompactSize("coin.code", limit: .max)
        guard code >> 2 < 1 << 60 else {   // what `encodeBody` can write back
            throw DecodingError(field: "coin.code", offset: r.baseOffset + codeStart,
                                reason: .invalidValue("coin height \(code >> 2) out of range"))
        }
        let units: Int64
        if code & 2 != 0 {
            units = try r.readLE(Int64.self, "coin.amount")
        } else {
            let start = r.offset
            let compressed = try r.readCompactSize("coin.amount", limit: .max)
            guard let value = AmountCompression.decompress(compressed), value <= UInt64(Amount.maxMoney.units) else {
                throw DecodingError(field: "coin.amount", offset: r.baseOffset + start,
                                    reason: .invalidValue("compressed amount \(compressed) out of range"))
            }
            units = Int64(value)
        }
        let script = try ScriptCompression.decode(from: &r)
        self.init(output: TxOut(value: Amount(units: units), scriptPubKey: script),
                  height: Int(code >> 2), isCoinbase: code & 1 != 0)
    }
}
