/// P2P protocol version numbers and identity shared by every network (fluxd `src/version.h`,
/// `src/clientversion.cpp`, `src/protocol.h`).
public enum ProtocolConstants {
    /// The fluxd release whose RPC behaviour this node follows, as fluxd's `CLIENT_VERSION` (`getinfo`'s `version`:
    /// 1,000,000 × major + 10,000 × minor + 100 × revision + build; fluxd 9.0.6-50). FluxOS compares it with 7020050
    /// to decide whether `getchaintips` takes a minimum height.
    public static let fluxdClientVersion = 9_000_650
    /// Our protocol version (`PROTOCOL_VERSION`).
    public static let protocolVersion: Int32 = 170_021
    /// Version used before the handshake completes (`INIT_PROTO_VERSION`).
    public static let initProtocolVersion: Int32 = 209
    /// Minimum peer version on mainnet (`MIN_PEER_PROTO_VERSION`).
    public static let minPeerProtocolVersion: Int32 = 170_002
    /// Minimum peer version on testnet (`MIN_PEER_PROTO_VERSION_TESTNET`).
    public static let minPeerProtocolVersionTestnet: Int32 = 170_016
    /// Minimum version of a peer that relays FluxNode messages (`MIN_PEER_PROTO_VERSION_FLUXNODE`).
    public static let minPeerProtocolVersionFluxnode: Int32 = 170_009
    /// First version with deterministic FluxNodes (`DETERMINISTIC_FLUXNODES`).
    public static let deterministicFluxnodesVersion: Int32 = 170_016
    /// First version with P2SH FluxNodes (`P2SH_NODES`).
    public static let p2shNodesVersion: Int32 = 170_019
    /// First version with Proof of Node (`PROOF_OF_NODE`).
    public static let proofOfNodeVersion: Int32 = 170_020
    /// First version understanding `sendheaders` (`SENDHEADERS_VERSION`).
    public static let sendHeadersVersion: Int32 = 170_021
    /// First version understanding `sendcmpct` (`SENDCMPCT_VERSION`).
    public static let sendCompactVersion: Int32 = 170_021
    /// First version understanding `cmpheaders` (`CMPHEADERS_VERSION`).
    public static let compactHeadersVersion: Int32 = 170_021
    /// First version where bloom filters require `NODE_BLOOM` (`NO_BLOOM_VERSION`).
    public static let noBloomVersion: Int32 = 170_004
    /// The user agent fluxd 9.0.6 sends.
    public static let clientSubversion = "/MagicBean:9.0.6/"
    /// Service bit: full node serving blocks (`NODE_NETWORK`).
    public static let nodeNetwork: UInt64 = 1
    /// Service bit: bloom filters supported (`NODE_BLOOM`).
    public static let nodeBloom: UInt64 = 4
    /// Service bit: bloom filters without Zcash extensions (`NODE_BLOOM_WITHOUT_ZN`).
    public static let nodeBloomWithoutZN: UInt64 = 16
    /// Services fluxd advertises by default (network | bloom).
    public static let defaultServices: UInt64 = 5
}
