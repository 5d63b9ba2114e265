import FluxPrimitives

/// Coins the wallet must not spend (fluxd's `LockCoin` / `UnlockCoin`) and the fee rate `settxfee` sets.
/// Both are kept in memory only, as fluxd keeps them: a restart forgets them (the node locks its FluxNode
/// collateral again at start).
extension Wallet {
    /// Locks outpoints: `createTransaction` and `fund` never choose them, `listUnspent` leaves them out, the
    /// balance still counts them (as fluxd). Any outpoint may be locked, also one the wallet does not own yet.
    public func lockCoins(_ outpoints: [OutPoint]) {
        lock.holding { lockedOutpoints.formUnion(outpoints) }
    }

    /// Unlocks outpoints (unknown ones are ignored).
    public func unlockCoins(_ outpoints: [OutPoint]) {
        lock.holding { lockedOutpoints.subtract(outpoints) }
    }

    /// Unlocks every outpoint.
    public func unlockAllCoins() {
        lock.holding { lockedOutpoints.removeAll() }
    }

    /// The locked outpoints, ordered by txid then index.
    public var lockedCoins: [OutPoint] {
        lock.holding { lockedOutpoints.sorted() }
    }

    /// The fee rate per 1,000 bytes the wallet pays: what `settxfee` set, zero meaning `defaultFeePerKB`
    /// (fluxd's `payTxFee`, reported by `getwalletinfo` as `paytxfee`).
    public var payTxFee: Amount {
        get { lock.holding { payTxFeeRate } }
        set { lock.holding { payTxFeeRate = newValue } }
    }

    /// The rate `createTransaction` uses when none is given. Lock held.
    var effectiveFeeRate: Amount { payTxFeeRate.units > 0 ? payTxFeeRate : Self.defaultFeePerKB }
}

extension Wallet {
    /// A new key's address made for change (fluxd's `getrawchangeaddress`): not listed as a receiving address.
    public func newChangeAddress() throws(WalletError) -> Address {
        try locked { () throws(WalletError) in try generateKey(change: true) }
    }

    /// The confirmed balance the wallet could spend, of one address only when `from` is given (fluxd's
    /// `GetBalance(fromaccount)` for `sendfrom`/`sendmany`): watch-only coins excluded, locked coins included.
    public func balance(from address: Address?) -> Amount {
        lockedQuery {
            let tip = chain.height
            return Amount(units: unspentCoins(tipHeight: tip, includeLocked: true).filter { coin in
                !coin.isWatchOnly && coin.height != nil && (address.map { coin.address == $0 } ?? true)
            }.reduce(0) { $0 + $1.output.value.units })
        }
    }
}

extension Wallet {
    /// The unspent outputs paying the wallet (spendable) of pending transactions whose every input spends a
    /// wallet coin: fluxd's trusted zero-confirmation change, which its `getbalance` counts.
    public func trustedPendingBalance() -> Amount {
        lockedQuery {
            let trusted = Set(pending.filter { _, tx in
                tx.inputs.allSatisfy { input in
                    let coin = coins[input.prevout] ?? pendingCoins[input.prevout]
                    return coin.map { !$0.isWatchOnly } ?? false
                }
            }.keys)
            return Amount(units: pendingCoins.values.filter {
                trusted.contains($0.outpoint.hash) && pendingSpent[$0.outpoint] == nil && !$0.isWatchOnly
            }.reduce(0) { $0 + $1.output.value.units })
        }
    }
}
