import CRocksDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrapper over the RocksDB C API: one database, the column families of `ColumnFamily`, WAL enabled.
///
/// This is the only type that calls RocksDB. It turns error pointers into `StorageError` (freeing them with
/// `rocksdb_free`), copies values out of C memory before freeing it, and frees every options object on `close`.
///
/// RocksDB settings (see docs/STORAGE.md):
/// - write-ahead log always on; `DatabaseOptions.syncWrites` (default true) fsyncs it on every `write`, so a
///   power cut loses nothing committed. With false a process crash still loses nothing (the WAL is in the OS page
///   cache) while a power cut can lose the last commits, never part of one: every `write` is one atomic batch.
/// - `create_if_missing` (from the options) and `create_missing_column_families`; column families on disk that
///   this version does not know are opened too (RocksDB refuses to open otherwise) and left alone.
/// - block-based tables in every family sharing one LRU block cache of `cacheBytes`; the `utxo` family adds a
///   full bloom filter (10 bits per key) because block connection does random point lookups there, most of them
///   for coins created recently and still in the memtable or absent from older files.
/// - LZ4 compression (Debian's librocksdb links liblz4), background threads = number of cores,
///   `max_open_files` from the options.
///
/// Thread safety: `get`, `write` and `scan` may run concurrently from any threads (RocksDB is thread-safe for
/// them); `close` waits for running calls and makes later calls throw. An internal read-write lock guards this.
/// A `scan` body must not call `close` (it would deadlock).
public final class Database: @unchecked Sendable {
    /// The folder holding the database.
    public let path: String
    /// The options it was opened with.
    public let options: DatabaseOptions

    private var db: OpaquePointer?
    /// Handles of `ColumnFamily.allCases`, by `ordinal`.
    private var handles: [OpaquePointer]
    /// Handles of the default family and of families unknown to this version (opened because RocksDB requires it).
    private var otherHandles: [OpaquePointer]
    /// Every `rocksdb_options_t` created (database-wide/default, utxo), freed on close.
    private var optionObjects: [OpaquePointer]
    private var cache: OpaquePointer?
    private var readOptions: OpaquePointer?
    private var syncWriteOptions: OpaquePointer?
    private var bufferedWriteOptions: OpaquePointer?
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>
    private var injector: (@Sendable (WriteBatch) -> StorageError?)?

    /// Test hook: when set, called before each write; returning an error makes the write fail with it without
    /// touching the database (fault injection for crash and I/O-error tests). Nil (the default) in production.
    public var faultInjector: (@Sendable (WriteBatch) -> StorageError?)? {
        get { withLock(write: false) { injector } }
        set { withLock(write: true) { injector = newValue } }
    }

