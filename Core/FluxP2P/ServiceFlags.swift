/// Service bits a node advertises in `version` and in address messages (`ServiceFlags` in `src/protocol.h`).
public enum ServiceFlags {
    /// `NODE_NETWORK`: serves the full block chain (pruned nodes clear it).
    public static let network: UInt64 = 1
    /// `NODE_BLOOM`: answers BIP 37 bloom-filter requests (fluxd sets it by default, `-peerbloomfilters`).
    public static let bloom: UInt64 = 4
    /// `NODE_BLOOM_WITHOUT_ZN`: bloom filters without legacy FluxNode inventory; fluxd sends no legacy FluxNode
    /// invs to a peer whose services equal exactly this value.
    public static let bloomWithoutFluxNodes: UInt64 = 16
    /// What fluxd advertises by default: `network | bloom` (5).
    public static let fluxdDefault: UInt64 = network | bloom
}
