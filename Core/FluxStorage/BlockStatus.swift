/// What is known about a block in the index: which data is stored and which checks it passed or failed.
///
/// Stored as a little-endian bit set in `BlockIndexRecord`; the bit values below are part of the storage format.
public struct BlockStatus: OptionSet, Hashable, Sendable {
    /// The bits.
    public let rawValue: UInt32

    /// Creates a status from its stored bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The header passed its context-free and contextual checks (proof, time, difficulty).
    public static let headerValid = BlockStatus(rawValue: 1 << 0)
    /// The block body is stored in the `blocks` column family.
    public static let haveData = BlockStatus(rawValue: 1 << 1)
    /// Undo data is stored in the `undo` column family.
    public static let haveUndo = BlockStatus(rawValue: 1 << 2)
    /// The block passed the context-free block checks (merkle root, sizes, transaction checks).
    public static let transactionsValid = BlockStatus(rawValue: 1 << 3)
    /// The block was connected once: scripts and amounts verified against the UTXO set.
    public static let scriptsValid = BlockStatus(rawValue: 1 << 4)
    /// This block is invalid.
    public static let failed = BlockStatus(rawValue: 1 << 5)
    /// This block descends from an invalid block.
    public static let failedChild = BlockStatus(rawValue: 1 << 6)

    /// Either failure bit.
    public static let failedMask: BlockStatus = [.failed, .failedChild]
}
