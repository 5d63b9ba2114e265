import FluxPrimitives

/// The `version` message that opens a connection (fluxd's `PushVersion` / `ProcessMessage("version")`).
///
/// Wire layout: LE32 version ‖ LE64 services ‖ LE64 time ‖ addr_recv (`NetworkAddress`, no time field) ‖
/// addr_from (same) ‖ LE64 nonce ‖ CompactSize-prefixed user agent (≤ 256 bytes) ‖ LE32 start height ‖
/// relay byte. The relay byte is optional when reading (absent means true, BIP 37) and always written; bytes
/// after it are ignored, as fluxd ignores them, for later protocol extensions.
public struct VersionMessage: Hashable, Sendable {
    /// The sender's protocol version (`ProtocolVersion.current` for this node).
    public var version: Int32
    /// The sender's service bits (`ServiceFlags`).
    public var services: UInt64
    /// The sender's clock (unix seconds).
    public var timestamp: Int64
    /// The receiver's address as the sender sees it (`addrMe` at the receiver).
    public var receiver: NetworkAddress
    /// The sender's own address (often `NetworkAddress.unspecified`).
    public var sender: NetworkAddress
    /// A random number identifying the sender, to detect connections to self.
    public var nonce: UInt64
    /// The sender's software (`strSubVer`), e.g. `/MagicBean:9.0.6/`.
    public var userAgent: String
    /// The height of the sender's best chain.
    public var startHeight: Int32
    /// Whether the sender wants transactions announced before it sends `filterload` (BIP 37).
    public var relay: Bool

    /// Creates a version message.
    public init(version: Int32 = ProtocolVersion.current, services: UInt64, timestamp: Int64,
                receiver: NetworkAddress, sender: NetworkAddress = .unspecified, nonce: UInt64, userAgent: String,
                startHeight: Int32, relay: Bool = true) {
        self.version = version
        self.services = services
        self.timestamp = timestamp
        self.receiver = receiver
        self.sender = sender
        self.nonce = nonce
        self.userAgent = userAgent
        self.startHeight = startHeight
        self.relay = relay
    }
}

extension VersionMessage: WireCodable {
    /// Writes every field, the relay byte included.
    public func encode(to writer: inout ByteWriter) {
        writer.writeLE(version)
        writer.writeLE(services)
        writer.writeLE(timestamp)
        receiver.encode(to: &writer)
        sender.encode(to: &writer)
        writer.writeLE(nonce)
        writer.writeString(userAgent)
        writer.writeLE(startHeight)
        writer.writeBool(relay)
    }

    /// Reads the fields up to the start height (required: every supported version sends them), then the
    /// optional relay byte. Trailing bytes are left unread for the caller to ignore.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        version = try reader.readLE(Int32.self, "version.nVersion")
        services = try reader.readLE(UInt64.self, "version.nServices")
        timestamp = try reader.readLE(Int64.self, "version.nTime")
        receiver = try NetworkAddress(from: &reader)
        sender = try NetworkAddress(from: &reader)
        nonce = try reader.readLE(UInt64.self, "version.nNonce")
        userAgent = try reader.readString("version.strSubVer", limit: P2PLimits.maxUserAgent)
        startHeight = try reader.readLE(Int32.self, "version.nStartingHeight")
        relay = reader.isAtEnd ? true : try reader.readBool("version.fRelay")
    }
}
