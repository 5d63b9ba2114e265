import FluxP2P
import FluxPrimitives
import Foundation
import NIOConcurrencyHelpers
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
    /// Frames this node sends are encoded with it.
    let p2p: P2PConfiguration
    /// `-maxsendbuffer` in bytes: while `unsentBytes` is at or above it, no request of the peer is served.
    let sendBufferLimit: Int
    /// Called (on an event loop) when `unsentBytes` falls below `sendBufferLimit` after being at or above it.
    let drained: @Sendable (Peer) -> Void
    /// The node's byte totals (`getnettotals`).
    let totals: NetworkTotals
    /// Bytes handed to the channel and not yet written to the socket, readable from any thread.
    let unsent = NIOLockedValueBox(0)
    /// Bytes handed to the channel and not yet written to the socket (the send queue).
    public var unsentBytes: Int { unsent.withLockedValue { $0 } }
    /// True while the send queue is at or above the limit: requests wait (fluxd's `nSendSize >= SendBufferSize()`).
    var isSendBufferFull: Bool { unsentBytes >= sendBufferLimit }
    /// Since when the send queue has been at or above the limit (checked once a second), nil when below.
    var sendBufferFullSince: Date?
    /// Items of `getdata` requests not served yet, served one at a time while the send queue is below the limit
    /// (fluxd's `vRecvGetData`).
    var pendingGetData = CircularBuffer<InventoryItem>()
    /// Messages received while requests were waiting, handled in order once they are served (fluxd's `vRecvMsg`).
    var deferredMessages = CircularBuffer<P2PMessage>()
    /// Reading from the socket is paused (the channel's auto-read is off) while requests wait.
    var readingPaused = false

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

    init(id: Int, host: String, port: Int, isOutbound: Bool, channel: any Channel, p2p: P2PConfiguration,
         sendBufferLimit: Int, totals: NetworkTotals, drained: @escaping @Sendable (Peer) -> Void) {
        self.totals = totals
        self.id = id
        self.host = host
        self.port = port
        self.isOutbound = isOutbound
        self.channel = channel
        self.p2p = p2p
        self.sendBufferLimit = sendBufferLimit
        self.drained = drained
    }

    /// Frames `message` and queues it on the channel, counting its bytes in `unsentBytes` until the socket has
    /// taken them (or the write failed). Returns false when the message cannot be framed (a plugin command that
    /// is not printable ASCII of at most 12 bytes, or a payload over the size limit).
    @discardableResult
    func send(_ message: P2PMessage) -> Bool {
        var buffer = channel.allocator.buffer(capacity: 0)
        do { try P2PFrame.write(message, configuration: p2p, to: &buffer) } catch { return false }
        let size = buffer.readableBytes
        unsent.withLockedValue { $0 += size }
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { [self] result in
            if case .success = result { totals.sent(size) }
            let (before, after) = unsent.withLockedValue { n -> (Int, Int) in
                defer { n -= size }
                return (n, n - size)
            }
            if before >= sendBufferLimit && after < sendBufferLimit { drained(self) }
        }
        channel.writeAndFlush(buffer, promise: promise)
        return true
    }

    /// Turns reading from the socket off or on (bounding what a peer whose requests wait can make us buffer).
    func pauseReading(_ paused: Bool) {
        guard paused != readingPaused else { return }
        readingPaused = paused
        channel.setOption(ChannelOptions.autoRead, value: !paused).whenFailure { _ in }
        if !paused { channel.read() }
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

    /// A frame the decoder skipped (bad checksum or bad command, as fluxd skips them) is logged.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let skipped = event as? P2PSkippedFrame {
            let (node, peer) = (self.node, self.peer)
            node.queue.async { node.skippedFrame(skipped, from: peer) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let (node, peer) = (self.node, self.peer)
        node.queue.async { node.disconnected(peer) }
        context.fireChannelInactive()
    }
}
