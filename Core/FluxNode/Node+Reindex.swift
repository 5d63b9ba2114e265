import FluxChain
import FluxStorage
import Logging

/// `-reindex` with plugins: the chain and every plugin namespace that follows it are reset together and rebuilt
/// from genesis with the plugins judging and recording as in normal connection (see `ChainState+Reindex` for the
/// rule across crashes: a durable marker makes any later start resume the reindex).
extension Node {
    /// Whether a reindex is in progress (begun with `-reindex`, or interrupted and not finished yet).
    public var isReindexing: Bool { (try? chain.reindexTarget) != nil }

    /// The plugin namespaces the host has recorded blocks in (those holding the host's cursor): every stateful
    /// plugin that has followed this chain, loaded now or not.
    static func chainFollowingNamespaces(_ store: ChainStore) throws(StorageError) -> [String] {
        var namespaces: [String] = []
        for namespace in try store.pluginNamespaces()
        where try store.pluginValue(namespace: namespace, key: PluginChainJudge.cursorKey) != nil {
            namespaces.append(namespace)
        }
        return namespaces
    }

    /// Begins a reindex: one atomic batch resets the chain to genesis and clears every chain-following plugin
    /// namespace (their cursors included), and records the marker. Runs before the plugins are loaded, so they start
    /// on empty namespaces, as on a new node.
    static func beginReindex(_ chain: ChainState, logger: Logger) throws {
        let namespaces = try chainFollowingNamespaces(chain.store)
        let height = chain.height
        try chain.beginReindex(clearingPluginNamespaces: namespaces)
        let cleared = namespaces.isEmpty ? "none" : namespaces.joined(separator: ", ")
        logger.info("reindex: chain reset from height \(height) to genesis; plugin namespaces cleared: \(cleared)")
    }

    /// Finishes a reindex in progress: connects the stored blocks up to the recorded tip with every plugin judging
    /// and recording. Does nothing when none is in progress. Throws a ``ReindexError`` naming the block refused.
    public func completeReindex() throws(ReindexError) {
        guard isReindexing else { return }
        logger.info("reindex: connecting stored blocks from height \(chain.height)")
        try chain.continueReindex()
        if isReindexing {
            logger.info("reindex stopped at height \(chain.height) (shutting down); the next start continues it")
        } else {
            logger.info("reindex done; tip \(chain.tip.hash) at height \(chain.height)")
        }
    }
}
