import FluxPrimitives

/// Key layouts of the `indexes` column family. The first byte is the record kind, fluxd's LevelDB prefix; the
/// rest follows fluxd's key serialisation, so scans return records in fluxd's order:
///
/// | kind | key after the kind byte | value |
/// |---|---|---|
/// | `t` transaction | txid (32, internal order) | `TransactionLocation`: block hash (32) ‖ position in the block (LE32) |
/// | `d` address delta | type (1: P2PKH, 2: P2SH) ‖ hash160 (20) ‖ height (BE32) ‖ position in block (BE32) ‖ txid (32) ‖ index (LE32) ‖ spending (1) | satoshis (LE64, negative for spends) |
/// | `u` address unspent | type ‖ hash160 ‖ txid ‖ output index (LE32) | satoshis (LE64) ‖ height (LE32) ‖ script bytes |
/// | `p` spent output | txid ‖ output index (LE32) | spender txid (32) ‖ input index (LE32) ‖ height (LE32) ‖ satoshis (LE64) ‖ address type (1, 0 = not P2PKH/P2SH) ‖ hash160 (20, zero when unknown) |
/// | `T` timestamp | logical timestamp (BE32) ‖ block hash (32) | empty |
/// | `h` block timestamp | block hash (32) | logical timestamp (BE32) |
enum IndexKey {
    static let transaction: UInt8 = 0x74       // "t"
    static let addressDelta: UInt8 = 0x64      // "d"
    static let addressUnspent: UInt8 = 0x75    // "u"
    static let spent: UInt8 = 0x70             // "p"
    static let timestamp: UInt8 = 0x54         // "T"
    static let blockTimestamp: UInt8 = 0x68    // "h"

    /// Meta key of the stored `ChainIndexes` (`ChainIndexes.storedText`, UTF-8).
    static let metaKey = "indexes"

    /// fluxd's `CScript::ScriptType` of an address: 1 for P2PKH, 2 for P2SH.
    static func type(of address: Address) -> UInt8 {
        switch address { case .pubKeyHash: 1; case .scriptHash: 2 }
    }

    /// The 20 hash bytes of an address.
    static func hash(of address: Address) -> [UInt8] {
        switch address { case let .pubKeyHash(h), let .scriptHash(h): h }
    }

    /// The address for a stored type and hash, nil for type 0 (unknown script) or a malformed hash.
    static func address(type: UInt8, hash: [UInt8]) -> Address? {
        guard hash.count == 20 else { return nil }
        switch type {
        case 1: return .pubKeyHash(hash)
        case 2: return .scriptHash(hash)
        default: return nil
        }
    }

    static func writeAddress(_ address: Address, to w: inout ByteWriter) {
        w.writeUInt8(type(of: address))
        w.writeBytes(hash(of: address))
    }

    static func transactionKey(_ txid: Hash256) -> [UInt8] {
        var w = ByteWriter(capacity: 33)
        writeTransactionKey(txid, to: &w)
        return w.bytes
    }

    static func writeTransactionKey(_ txid: Hash256, to w: inout ByteWriter) {
        w.writeUInt8(transaction)
        w.writeHash(txid)
    }

    /// The prefix of every delta of `address`, or of those at or above `height`.
    static func addressDeltaPrefix(_ address: Address, height: Int? = nil) -> [UInt8] {
        var w = ByteWriter(capacity: 25)
        w.writeUInt8(addressDelta)
        writeAddress(address, to: &w)
        if let height { w.writeBE(UInt32(clamping: height)) }
        return w.bytes
    }

    static func writeAddressDeltaKey(_ d: AddressDelta, to w: inout ByteWriter) {
        w.writeUInt8(addressDelta)
        writeAddress(d.address, to: &w)
        w.writeBE(UInt32(d.height))
        w.writeBE(UInt32(d.blockIndex))
        w.writeHash(d.txid)
        w.writeLE(d.index)
        w.writeUInt8(d.spending ? 1 : 0)
    }

    static func addressUnspentPrefix(_ address: Address) -> [UInt8] {
        var w = ByteWriter(capacity: 21)
        w.writeUInt8(addressUnspent)
        writeAddress(address, to: &w)
        return w.bytes
    }

    static func writeAddressUnspentKey(_ address: Address, _ outpoint: OutPoint, to w: inout ByteWriter) {
        w.writeUInt8(addressUnspent)
        writeAddress(address, to: &w)
        w.writeHash(outpoint.hash)
        w.writeLE(outpoint.index)
    }

    static func spentKey(_ outpoint: OutPoint) -> [UInt8] {
        var w = ByteWriter(capacity: 37)
        writeSpentKey(outpoint, to: &w)
        return w.bytes
    }

    static func writeSpentKey(_ outpoint: OutPoint, to w: inout ByteWriter) {
        w.writeUInt8(spent)
        w.writeHash(outpoint.hash)
        w.writeLE(outpoint.index)
    }

    static func timestampKey(_ logical: UInt32, _ hash: Hash256) -> [UInt8] {
        var w = ByteWriter(capacity: 37)
        w.writeUInt8(timestamp)
        w.writeBE(logical)
        w.writeHash(hash)
        return w.bytes
    }

    static func blockTimestampKey(_ hash: Hash256) -> [UInt8] {
        var w = ByteWriter(capacity: 33)
        w.writeUInt8(blockTimestamp)
        w.writeHash(hash)
        return w.bytes
    }
}
