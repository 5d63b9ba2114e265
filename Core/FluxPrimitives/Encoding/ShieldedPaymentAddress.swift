/// A shielded payment address as fluxd encodes it: Sprout (Base58Check, a 2-byte prefix, then the 32-byte
/// paying key a_pk and the 32-byte transmission key pk_enc) or Sapling (Bech32 with the network's HRP, of the
/// 11-byte diversifier d and the 32-byte diversified transmission key pk_d). Decoding checks the encoding and
/// sizes only, as fluxd's `DecodePaymentAddress` does; this node holds no shielded keys.
public enum ShieldedPaymentAddress: Sendable, Equatable {
    case sprout(payingKey: [UInt8], transmissionKey: [UInt8])
    case sapling(diversifier: [UInt8], transmissionKey: [UInt8])

    /// A network's shielded address encodings.
    public struct Encoding: Sendable, Equatable {
        /// Sprout Base58Check prefix.
        public let sproutPrefix: [UInt8]
        /// Sapling Bech32 human-readable part.
        public let saplingHRP: String

        /// Creates an encoding.
        public init(sproutPrefix: [UInt8], saplingHRP: String) {
            self.sproutPrefix = sproutPrefix
            self.saplingHRP = saplingHRP
        }

        /// Mainnet: "zc…" Sprout (0x169A), "za1…" Sapling.
        public static let mainnet = Encoding(sproutPrefix: [0x16, 0x9a], saplingHRP: "za")
        /// Testnet: 0x16B6 Sprout, "ztestacadia1…" Sapling.
        public static let testnet = Encoding(sproutPrefix: [0x16, 0xb6], saplingHRP: "ztestacadia")
        /// Regtest: 0x16B6 Sprout, "zregtestsapling1…" Sapling.
        public static let regtest = Encoding(sproutPrefix: [0x16, 0xb6], saplingHRP: "zregtestsapling")
    }

    /// Decodes `text` for a network, or nil when it is not one of its shielded addresses.
    public init?(_ text: String, encoding: Encoding) {
        if let payload = Base58.decodeCheck(text), payload.count == 66, Array(payload[0..<2]) == encoding.sproutPrefix {
            self = .sprout(payingKey: Array(payload[2..<34]), transmissionKey: Array(payload[34..<66]))
            return
        }
        // 43 bytes are 69 five-bit groups.
        guard let (hrp, data) = Bech32.decode(text), hrp == encoding.saplingHRP, data.count == 69,
              let bytes = Bech32.convertBits(data, from: 5, to: 8, pad: false), bytes.count == 43 else { return nil }
        self = .sapling(diversifier: Array(bytes[0..<11]), transmissionKey: Array(bytes[11..<43]))
    }

    /// The address text for a network.
    public func encoded(_ encoding: Encoding) -> String {
        switch self {
        case let .sprout(a, b):
            return Base58.encodeCheck(encoding.sproutPrefix + a + b)
        case let .sapling(d, pk):
            return Bech32.encode(hrp: encoding.saplingHRP, data: Bech32.convertBits(d + pk, from: 8, to: 5, pad: true) ?? [])
        }
    }
}
