import FluxPrimitives

/// An upper bound on a proof-of-work or proof-of-node target, in both forms fluxd keeps.
public struct TargetLimit: Hashable, Sendable {
    /// The limit as a 256-bit number (``Hash256`` numeric order; display hex is the big-endian number).
    public let target: Hash256
    /// The same limit in compact `nBits` form, as placed in headers that sit at the limit.
    public let compact: UInt32

    /// Creates a limit from both representations (they are not cross-checked here).
    public init(target: Hash256, compact: UInt32) {
        self.target = target
        self.compact = compact
    }
}
