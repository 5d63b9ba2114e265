/// The RocksDB column families of the node's database. The raw value is the name on disk.
///
/// Keys, by family (see docs/STORAGE.md):
/// - `meta`: UTF-8 key (`"format_version"`, `"tip"`, …).
/// - `blockIndex`, `blocks`, `undo`: the 32 block-hash bytes in internal order.
/// - `utxo`: txid (32 bytes, internal order) ‖ output index (big-endian UInt32), so a transaction's outputs are
///   adjacent and in index order.
/// - `plugins`: UInt8(namespace length) ‖ namespace UTF-8 ‖ the plugin's key.
/// - `indexes`: one kind byte (fluxd's LevelDB prefixes `t`, `d`, `u`, `p`, `T`, `h`) ‖ the record's key (see
///   `IndexKey`).
public enum ColumnFamily: String, CaseIterable, Sendable {
    /// Small named values: storage format version, best-chain tip.
    case meta
    /// One `BlockIndexRecord` per known header.
    case blockIndex = "block_index"
    /// Block bodies in wire serialization.
    case blocks
    /// One `BlockUndo` per connected block.
    case undo
    /// The unspent outputs: one `Coin` per outpoint.
    case utxo
    /// Plugin key/value data, separated by namespace.
    case plugins
    /// The optional indexes (`-txindex`, `-insightexplorer`): transaction locations, address deltas and unspent
    /// outputs, spent outputs, block timestamps. Written in the block's own batch.
    case indexes
}
