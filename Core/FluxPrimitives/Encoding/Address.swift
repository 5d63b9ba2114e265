/// A transparent Flux address: a P2PKH key hash ("t1…" on mainnet) or a P2SH script hash ("t3…").
public enum Address: Hashable, Sendable {
    /// Pay to the 20-byte HASH160 of a public key.
    case pubKeyHash([UInt8])
    /// Pay to the 20-byte HASH160 of a redeem script.
    case scriptHash([UInt8])

    /// Parses a Base58Check address with the given network's prefixes; nil if it is malformed, has a bad
    /// checksum, or belongs to another network.
    public init?(_ text: String, prefixes: Base58Prefixes) {
        guard let payload = Base58.decodeCheck(text) else { return nil }
        if payload.count == prefixes.pubKeyHash.count + 20, payload.starts(with: prefixes.pubKeyHash) {
            self = .pubKeyHash(Array(payload.dropFirst(prefixes.pubKeyHash.count)))
        } else if payload.count == prefixes.scriptHash.count + 20, payload.starts(with: prefixes.scriptHash) {
            self = .scriptHash(Array(payload.dropFirst(prefixes.scriptHash.count)))
        } else {
            return nil
        }
    }

    /// The address a standard output script pays to, if it is P2PKH or P2SH.
    public init?(script: Script) {
        if let h = script.pubKeyHash { self = .pubKeyHash(h) } else if let h = script.scriptHash {
            self = .scriptHash(h)
        } else { return nil }
    }

    /// Base58Check text with the network's prefixes.
    public func encoded(prefixes: Base58Prefixes) -> String {
        switch self {
        case let .pubKeyHash(h): Base58.encodeCheck(prefixes.pubKeyHash + h)
        case let .scriptHash(h): Base58.encodeCheck(prefixes.scriptHash + h)
        }
    }

    /// The output script that pays to this address.
    public var script: Script {
        switch self {
        case let .pubKeyHash(h): .payToPubKeyHash(h)
        case let .scriptHash(h): .payToScriptHash(h)
        }
    }
}
