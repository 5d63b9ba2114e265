import FluxPrimitives

extension ChainParameters {
    /// The one-off funding outputs the coinbase at `height` must contain with exactly these values (fluxd
    /// `ContextualCheckTransaction`): exchange fund, foundation fund, swap pool, in that order (several may fall
    /// on one height, as on regtest at 10). Empty at most heights.
    public func fundingOutputs(at height: Int) -> [FundingOutput] {
        var out: [FundingOutput] = []
        if height == funding.exchange.height {
            out.append(FundingOutput(kind: .exchange, script: funding.exchange.destination.script,
                                     amount: funding.exchange.amount))
        }
        if height == funding.foundation.height {
            out.append(FundingOutput(kind: .foundation, script: funding.foundation.destination.script,
                                     amount: funding.foundation.amount))
        }
        if funding.swapPool.isPayoutHeight(height) {
            out.append(FundingOutput(kind: .swapPool, script: funding.swapPool.destination.script,
                                     amount: funding.swapPool.amount))
        }
        return out
    }

    /// The sum of ``fundingOutputs(at:)``: what `ConnectBlock` adds to subsidy + fees as the coinbase value limit.
    public func fundingTotal(at height: Int) -> Amount {
        fundingOutputs(at: height).reduce(.zero) { $0 + $1.amount }
    }

    /// The dev-fund output a PoN coinbase at `height` must contain (``FundingOutput/Kind/devFund``, amount is the
    /// minimum ``devFundMinimum(at:)``); nil at PoW heights.
    public func devFundOutput(at height: Int) -> FundingOutput? {
        guard let minimum = devFundMinimum(at: height) else { return nil }
        return FundingOutput(kind: .devFund, script: funding.devFund.script, amount: minimum)
    }
}
