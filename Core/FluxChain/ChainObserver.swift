import FluxPrimitives

/// Something that follows the active chain: the mempool, the wallet, the network's relay, RPC waiters.
///
/// Events arrive after the change is committed to the store, in chain order, on the thread that changed the
/// chain (with the chain's lock held: observers must not call back into methods that wait for other threads).
public protocol ChainObserver: AnyObject, Sendable {
    /// `block` was connected at `entry` (now on the active chain).
    func blockConnected(_ block: Block, entry: BlockIndexEntry)
    /// `block` at `entry` was disconnected (a reorganisation or invalidation).
    func blockDisconnected(_ block: Block, entry: BlockIndexEntry)
    /// The tip changed; called once after a batch of connects/disconnects.
    func tipChanged(_ tip: BlockIndexEntry)
}

extension ChainObserver {
    public func blockConnected(_ block: Block, entry: BlockIndexEntry) {}
    public func blockDisconnected(_ block: Block, entry: BlockIndexEntry) {}
    public func tipChanged(_ tip: BlockIndexEntry) {}
}

/// A change of the active chain waiting to be announced.
enum ChainEvent {
    case connected(Block, BlockIndexEntry)
    case disconnected(Block, BlockIndexEntry)
}
