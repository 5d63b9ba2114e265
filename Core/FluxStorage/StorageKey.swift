import FluxPrimitives

/// The key layouts of the column families (see `ColumnFamily` and docs/STORAGE.md).
enum StorageKey {
    /// Meta key of the storage format version (UInt32 little-endian).
    static let formatVersion = "format_version"
    /// Meta key of the committed best-chain tip (32 hash bytes, internal order).
    static let tip = "tip"
    /// Length of a `utxo` key: txid ‖ BE32 index.
    static let outPointLength = 36

    /// Writes a block-keyed family's key: the 32 hash bytes in internal order.
    static func writeHash(_ hash: Hash256, to w: inout ByteWriter) { w.writeHash(hash) }

    /// Writes the `utxo` key of `o`: txid (32 bytes, internal order) ‖ index (big-endian), so one transaction's
    /// outputs are adjacent and ordered by index.
    static func writeOutPoint(_ o: OutPoint, to w: inout ByteWriter) {
        w.writeHash(o.hash)
        w.writeBE(o.index)
    }

    /// The `utxo` key of `o`.
    static func outPoint(_ o: OutPoint) -> [UInt8] {
        var w = ByteWriter(capacity: outPointLength)
        writeOutPoint(o, to: &w)
        return w.bytes
    }

    /// The outpoint a `utxo` key names, nil if the key is not 36 bytes.
    static func outPoint(fromKey key: [UInt8]) -> OutPoint? {
        guard key.count == outPointLength else { return nil }
        let index = key[32..<36].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return OutPoint(hash: Hash256(key[0..<32]), index: index)
    }

    /// UInt8(namespace length) ‖ namespace UTF-8: the prefix of every key of a plugin namespace. The length byte
    /// keeps namespaces apart: "ab" + "c…" and "abc" + "…" have different prefixes. Traps if the namespace is
    /// longer than 255 UTF-8 bytes (a programming error: namespaces are fixed plugin identifiers).
    static func pluginPrefix(_ namespace: String) -> [UInt8] {
        let name = Array(namespace.utf8)
        precondition(name.count <= 255, "plugin namespace longer than 255 bytes: \(namespace)")
        return [UInt8(name.count)] + name
    }
}
