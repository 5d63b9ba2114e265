import FluxChain
import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage

extension Mempool {
    /// The chain state a transaction is checked against: the block after the tip.
    struct TipContext {
        let tipHeight: Int
        let nextHeight: Int
        /// Median time past of the tip, the lock-time cutoff for the next block (fluxd's
        /// `STANDARD_LOCKTIME_VERIFY_FLAGS` = median time past).
        let medianTimePast: UInt32
        let branchId: UInt32
        let now: Int64
    }

    /// Why a transaction is being admitted.
    enum AdmitMode {
        /// Arrived from a peer, the wallet or RPC.
        case relay
        /// Taken out of a disconnected block: no minimum fee (it was mined once), never an orphan.
        case reorg
    }

    /// Validates `tx` against the chain and the pool for inclusion in the next block and adds it: fluxd's
    /// `AcceptToMemoryPool`. Consensus rules (context-free, contextual at tip + 1, finality against the tip's
    /// median time past, inputs from the UTXO set or pooled parents, coinbase maturity, value conservation,
    /// scripts) and policy (expiring within 3 blocks, standardness, dust, sigops, minimum relay fee, no
    /// double spend of a pooled input), then ``transactionValidator`` (the node's plugins). Transactions whose
    /// inputs are missing are kept as orphans and accepted when a parent arrives; each accepted orphan is also
    /// returned through `onAccepted`.
    ///
    /// FluxNode (v5/v6) transactions pay no fee; at most one per collateral is pooled, and one with a newer
    /// `sigTime` replaces it (fluxd's policy).
    ///
    /// Takes the chain's lock, then the pool's; `onAccepted` runs after both are released.
    @discardableResult
    public func accept(_ tx: Transaction) throws(MempoolError) -> MempoolEntry {
        var accepted: [MempoolEntry] = []
        var handler: (@Sendable (MempoolEntry) -> Void)?
        let result: Result<MempoolEntry, MempoolError> = chain.withLock {
            locked {
                handler = acceptedHandler
                let ctx = tipContext()
                do throws(MempoolError) {
                    let entry = try admit(tx, ctx: ctx, mode: .relay)
                    accepted.append(entry)
                    accepted += acceptOrphans(after: [entry.txid], ctx: ctx)
                    return .success(entry)
                } catch {
                    if case .missingInputs = error, tx.serializedSize <= policy.maxOrphanTxSize {
                        orphans.add(tx, txid: tx.txid, limit: policy.maxOrphans)
                    }
                    return .failure(error)
                }
            }
        }
        if let handler { for e in accepted { handler(e) } }
        return try result.get()
    }

    /// The context for the block after the tip (chain lock held).
    func tipContext() -> TipContext {
        let tipHeight = chain.height
        return TipContext(tipHeight: tipHeight, nextHeight: tipHeight + 1, medianTimePast: chain.medianTimePast(),
                          branchId: chain.params.upgrades.currentBranchId(at: tipHeight + 1), now: now())
    }

    /// Accepts orphans that spend outputs of the transactions in `txids`, and in turn their orphans.
    func acceptOrphans(after txids: [Hash256], ctx: TipContext) -> [MempoolEntry] {
        var queue = txids
        var accepted: [MempoolEntry] = []
        while let txid = queue.popLast() {
            guard let r = records[txid] else { continue }
            for orphan in orphans.spending(outputsOf: txid, outputCount: r.entry.transaction.outputs.count) {
                let id = orphan.txid
                guard orphans.contains(id) else { continue }
                do throws(MempoolError) {
                    let entry = try admit(orphan, ctx: ctx, mode: .relay)
                    orphans.remove(id)
                    accepted.append(entry)
                    queue.append(id)
                } catch {
                    if case .missingInputs = error { continue }
                    orphans.remove(id)
                }
            }
        }
        return accepted
    }

    /// Tries every orphan again (after the tip changed); returns those accepted.
    func retryOrphans(ctx: TipContext) -> [MempoolEntry] {
        var accepted: [MempoolEntry] = []
        for orphan in orphans.all {
            let id = orphan.txid
            guard orphans.contains(id) else { continue }
            do throws(MempoolError) {
                let entry = try admit(orphan, ctx: ctx, mode: .relay)
                orphans.remove(id)
                accepted.append(entry)
                accepted += acceptOrphans(after: [id], ctx: ctx)
            } catch {
                if case .missingInputs = error { continue }
                orphans.remove(id)
            }
        }
        return accepted
    }

