import FluxConsensus
import FluxStorage

/// Why the chain could not accept something.
public enum ChainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Consensus rejected the header, block or transaction.
    case rejected(RejectReason)
    /// The store failed; nothing was half-written, the chain stays at its last committed state.
    case storage(StorageError)
    /// A consensus plugin (or the node list) could not give a verdict; the block is not marked invalid and
    /// will be tried again.
    case verdictUnavailable(String)

    public var description: String {
        switch self {
        case let .rejected(r): "rejected: \(r)"
        case let .storage(e): "storage error: \(e)"
        case let .verdictUnavailable(m): "no verdict: \(m)"
        }
    }

    /// The reject reason, if this is a consensus rejection.
    public var reason: RejectReason? {
        if case let .rejected(r) = self { return r }
        return nil
    }
}
