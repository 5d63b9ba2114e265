import FluxEquihash

extension EquihashEpoch {
    /// The verifier's parameters for this epoch: personalisation `ZelProof` for (144,5) and (125,4), with the
    /// ZelHash twist for (125,4); `ZcashPoW` otherwise.
    public var parameters: EquihashParameters {
        // The epochs in the chain parameters are all valid Equihash parameter sets.
        try! EquihashParameters(n: n, k: k, personalization: personalizationTag, twist: twist)
    }
}
