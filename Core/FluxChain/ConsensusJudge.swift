import FluxConsensus
import FluxPrimitives

/// The seam through which consensus plugins (and the FluxNode list) take part in block validity.
///
/// Judges are called in-line, in block order, in the order they were registered, while a block is connected
/// or disconnected. Their store writes go into the same atomic batch as the block's UTXO changes.
public protocol ConsensusJudge: AnyObject, Sendable {
    /// A stable name (the plugin's), used in logs and reject messages.
    var name: String { get }
    /// First height at which this judge's verdicts count.
    var activationHeight: Int { get }
    /// Judges a block about to be connected at `height`. Throw `.rejected` for an invalid block, or
    /// `.verdictUnavailable` when no verdict can be given now (the block is not marked invalid).
    func connect(_ block: Block, height: Int, writes: inout PluginWrites) throws(ChainError)
    /// Undoes what `connect` recorded for a block being disconnected.
    func disconnect(_ block: Block, height: Int, writes: inout PluginWrites) throws(ChainError)
}

/// Writes a judge makes while a block is (dis)connected: (namespace, key) → value, or nil to delete.
public struct PluginWrites: Sendable {
    /// Operations in order.
    public private(set) var operations: [(namespace: String, key: [UInt8], value: [UInt8]?)] = []
    /// Creates an empty set.
    public init() {}
    /// Records a put.
    public mutating func put(namespace: String, key: [UInt8], value: [UInt8]) {
        operations.append((namespace, key, value))
    }
    /// Records a delete.
    public mutating func delete(namespace: String, key: [UInt8]) { operations.append((namespace, key, nil)) }
}

/// Who may produce Proof-of-Node blocks: the operator key of a collateral, and whether that node is
/// eligible for the block after `parent`. The FluxNode tiers plugin provides the real one.
public protocol ProofOfNodeAuthority: Sendable {
    /// The operator public key registered for `collateral` as of the chain ending at `parentHeight`, or nil
    /// if no such node is known (the block is rejected as `bad-pon-node`). Throw `.verdictUnavailable` when no
    /// answer can be given now (the block is not marked invalid and is retried).
    func operatorKey(for collateral: OutPoint, parentHeight: Int, parentHash: Hash256) throws(ChainError) -> [UInt8]?
}

/// A fixed node list for tests and local networks until the tiers plugin provides the real list.
public struct StaticNodeList: ProofOfNodeAuthority {
    /// Collateral → operator public key.
    public var keys: [OutPoint: [UInt8]]
    /// Creates a list.
    public init(keys: [OutPoint: [UInt8]]) { self.keys = keys }
    public func operatorKey(for collateral: OutPoint, parentHeight: Int, parentHash: Hash256) -> [UInt8]? {
        keys[collateral]
    }
}
