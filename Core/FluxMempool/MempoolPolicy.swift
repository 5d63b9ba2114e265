import FluxPrimitives

/// What the mempool accepts beyond consensus: fees, standardness, sizes and limits.
///
/// Defaults are fluxd's (inherited from Zcash and Bitcoin Core 0.11) unless a field says otherwise.
public struct MempoolPolicy: Sendable {
    /// Total serialized bytes the pool may hold (`-maxmempool`, 300 MB); beyond it the lowest fee-rate
    /// transactions are evicted.
    public var maxBytes = 300 << 20
    /// Minimum fee per 1000 bytes for relay and acceptance (fluxd `DEFAULT_MIN_RELAY_TX_FEE` = 100 units, i.e.
    /// 0.000001 FLUX per kB; `-minrelaytxfee`). A transaction must pay at least `fee(size)` computed as fluxd's
    /// `CFeeRate::GetFee` (`rate × size / 1000`, raised to `rate` when that rounds to zero).
    ///
    /// fluxd itself waives this fee for transactions under ~999 kB and only rate-limits such "free"
    /// transactions; this node requires it of every non-FluxNode transaction. Set it to zero for free relay.
    public var minRelayFeePerKB: Amount = Amount(units: 100)
    /// Largest standard transaction (`MAX_STANDARD_TX_SIZE`); a transaction of this many bytes or more is
    /// non-standard ("tx-size").
    public var maxStandardTxSize = 100_000
    /// Most signature operations (legacy count plus P2SH redeem scripts) a transaction may have
    /// (`MAX_STANDARD_TX_SIGOPS` = `MAX_BLOCK_SIGOPS` / 5).
    public var maxSigOpsPerTx = 4_000
    /// Fee rate defining dust: an output is dust when its value is below 3 × `fee(outputSize + 148)` at this
    /// rate (Bitcoin 0.11's `GetDustThreshold`, which fluxd uses with the min relay fee). 54 units for a P2PKH
    /// output at the default. Zero disables the dust rule. OP_RETURN outputs are exempt.
    public var dustRelayFeePerKB: Amount = Amount(units: 100)
    /// Default expiry delta (blocks after the current height) for transactions this node creates (wallet,
    /// `createrawtransaction`); fluxd's `DEFAULT_TX_EXPIRY_DELTA`. The pool itself does not use it.
    public var expiryDelta = 20
    /// A transaction expiring within this many blocks of the next block is refused ("tx-expiring-soon",
    /// fluxd's `TX_EXPIRING_SOON_THRESHOLD`).
    public var expiringSoonThreshold = 3
    /// Apply the standardness rules (`IsStandardTx`, `AreInputsStandard`). fluxd turns them off on regtest
    /// (`fRequireStandard`); the node decides, the default is on.
    public var requireStandard = true
    /// Transactions with missing inputs kept while their parents are awaited (the oldest goes first).
    public var maxOrphans = 100
    /// Larger orphans are not kept (Bitcoin 0.11 `AddOrphanTx`: 5000 bytes).
    public var maxOrphanTxSize = 5_000
    /// FluxNode transactions leave the pool this many seconds after they entered it (fluxd's
    /// `mapSeenFluxnodeTx` expiry of 1800 s).
    public var fluxNodeTxLifetime: Int64 = 1_800
    /// A FluxNode transaction whose `sigTime` (or CONFIRM `benchmarkSigTime`) is more than this many seconds in
    /// the past is refused ("fluxnode-tx-sig-to-old", fluxd `FLUXNODE_MAX_SIG_TIME`).
    public var fluxNodeMaxSigAge: Int64 = 3_600

    /// fluxd's defaults.
    public init() {}

    /// The minimum relay fee of a transaction of `size` bytes.
    public func minimumFee(size: Int) -> Amount { Self.fee(rate: minRelayFeePerKB, size: size) }

    /// The smallest value an output with `script` may carry without being dust.
    public func dustThreshold(for output: TxOut) -> Amount {
        if output.scriptPubKey.bytes.first == 0x6a { return .zero }
        let size = 8 + compactSizeLength(output.scriptPubKey.bytes.count) + output.scriptPubKey.bytes.count + 148
        return Amount(units: 3 * Self.fee(rate: dustRelayFeePerKB, size: size).units)
    }

    /// `CFeeRate::GetFee`: `rate × size / 1000`, at least `rate` when that would be zero and the rate is not.
    public static func fee(rate: Amount, size: Int) -> Amount {
        let fee = rate.units * Int64(size) / 1000
        return Amount(units: fee == 0 && rate.units > 0 ? rate.units : fee)
    }

    func compactSizeLength(_ n: Int) -> Int { n < 0xfd ? 1 : n <= 0xffff ? 3 : 5 }
}
