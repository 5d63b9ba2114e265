extension ChainParameters {
    /// The Equihash parameter sets a PoW block at `height` may use, newest first, exactly as fluxd's
    /// `validEHparameterList` (which does not look at PoN): a negative height counts as 0; with
    /// `m = max(0, height − fade length)`:
    /// - Kamiooka active at `m` → [epoch 3];
    /// - else Kamiooka active at `height` → [epoch 3, epoch 2] (fade window);
    /// - else Equihash 144/5 active at `m` → [epoch 2];
    /// - else Equihash 144/5 active at `height` → [epoch 2, epoch 1];
    /// - else [epoch 1].
    ///
    /// Mainnet: (200,9) below 125,100; both 125,100 ... 125,110; (144,5) to 372,499; both 372,500 ... 372,510;
    /// (125,4) from 372,511.
    public func validEquihashParameters(at height: Int) -> [EquihashEpoch] {
        let current = max(height, 0)
        let faded = max(current - equihashFadeLength, 0)
        if upgrades.isActive(.kamiooka, at: faded) { return [equihashEpochs[2]] }
        if upgrades.isActive(.kamiooka, at: current) { return [equihashEpochs[2], equihashEpochs[1]] }
        if upgrades.isActive(.equihash144_5, at: faded) { return [equihashEpochs[1]] }
        if upgrades.isActive(.equihash144_5, at: current) { return [equihashEpochs[1], equihashEpochs[0]] }
        return [equihashEpochs[0]]
    }

    /// The Equihash parameter sets allowed at `height`, newest first: ``validEquihashParameters(at:)``, or none
    /// where ``isProofOfNode(at:)`` (PoN blocks carry no Equihash solution; PoW headers are rejected there).
    public func equihashParameters(at height: Int) -> [EquihashEpoch] {
        isProofOfNode(at: height) ? [] : validEquihashParameters(at: height)
    }

    /// Whether a PoW block at `height` must have a solution of an allowed size (the contextual
    /// "bad-equihash-solution-size" check). False only on testnet at heights ≤ 320.
    public func checksEquihashSolutionSize(at height: Int) -> Bool {
        guard let exempt = equihashSizeCheckExemptThroughHeight else { return true }
        return height > exempt
    }
}
