import FluxPrimitives

/// An address a consensus rule pays to, with its output script (both kept so neither needs decoding at run time).
public struct FundingDestination: Hashable, Sendable {
    /// The Base58Check transparent address, in the network's prefixes.
    public let address: String
    /// The output script (`scriptPubKey`) the coinbase output must carry.
    public let script: Script

    /// Creates a destination; `script` must be the script of `address`.
    public init(address: String, script: Script) {
        self.address = address
        self.script = script
    }
}
