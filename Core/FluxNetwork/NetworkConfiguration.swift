import FluxPrimitives
import Foundation

/// How the node takes part in the P2P network (fluxd's `-listen`, `-port`, `-connect`, `-addnode`,
/// `-maxconnections`).
public struct NetworkConfiguration: Sendable {
    /// Accept inbound connections.
    public var listen = true
    /// Address to listen on.
    public var bindHost = "0.0.0.0"
    /// Port to listen on (0 = pick a free one, for tests).
    public var port: Int
    /// `-connect`: connect only to these peers (no other outbound connections).
    public var connectOnly: [String] = []
    /// `-addnode`: peers to keep connected to in addition to others.
    public var addNodes: [String] = []
    /// Total connections (`-maxconnections`, default 125).
    public var maxConnections = 125
    /// Outbound connections the node opens by itself.
    public var maxOutbound = 8
    /// Seconds a new connection has to complete version/verack.
    public var handshakeTimeout: TimeInterval = 30
    /// Seconds between pings.
    public var pingInterval: TimeInterval = 60
    /// Seconds without a pong, or without progress on requested blocks, before a peer is dropped.
    public var stallTimeout: TimeInterval = 60
    /// Blocks requested from one peer at a time.
    public var maxBlocksInFlightPerPeer = 16
    /// How far ahead of the tip blocks are requested.
    public var downloadWindow = 1024
    /// `-maxsendbuffer` (in bytes; fluxd's option counts kilobytes of 1,000 bytes, default 1,000): while this
    /// many bytes or more wait to be written to a peer, its requests (`getdata`, `getheaders`, `getaddr`, ...)
    /// wait, reading from it pauses, and transaction announcements and plugin messages to it are dropped.
    public var sendBufferLimit = 1_000_000
    /// Seconds a peer's send queue may stay at or above `sendBufferLimit` before the peer is dropped.
    public var sendBufferTimeout: TimeInterval = 60
    /// Seconds an outbound dial may take (fluxd's `-timeout`, 5,000 ms by default).
    public var connectTimeout: TimeInterval = 5
    /// `-addnode` / `-connect` peers that cannot be reached, or that disconnect, are dialled again after this
    /// many seconds, doubled after each failed dial up to `manualRetryMaxDelay`, for as long as the node runs.
    public var manualRetryDelay: TimeInterval = 1
    /// The longest wait between dials of an `-addnode` / `-connect` peer.
    public var manualRetryMaxDelay: TimeInterval = 60
    /// Seconds the address manager waits before dialling again an address that failed once (doubled per
    /// further failure, up to an hour).
    public var addressRetryDelay: TimeInterval = 60
    /// Misbehaviour score at which a peer is banned.
    public var banThreshold = 100
    /// How long a ban lasts.
    public var banDuration: TimeInterval = 24 * 3600
    /// Peers from these addresses (`-whitelist`) are never banned: their misbehaviour is logged and the
    /// offending connection closed, but they may reconnect (bitcoind's `-whitelist` "noban"). Local test
    /// networks, where every node shares 127.0.0.1, need it.
    public var whitelist: [IPSubnet] = []
    /// Folder for `peers.json` and `banlist.json`; nil keeps them in memory only.
    public var dataDirectory: URL?
    /// The `subver` announced in `version`.
    public var userAgent = "/FluxSwift:0.1.0/"
    /// Seconds between sync progress reports (0 = never).
    public var progressInterval: TimeInterval = 10

    /// A configuration listening on `port`.
    public init(port: Int) { self.port = port }
}
