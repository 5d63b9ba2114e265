/// Tunables of `ChainState`.
public struct ChainOptions: Sendable {
    /// Blocks connected before the pending batch is committed (1 = every block is its own atomic batch).
    /// Larger values speed up import; a crash then loses at most that many connected blocks, never a part of one.
    public var blocksPerCommit: Int = 1
    /// Commit early when the UTXO cache holds more than this many dirty bytes.
    public var maxPendingBytes: Int = 64 << 20
    /// UTXO cache size.
    public var cacheBytes: Int = 256 << 20
    /// Deepest reorganisation accepted; nil uses the network rule (fluxd's 40, or its PoN-launch window).
    public var maxReorgDepth: Int?
    /// Verify scripts of blocks below the last checkpoint (fluxd skips them).
    public var checkScriptsBelowCheckpoints = false
    /// Worker threads for script checks (defaults to the core count).
    public var scriptThreads: Int = 0
    /// The current (network-adjusted) time in unix seconds, for the future-time rule.
    public var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    /// Asked before each block is connected while activating the best chain (at start-up, during `-reindex`,
    /// import and sync): when it returns true the chain commits what it connected and stops there, a consistent
    /// state that the next start continues from. The node sets it to its shutdown request.
    public var interruptRequested: @Sendable () -> Bool = { false }

    /// The optional indexes to maintain (`-txindex`, `-insightexplorer`, ...), written in each block's batch.
    /// A database built with another set is refused unless `rebuildIndexes` is set (see `ChainState+Indexes`).
    public var indexes: ChainIndexes = []
    /// Set with `-reindex`: a database whose stored index set differs is accepted (the reindex that must follow
    /// rebuilds every index and records the new set); until then no block is connected.
    public var rebuildIndexes = false
    /// Default options.
    public init() {}
}

import FluxStorage
import Foundation
