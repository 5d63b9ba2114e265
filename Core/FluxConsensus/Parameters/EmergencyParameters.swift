import FluxPrimitives

/// Parameters of PoN emergency blocks: blocks signed by a quorum of foundation keys instead of a FluxNode.
public struct EmergencyParameters: Hashable, Sendable {
    /// The compressed secp256k1 public keys allowed to sign (33 bytes each).
    public let publicKeys: [[UInt8]]
    /// How many distinct keys must sign.
    public let minimumSignatures: Int
    /// The fixed pseudo-collateral txid an emergency block header names (all bytes 0x11).
    public let collateralHash: Hash256
    /// The pseudo-collateral output index.
    public let collateralIndex: UInt32

    /// Creates a parameter set.
    public init(publicKeys: [[UInt8]], minimumSignatures: Int, collateralHash: Hash256, collateralIndex: UInt32) {
        self.publicKeys = publicKeys
        self.minimumSignatures = minimumSignatures
        self.collateralHash = collateralHash
        self.collateralIndex = collateralIndex
    }
}
