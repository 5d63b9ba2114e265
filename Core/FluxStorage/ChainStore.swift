import FluxPrimitives

/// Typed chain storage over `Database`: block index, blocks, undo data, the UTXO set, meta values (tip) and plugin
/// namespaces. Every change goes through one `ChainBatch` per `commit`, applied atomically.
///
/// The storage format version is stored in meta (`"format_version"` → UInt32 little-endian, currently 1). Opening
/// a database with another version, or a non-empty database without one, throws a `StorageError` naming both
/// versions and telling the operator to restart with `-reindex` or use a new data directory; an empty database
/// gets the current version written.
///
/// Reads may run concurrently with each other and with a commit (each read sees a committed state). Decoding
/// failures become `StorageError`s naming the record, e.g. `"corrupt coin record for COutPoint(…, 1): …"`.
public final class ChainStore: @unchecked Sendable {
    /// The storage format version this code reads and writes.
    public static let formatVersion: UInt32 = 1

    /// The underlying database (for closing, raw access in tests and tools).
    public let database: Database

    /// Opens (creating if allowed and missing) the database at `path` and checks its format version.
    public convenience init(path: String, options: DatabaseOptions = .init()) throws(StorageError) {
        try self.init(database: try Database(path: path, options: options))
    }

    /// Wraps an open database, checking (or, when it is empty, writing) its format version.
    public init(database: Database) throws(StorageError) {
        self.database = database
        try checkFormatVersion()
    }

    /// Closes the database (idempotent).
    public func close() { database.close() }

    private func checkFormatVersion() throws(StorageError) {
        let advice = "restart with -reindex to rebuild it, or use a new -datadir"
        if let stored = try database.get(.meta, Array(StorageKey.formatVersion.utf8)) {
            guard stored.count == 4 else {
                throw StorageError("corrupt format_version record in \(database.path): \(stored.count) bytes, "
                                   + "expected 4")
            }
            let version = stored.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard version == Self.formatVersion else {
                throw StorageError("database \(database.path) has storage format version \(version), this node "
                                   + "reads version \(Self.formatVersion): \(advice)")
            }
            return
        }
        for family in ColumnFamily.allCases {
            var empty = true
            try rethrowingStorage { try database.scan(family, prefix: []) { _, _ in empty = false; return false } }
            if !empty {
                throw StorageError("database \(database.path) holds data (in \(family.rawValue)) but no storage format "
                                   + "version; this node reads version \(Self.formatVersion): \(advice)")
            }
        }
        var batch = WriteBatch()
        var w = ByteWriter(capacity: 4)
        w.writeLE(Self.formatVersion)
        batch.put(.meta, Array(StorageKey.formatVersion.utf8), w.bytes)
        try database.write(batch, sync: true)
    }

    // MARK: Reads

    /// All block index records, in key (hash byte) order. For loading the index at start-up.
    public func blockIndex() throws(StorageError) -> [BlockIndexRecord] {
        var records: [BlockIndexRecord] = []
        try rethrowingStorage {
            try database.scan(.blockIndex, prefix: []) { key, value in
                let keyName = key.count == 32 ? Hash256(key).description : "key \(Self.hex(key))"
                let record: BlockIndexRecord
                do throws(DecodingError) { record = try BlockIndexRecord(decoding: value) } catch {
                    throw StorageError.corrupt("block index record for \(keyName)", error)
                }
                guard key == record.hash.bytes else {
                    throw StorageError("corrupt block index record for \(keyName): holds hash \(record.hash)")
                }
                records.append(record)
                return true
            }
        }
        return records
    }

    /// The block index record of `hash`, nil if unknown.
    public func indexRecord(_ hash: Hash256) throws(StorageError) -> BlockIndexRecord? {
        guard let value = try database.get(.blockIndex, hash.bytes) else { return nil }
        do { return try BlockIndexRecord(decoding: value) } catch {
            throw StorageError.corrupt("block index record for \(hash)", error)
        }
    }

    /// The stored body of block `hash`, nil if not stored.
    public func block(_ hash: Hash256) throws(StorageError) -> Block? {
        guard let value = try database.get(.blocks, hash.bytes) else { return nil }
        do { return try Block(serialized: value) } catch {
            throw StorageError.corrupt("block record for \(hash)", error)
        }
    }

