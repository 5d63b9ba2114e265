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
        try createTransaction(paying: outputs, subtractFeeFrom: subtractFeeFromAmount ? Set(outputs.indices) : [],
                              from: nil, feePerKB: feePerKB)
    }

    /// Builds and signs a transaction paying `outputs` (as the other `createTransaction`), where the
    /// recipients at the indices `subtractFeeFrom` share the fee, and with `from` only that address's coins
    /// are spent and change returns to it (fluxd's `sendfrom`/`sendmany` "fromaccount" as an address). Locked
    /// and watch-only coins are never chosen. The fee rate is `feePerKB`, else the one `settxfee` set, else
    /// `defaultFeePerKB`.
    public func createTransaction(paying outputs: [(Address, Amount)], subtractFeeFrom: Set<Int>, from: Address?,
                                  feePerKB: Amount? = nil)
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
        let subtractIndices = subtractFeeFrom.filter { outputs.indices.contains($0) }.sorted()
        let subtractFeeFromAmount = !subtractIndices.isEmpty

        return try locked { () throws(WalletError) in
            let rate = feePerKB ?? effectiveFeeRate
            guard rate.isInMoneyRange else { throw .invalidAmount("fee rate \(rate) per kB out of range") }
            let nextHeight = chain.height + 1
            let sapling = chain.params.upgrades.isActive(.acadia, at: nextHeight)
            var payments = outputs.map { TxOut(value: $0.1, scriptPubKey: $0.0.script) }
            let candidates = spendableCoins(tipHeight: nextHeight - 1).filter { coin in
                from.map { coin.address == $0 } ?? true
            }
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
                fee = self.fee(rate: rate, size: estimatedSize(inputs: selected.map(\.output.scriptPubKey),
                                                               base: nil, outputs: payments, sapling: sapling,
                                                               withChange: true))
            }
            guard !selected.isEmpty, total >= needed() else {
                throw .insufficientFunds(needed: Amount(units: needed()), available: available)
            }

            if subtractFeeFromAmount {
                let count = Int64(subtractIndices.count)
                let share = fee.units / count
                let remainder = fee.units - share * count
                for (k, i) in subtractIndices.enumerated() {
                    payments[i].value = Amount(units: payments[i].value.units - share - (k == 0 ? remainder : 0))
                    guard payments[i].value >= Self.dustThreshold else {
                        throw .invalidAmount("The transaction amount is too small to pay the fee")
                    }
                }
            }
            let paid = payments.reduce(0) { $0 + $1.value.units }
            // With subtracted fees `paid` is already net of the fee, so the same formula holds in both cases.
            let change = total - paid - fee.units
            var txOutputs = payments
            if change >= Self.dustThreshold.units {
                let changeAddress: Address
                if let from { changeAddress = from } else { changeAddress = try generateKey(change: true) }
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

    /// fluxd's `fundrawtransaction`: keeps `tx`'s inputs and outputs, adds unsigned wallet inputs (oldest
    /// first; never locked or watch-only coins, nor coins `tx` already spends) until the outputs and the fee
    /// are covered, and one change output to a new change address at a random position unless the change
    /// would be dust. The inputs already there must be wallet coins or unspent outputs of the chain (their
    /// values are needed). The fee is the wallet's rate (`settxfee`, else `defaultFeePerKB`) for the
    /// estimated signed size.
    ///
    /// - Returns: the funded transaction, the fee it pays, and the change output's index (-1 without change).
    /// - Throws: `.invalidAmount` for an unknown existing input or outputs out of range,
    ///   `.insufficientFunds`, `.storage`.
    public func fund(_ tx: Transaction) throws(WalletError) -> (transaction: Transaction, fee: Amount, changePosition: Int) {
        try locked { () throws(WalletError) in
            let nextHeight = chain.height + 1
            let sapling = tx.overwintered
            var presetValue: Int64 = 0
            var presetScripts: [Script] = []
            for input in tx.inputs {
                guard let previous = previousOutput(input.prevout, given: [:]) else {
                    throw .invalidAmount("input \(input.prevout) is neither a wallet coin nor an unspent output; its value is unknown")
                }
                presetValue += previous.value.units
                presetScripts.append(previous.scriptPubKey)
            }
            guard let target = Amount.checkedSum(tx.outputs.map(\.value)) else {
                throw .invalidAmount("the outputs add up to more than the money range")
            }
            let rate = effectiveFeeRate
            let used = Set(tx.inputs.map(\.prevout))
            let candidates = spendableCoins(tipHeight: nextHeight - 1).filter { !used.contains($0.outpoint) }
            var selected: [WalletCoin] = []
            var total = presetValue
            func size() -> Int {
                estimatedSize(inputs: presetScripts + selected.map(\.output.scriptPubKey), base: tx,
                              outputs: tx.outputs, sapling: sapling, withChange: true)
            }
            var fee = self.fee(rate: rate, size: size())
            for coin in candidates {
                if total >= target.units + fee.units { break }
                selected.append(coin)
                total += coin.output.value.units
                fee = self.fee(rate: rate, size: size())
            }
            guard total >= target.units + fee.units else {
                let available = presetValue + candidates.reduce(0) { $0 + $1.output.value.units }
                throw .insufficientFunds(needed: Amount(units: target.units + fee.units),
                                         available: Amount(units: available))
            }
            var funded = tx
            funded.inputs += selected.map { TxIn(prevout: $0.outpoint, scriptSig: []) }
            var changePosition = -1
            let change = total - target.units - fee.units
            if change >= Self.dustThreshold.units {
                let changeAddress = try generateKey(change: true)
                changePosition = Int.random(in: 0...funded.outputs.count)
                funded.outputs.insert(TxOut(value: Amount(units: change), scriptPubKey: changeAddress.script),
                                      at: changePosition)
            }
            let valueOut = funded.outputs.reduce(Int64(0)) { $0 + $1.value.units }
            return (funded, Amount(units: total - valueOut), changePosition)
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
            let confirmed = tx.outputs.indices.contains { coins[OutPoint(hash: txid, index: UInt32($0))] != nil }
            guard involvesWallet(tx), !confirmed else { return }
            var batch = ChainBatch()
            recordTransaction(tx, txid: txid, block: nil, batch: &batch)
            pending[txid] = tx
            rebuildPendingIndex()
            batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.pending(txid), value: tx.serialized)
            commitEvent(batch)
        }
    }

    /// The fee for `size` bytes at `rate` per 1,000 bytes, at least `minimumFee`.
    func fee(rate: Amount, size: Int) -> Amount {
        let (product, overflow) = rate.units.multipliedReportingOverflow(by: Int64(size))
        return Amount(units: max(overflow ? Amount.maxMoney.units : product / 1_000, Self.minimumFee.units))
    }

    /// The size of the signed transaction spending outputs with `inputs`' scripts, assuming 72-byte signatures
    /// (the DER maximum for low-S); `base` gives the version fields and any inputs' existing form is ignored.
    func estimatedSize(inputs: [Script], base: Transaction?, outputs: [TxOut], sapling: Bool,
                       withChange: Bool) -> Int {
        let txInputs = inputs.enumerated().map { i, script -> TxIn in
            let size = estimatedScriptSigSize(script) ?? (1 + 73 + 1 + 33)
            return TxIn(prevout: OutPoint(hash: Hash256([UInt8](repeating: 0, count: 32)), index: UInt32(i)),
                        scriptSig: Script([UInt8](repeating: 0, count: size)))
        }
        var txOutputs = outputs
        if withChange {
            txOutputs.append(TxOut(value: .zero, scriptPubKey: .payToPubKeyHash([UInt8](repeating: 0, count: 20))))
        }
        if var tx = base {
            tx.inputs = txInputs
            tx.outputs = txOutputs
            return tx.serializedSize
        }
        let tx = sapling ? Transaction.sapling(inputs: txInputs, outputs: txOutputs, expiryHeight: 1)
            : Transaction(version: 1, inputs: txInputs, outputs: txOutputs)
        return tx.serializedSize
    }
}
