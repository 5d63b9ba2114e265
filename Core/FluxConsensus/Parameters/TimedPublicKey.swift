/// A public key that signs some kind of FluxNode message from a given time on (benchmark keys, the foundation
/// P2SH-collateral key). fluxd keeps these as `(hex key, unix time)` pairs and uses the newest valid one.
public struct TimedPublicKey: Hashable, Sendable {
    /// The serialized secp256k1 public key (65-byte uncompressed for the keys Flux uses).
    public let publicKey: [UInt8]
    /// Unix time (seconds) from which the key is the one in force.
    public let validFrom: Int64

    /// Creates a timed key.
    public init(publicKey: [UInt8], validFrom: Int64) {
        self.publicKey = publicKey
        self.validFrom = validFrom
    }
}

extension Array where Element == TimedPublicKey {
    /// The newest key whose ``TimedPublicKey/validFrom`` is at or before `time`; nil if none is valid yet.
    /// Assumes the array is ordered by `validFrom`, as every ``ChainParameters`` list is.
    public func key(at time: Int64) -> TimedPublicKey? {
        last { $0.validFrom <= time }
    }
}
