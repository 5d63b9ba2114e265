import FluxChain
import FluxPrimitives
import Logging

/// fluxd's deprecation policy (`EnforceNodeDeprecation`), mainnet only: a warning when the tip reaches four weeks
/// of blocks before `Node.deprecationHeight` (and at start-up inside that window), and a logged error and an
/// orderly shutdown when the tip reaches it. Operators then upgrade, as with fluxd.
final class DeprecationWatch: ChainObserver, @unchecked Sendable {
    let deprecationHeight: Int
    let warningBlocks: Int
    let logger: Logger
    let shutDown: @Sendable () -> Void

    init(deprecationHeight: Int, warningBlocks: Int, logger: Logger, shutDown: @escaping @Sendable () -> Void) {
        self.deprecationHeight = deprecationHeight
        self.warningBlocks = warningBlocks
        self.logger = logger
        self.shutDown = shutDown
    }

    /// What the policy says at `height`; `starting` logs inside the window even off its first block.
    enum Verdict: Equatable { case fine, warn, deprecated }

    func verdict(height: Int, starting: Bool) -> Verdict {
        let left = deprecationHeight - height
        if left <= 0 { return .deprecated }
        if left == warningBlocks || (left < warningBlocks && starting) { return .warn }
        return .fine
    }

    /// Applies the policy at `height`.
    func check(height: Int, starting: Bool) {
        switch verdict(height: height, starting: starting) {
        case .fine: break
        case .warn:
            logger.warning("*** This version will be deprecated at block height \(deprecationHeight), and will automatically shut down. You should upgrade to the latest version of Flux.")
        case .deprecated:
            logger.error("*** This version has been deprecated as of block height \(deprecationHeight). You should upgrade to the latest version of Flux.")
            shutDown()
        }
    }

    func tipChanged(_ tip: BlockIndexEntry) { check(height: tip.height, starting: false) }
}
