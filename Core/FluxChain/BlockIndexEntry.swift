import FluxPrimitives
import FluxStorage

/// One header known to the node, with its place in the tree of branches.
///
/// Entries are created and mutated only by `ChainState` under its lock; other threads see them through
/// `ChainState`'s accessors.
public final class BlockIndexEntry: @unchecked Sendable {
    /// The block hash.
    public let hash: Hash256
    /// The header. For an entry accepted from a trusted compact header (below the last checkpoint) the
    /// Equihash solution is empty until the full header arrives with the block (or a `headers` message); the
    /// chain then verifies the solution and replaces the header, under its lock. `hash` never changes.
    public internal(set) var header: BlockHeader
    /// Height (genesis 0).
    public let height: Int
    /// Total work of the chain ending here.
    public let chainWork: UInt256
    /// The parent entry (nil for genesis).
    public let parent: BlockIndexEntry?
    /// Validation and storage state.
    public internal(set) var status: BlockStatus
    /// Number of transactions, 0 until the body is stored.
    public internal(set) var transactionCount: Int
    /// An ancestor further back, for O(log n) ancestor lookups (Bitcoin's skip list).
    let skip: BlockIndexEntry?
    /// Arrival order of the block's data (bitcoind's `nSequenceId`): among candidates of equal work the one whose
    /// data arrived first wins. Set when the header is indexed and again when the body is stored; renumbered on
    /// load so that the committed active chain comes first (see `ChainState.renumberSequences`).
    var sequence: Int

    init(hash: Hash256, header: BlockHeader, height: Int, chainWork: UInt256, parent: BlockIndexEntry?,
         status: BlockStatus, transactionCount: Int, sequence: Int) {
        self.hash = hash
        self.header = header
        self.height = height
        self.chainWork = chainWork
        self.parent = parent
        self.status = status
        self.transactionCount = transactionCount
        self.sequence = sequence
        self.skip = parent?.ancestor(at: BlockIndexEntry.skipHeight(height))
    }

    /// The ancestor at `height` (self when equal), or nil above this entry or below genesis.
    public func ancestor(at target: Int) -> BlockIndexEntry? {
        guard target <= height, target >= 0 else { return nil }
        var walk: BlockIndexEntry = self
        var h = height
        while h > target {
            let skipHeight = BlockIndexEntry.skipHeight(h)
            let previousSkip = BlockIndexEntry.skipHeight(h - 1)
            if let s = walk.skip, skipHeight == target
                || (skipHeight > target && !(previousSkip < skipHeight - 2 && previousSkip >= target)) {
                walk = s
                h = skipHeight
            } else {
                guard let p = walk.parent else { return nil }
                walk = p
                h -= 1
            }
        }
        return walk
    }

    /// Bitcoin's `GetSkipHeight`.
    static func skipHeight(_ height: Int) -> Int {
        if height < 2 { return 0 }
        func invertLowestOne(_ n: Int) -> Int { n & (n - 1) }
        return height & 1 == 1 ? invertLowestOne(invertLowestOne(height - 1)) + 1 : invertLowestOne(height)
    }

    /// True while the header is a trusted compact one whose Equihash solution has not arrived: its hash is the
    /// sender's word (vouched for by the checkpoints), not yet checked against a full header.
    public var lacksSolution: Bool {
        if case let .work(_, solution) = header.proof { return solution.isEmpty }
        return false
    }

    /// True when this block or an ancestor is known invalid.
    public var isFailed: Bool { !status.isDisjoint(with: [.failed, .failedChild]) }

    /// The persisted form.
    var record: BlockIndexRecord {
        BlockIndexRecord(hash: hash, header: header, height: height, chainWork: chainWork, status: status,
                         transactionCount: transactionCount)
    }
}
