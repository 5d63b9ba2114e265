/// The network identity and limits the framing layer enforces for one network (mainnet, testnet or regtest).
///
/// The magic comes from the chain parameters (`pchMessageStart`, e.g. `24 e9 27 64` on mainnet); the framing
/// layer does not know which network it serves.
public struct P2PConfiguration: Hashable, Sendable {
    /// The 4 bytes every frame starts with (`pchMessageStart`), in wire order.
    public var magic: [UInt8]
    /// The largest payload accepted or sent, in bytes (`MAX_PROTOCOL_MESSAGE_LENGTH`, 2 MiB). A frame whose
    /// length field is larger is rejected as soon as its 24-byte header has arrived, before the payload is
    /// buffered.
    public var maxPayload: Int = P2PLimits.maxPayload

    /// Creates a configuration. `magic` must hold exactly 4 bytes.
    public init(magic: [UInt8], maxPayload: Int = P2PLimits.maxPayload) {
        precondition(magic.count == 4, "the network magic is 4 bytes")
        precondition(maxPayload >= 0, "maxPayload must not be negative")
        self.magic = magic
        self.maxPayload = maxPayload
    }
}
