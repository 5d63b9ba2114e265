import FluxPrimitives

/// A storage failure: a RocksDB error, a corrupt or unreadable record, or an incompatible database.
///
/// The message names what failed, e.g. `"open /data/chain: IO error: ..."` or
/// `"corrupt block index record for 00ab…: header.nBits at offset 104: truncated (need 4 bytes, 0 left)"`.
public struct StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Human-readable description of what failed and why.
    public let message: String

    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }

    /// An error for a record whose stored bytes could not be decoded.
    static func corrupt(_ record: String, _ error: FluxPrimitives.DecodingError) -> StorageError {
        StorageError("corrupt \(record): \(error)")
    }
}