    /// Opens (and with `createIfMissing`, creates) the database at `path`, creating missing column families.
    ///
    /// Throws `StorageError("open <path>: <rocksdb message>")` when RocksDB refuses (missing folder without
    /// `createIfMissing`, lock held by another process, corruption, I/O error).
    public init(path: String, options: DatabaseOptions = .init()) throws(StorageError) {
        self.path = path
        self.options = options

        let cache = rocksdb_cache_create_lru(max(0, options.cacheBytes))!
        let base = rocksdb_options_create()!
        rocksdb_options_set_create_if_missing(base, options.createIfMissing ? 1 : 0)
        rocksdb_options_set_create_missing_column_families(base, 1)
        rocksdb_options_set_max_open_files(base, Int32(clamping: options.maxOpenFiles))
        rocksdb_options_set_compression(base, Int32(rocksdb_lz4_compression))
        rocksdb_options_increase_parallelism(base, Int32(clamping: max(2, sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        let table = rocksdb_block_based_options_create()!
        rocksdb_block_based_options_set_block_cache(table, cache)
        rocksdb_options_set_block_based_table_factory(base, table)   // copies the table options
        rocksdb_block_based_options_destroy(table)

        let utxo = rocksdb_options_create_copy(base)!
        let utxoTable = rocksdb_block_based_options_create()!
        rocksdb_block_based_options_set_block_cache(utxoTable, cache)
        // The table options take ownership of the filter policy.
        rocksdb_block_based_options_set_filter_policy(utxoTable, rocksdb_filterpolicy_create_bloom_full(10))
        rocksdb_options_set_block_based_table_factory(utxo, utxoTable)
        rocksdb_block_based_options_destroy(utxoTable)

        func releaseOptions() {
            rocksdb_options_destroy(utxo)
            rocksdb_options_destroy(base)
            rocksdb_cache_destroy(cache)
        }

        // Families already on disk (none when the database does not exist yet: the error is then expected).
        var existing: [String] = []
        var listError: UnsafeMutablePointer<CChar>? = nil
        var listCount = 0
        if let list = rocksdb_list_column_families(base, path, &listCount, &listError) {
            for i in 0..<listCount { if let name = list[i] { existing.append(String(cString: name)) } }
            rocksdb_list_column_families_destroy(list, listCount)
        }
        if let listError { rocksdb_free(listError) }

        var names = ColumnFamily.allCases.map(\.rawValue)
        var familyOptions: [OpaquePointer?] = ColumnFamily.allCases.map { $0 == .utxo ? utxo : base }
        for name in ["default"] + existing where !names.contains(name) {
            names.append(name)
            familyOptions.append(base)
        }

        var handleSlots = [OpaquePointer?](repeating: nil, count: names.count)
        var openError: UnsafeMutablePointer<CChar>? = nil
        let cNames = names.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        let opened: OpaquePointer? = cNames.map { UnsafePointer($0) }.withUnsafeBufferPointer { namePointers in
            familyOptions.withUnsafeBufferPointer { optionPointers in
                rocksdb_open_column_families(base, path, Int32(names.count), namePointers.baseAddress,
                                             optionPointers.baseAddress, &handleSlots, &openError)
            }
        }
        if let openError {
            let message = String(cString: openError)
            rocksdb_free(openError)
            if let opened {
                handleSlots.forEach { if let h = $0 { rocksdb_column_family_handle_destroy(h) } }
                rocksdb_close(opened)
            }
            releaseOptions()
            throw StorageError("open \(path): \(message)")
        }
        guard let opened else {
            releaseOptions()
            throw StorageError("open \(path): RocksDB returned no database and no error")
        }

        let known = ColumnFamily.allCases.count
        db = opened
        handles = handleSlots[..<known].map { $0! }
        otherHandles = handleSlots[known...].map { $0! }
        optionObjects = [base, utxo]
        self.cache = cache
        readOptions = rocksdb_readoptions_create()
        syncWriteOptions = rocksdb_writeoptions_create()
        rocksdb_writeoptions_set_sync(syncWriteOptions, 1)
        bufferedWriteOptions = rocksdb_writeoptions_create()
        rocksdb_writeoptions_set_sync(bufferedWriteOptions, 0)
        lock = .allocate(capacity: 1)
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        close()
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// True once `close` has run.
    public var isClosed: Bool { withLock(write: false) { db == nil } }

    /// Closes the database and frees every C object. Idempotent; also done on deinit. Later calls of `get`,
    /// `write` and `scan` throw.
    public func close() {
        withLock(write: true) {
            guard let open = db else { return }
            for h in handles + otherHandles { rocksdb_column_family_handle_destroy(h) }
            handles = []
            otherHandles = []
            rocksdb_close(open)
            db = nil
            optionObjects.forEach { rocksdb_options_destroy($0) }
            optionObjects = []
            if let cache { rocksdb_cache_destroy(cache) }
            cache = nil
            if let readOptions { rocksdb_readoptions_destroy(readOptions) }
            readOptions = nil
            if let syncWriteOptions { rocksdb_writeoptions_destroy(syncWriteOptions) }
            syncWriteOptions = nil
            if let bufferedWriteOptions { rocksdb_writeoptions_destroy(bufferedWriteOptions) }
            bufferedWriteOptions = nil
        }
    }

    /// The value stored under `key` in `cf`, or nil if there is none.
    public func get(_ cf: ColumnFamily, _ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        try withOpen { (db) throws(StorageError) -> [UInt8]? in
            var length = 0
            var error: UnsafeMutablePointer<CChar>? = nil
            let value = key.withUnsafeBytes { k in
                rocksdb_get_cf(db, readOptions, handles[cf.ordinal], k.baseAddress?.assumingMemoryBound(to: CChar.self),
                               k.count, &length, &error)
            }
            if let error { throw StorageError("get \(cf.rawValue): \(Self.take(error))") }
            guard let value else { return nil }
            defer { rocksdb_free(value) }
            return Array(UnsafeRawBufferPointer(start: value, count: length))
        }
    }

    /// The values stored under `keys` in `cf`, in the order of `keys` (nil where there is none): one RocksDB
    /// `MultiGet`, which reads keys that share a data block once and sees one consistent snapshot. Cheaper than
    /// a `get` per key from a few dozen keys on.
    public func multiGet(_ cf: ColumnFamily, _ keys: [[UInt8]]) throws(StorageError) -> [[UInt8]?] {
        if keys.isEmpty { return [] }
        return try withOpen { (db) throws(StorageError) -> [[UInt8]?] in
            // One contiguous copy of the keys, so their addresses stay valid for the whole call.
            let total = keys.reduce(0) { $0 + $1.count }
            var flat = [UInt8](); flat.reserveCapacity(total)
            var sizes = [Int](); sizes.reserveCapacity(keys.count)
            for key in keys { flat.append(contentsOf: key); sizes.append(key.count) }
            var values = [OpaquePointer?](repeating: nil, count: keys.count)
            var errors = [UnsafeMutablePointer<CChar>?](repeating: nil, count: keys.count)
            flat.withUnsafeBytes { raw in
                let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self)
                var pointers = [UnsafePointer<CChar>?](); pointers.reserveCapacity(keys.count)
                var offset = 0
                for size in sizes { pointers.append(base.map { UnsafePointer($0 + offset) }); offset += size }
                pointers.withUnsafeBufferPointer { keyList in
                    sizes.withUnsafeBufferPointer { sizeList in
                        values.withUnsafeMutableBufferPointer { valueList in
                            errors.withUnsafeMutableBufferPointer { errorList in
                                rocksdb_batched_multi_get_cf(db, readOptions, handles[cf.ordinal], keys.count,
                                                             keyList.baseAddress, sizeList.baseAddress,
                                                             valueList.baseAddress, errorList.baseAddress, false)
                            }
                        }
                    }
                }
            }
            defer { for value in values { if let value { rocksdb_pinnableslice_destroy(value) } } }
            var firstError: String? = nil
            for case let error? in errors {
                let message = Self.take(error)
                if firstError == nil { firstError = message }
            }
            if let firstError { throw StorageError("multi-get \(cf.rawValue) of \(keys.count) keys: \(firstError)") }
            return values.map { (value) -> [UInt8]? in
                guard let value else { return nil }
                var length = 0
                guard let bytes = rocksdb_pinnableslice_value(value, &length) else { return [] }
                return Array(UnsafeRawBufferPointer(start: bytes, count: length))
            }
        }
    }

    /// Applies `batch` atomically. `sync` nil uses `options.syncWrites`; true fsyncs the WAL before returning.
    ///
    /// When `faultInjector` returns an error for the batch, throws it and writes nothing. An empty batch writes
    /// nothing.
    public func write(_ batch: WriteBatch, sync: Bool? = nil) throws(StorageError) {
        try withOpen { (db) throws(StorageError) in
            if let injector, let error = injector(batch) { throw error }
            if batch.count == 0 { return }
            let rocksBatch = rocksdb_writebatch_create()
            defer { rocksdb_writebatch_destroy(rocksBatch) }
            batch.buffer.bytes.withUnsafeBytes { raw in
                let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self)
                for e in batch.entries {
                    let handle = handles[e.family.ordinal]
                    if e.isPut {
                        rocksdb_writebatch_put_cf(rocksBatch, handle, base.map { $0 + e.keyStart }, e.keyCount,
                                                  base.map { $0 + e.valueStart }, e.valueCount)
                    } else {
                        rocksdb_writebatch_delete_cf(rocksBatch, handle, base.map { $0 + e.keyStart }, e.keyCount)
                    }
                }
            }
            var error: UnsafeMutablePointer<CChar>? = nil
            let writeOptions = (sync ?? options.syncWrites) ? syncWriteOptions : bufferedWriteOptions
            rocksdb_write(db, writeOptions, rocksBatch, &error)
            if let error {
                throw StorageError("write batch of \(batch.count) operations: \(Self.take(error))")
            }
        }
    }

    /// Calls body for each key/value with the prefix, in key order, until it returns false.
    ///
    /// Keys compare as unsigned bytes (RocksDB's default comparator). The scan sees one consistent snapshot of
    /// the family; writes made meanwhile (also by `body`) are not visible to it. An empty prefix scans the whole
    /// family. Errors thrown by `body` are rethrown; RocksDB errors are `StorageError`s naming the family.
    ///
    /// With `from`, the scan starts at the first key ≥ `from` (bytes compare unsigned) instead of the first key
    /// with the prefix: a seek. A `from` below the prefix starts at the prefix.
    public func scan(_ cf: ColumnFamily, prefix: [UInt8], from: [UInt8] = [],
                     _ body: ([UInt8], [UInt8]) throws -> Bool) throws {
        let start = prefix.lexicographicallyPrecedes(from) ? from : prefix
        try withOpenUntyped { db in
            let iterator = rocksdb_create_iterator_cf(db, readOptions, handles[cf.ordinal])
            defer { rocksdb_iter_destroy(iterator) }
            if start.isEmpty {
                rocksdb_iter_seek_to_first(iterator)
            } else {
                start.withUnsafeBytes { p in
                    rocksdb_iter_seek(iterator, p.baseAddress!.assumingMemoryBound(to: CChar.self), p.count)
                }
            }
            while rocksdb_iter_valid(iterator) != 0 {
                var keyLength = 0
                let keyPointer = rocksdb_iter_key(iterator, &keyLength)
                let key = UnsafeRawBufferPointer(start: keyPointer, count: keyLength)
                guard key.starts(with: prefix) else { break }
                var valueLength = 0
                let valuePointer = rocksdb_iter_value(iterator, &valueLength)
                let value = Array(UnsafeRawBufferPointer(start: valuePointer, count: valueLength))
                guard try body(Array(key), value) else { return }
                rocksdb_iter_next(iterator)
            }
            var error: UnsafeMutablePointer<CChar>? = nil
            rocksdb_iter_get_error(iterator, &error)
            if let error { throw StorageError("scan \(cf.rawValue): \(Self.take(error))") }
        }
    }

    // MARK: Internals

    /// The message of a RocksDB error string, which is freed.
    private static func take(_ error: UnsafeMutablePointer<CChar>) -> String {
        defer { rocksdb_free(error) }
        return String(cString: error)
    }

    private func withLock<R, E: Error>(write: Bool, _ body: () throws(E) -> R) throws(E) -> R {
        if write { pthread_rwlock_wrlock(lock) } else { pthread_rwlock_rdlock(lock) }
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// Runs `body` with the open database under the read lock; throws if the database is closed.
    private func withOpen<R>(_ body: (OpaquePointer) throws(StorageError) -> R) throws(StorageError) -> R {
        try withLock(write: false) { () throws(StorageError) -> R in
            guard let db else { throw StorageError("database \(path) is closed") }
            return try body(db)
        }
    }

    /// `withOpen` for bodies that throw any error (scans).
    private func withOpenUntyped<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        guard let db else { throw StorageError("database \(path) is closed") }
        return try body(db)
    }
}
