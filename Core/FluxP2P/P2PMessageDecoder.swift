import NIOCore

/// Turns the bytes of a connection into `P2PMessage`s: `ByteToMessageHandler(P2PMessageDecoder(configuration:))`.
///
/// Frames may arrive split at any byte or several to a read. The header is checked before the payload is
/// buffered (see `P2PFrame.read(from:configuration:)`). As fluxd's `ProcessMessages`, a whole frame with a bad
/// checksum or a bad command field is skipped (reported as a `P2PSkippedFrame` user inbound event) and decoding
/// goes on. Any other `P2PError` (bad magic, oversized length, a malformed payload) is thrown from `decode`,
/// which `ByteToMessageHandler` passes to `errorCaught` further down the pipeline; the handler then stops
/// decoding, so the pipeline's error handler should close the channel (charging `banScore`). A partial frame
/// left at end of stream is dropped.
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
        let start = buffer.readerIndex
        let message: P2PMessage?
        do {
            message = try P2PFrame.read(from: &buffer, configuration: configuration)
        } catch {
            guard let skipped = try skip(error, at: start, in: &buffer) else { return .needMoreData }
            context.fireUserInboundEventTriggered(skipped)
            return .continue
        }
        guard let message else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(message))
        return .continue
    }

    /// Skips the frame at `start` for a bad checksum (`read` consumed it) or a bad command (skipped here once the
    /// whole frame has arrived; nil until then); rethrows any other error, and a bad command whose length is over
    /// the limit as `.oversized`.
    private func skip(_ error: P2PError, at start: Int, in buffer: inout ByteBuffer) throws(P2PError) -> P2PSkippedFrame? {
        switch error {
        case .badChecksum:
            return P2PSkippedFrame(error: error, size: buffer.readerIndex - start)
        case .badCommand:
            let length = Int(buffer.getInteger(at: start + 16, endianness: .little, as: UInt32.self)!)
            if length > configuration.maxPayload {
                throw .oversized(command: "?", length: length, limit: configuration.maxPayload)
            }
            guard buffer.readableBytes >= P2PLimits.headerSize + length else { return nil }
            buffer.moveReaderIndex(forwardBy: P2PLimits.headerSize + length)
            return P2PSkippedFrame(error: error, size: P2PLimits.headerSize + length)
        default:
            throw error
        }
    }

    /// Decodes the frames still complete at end of stream; a trailing partial frame is dropped.
    public func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                           seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
