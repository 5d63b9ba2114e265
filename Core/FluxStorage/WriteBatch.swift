import FluxPrimitives

/// A list of puts and deletes to apply atomically with `Database.write`: all of them or, on any failure, none.
///
/// A plain value: recording operations touches no database. Keys and values are appended to one contiguous
/// buffer (no allocation per operation); `Database.write` translates the batch into a `rocksdb_writebatch_t`.
/// Operations apply in the order recorded, so a later put or delete of the same key wins.
public struct WriteBatch: Sendable {
    /// One recorded operation, as returned by `operations` (for inspection and test hooks).
    public enum Operation: Hashable, Sendable {
        /// Set `key` to `value` in the column family.
        case put(ColumnFamily, key: [UInt8], value: [UInt8])
        /// Remove `key` from the column family (no error if absent).
        case delete(ColumnFamily, key: [UInt8])
    }

    /// Where one operation's key and value sit in `buffer`.
    struct Entry: Sendable {
        var family: ColumnFamily
        var isPut: Bool
        var keyStart: Int
        var keyCount: Int
        var valueStart: Int
        var valueCount: Int
    }

    /// Keys and values of every operation, back to back.
    private(set) var buffer = ByteWriter(capacity: 0)
    /// The operations in order.
    private(set) var entries: [Entry] = []

    /// An empty batch.
    public init() {}

    /// Records a put of `value` under `key` in `cf`.
    public mutating func put(_ cf: ColumnFamily, _ key: [UInt8], _ value: [UInt8]) {
        put(cf, key: { $0.writeBytes(key) }, value: { $0.writeBytes(value) })
    }

    /// Records the deletion of `key` from `cf`.
    public mutating func delete(_ cf: ColumnFamily, _ key: [UInt8]) {
        delete(cf, key: { $0.writeBytes(key) })
    }

    /// Records a put whose key and value are written straight into the batch buffer by the closures.
    mutating func put(_ cf: ColumnFamily, key: (inout ByteWriter) -> Void, value: (inout ByteWriter) -> Void) {
        let keyStart = buffer.bytes.count
        key(&buffer)
        let valueStart = buffer.bytes.count
        value(&buffer)
        entries.append(Entry(family: cf, isPut: true, keyStart: keyStart, keyCount: valueStart - keyStart,
                             valueStart: valueStart, valueCount: buffer.bytes.count - valueStart))
    }

    /// Records a delete whose key is written straight into the batch buffer by the closure.
    mutating func delete(_ cf: ColumnFamily, key: (inout ByteWriter) -> Void) {
        let keyStart = buffer.bytes.count
        key(&buffer)
        entries.append(Entry(family: cf, isPut: false, keyStart: keyStart, keyCount: buffer.bytes.count - keyStart,
                             valueStart: buffer.bytes.count, valueCount: 0))
    }

    /// Appends every operation of `other`, after this batch's own.
    public mutating func append(contentsOf other: WriteBatch) {
        let shift = buffer.bytes.count
        buffer.writeBytes(other.buffer.bytes)
        entries.reserveCapacity(entries.count + other.entries.count)
        for var e in other.entries {
            e.keyStart += shift
            e.valueStart += shift
            entries.append(e)
        }
    }

    /// Number of operations recorded.
    public var count: Int { entries.count }

    /// Total key and value bytes recorded (RocksDB's own per-record overhead not included).
    public var byteSize: Int { buffer.bytes.count }

    /// The recorded operations in order, copied out (for inspection; not needed to write the batch).
    public var operations: [Operation] {
        entries.map { e in
            let key = Array(buffer.bytes[e.keyStart..<e.keyStart + e.keyCount])
            guard e.isPut else { return .delete(e.family, key: key) }
            return .put(e.family, key: key, value: Array(buffer.bytes[e.valueStart..<e.valueStart + e.valueCount]))
        }
    }
}
