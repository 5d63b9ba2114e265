import FluxChain
import FluxConsensus
import FluxPrimitives

extension Mempool {
    /// Removes the block's transactions from the pool, and any pooled transaction (with descendants) that
    /// spends an input the block spends or names a collateral the block's FluxNode transactions name or spend.
    public func blockConnected(_ block: Block, entry: BlockIndexEntry) {
        locked {
            feeEstimator.blockConnected(height: entry.height, txids: block.transactions.map(\.txid))
            for tx in block.transactions {
                let txid = tx.txid
                deltas[txid] = nil
                recentlyMined.insert(txid)
                orphans.remove(txid)
                removeOne(txid)
                if let body = tx.fluxNode, let other = collaterals[body.collateral] { removeWithDescendants(other) }
                if tx.isCoinbase { continue }
                for input in tx.inputs {
                    if let other = spenders[input.prevout] { removeWithDescendants(other) }
                    if let node = collaterals[input.prevout] { removeWithDescendants(node) }
                }
            }
        }
    }

    /// Queues the block's transactions (except the coinbase) to be put back into the pool once the tip
    /// settles (the next `tipChanged`), lowest disconnected block first.
    public func blockDisconnected(_ block: Block, entry: BlockIndexEntry) {
        locked {
            let txs = block.transactions.filter { !$0.isCoinbase }
            for tx in txs { recentlyMined.remove(tx.txid) }
            disconnected.insert(contentsOf: txs, at: 0)
            sawDisconnect = true
        }
    }

    /// Re-adds transactions of disconnected blocks (failures are dropped and counted in `reorgFailures`), drops
    /// pooled transactions no longer valid for the next block (expired, non-final, signed for an older
    /// branch id, FluxNode transactions past their lifetime or refused by the judges for the new list; after a
    /// disconnect also those whose inputs vanished or whose coinbase inputs are immature again), then retries the
    /// orphans.
    public func tipChanged(_ tip: BlockIndexEntry) {
        var accepted: [MempoolEntry] = []
        let handler: (@Sendable (MempoolEntry) -> Void)? = locked {
            let ctx = tipContext()
            let queue = disconnected
            disconnected = []
            for tx in queue {
                do throws(MempoolError) {
                    _ = try admit(tx, ctx: ctx, mode: .reorg)
                } catch {
                    if error != .alreadyKnown { reorgFailureCount += 1 }
                }
            }
            revalidate(ctx: ctx, checkInputs: sawDisconnect)
            sawDisconnect = false
            accepted = retryOrphans(ctx: ctx)
            return acceptedHandler
        }
        if let handler { for e in accepted { handler(e) } }
    }

    /// Drops pooled transactions that cannot go into the block after the tip.
    func revalidate(ctx: TipContext, checkInputs: Bool) {
        var doomed: [Hash256] = []
        let params = chain.params
        for (txid, r) in records {
            let tx = r.entry.transaction
            if (try? TransactionRules.checkContextual(tx, height: ctx.nextHeight, params: params)) == nil {
                doomed.append(txid)
                continue
            }
            if tx.isFluxNode {
                // The list moved with the block: a CONFIRM for a node that just expired, or a START whose
                // collateral left the list's rules, would make every block template invalid.
                if ctx.now - r.entry.time > policy.fluxNodeTxLifetime || judgeAgain(r.entry, ctx: ctx) != nil {
                    doomed.append(txid)
                }
                continue
            }
            if r.branchId != ctx.branchId
                || !TransactionRules.isFinal(tx, height: ctx.nextHeight, blockTime: ctx.medianTimePast) {
                doomed.append(txid)
                continue
            }
            guard checkInputs else { continue }
            for input in tx.inputs where records[input.prevout.hash] == nil {
                guard let coin = try? chainCoin(input.prevout) else {
                    doomed.append(txid)
                    break
                }
                if coin.isCoinbase && ctx.nextHeight - coin.height < ConsensusConstants.coinbaseMaturity {
                    doomed.append(txid)
                    break
                }
            }
        }
        for txid in doomed { removeWithDescendants(txid) }
    }

    /// Asks the judges again about every pooled transaction (FluxNode transactions also ``fluxNodeValidator``)
    /// and removes, with their descendants, those now refused: for when the judges change (a plugin loaded or
    /// upgraded), since a transaction the new rules refuse would make every block template invalid.
    /// Call with the chain's lock held, as admissions are. Returns the transactions refused and why (not the
    /// descendants removed with them).
    public func rejudge() -> [(txid: Hash256, reason: RejectReason)] {
        locked {
            let ctx = tipContext()
            var refused: [(txid: Hash256, reason: RejectReason)] = []
            for (txid, r) in records {
                if let reason = judgeAgain(r.entry, ctx: ctx) { refused.append((txid, reason)) }
            }
            for (txid, _) in refused where records[txid] != nil { removeWithDescendants(txid) }
            return refused
        }
    }

    /// The judges' verdict on a pooled transaction for the block after the tip (nil: still admitted).
    func judgeAgain(_ entry: MempoolEntry, ctx: TipContext) -> RejectReason? {
        if entry.transaction.isFluxNode, let check = fluxNodeCheck, let reason = check(entry.transaction, ctx.nextHeight) {
            return reason
        }
        guard let check = transactionCheck else { return nil }
        return check(TransactionVerdictRequest(transaction: entry.transaction, txid: entry.txid, fee: entry.fee,
                                               nextHeight: ctx.nextHeight))
    }
}
