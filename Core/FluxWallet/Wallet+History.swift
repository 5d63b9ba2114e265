import FluxChain
import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage
import Foundation

/// The wallet's transaction history: what `gettransaction`, `listtransactions`, `listsinceblock` and the
/// `*received*` calls read.
extension Wallet {
    /// The recorded transaction `txid` with its amounts, or nil when it is not a wallet transaction.
    public func transactionSummary(_ txid: Hash256, includeWatchOnly: Bool) -> WalletTransactionSummary? {
        lockedQuery {
            guard let wtx = transactions[txid] else { return nil }
            return summary(wtx, includeWatchOnly: includeWatchOnly, spends: spendIndex())
        }
    }

    /// Every recorded transaction with its amounts, in the order they were recorded (oldest first).
    public func history(includeWatchOnly: Bool) -> [WalletTransactionSummary] {
        lockedQuery {
            let spends = spendIndex()
            return transactions.values.sorted { $0.order < $1.order }
                .map { summary($0, includeWatchOnly: includeWatchOnly, spends: spends) }
        }
    }

    /// The number of recorded transactions (fluxd's `txcount`).
    public var transactionCount: Int { lock.holding { transactions.count } }

    /// True when the key of a P2PKH address was made for change (fluxd: not in the address book).
    public func isChange(_ address: Address) -> Bool {
        guard case let .pubKeyHash(hash) = address else { return false }
        return lock.holding { changeKeys.contains(hash) }
    }

    /// The label of a watch-only script, when it is one.
    public func watchLabel(_ script: Script) -> String? {
        lock.holding { watchScripts[script.bytes] }
    }

    /// Outpoint → wallet transactions spending it. Lock held.
    func spendIndex() -> [OutPoint: [Hash256]] {
        var index: [OutPoint: [Hash256]] = [:]
        for (txid, wtx) in transactions where !wtx.transaction.isCoinbase {
            for input in wtx.transaction.inputs { index[input.prevout, default: []].append(txid) }
        }
        return index
    }

    /// The output `outpoint` names when it is a wallet coin or an output of a recorded transaction. Lock held.
    func knownOutput(_ outpoint: OutPoint) -> TxOut? {
        if let coin = coins[outpoint] ?? pendingCoins[outpoint] { return coin.output }
        guard let tx = transactions[outpoint.hash]?.transaction, Int(outpoint.index) < tx.outputs.count else {
            return nil
        }
        return tx.outputs[Int(outpoint.index)]
    }

    /// fluxd's `GetAmounts`, `GetCredit`, `GetDebit` and `GetConflicts` for one transaction. Lock held.
    func summary(_ wtx: WalletTransaction, includeWatchOnly: Bool,
                 spends: [OutPoint: [Hash256]]) -> WalletTransactionSummary {
        let tx = wtx.transaction
        func passes(_ o: Ownership?) -> Bool { o.map { !$0.watchOnly || includeWatchOnly } ?? false }
        var debit: Int64 = 0
        var spendsWatchOnly = false
        var conflicts = Set<Hash256>()
        if !tx.isCoinbase {
            for input in tx.inputs {
                for other in spends[input.prevout] ?? [] where other != wtx.txid { conflicts.insert(other) }
                guard let previous = knownOutput(input.prevout) else { continue }
                let owned = ownership(of: previous.scriptPubKey)
                if owned?.watchOnly == true { spendsWatchOnly = true }
                if passes(owned) { debit += previous.value.units }
            }
        }
        let tipHeight = chain.height
        let immature = tx.isCoinbase && (wtx.block.map {
            tipHeight - $0.height + 1 <= ConsensusConstants.coinbaseMaturity
        } ?? true)
        var credit: Int64 = 0
        var sent: [WalletTransactionSummary.Entry] = []
        var received: [WalletTransactionSummary.Entry] = []
        let valueOut = tx.outputs.reduce(Int64(0)) { $0 + $1.value.units }
        for (n, output) in tx.outputs.enumerated() {
            let owned = ownership(of: output.scriptPubKey)
            let mine = passes(owned)
            if mine && !immature { credit += output.value.units }
            let address = Self.destination(of: output.scriptPubKey)
            let entry = WalletTransactionSummary.Entry(address: address, amount: output.value, vout: n,
                                                       isWatchOnly: owned?.watchOnly ?? false)
            if debit > 0 {
                // fluxd's IsChange: an output paying a wallet key outside the address book is not reported.
                if let owned, !owned.watchOnly, case let .pubKeyHash(h)? = address, changeKeys.contains(h) { continue }
            } else if !mine {
                continue
            }
            if debit > 0 { sent.append(entry) }
            if mine { received.append(entry) }
        }
        let fee = debit > 0 ? max(debit - valueOut, 0) : 0
        return WalletTransactionSummary(transaction: wtx, credit: Amount(units: credit), debit: Amount(units: debit),
                                        fee: Amount(units: fee), isFromMe: debit > 0, spendsWatchOnly: spendsWatchOnly,
                                        sent: sent, received: received,
                                        conflicts: conflicts.sorted { $0.description < $1.description })
    }
}

extension Wallet {
    /// Records a transaction the mempool accepted from anyone (fluxd's `SyncTransaction` for the mempool) in
    /// the history when it pays or spends the wallet: it is listed with 0 confirmations. Unlike
    /// `recordPending` it does not make its outputs spendable or its inputs spent. Safe to call from the
    /// mempool's `onAccepted` hook, also with the chain's lock held on the calling thread.
    /// `txid` is the mempool entry's, so the transaction is not hashed again on this per-transaction path.
    public func recordSeen(_ tx: Transaction, txid: Hash256) {
        guard !tx.isCoinbase, !tx.isFluxNode else { return }
        lockedQuery {
            guard transactions[txid] == nil, involvesWallet(tx) else { return }
            var batch = ChainBatch()
            recordTransaction(tx, txid: txid, block: nil, batch: &batch)
            commitEvent(batch)
        }
    }
}