    func chainCoin(_ outpoint: OutPoint) throws(MempoolError) -> Coin? {
        do { return try chain.coin(outpoint) } catch {
            throw .rejected(RejectReason("storage-error", "reading \(outpoint): \(error)"))
        }
    }

    /// True when `tx` expires before the block `threshold` blocks after `height` (fluxd `IsExpiringSoonTx`).
    func isExpiring(_ tx: Transaction, height: Int) -> Bool {
        !tx.isCoinbase && tx.expiryHeight != 0 && Int64(height) > Int64(tx.expiryHeight)
    }

    /// Checks `tx` and adds it to the pool (both locks held). Does not touch the orphan pool.
    func admit(_ tx: Transaction, ctx: TipContext, mode: AdmitMode) throws(MempoolError) -> MempoolEntry {
        let txid = tx.txid
        if records[txid] != nil { throw .alreadyKnown }
        func reject(_ code: String, _ message: String) -> MempoolError { .rejected(RejectReason(code, message)) }

        do { try TransactionRules.checkContextFree(tx) } catch { throw .rejected(error) }
        do { try TransactionRules.checkContextual(tx, height: ctx.nextHeight, params: chain.params) } catch {
            throw .rejected(error)
        }
        if isExpiring(tx, height: ctx.nextHeight + policy.expiringSoonThreshold) {
            throw reject("tx-expiring-soon", "expires at height \(tx.expiryHeight), next block is \(ctx.nextHeight)")
        }
        if tx.isCoinbase { throw reject("coinbase", "a coinbase is only valid in a block") }
        if let body = tx.fluxNode { return try admitFluxNode(tx, txid: txid, body: body, ctx: ctx) }
        if !tx.joinSplits.isEmpty || !tx.shieldedSpends.isEmpty || !tx.shieldedOutputs.isEmpty {
            throw reject("tx-shielded-unsupported", "JoinSplits and Sapling parts are not relayed (proofs are not verified)")
        }
        if policy.requireStandard { try checkStandard(tx) }
        if !TransactionRules.isFinal(tx, height: ctx.nextHeight, blockTime: ctx.medianTimePast) {
            throw reject("non-final", "lock time \(tx.lockTime) not reached at height \(ctx.nextHeight)")
        }
        for input in tx.inputs {
            if let other = spenders[input.prevout] {
                throw reject("txn-mempool-conflict", "input \(input.prevout) is already spent by pooled \(other)")
            }
        }
        if recentlyMined.contains(txid) { throw .alreadyKnown }
        for n in tx.outputs.indices where try chainCoin(OutPoint(hash: txid, index: UInt32(n))) != nil {
            throw .alreadyKnown
        }

        // Inputs: pooled parents first, then the UTXO set.
        var coins: [Coin] = []
        var parents = Set<Hash256>()
        var missing: [OutPoint] = []
        for input in tx.inputs {
            let o = input.prevout
            if let parent = records[o.hash] {
                let outputs = parent.entry.transaction.outputs
                guard Int(o.index) < outputs.count else {
                    throw reject("bad-txns-inputs-missingorspent", "pooled \(o.hash) has no output \(o.index)")
                }
                coins.append(Coin(output: outputs[Int(o.index)], height: ctx.nextHeight, isCoinbase: false))
                parents.insert(o.hash)
            } else if let coin = try chainCoin(o) {
                coins.append(coin)
            } else {
                missing.append(o)
            }
        }
        if !missing.isEmpty {
            for o in missing where try isKnownSpent(o) {
                throw reject("bad-txns-inputs-spent", "input \(o) was spent already")
            }
            if mode == .reorg { throw reject("bad-txns-inputs-missingorspent", "inputs missing after reorganisation") }
            throw .missingInputs(missing)
        }

        // Coinbase maturity and value conservation (fluxd `Consensus::CheckTxInputs`).
        let protectCoinbase = chain.params.coinbaseMustBeProtected && !chain.params.upgrades.isActive(.flux, at: ctx.nextHeight)
        var valueIn: Int64 = 0
        for coin in coins {
            if coin.isCoinbase {
                if ctx.nextHeight - coin.height < ConsensusConstants.coinbaseMaturity {
                    throw reject("bad-txns-premature-spend-of-coinbase",
                                 "spends a coinbase of height \(coin.height) at height \(ctx.nextHeight)")
                }
                if protectCoinbase && !tx.outputs.isEmpty {
                    throw reject("bad-txns-coinbase-spend-has-transparent-outputs", "coinbase spent into transparent outputs")
                }
            }
            valueIn += coin.output.value.units
            if !coin.output.value.isInMoneyRange || !Amount(units: valueIn).isInMoneyRange {
                throw reject("bad-txns-inputvalues-outofrange", "input values out of range")
            }
        }
        let valueOut = tx.transparentValueOut
        if valueIn < valueOut {
            throw reject("bad-txns-in-belowout", "spends \(Amount(units: valueIn)) but pays \(Amount(units: valueOut))")
        }
        let fee = Amount(units: valueIn - valueOut)
        if !fee.isInMoneyRange { throw reject("bad-txns-fee-outofrange", "fee out of range") }

        if policy.requireStandard && !inputsAreStandard(tx, coins: coins) {
            throw reject("bad-txns-nonstandard-inputs", "an input spends a non-standard script or has extra items")
        }
        var sigOps = tx.inputs.reduce(0) { $0 + $1.scriptSig.legacySigOpCount(accurate: false) }
            + tx.outputs.reduce(0) { $0 + $1.scriptPubKey.legacySigOpCount(accurate: false) }
        for (k, coin) in coins.enumerated() where coin.output.scriptPubKey.scriptHash != nil {
            sigOps += coin.output.scriptPubKey.p2shSigOpCount(scriptSig: tx.inputs[k].scriptSig)
        }
        if sigOps > policy.maxSigOpsPerTx {
            throw reject("bad-txns-too-many-sigops", "\(sigOps) signature operations (limit \(policy.maxSigOpsPerTx))")
        }
        let size = tx.serializedSize
        // fluxd waives the relay minimum for a transaction prioritised upwards (GetMinRelayFee).
        let prioritised = deltas[txid].map { $0.priority > 0 || $0.fee > 0 } ?? false
        if mode == .relay && !prioritised {
            let minimum = policy.minimumFee(size: size)
            if fee < minimum { throw reject("insufficient fee", "fee \(fee.units) < \(minimum.units) for \(size) bytes") }
        }
        try verifyScripts(tx, coins: coins, branchId: ctx.branchId)
        if let check = transactionCheck,
           let reason = check(TransactionVerdictRequest(transaction: tx, txid: txid, fee: fee, nextHeight: ctx.nextHeight)) {
            throw .rejected(reason)
        }

        let entry = MempoolEntry(transaction: tx, txid: txid, fee: fee, size: size, time: ctx.now, height: ctx.tipHeight)
        insert(entry, parents: parents, sigOps: sigOps, branchId: ctx.branchId)
        if mode == .relay && parents.isEmpty {
            feeEstimator.track(txid, feeRate: entry.feeRate, height: ctx.tipHeight)
        }
        if trimToSize().contains(txid) {
            throw reject("mempool full", "fee rate \(entry.feeRate) per kB is too low for a full pool")
        }
        return entry
    }

