/// The Base58Check version prefixes of one network (fluxd's `base58Prefixes`).
public struct Base58Prefixes: Hashable, Sendable {
    /// P2PKH address prefix (mainnet `1CB8`, "t1").
    public var pubKeyHash: [UInt8]
    /// P2SH address prefix (mainnet `1CBD`, "t3").
    public var scriptHash: [UInt8]
    /// WIF secret-key prefix (mainnet `80`).
    public var secretKey: [UInt8]

    /// Creates a prefix set.
    public init(pubKeyHash: [UInt8], scriptHash: [UInt8], secretKey: [UInt8]) {
        self.pubKeyHash = pubKeyHash
        self.scriptHash = scriptHash
        self.secretKey = secretKey
    }
}
