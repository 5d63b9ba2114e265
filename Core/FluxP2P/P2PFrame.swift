import FluxPrimitives
import NIOCore

/// The envelope around every message: magic (4) ‖ command (12 bytes of printable ASCII, NUL-padded) ‖ LE32
/// payload length ‖ checksum (the first 4 bytes of SHA256d(payload)) ‖ payload.
///
/// `read(from:configuration:)` checks the header before waiting for the payload: a wrong magic is reported as
/// soon as 4 bytes have arrived, a bad command or an over-limit length as soon as the 24-byte header has, so a
/// peer claiming a 4 GiB payload costs nothing.
public enum P2PFrame {
    /// The checksum of `payload`: the first 4 bytes of its SHA256d.
    public static func checksum(_ payload: [UInt8]) -> [UInt8] {
        Array(Hashing.sha256d(payload).bytes.prefix(4))
    }

    /// The whole frame of `message`. Throws `.badCommand` for an `.unknown` command that cannot be framed and
    /// `.oversized` for a payload above `configuration.maxPayload`.
    public static func encode(_ message: P2PMessage, configuration: P2PConfiguration) throws(P2PError) -> [UInt8] {
        let payload = message.encodePayload()
        var frame = try header(command: message.command, payload: payload, configuration: configuration)
        frame += payload
        return frame
    }

    /// Appends the frame of `message` to `buffer` (see `encode(_:configuration:)`).
    public static func write(_ message: P2PMessage, configuration: P2PConfiguration,
                             to buffer: inout ByteBuffer) throws(P2PError) {
        let payload = message.encodePayload()
        let header = try header(command: message.command, payload: payload, configuration: configuration)
        buffer.reserveCapacity(minimumWritableBytes: header.count + payload.count)
        buffer.writeBytes(header)
        buffer.writeBytes(payload)
    }

    /// Reads one message from the front of `buffer`, or returns nil (consuming nothing) if the frame is not
    /// complete yet.
    ///
    /// Framing errors (`.badMagic`, `.badCommand`, `.oversized`) consume nothing: the stream is unusable after
    /// them. Once a whole frame is present it is consumed, and then `.badChecksum`, `.malformedPayload` or
    /// `.tooManyItems` may be thrown for it; reading can continue with the next frame.
    public static func read(from buffer: inout ByteBuffer, configuration: P2PConfiguration) throws(P2PError) -> P2PMessage? {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= 4 else { return nil }
        let magic = buffer.getBytes(at: start, length: 4)!
        guard magic == configuration.magic else { throw .badMagic(expected: configuration.magic, got: magic) }
        guard buffer.readableBytes >= P2PLimits.headerSize else { return nil }
        let command = try parseCommand(buffer.getBytes(at: start + 4, length: P2PLimits.commandSize)!)
        let length = Int(buffer.getInteger(at: start + 16, endianness: .little, as: UInt32.self)!)
        if length > configuration.maxPayload {
            throw .oversized(command: command, length: length, limit: configuration.maxPayload)
        }
        guard buffer.readableBytes >= P2PLimits.headerSize + length else { return nil }
        let expected = buffer.getBytes(at: start + 20, length: 4)!
        buffer.moveReaderIndex(forwardBy: P2PLimits.headerSize)
        let payload = buffer.readBytes(length: length)!
        guard checksum(payload) == expected else { throw .badChecksum(command: command) }
        return try P2PMessage.decode(command: command, payload: payload)
    }

    /// The 24-byte header for `payload` sent as `command`.
    static func header(command: String, payload: [UInt8],
                       configuration: P2PConfiguration) throws(P2PError) -> [UInt8] {
        if payload.count > configuration.maxPayload {
            throw .oversized(command: command, length: payload.count, limit: configuration.maxPayload)
        }
        var w = ByteWriter(capacity: P2PLimits.headerSize)
        w.writeBytes(configuration.magic)
        w.writeBytes(try commandField(command))
        w.writeLE(UInt32(payload.count))
        w.writeBytes(checksum(payload))
        return w.bytes
    }

    /// `command` as the 12-byte NUL-padded field; `.badCommand` if it is longer or not printable ASCII.
    static func commandField(_ command: String) throws(P2PError) -> [UInt8] {
        let bytes = Array(command.utf8)
        guard bytes.count <= P2PLimits.commandSize, bytes.allSatisfy(isPrintableASCII) else { throw .badCommand }
        return bytes + [UInt8](repeating: 0, count: P2PLimits.commandSize - bytes.count)
    }

    /// The command in a 12-byte field: printable ASCII up to the first NUL, then only NULs (`IsCommandValid`).
    static func parseCommand(_ field: [UInt8]) throws(P2PError) -> String {
        let end = field.firstIndex(of: 0) ?? field.count
        guard field[..<end].allSatisfy(isPrintableASCII), field[end...].allSatisfy({ $0 == 0 }) else {
            throw .badCommand
        }
        return String(decoding: field[..<end], as: UTF8.self)
    }

    private static func isPrintableASCII(_ byte: UInt8) -> Bool { byte >= 0x20 && byte <= 0x7E }
}