    /// A missing input whose transaction is known to have been mined (recently, or with other outputs still
    /// unspent), so the output was spent rather than not yet seen (fluxd's `HaveCoins` versus `HaveInputs`).
    /// Only the first four outputs are probed.
    func isKnownSpent(_ o: OutPoint) throws(MempoolError) -> Bool {
        if recentlyMined.contains(o.hash) { return true }
        for n in UInt32(0)..<4 where n != o.index {
            if try chainCoin(OutPoint(hash: o.hash, index: n)) != nil { return true }
        }
        return false
    }

    /// Runs every input script with the standard flags, and on failure again with the mandatory flags to tell
    /// a non-standard script from an invalid one (fluxd's `ContextualCheckInputs` reasons).
    func verifyScripts(_ tx: Transaction, coins: [Coin], branchId: UInt32) throws(MempoolError) {
        let cache = SighashCache(tx: tx)
        for (i, input) in tx.inputs.enumerated() {
            let checker = TransactionSignatureChecker(tx: tx, inputIndex: i, amount: coins[i].output.value,
                                                      branchId: branchId, cache: cache)
            let scriptPubKey = coins[i].output.scriptPubKey
            do {
                try ScriptInterpreter.verify(scriptSig: input.scriptSig, scriptPubKey: scriptPubKey, flags: .standard,
                                             checker: checker)
            } catch {
                do {
                    try ScriptInterpreter.verify(scriptSig: input.scriptSig, scriptPubKey: scriptPubKey,
                                                 flags: .mandatory, checker: checker)
                } catch {
                    throw .rejected(RejectReason("mandatory-script-verify-flag-failed (\(error))",
                                                 "tx \(tx.txid) input \(i)"))
                }
                throw .rejected(RejectReason("non-mandatory-script-verify-flag (\(error))", "tx \(tx.txid) input \(i)"))
            }
        }
    }

