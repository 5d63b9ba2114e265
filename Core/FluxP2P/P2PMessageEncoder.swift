import NIOCore

/// Frames outbound `P2PMessage`s: `MessageToByteHandler(P2PMessageEncoder(configuration:))`.
///
/// Throws `P2PError.oversized` for a payload above `configuration.maxPayload` (the peer would drop us) and
/// `.badCommand` for an `.unknown` message whose command cannot be framed; the write then fails.
public final class P2PMessageEncoder: MessageToByteEncoder, Sendable {
    /// Messages accepted from the previous outbound handler.
    public typealias OutboundIn = P2PMessage

    /// The magic written and the payload limit enforced.
    public let configuration: P2PConfiguration

    /// Creates an encoder for one network.
    public init(configuration: P2PConfiguration) {
        self.configuration = configuration
    }

    /// Writes the frame of `data` to `out`.
    public func encode(data: P2PMessage, out: inout ByteBuffer) throws {
        try P2PFrame.write(data, configuration: configuration, to: &out)
    }
}
