/// A whole frame `P2PMessageDecoder` dropped and read past, as fluxd's `ProcessMessages` does: a bad checksum
/// ("CHECKSUM ERROR") or a bad command field ("ERRORS IN HEADER"). Sent down the pipeline as a user inbound event
/// so the connection's handler can log it; the connection stays open.
public struct P2PSkippedFrame: Sendable, Hashable {
    /// Why the frame was skipped (`.badChecksum` or `.badCommand`).
    public let error: P2PError
    /// The size of the frame, header included.
    public let size: Int

    /// A skipped frame of `size` bytes.
    public init(error: P2PError, size: Int) {
        self.error = error
        self.size = size
    }
}
