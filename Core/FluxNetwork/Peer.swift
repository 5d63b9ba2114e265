import FluxP2P
import FluxPrimitives
import Foundation
import NIOCore

/// One connection to another node. Mutable state is touched only on the network's queue.
public final class Peer: @unchecked Sendable {
    /// A stable id for logs and RPC.
    public let id: Int
    /// Remote host and port.
    public let host: String
    public let port: Int
    /// True when we opened the connection.
    public let isOutbound: Bool
    let channel: any Channel
    let connectedAt = Date()

    /// The peer's `version` message, once received.
    public internal(set) var version: VersionMessage?
    var sentVersion = false
    var receivedVerack = false
    /// Handshake complete in both directions.
    public var isReady: Bool { version != nil && receivedVerack }
    /// The peer asked for headers announcements (BIP 130).
    var prefersHeaders = false
    var misbehaviour = 0
    var pingNonce: UInt64?
    var pingSentAt: Date?
    /// Last measured round trip.
    public internal(set) var pingTime: TimeInterval?
    /// Blocks requested from this peer and when.
    var blocksInFlight: [Hash256: Date] = [:]
    /// Headers sync: a getheaders is outstanding.
    var headersRequestedAt: Date?
    /// Best block height the peer told us of (start height, raised by announcements).
    var bestKnownHeight: Int32 = 0
    /// Inventory the peer is known to have (to avoid re-announcing), bounded.
    var knownInventory = Set<Hash256>()

    init(id: Int, host: String, port: Int, isOutbound: Bool, channel: any Channel) {
        self.id = id
        self.host = host
        self.port = port
        self.isOutbound = isOutbound
        self.channel = channel
    }

    func send(_ message: P2PMessage) {
        channel.writeAndFlush(message, promise: nil)
    }

    func remember(_ hash: Hash256) {
        if knownInventory.count > 50_000 { knownInventory.removeAll(keepingCapacity: true) }
        knownInventory.insert(hash)
    }

    var addressDescription: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Bridges a channel to the network: decoded messages and errors go to the node's queue.
///
/// The peer is known from the start (created when the channel is set up), so no message can arrive before
/// the handler knows whom it came from. Outbound channels are set up before they connect: their `version`
/// goes out from `channelActive`, once the connection exists.
final class PeerChannelHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = P2PMessage
    let node: NetworkNode
    let peer: Peer

    init(node: NetworkNode, peer: Peer) {
        self.node = node
        self.peer = peer
    }

    func channelActive(context: ChannelHandlerContext) {
        let (node, peer) = (self.node, self.peer)
        if peer.isOutbound { node.queue.async { node.outboundConnected(peer) } }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        let (node, peer) = (self.node, self.peer)
        node.queue.async { node.received(message, from: peer) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let (node, peer) = (self.node, self.peer)
        node.queue.async { node.protocolError(error, from: peer) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let (node, peer) = (self.node, self.peer)
        node.queue.async { node.disconnected(peer) }
        context.fireChannelInactive()
    }
}
