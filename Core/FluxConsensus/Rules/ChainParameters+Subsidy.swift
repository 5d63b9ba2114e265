import FluxPrimitives

extension ChainParameters {
    /// The PoW-era base block reward, 150 FLUX, before slow start and halvings.
    public static let powBaseSubsidy = Amount.coins(150)

    /// The ZEL-swap premine paid by block 1: 13,020,000 FLUX.
    public static let premineSubsidy = Amount.coins(13_020_000)

    /// The new coins a block at `height` may create (fluxd `GetBlockSubsidy`), excluding funding outputs and fees.
    ///
    /// - PoN heights (``isProofOfNode(at:)``): ``SubsidyParameters/ponInitialSubsidy`` reduced by integer
    ///   `x = x·9/10` once per full ``SubsidyParameters/ponReductionInterval`` since PoN activation, at most
    ///   ``SubsidyParameters/ponMaxReductions`` times.
    /// - Height 1: ``premineSubsidy`` (same code path on every network).
    /// - Slow start with interval S: `h < S/2` → `(150 FLUX / S)·h`; `h < S` → `(150 FLUX / S)·(h+1)`.
    ///   (So genesis is 0 on mainnet; testnet's S = 1 gives 150 FLUX at height 0, a value never used because the
    ///   genesis coinbase is not spendable.)
    /// - Otherwise `halvings = (h − S/2) / halving interval`: ≥ 64 → 0; ≥ 2 → capped at 150 >> 2 = 37.5 FLUX
    ///   (fluxd's "temp solution": there is no third halving); else 150 FLUX >> halvings.
    ///
    /// Negative heights return zero.
    public func blockSubsidy(at height: Int) -> Amount {
        guard height >= 0 else { return .zero }
        if isProofOfNode(at: height) { return ponSubsidy(at: height) }
        if height == 1 { return ChainParameters.premineSubsidy }
        let base = ChainParameters.powBaseSubsidy.units
        let s = subsidy.slowStartInterval
        if height < s / 2 {
            return Amount(units: base / Int64(s) * Int64(height))
        } else if height < s {
            return Amount(units: base / Int64(s) * Int64(height + 1))
        }
        let halvings = (height - subsidy.slowStartShift) / subsidy.halvingInterval
        if halvings >= 64 { return .zero }
        if halvings >= 2 { return Amount(units: base >> 2) }
        return Amount(units: base >> halvings)
    }

    /// The PoN subsidy formula at `height` (assumes PoN is active there).
    private func ponSubsidy(at height: Int) -> Amount {
        let activation = upgrades.activationHeight(of: .pon) ?? 0
        let elapsed = max(height - activation, 0)
        let reductions = min(elapsed / subsidy.ponReductionInterval, subsidy.ponMaxReductions)
        var units = subsidy.ponInitialSubsidy.units
        for _ in 0..<reductions { units = units * 9 / 10 }
        return Amount(units: units)
    }

    /// The exact amount the coinbase at `height` must pay to the node of `tier` that is due (fluxd
    /// `GetFluxnodeSubsidy(height, GetBlockSubsidy(height), tier)`), or zero before
    /// ``FluxnodeParameters/startPaymentsHeight``.
    ///
    /// - PoW heights: `Int64(Double(subsidy) × (percentage × multiplier))` with IEEE doubles, truncated toward
    ///   zero, where the multiplier is 2 once ``NetworkUpgrade/flux`` is active, else 1
    ///   (``FluxnodeTier/powPercentage``).
    /// - PoN heights: integer `subsidy × base / 14 FLUX` with base 1, 3.5 or 9 FLUX in units
    ///   (``FluxnodeTier/ponBaseUnits``).
    public func fluxnodePayout(_ tier: FluxnodeTier, at height: Int) -> Amount {
        guard height >= fluxnode.startPaymentsHeight else { return .zero }
        let blockValue = blockSubsidy(at: height)
        if isProofOfNode(at: height) {
            return Amount(units: blockValue.units * tier.ponBaseUnits / Amount.coins(14).units)
        }
        let multiplier: Double = upgrades.isActive(.flux, at: height) ? 2 : 1
        return Amount(units: Int64(Double(blockValue.units) * (tier.powPercentage * multiplier)))
    }

    /// The three tier payouts at `height`, Cumulus first (see ``fluxnodePayout(_:at:)``).
    public func fluxnodePayouts(at height: Int) -> [Amount] {
        FluxnodeTier.allCases.map { fluxnodePayout($0, at: height) }
    }

    /// The least the PoN coinbase at `height` must pay to the dev fund: subsidy minus all three tier payouts
    /// (0.5 FLUX in PoN year 0). Nil at PoW heights, where there is no dev-fund output. (When a tier has no node,
    /// fluxd's payout check additionally wants the unpaid tier amount in a dev-fund output; that rule needs the
    /// node list and lives with it.)
    public func devFundMinimum(at height: Int) -> Amount? {
        guard isProofOfNode(at: height) else { return nil }
        return fluxnodePayouts(at: height).reduce(blockSubsidy(at: height)) { $0 - $1 }
    }
}
