import NIOCore

/// The whole pipeline of a connection accepted while the RPC connection limit is reached: answers
/// `HTTP/1.1 503 Service Unavailable` at once, without reading a request, then closes. Input is discarded; the
/// connection is closed fully shortly after its output, so a client that already sent a request reads the
/// reply instead of a reset.
final class RPCConnectionRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The reply's body.
    static let message = "Too many RPC connections\n"

    func channelActive(context: ChannelHandlerContext) {
        let text = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
            + "Content-Length: \(Self.message.utf8.count)\r\nConnection: close\r\n\r\n" + Self.message
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: text))).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: .milliseconds(250)) { channel.close(promise: nil) }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
