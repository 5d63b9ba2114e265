import FluxPrimitives

/// What disconnecting a block needs: the coins its transactions spent, per transaction in block order, per input
/// in order (the coinbase has none).
///
/// Whether `spent` has an entry for the coinbase is the caller's convention; it is stored as given. Stored
/// encoding (value of the `undo` family), version 1: `01` ‖ CompactSize(transaction count) ‖ per transaction
/// CompactSize(coin count) ‖ the coins' unversioned bodies (see `Coin`).
public struct BlockUndo: Hashable, Sendable {
    /// Spent coins: `spent[t][i]` is the coin that input `i` of the `t`-th transaction spent.
    public var spent: [[Coin]]

    /// Record version written by `encoded()`.
    static let recordVersion: UInt8 = 1

    /// Creates undo data.
    public init(spent: [[Coin]]) { self.spent = spent }

    /// The versioned stored encoding.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        encodeRecord(to: &w)
        return w.bytes
    }

    /// Writes the versioned stored encoding.
    func encodeRecord(to w: inout ByteWriter) {
        w.writeUInt8(Self.recordVersion)
        w.writeCompactSize(UInt64(spent.count))
        for coins in spent {
            w.writeCompactSize(UInt64(coins.count))
            for coin in coins { coin.encodeBody(to: &w) }
        }
    }

    /// Decodes `encoded()` output; throws on an unknown record version, malformed fields or trailing bytes.
    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        var r = ByteReader(bytes)
        let version = try r.readUInt8("undo.version")
        guard version == Self.recordVersion else {
            throw DecodingError(field: "undo.version", offset: 0,
                                reason: .invalidValue("unknown record version \(version)"))
        }
        // Each transaction takes at least its count byte; each coin at least 3 bytes (code, amount, script tag).
        let transactions = try r.readCount("undo.transactions", limit: CompactSize.maxSize, minElementSize: 1)
        var spent: [[Coin]] = []
        spent.reserveCapacity(transactions)
        for _ in 0..<transactions {
            let n = try r.readCount("undo.coins", limit: CompactSize.maxSize, minElementSize: 3)
            var coins: [Coin] = []
            coins.reserveCapacity(n)
            for _ in 0..<n { coins.append(try Coin(body: &r)) }
            spent.append(coins)
        }
        try r.expectEnd("undo")
        self.spent = spent
    }
}
