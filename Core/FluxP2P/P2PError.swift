import FluxPrimitives

/// Why bytes from a peer could not be read as a P2P message.
///
/// Framing errors (`badMagic`, `badCommand`, `oversized`, `badChecksum`) leave the stream unusable: the channel
/// should be closed. Payload errors (`malformedPayload`, `tooManyItems`) come from a well-framed message.
/// `banScore` suggests how much misbehaviour to charge the peer (fluxd bans at 100).
public enum P2PError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The frame does not start with this network's magic (a peer on another network, or a lost frame boundary).
    case badMagic(expected: [UInt8], got: [UInt8])
    /// The length field exceeds the limit; reported before any of the payload is buffered.
    case oversized(command: String, length: Int, limit: Int)
    /// The payload does not hash to the checksum in the header.
    case badChecksum(command: String)
    /// The command field is not printable ASCII followed only by NUL padding; when sending, a command name
    /// longer than 12 bytes or not printable ASCII.
    case badCommand
    /// The payload does not parse as the message its command names.
    case malformedPayload(command: String, DecodingError)
    /// A count in the payload exceeds the protocol's limit for that message (checked before allocation).
    case tooManyItems(command: String, count: Int, limit: Int)

    /// Suggested misbehaviour score: 0 for framing errors, as fluxd, which disconnects on a bad magic or an
    /// oversized length and skips a frame with a bad checksum or command, but scores none of them (one glitch
    /// behind a NAT must not ban everyone behind it); 20 for an over-long list, as fluxd's `Misbehaving(20)`
    /// for oversized `inv`, `getdata`, `addr` and `headers`; 20 for a malformed payload.
    public var banScore: Int {
        switch self {
        case .badMagic, .oversized, .badChecksum, .badCommand: 0
        case .malformedPayload, .tooManyItems: 20
        }
    }

    /// True for errors after which the byte stream has lost its framing (or came from the wrong network).
    public var isFramingError: Bool {
        switch self {
        case .badMagic, .oversized, .badChecksum, .badCommand: true
        case .malformedPayload, .tooManyItems: false
        }
    }

    /// A one-line explanation naming the command and the failing field.
    public var description: String {
        switch self {
        case let .badMagic(expected, got):
            "bad magic: expected \(hex(expected)), got \(hex(got))"
        case let .oversized(command, length, limit):
            "\(command): payload of \(length) bytes exceeds the limit of \(limit)"
        case let .badChecksum(command):
            "\(command): checksum mismatch"
        case .badCommand:
            "command is not NUL-padded printable ASCII of at most 12 bytes"
        case let .malformedPayload(command, error):
            "\(command): malformed payload: \(error)"
        case let .tooManyItems(command, count, limit):
            "\(command): \(count) items exceed the limit of \(limit)"
        }
    }

    /// Hashes the same parts `==` compares (`DecodingError` is only `Equatable`, so its field, offset and
    /// description stand in for it).
    public func hash(into hasher: inout Hasher) {
        switch self {
        case let .badMagic(expected, got):
            hasher.combine(0); hasher.combine(expected); hasher.combine(got)
        case let .oversized(command, length, limit):
            hasher.combine(1); hasher.combine(command); hasher.combine(length); hasher.combine(limit)
        case let .badChecksum(command):
            hasher.combine(2); hasher.combine(command)
        case .badCommand:
            hasher.combine(3)
        case let .malformedPayload(command, error):
            hasher.combine(4); hasher.combine(command)
            hasher.combine(error.field); hasher.combine(error.offset); hasher.combine(error.description)
        case let .tooManyItems(command, count, limit):
            hasher.combine(5); hasher.combine(command); hasher.combine(count); hasher.combine(limit)
        }
    }
}

private func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }
