import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage

/// Building and recording the wallet's own transactions.
extension Wallet {
    /// Builds and signs a transaction paying `outputs`.
    ///
    /// - Coin selection: oldest confirmed coins first (by height, then outpoint), then the wallet's own
    ///   unconfirmed change, until the amounts and the fee are covered.
    /// - Fee: `feePerKB` (default `defaultFeePerKB`, 1,000 units per 1,000 bytes) times the signed size,
    ///   estimated for maximal 72-byte signatures, and never below `minimumFee` (1,000 units).
    /// - Change goes to a new wallet address at a random position; change below `dustThreshold` is left to
    ///   the fee. With `subtractFeeFromAmount` the recipients pay the fee, split equally (the first pays any
    ///   remainder).
    /// - Format: version 1 before Acadia; from Acadia (at the next block's height) a v4 Sapling-format
    ///   transaction with expiry height = next height + `expiryDelta`.
    ///
    /// The transaction is not recorded: call `recordPending` once the mempool has accepted it. Two calls
    /// without that in between may choose the same coins.
    ///
    /// - Returns: the signed transaction and its fee.
    /// - Throws: `.invalidAmount` (no outputs, amount out of range or dust, fee rate negative, recipients
    ///   unable to pay the fee, transaction too large), `.insufficientFunds`, `.signingFailed`, `.storage` (the
    ///   change key could not be stored).
    public func createTransaction(paying outputs: [(Address, Amount)], feePerKB: Amount? = nil,
                                  subtractFeeFromAmount: Bool = false)
        throws(WalletError) -> (transaction: Transaction, fee: Amount) {
        guard !outputs.isEmpty else { throw .invalidAmount("no outputs to pay") }
        for (_, value) in outputs {
            guard value.units > 0, value.isInMoneyRange else { throw .invalidAmount("amount \(value) out of range") }
            guard value >= Self.dustThreshold else {
                throw .invalidAmount("Transaction amount too small: \(value) is below the dust threshold")
            }
        }
        guard let target = Amount.checkedSum(outputs.map(\.1)) else {
            throw .invalidAmount("the amounts add up to more than the money range")
        }
        let rate = feePerKB ?? Self.defaultFeePerKB
        guard rate.isInMoneyRange else { throw .invalidAmount("fee rate \(rate) per kB out of range") }

        return try locked { () throws(WalletError) in
            let nextHeight = chain.height + 1
            let sapling = chain.params.upgrades.isActive(.acadia, at: nextHeight)
            var payments = outputs.map { TxOut(value: $0.1, scriptPubKey: $0.0.script) }
            let candidates = spendableCoins(tipHeight: nextHeight - 1)
            let available = Amount(units: candidates.reduce(0) { $0 + $1.output.value.units })

            // Oldest first until the amounts (and, unless the recipients pay it, the fee) are covered.
            var selected: [WalletCoin] = []
            var total: Int64 = 0
            var fee = Self.minimumFee
            func needed() -> Int64 { subtractFeeFromAmount ? target.units : target.units + fee.units }
            for coin in candidates {
                if !selected.isEmpty && total >= needed() { break }
                selected.append(coin)
                total += coin.output.value.units
                fee = self.fee(rate: rate, size: estimatedSize(inputs: selected, outputs: payments, sapling: sapling,
                                                               withChange: true))
            }
            guard !selected.isEmpty, total >= needed() else {
                throw .insufficientFunds(needed: Amount(units: needed()), available: available)
            }

            if subtractFeeFromAmount {
                let share = fee.units / Int64(payments.count)
                let remainder = fee.units - share * Int64(payments.count)
                for i in payments.indices {
                    payments[i].value = Amount(units: payments[i].value.units - share - (i == 0 ? remainder : 0))
                    guard payments[i].value >= Self.dustThreshold else {
                        throw .invalidAmount("The transaction amount is too small to pay the fee")
                    }
                }
            }
            let paid = payments.reduce(0) { $0 + $1.value.units }
            // With subtractFeeFromAmount `paid` is already net of the fee, so the same formula holds in both cases.
            let change = total - paid - fee.units
            var txOutputs = payments
            if change >= Self.dustThreshold.units {
                let changeAddress = try generateKey()
                let position = Int.random(in: 0...txOutputs.count)
                txOutputs.insert(TxOut(value: Amount(units: change), scriptPubKey: changeAddress.script), at: position)
            }

            let inputs = selected.map { TxIn(prevout: $0.outpoint, scriptSig: []) }
            var tx = sapling
                ? Transaction.sapling(inputs: inputs, outputs: txOutputs,
                                      expiryHeight: UInt32(nextHeight + Self.expiryDelta))
                : Transaction(version: 1, inputs: inputs, outputs: txOutputs)
            let branchId = chain.params.upgrades.currentBranchId(at: nextHeight)
            for (i, coin) in selected.enumerated() {
                guard let scriptSig = signature(tx: tx, input: i, spending: coin.output, hashType: .all,
                                                branchId: branchId, extraKeys: [:]) else {
                    throw .signingFailed("no key or no digest for input \(i) (\(coin.outpoint))")
                }
                tx.inputs[i].scriptSig = scriptSig
            }
            let cache = SighashCache(tx: tx)
            for (i, coin) in selected.enumerated() {
                if let error = verify(tx: tx, input: i, spending: coin.output, branchId: branchId, cache: cache) {
                    throw .signingFailed("input \(i) does not verify: \(error)")
                }
            }
            guard tx.serializedSize <= ConsensusConstants.maxTxSize(saplingActive: sapling) else {
                throw .invalidAmount("Transaction too large (\(tx.serializedSize) bytes): send a smaller amount")
            }
            return (tx, Amount(units: total - txOutputs.reduce(0) { $0 + $1.value.units }))
        }
    }

    /// Marks `tx` as sent: the wallet coins it spends are no longer spendable and its outputs paying wallet
    /// keys appear as unconfirmed. Call after the mempool accepted it. Ignored when it neither spends nor pays
    /// the wallet, or is already pending. The record is stored; it is dropped when a block confirms the
    /// transaction, when a block spends one of its inputs otherwise, or when it expires.
    public func recordPending(_ tx: Transaction) {
        lockedQuery {
            let txid = tx.txid
            guard pending[txid] == nil, !tx.isCoinbase, !tx.isFluxNode else { return }
            let spendsOurs = tx.inputs.contains { coins[$0.prevout] != nil || pendingCoins[$0.prevout] != nil }
            let paysUs = tx.outputs.contains { owner(of: $0.scriptPubKey) != nil }
            let confirmed = tx.outputs.indices.contains { coins[OutPoint(hash: txid, index: UInt32($0))] != nil }
            guard spendsOurs || paysUs, !confirmed else { return }
            pending[txid] = tx
            rebuildPendingIndex()
            var batch = ChainBatch()
            batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.pending(txid), value: tx.serialized)
            commitEvent(batch)
        }
    }

    /// The fee for `size` bytes at `rate` per 1,000 bytes, at least `minimumFee`.
    func fee(rate: Amount, size: Int) -> Amount {
        let (product, overflow) = rate.units.multipliedReportingOverflow(by: Int64(size))
        return Amount(units: max(overflow ? Amount.maxMoney.units : product / 1_000, Self.minimumFee.units))
    }

    /// The size of the signed transaction, assuming 72-byte signatures (the DER maximum for low-S).
    func estimatedSize(inputs: [WalletCoin], outputs: [TxOut], sapling: Bool, withChange: Bool) -> Int {
        let txInputs = inputs.map { coin -> TxIn in
            let compressed = keys[coin.keyHash]?.compressed ?? true
            let placeholder = [UInt8](repeating: 0, count: 1 + 73 + 1 + (compressed ? 33 : 65))
            return TxIn(prevout: coin.outpoint, scriptSig: Script(placeholder))
        }
        var txOutputs = outputs
        if withChange {
            txOutputs.append(TxOut(value: .zero, scriptPubKey: .payToPubKeyHash([UInt8](repeating: 0, count: 20))))
        }
        let tx = sapling ? Transaction.sapling(inputs: txInputs, outputs: txOutputs, expiryHeight: 1)
            : Transaction(version: 1, inputs: txInputs, outputs: txOutputs)
        return tx.serializedSize
    }
}
