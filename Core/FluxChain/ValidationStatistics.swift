/// Running totals of block connection work, for metrics and RPC. Read with ``ChainState/validationStatistics``.
public struct ValidationStatistics: Sendable, Hashable {
    /// Blocks connected to the active chain since the chain was opened.
    public var blocksConnected = 0
    /// Blocks disconnected (reorganisations, invalidations).
    public var blocksDisconnected = 0
    /// Transactions in the connected blocks.
    public var transactionsConnected = 0
    /// Input scripts verified.
    public var scriptChecks = 0
    /// Time spent validating and connecting blocks (consensus checks, scripts, judges), in nanoseconds.
    public var connectNanoseconds: UInt64 = 0
    /// Time the last connected block took, in nanoseconds.
    public var lastConnectNanoseconds: UInt64 = 0
    /// Blocks refused as invalid.
    public var blocksRejected = 0

    /// All zero.
    public init() {}
}
