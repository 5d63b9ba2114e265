/// A private key in Wallet Import Format: Base58Check of prefix ‖ 32-byte secret ‖ optional `01` (compressed).
public struct WIF: Hashable, Sendable {
    /// The 32-byte secret (big-endian scalar).
    public var secret: [UInt8]
    /// Whether the matching public key is used in compressed (33-byte) form.
    public var compressed: Bool

    /// Creates a WIF key from a secret.
    public init(secret: [UInt8], compressed: Bool) {
        precondition(secret.count == 32)
        self.secret = secret
        self.compressed = compressed
    }

    /// Parses WIF text with the network's prefixes; nil if malformed or for another network.
    public init?(_ text: String, prefixes: Base58Prefixes) {
        guard let payload = Base58.decodeCheck(text), payload.starts(with: prefixes.secretKey) else { return nil }
        let body = payload.dropFirst(prefixes.secretKey.count)
        if body.count == 33, body.last == 1 {
            self.init(secret: Array(body.prefix(32)), compressed: true)
        } else if body.count == 32 {
            self.init(secret: Array(body), compressed: false)
        } else {
            return nil
        }
    }

    /// The WIF text for the network's prefixes.
    public func encoded(prefixes: Base58Prefixes) -> String {
        Base58.encodeCheck(prefixes.secretKey + secret + (compressed ? [1] : []))
    }
}
