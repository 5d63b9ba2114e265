/// fluxd's protocol version numbers (`src/version.h`): what this node announces and what it requires of peers.
public enum ProtocolVersion {
    /// `PROTOCOL_VERSION`: the version this node announces in `version`.
    public static let current: Int32 = 170_021
    /// `INIT_PROTO_VERSION`: the version assumed before the handshake completes.
    public static let initial: Int32 = 209
    /// `MIN_PEER_PROTO_VERSION`: mainnet peers below this are rejected (`reject` OBSOLETE, then disconnect).
    public static let minimumPeer: Int32 = 170_002
    /// `MIN_PEER_PROTO_VERSION_TESTNET`: the same bound on testnet (and regtest).
    public static let minimumPeerTestnet: Int32 = 170_016
    /// `MIN_PEER_PROTO_VERSION_FLUXNODE`: the oldest version that relays FluxNode transactions.
    public static let minimumFluxNodePeer: Int32 = 170_009
    /// `NO_BLOOM_VERSION`: from this version a peer without `ServiceFlags.bloom` must not send filter messages.
    public static let noBloom: Int32 = 170_004
    /// `DETERMINISTIC_FLUXNODES`: the deterministic FluxNode list.
    public static let deterministicFluxNodes: Int32 = 170_016
    /// `P2SH_NODES`: FluxNodes with P2SH collateral.
    public static let p2shNodes: Int32 = 170_019
    /// `PROOF_OF_NODE`: the version of the PON network upgrade; after PON activates, peers below it are rejected.
    public static let pon: Int32 = 170_020
    /// `SENDHEADERS_VERSION`: peers at or above it are sent `sendheaders` after `verack` (BIP 130).
    public static let sendHeaders: Int32 = 170_021
    /// `SENDCMPCT_VERSION`: peers at or above it are sent `sendcmpct(false, 1)` after `verack` (BIP 152).
    public static let sendCompact: Int32 = 170_021
    /// `CMPHEADERS_VERSION`: peers at or above it may be answered with `cmpheaders` below the last checkpoint.
    public static let cmpHeaders: Int32 = 170_021
    /// fluxd's user agent (`/MagicBean:9.0.6/`), for comparison with what peers announce.
    public static let fluxdUserAgent = "/MagicBean:9.0.6/"
}
