/// The Base58Check prefixes of a network beyond the transparent ones in `Base58Prefixes`: BIP32 extended keys
/// and the legacy Sprout shielded encodings.
public struct KeyPrefixes: Hashable, Sendable {
    /// BIP32 extended public key (`EXT_PUBLIC_KEY`; mainnet `0488B21E`).
    public let extendedPublicKey: [UInt8]
    /// BIP32 extended secret key (`EXT_SECRET_KEY`; mainnet `0488ADE4`).
    public let extendedSecretKey: [UInt8]
    /// Sprout payment address (`ZCPAYMENT_ADDRRESS`; mainnet `169A`, "zc…").
    public let sproutPaymentAddress: [UInt8]
    /// Sprout viewing key (`ZCVIEWING_KEY`; mainnet `A8ABD3`).
    public let sproutViewingKey: [UInt8]
    /// Sprout spending key (`ZCSPENDING_KEY`; mainnet `AB36`).
    public let sproutSpendingKey: [UInt8]

    /// Creates the prefix set.
    public init(extendedPublicKey: [UInt8], extendedSecretKey: [UInt8], sproutPaymentAddress: [UInt8],
                sproutViewingKey: [UInt8], sproutSpendingKey: [UInt8]) {
        self.extendedPublicKey = extendedPublicKey
        self.extendedSecretKey = extendedSecretKey
        self.sproutPaymentAddress = sproutPaymentAddress
        self.sproutViewingKey = sproutViewingKey
        self.sproutSpendingKey = sproutSpendingKey
    }
}
