/// Why consensus rejects a header, block or transaction: a short reason code in fluxd's style
/// (`high-hash`, `bad-txns-inputs-missingorspent`) and a message a person can act on.
public struct RejectReason: Error, Hashable, Sendable, CustomStringConvertible {
    /// fluxd's reject reason string, stable for scripts and peers.
    public let code: String
    /// What exactly is wrong, with the values involved.
    public let message: String

    /// Creates a reason.
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
