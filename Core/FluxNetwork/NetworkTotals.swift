import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Bytes this node received from and wrote to all peers since it started (`getnettotals`), counted on the wire:
/// framing included, as fluxd's `nRecvBytes` / `nSendBytes`. Safe from any thread.
public final class NetworkTotals: Sendable {
    private let counts = NIOLockedValueBox((received: 0, sent: 0))

    /// Creates zeroed totals.
    public init() {}

    /// Bytes received so far.
    public var bytesReceived: Int { counts.withLockedValue { $0.received } }
    /// Bytes the sockets took so far (queued bytes count once written).
    public var bytesSent: Int { counts.withLockedValue { $0.sent } }

    func received(_ n: Int) { counts.withLockedValue { $0.received += n } }
    func sent(_ n: Int) { counts.withLockedValue { $0.sent += n } }
}

/// Counts the raw bytes a peer's channel reads into ``NetworkTotals`` and passes them on to the decoder.
final class InboundByteCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let totals: NetworkTotals

    init(totals: NetworkTotals) { self.totals = totals }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        totals.received(unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }
}
