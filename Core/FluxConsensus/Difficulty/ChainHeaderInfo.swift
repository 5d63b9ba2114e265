/// What difficulty rules need to know about one block of the branch being extended.
public struct ChainHeaderInfo: Hashable, Sendable {
    /// Height of the block (genesis = 0).
    public var height: Int
    /// Header time (`nTime`, unix seconds).
    public var time: UInt32
    /// Header target in compact form (`nBits`).
    public var bits: UInt32

    /// Creates the summary of one block.
    public init(height: Int, time: UInt32, bits: UInt32) {
        self.height = height
        self.time = time
        self.bits = bits
    }
}

/// Access to the ancestors of the block being built/validated (heights 0...tipHeight of that branch).
///
/// The difficulty functions pass the parent (`last`) separately and ask the lookup only for blocks below it, so a
/// lookup may but need not answer for `last.height` itself.
public protocol AncestorLookup {
    /// The block at `height` on the branch, or nil if the height is below genesis or unknown.
    func ancestor(at height: Int) -> ChainHeaderInfo?
}

/// The branch ending at `last`: `last` itself plus whatever `lookup` knows below it.
struct Branch<Lookup: AncestorLookup> {
    let last: ChainHeaderInfo
    let lookup: Lookup

    /// The block at `height`, nil below genesis, above `last` or when the lookup does not know it.
    func at(_ height: Int) -> ChainHeaderInfo? {
        if height == last.height { return last }
        guard height >= 0, height < last.height else { return nil }
        return lookup.ancestor(at: height)
    }
}
