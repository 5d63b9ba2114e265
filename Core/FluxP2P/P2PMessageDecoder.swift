import NIOCore

/// Turns the bytes of a connection into `P2PMessage`s: `ByteToMessageHandler(P2PMessageDecoder(configuration:))`.
///
/// Frames may arrive split at any byte or several to a read. The header is checked before the payload is
/// buffered (see `P2PFrame.read(from:configuration:)`). A `P2PError` is thrown from `decode`, which
/// `ByteToMessageHandler` passes to `errorCaught` further down the pipeline; the handler then stops decoding,
/// so the pipeline's error handler should charge `banScore` and close the channel. A partial frame left at
/// end of stream is dropped.
///
/// The decoder holds no state of its own (the handler buffers the bytes), so it is `Sendable`.
public final class P2PMessageDecoder: ByteToMessageDecoder, Sendable {
    /// Messages passed to the next inbound handler.
    public typealias InboundOut = P2PMessage

    /// The magic and payload limit frames are checked against.
    public let configuration: P2PConfiguration

    /// Creates a decoder for one network.
    public init(configuration: P2PConfiguration) {
        self.configuration = configuration
    }

    /// Decodes one frame if it is complete; throws a `P2PError` for a bad one.
    public func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let message = try P2PFrame.read(from: &buffer, configuration: configuration) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(message))
        return .continue
    }

    /// Decodes the frames still complete at end of stream; a trailing partial frame is dropped.
    public func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                           seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
