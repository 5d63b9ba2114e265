import FluxPrimitives

/// A `reject` message (BIP 61): why the sender refused something we sent.
///
/// Wire layout: CompactSize-prefixed message (the rejected command, ≤ 12 bytes) ‖ code byte ‖
/// CompactSize-prefixed reason (≤ 256 bytes) ‖ 32-byte hash, present only when the message is `"block"` or
/// `"tx"`.
public struct RejectMessage: Hashable, Sendable {
    /// The command of the rejected message, e.g. `"tx"`, `"block"`, `"version"`.
    public var message: String
    /// The reject code (`REJECT_*`, see the static constants).
    public var code: UInt8
    /// A human-readable reason, e.g. `"bad-txns-inputs-spent"`.
    public var reason: String
    /// The rejected transaction's or block's hash; present exactly when `message` is `"tx"` or `"block"`.
    public var hash: Hash256?

    /// `REJECT_MALFORMED`.
    public static let malformed: UInt8 = 0x01
    /// `REJECT_INVALID`.
    public static let invalid: UInt8 = 0x10
    /// `REJECT_OBSOLETE`: e.g. a peer version below the minimum.
    public static let obsolete: UInt8 = 0x11
    /// `REJECT_DUPLICATE`.
    public static let duplicate: UInt8 = 0x12
    /// `REJECT_NONSTANDARD`.
    public static let nonstandard: UInt8 = 0x40
    /// `REJECT_DUST`.
    public static let dust: UInt8 = 0x41
    /// `REJECT_INSUFFICIENTFEE`.
    public static let insufficientFee: UInt8 = 0x42
    /// `REJECT_CHECKPOINT`.
    public static let checkpoint: UInt8 = 0x43

    /// Creates a reject message. Pass `hash` exactly when `message` is `"tx"` or `"block"`.
    public init(message: String, code: UInt8, reason: String, hash: Hash256? = nil) {
        self.message = message
        self.code = code
        self.reason = reason
        self.hash = hash
    }

    /// True when the wire format carries a hash for `message`.
    public static func carriesHash(_ message: String) -> Bool { message == "block" || message == "tx" }
}

extension RejectMessage: WireCodable {
    /// Writes message ‖ code ‖ reason ‖ the hash if `message` is `"tx"` or `"block"` (zero if `hash` is nil).
    public func encode(to writer: inout ByteWriter) {
        writer.writeString(message)
        writer.writeUInt8(code)
        writer.writeString(reason)
        if Self.carriesHash(message) { writer.writeHash(hash ?? .zero) }
    }

    /// Reads the message; the hash is read only for `"tx"` and `"block"`.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        message = try reader.readString("reject.message", limit: P2PLimits.maxRejectMessage)
        code = try reader.readUInt8("reject.ccode")
        reason = try reader.readString("reject.reason", limit: P2PLimits.maxRejectReason)
        hash = Self.carriesHash(message) ? try reader.readHash("reject.hash") : nil
    }
}