    /// The undo data of block `hash`, nil if not stored.
    public func undo(_ hash: Hash256) throws(StorageError) -> BlockUndo? {
        guard let value = try database.get(.undo, hash.bytes) else { return nil }
        do { return try BlockUndo(decoding: value) } catch {
            throw StorageError.corrupt("undo record for \(hash)", error)
        }
    }

    /// The unspent coin at `outpoint`, nil if there is none (never created, or spent).
    public func coin(_ outpoint: OutPoint) throws(StorageError) -> Coin? {
        guard let value = try database.get(.utxo, StorageKey.outPoint(outpoint)) else { return nil }
        do { return try Coin(decoding: value) } catch {
            throw StorageError.corrupt("coin record for \(outpoint)", error)
        }
    }

    /// The committed best-chain tip, nil before the first `setTip`.
    public func tip() throws(StorageError) -> Hash256? {
        guard let value = try meta(StorageKey.tip) else { return nil }
        guard value.count == 32 else { throw StorageError("corrupt tip record: \(value.count) bytes, expected 32") }
        return Hash256(value)
    }

    /// The meta value stored under the UTF-8 `key`.
    public func meta(_ key: String) throws(StorageError) -> [UInt8]? {
        try database.get(.meta, Array(key.utf8))
    }

    /// The value of `key` in a plugin's namespace.
    public func pluginValue(namespace: String, key: [UInt8]) throws(StorageError) -> [UInt8]? {
        try database.get(.plugins, StorageKey.pluginPrefix(namespace) + key)
    }

    /// The values of `keys` in a plugin's namespace, in the order of `keys` (nil where there is none), read with
    /// one multi-get.
    public func pluginValues(namespace: String, keys: [[UInt8]]) throws(StorageError) -> [[UInt8]?] {
        let prefix = StorageKey.pluginPrefix(namespace)
        return try database.multiGet(.plugins, keys.map { prefix + $0 })
    }

    /// Calls `body` with each key (without the namespace) and value of the namespace whose key starts with
    /// `prefix`, in key order, until it returns false. Other namespaces are never visible, whatever their names.
    /// With `from`, the scan starts at the first such key ≥ `from` (a seek; bytes compare unsigned).
    public func pluginScan(namespace: String, prefix: [UInt8], from: [UInt8] = [],
                           _ body: ([UInt8], [UInt8]) throws -> Bool) throws {
        let namespacePrefix = StorageKey.pluginPrefix(namespace)
        try database.scan(.plugins, prefix: namespacePrefix + prefix, from: from.isEmpty ? [] : namespacePrefix + from) { key, value in
            try body(Array(key[namespacePrefix.count...]), value)
        }
    }

    /// Full UTXO scan in key order (txid bytes, then output index) until `body` returns false.
    /// A malformed key or value throws a `StorageError` naming it.
    public func forEachCoin(_ body: (OutPoint, Coin) throws -> Bool) throws {
        try database.scan(.utxo, prefix: []) { key, value in
            guard let outpoint = StorageKey.outPoint(fromKey: key) else {
                throw StorageError("corrupt utxo key \(Self.hex(key)): \(key.count) bytes, expected 36")
            }
            let coin: Coin
            do throws(DecodingError) { coin = try Coin(decoding: value) } catch {
                throw StorageError.corrupt("coin record for \(outpoint)", error)
            }
            return try body(outpoint, coin)
        }
    }

    // MARK: Writes

    /// Applies `batch` atomically. `sync` nil uses the database's `syncWrites` option.
    public func commit(_ batch: ChainBatch, sync: Bool? = nil) throws(StorageError) {
        try database.write(batch.writeBatch, sync: sync)
    }

    // MARK: Helpers

    /// Runs a scan whose body throws only `StorageError`, rethrowing with the typed error.
    private func rethrowingStorage(_ body: () throws -> Void) throws(StorageError) {
        do { try body() } catch let error as StorageError { throw error } catch {
            throw StorageError("\(error)")
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
