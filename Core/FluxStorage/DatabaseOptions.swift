/// How `Database` opens and writes RocksDB.
public struct DatabaseOptions: Sendable {
    /// Create the database (and any missing column family) when the folder holds none. Default true.
    public var createIfMissing = true
    /// Size in bytes of the LRU block cache shared by every column family. Default 64 MiB.
    public var cacheBytes: Int = 64 << 20
    /// Fsync the write-ahead log on every batch commit (default true): a power cut then loses nothing committed.
    /// With false, a process crash still loses nothing (the WAL is in the OS page cache), but a power cut can lose
    /// the last commits, never part of one (batches are atomic).
    public var syncWrites: Bool = true
    /// Upper bound on table files RocksDB keeps open (`max_open_files`). Default 256.
    public var maxOpenFiles: Int = 256

    /// The defaults above.
    public init() {}
}