    /// FluxNode START/CONFIRM: the mempool-only rules of fluxd's `AcceptToMemoryPool` (one per collateral, newer
    /// `sigTime` replaces, signatures at most `fluxNodeMaxSigAge` old), the START collateral's existence and
    /// age, then the plugin's checks.
    func admitFluxNode(_ tx: Transaction, txid: Hash256, body: FluxNodeTransaction,
                       ctx: TipContext) throws(MempoolError) -> MempoolEntry {
        func reject(_ code: String, _ message: String) -> MempoolError { .rejected(RejectReason(code, message)) }
        let collateral = body.collateral
        var replaced: Hash256?
        if let pooled = collaterals[collateral], let old = records[pooled]?.entry.transaction.fluxNode {
            guard body.sigTime > old.sigTime else {
                throw reject("fluxnode-tx-outpoint-sigTime-older-cant-replace",
                             "pooled \(pooled) for \(collateral.shortDescription) has sigTime \(old.sigTime) ≥ \(body.sigTime)")
            }
            replaced = pooled
        }
        if ctx.now - Int64(body.sigTime) > policy.fluxNodeMaxSigAge {
            throw reject("fluxnode-tx-sig-to-old", "sigTime \(body.sigTime) is more than \(policy.fluxNodeMaxSigAge) s old")
        }
        if case let .confirm(confirm) = body, ctx.now - Int64(confirm.benchmarkSigTime) > policy.fluxNodeMaxSigAge {
            throw reject("fluxnode-tx-bench-sig-to-old",
                         "benchmarkSigTime \(confirm.benchmarkSigTime) is more than \(policy.fluxNodeMaxSigAge) s old")
        }
        if recentlyMined.contains(txid) { throw .alreadyKnown }
        if case .start = body {
            let code = "bad-txns-fluxnode-inputs-invalid-spent-or-bad-value"
            guard let coin = try chainCoin(collateral) else {
                throw reject(code, "collateral \(collateral.shortDescription) is not an unspent output")
            }
            if ctx.nextHeight - coin.height < Self.collateralConfirmations {
                throw reject(code, "collateral \(collateral.shortDescription) has fewer than \(Self.collateralConfirmations) confirmations")
            }
        }
        if let check = fluxNodeCheck, let reason = check(tx, ctx.nextHeight) { throw .rejected(reason) }
        if let check = transactionCheck,
           let reason = check(TransactionVerdictRequest(transaction: tx, txid: txid, fee: .zero, nextHeight: ctx.nextHeight)) {
            throw .rejected(reason)
        }
        if let replaced { removeWithDescendants(replaced) }
        let entry = MempoolEntry(transaction: tx, txid: txid, fee: .zero, size: tx.serializedSize, time: ctx.now,
                                 height: ctx.tipHeight)
        insert(entry, parents: [], sigOps: 0, branchId: ctx.branchId)
        return entry
    }

    /// Confirmations a START's collateral needs (fluxd `FLUXNODE_MIN_CONFIRMATION_DETERMINISTIC`).
    static let collateralConfirmations = 100
}

extension FluxNodeTransaction {
    /// The signature time of a START or CONFIRM.
    var sigTime: UInt32 {
        switch self {
        case let .start(s): s.sigTime
        case let .confirm(c): c.sigTime
        }
    }
}
