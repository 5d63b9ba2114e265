import FluxChain
import FluxPrimitives
import FluxScript
import FluxStorage
import Foundation

/// Following the active chain: loading, catch-up, rescans, and the `ChainObserver` callbacks.
extension Wallet {
    /// Adds the block's outputs paying wallet keys and marks wallet coins it spends; drops pending wallet
    /// transactions it confirms, conflicts with, or that expired. Called with the chain's lock held.
    public func blockConnected(_ block: Block, entry: BlockIndexEntry) {
        lock.holding {
            var batch = ChainBatch()
            applyConnect(block, hash: entry.hash, height: entry.height, batch: &batch)
            commitEvent(batch)
        }
    }

    /// Undoes `blockConnected` for a block leaving the active chain. Called with the chain's lock held.
    public func blockDisconnected(_ block: Block, entry: BlockIndexEntry) {
        lock.holding {
            var batch = ChainBatch()
            applyDisconnect(block, height: entry.height, batch: &batch)
            commitEvent(batch)
        }
    }

    func commitEvent(_ batch: ChainBatch) {
        do throws(WalletError) { try commit(batch) } catch { storageFailure = error }
    }

    // MARK: Loading and catch-up (both locks held)

    /// Reads every wallet record into memory.
    func load() throws(WalletError) {
        let store = chain.store
        let ns = WalletRecord.namespace
        var loadedKeys: [WalletKey] = []
        var loadedCoins: [(OutPoint, Coin)] = []
        var loadedSpends: [OutPoint: Hash256] = [:]
        var loadedPending: [Transaction] = []
        var loadedChange: Set<UInt32> = []
        var loadedHistory: [WalletTransaction] = []
        do {
            try store.pluginScan(namespace: ns, prefix: [WalletRecord.changeTag]) { key, _ in
                guard key.count == 5 else { throw WalletError.storage("corrupt wallet change mark \(key)") }
                loadedChange.insert(WalletRecord.readBigEndian(key[1...]))
                return true
            }
            try store.pluginScan(namespace: ns, prefix: [WalletRecord.redeemTag]) { key, value in
                guard key.count == 21 else { throw WalletError.storage("corrupt wallet redeem script key \(key)") }
                redeemScripts[Array(key[1...])] = Script(value)
                return true
            }
            try store.pluginScan(namespace: ns, prefix: [WalletRecord.watchTag]) { key, value in
                watchScripts[Array(key[1...])] = String(decoding: value, as: UTF8.self)
                return true
            }
            try store.pluginScan(namespace: ns, prefix: [WalletRecord.transactionTag]) { key, value in
                guard key.count == 33, let wtx = WalletTransaction(decoding: value) else {
                    throw WalletError.storage("corrupt wallet transaction record \(key)")
                }
                loadedHistory.append(wtx)
                return true
            }
            try store.pluginScan(namespace: ns, prefix: [WalletRecord.keyTag]) { key, value in
                guard key.count == 5, let text = String(bytes: value, encoding: .utf8),
                      let wif = WIF(text, prefixes: prefixes), let secret = PrivateKey(bytes: wif.secret) else {
                    throw WalletError.storage("corrupt wallet key record \(key)")
                }
                loadedKeys.append(WalletKey(key: secret, compressed: wif.compressed,
                                            sequence: WalletRecord.readBigEndian(key[1...])))
                return true
            }
            try store.pluginScan(namespace: ns, prefix: [WalletRecord.coinTag]) { key, value in
                guard let outpoint = WalletRecord.outPoint(key[1...]) else {
                    throw WalletError.storage("corrupt wallet coin key \(key)")
                }
                do { loadedCoins.append((outpoint, try Coin(decoding: value))) } catch {
                    throw WalletError.storage("corrupt wallet coin record for \(outpoint): \(error)")
                }
                return true
            }
            try store.pluginScan(namespace: ns, prefix: [WalletRecord.spentTag]) { key, value in
                guard let outpoint = WalletRecord.outPoint(key[1...]), value.count == 32 else {
                    throw WalletError.storage("corrupt wallet spent mark \(key)")
                }
                loadedSpends[outpoint] = Hash256(value)
                return true
            }
            try store.pluginScan(namespace: ns, prefix: [WalletRecord.pendingTag]) { key, value in
                do { loadedPending.append(try Transaction(serialized: value)) } catch {
                    throw WalletError.storage("corrupt pending wallet transaction \(key): \(error)")
                }
                return true
            }
            if let value = try store.pluginValue(namespace: ns, key: WalletRecord.syncKey) {
                guard let decoded = WalletRecord.decodeSync(value) else {
                    throw WalletError.storage("corrupt wallet sync record (\(value.count) bytes)")
                }
                synced = decoded
            }
        } catch let error as WalletError { throw error } catch { throw .storage("\(error)") }
        for k in loadedKeys.sorted(by: { $0.sequence < $1.sequence }) {
            add(k)
            if loadedChange.contains(k.sequence) { changeKeys.insert(k.hash160) }
        }
        for (outpoint, coin) in loadedCoins {
            coins[outpoint] = walletCoin(outpoint: outpoint, output: coin.output, height: coin.height,
                                         isCoinbase: coin.isCoinbase)
        }
        for wtx in loadedHistory {
            transactions[wtx.txid] = wtx
            nextOrder = max(nextOrder, wtx.order + 1)
        }
        spentBy = loadedSpends.filter { coins[$0.key] != nil }
        for tx in loadedPending { pending[tx.txid] = tx }
        rebuildPendingIndex()
    }

    /// Brings the wallet to the chain's tip: disconnects processed blocks that left the active chain, then
    /// processes the active blocks after the last one processed. An empty wallet without a sync record starts
    /// at the tip; a sync record naming an unknown block makes the wallet forget its coins and rescan.
    func catchUp(_ batch: inout ChainBatch) throws(WalletError) {
        guard let synced else {
            if keys.isEmpty && coins.isEmpty {
                let tip = chain.tip
                recordSync(hash: tip.hash, height: tip.height, batch: &batch)
            } else {
                try forgetChainState(&batch)
                try connectActiveBlocks(from: 1, batch: &batch)
            }
            return
        }
        guard var walk = chain.entry(synced.hash) else {
            try forgetChainState(&batch)
            try connectActiveBlocks(from: 1, batch: &batch)
            return
        }
        while !chain.isActive(walk), let parent = walk.parent {
            applyDisconnect(try loadBlock(walk.hash), height: walk.height, batch: &batch)
            try flushIfLarge(&batch)
            walk = parent
        }
        try connectActiveBlocks(from: walk.height + 1, batch: &batch)
    }

    /// Processes the active chain's blocks from `height` to the tip (idempotent for blocks already seen).
    func connectActiveBlocks(from height: Int, batch: inout ChainBatch) throws(WalletError) {
        let tipHeight = chain.height
        guard height <= tipHeight else { return }
        for h in height...tipHeight {
            guard let entry = chain.entry(at: h) else { break }
            applyConnect(try loadBlock(entry.hash), hash: entry.hash, height: h, batch: &batch)
            try flushIfLarge(&batch)
        }
    }

    /// Forgets every coin and spent mark and the block places of the history (keys, pending transactions and
    /// the history's transactions stay) before a full rescan.
    func forgetChainState(_ batch: inout ChainBatch) throws(WalletError) {
        for outpoint in coins.keys {
            batch.deletePlugin(namespace: WalletRecord.namespace, key: WalletRecord.coin(outpoint))
            batch.deletePlugin(namespace: WalletRecord.namespace, key: WalletRecord.spent(outpoint))
        }
        coins = [:]
        spentBy = [:]
        for (txid, var wtx) in transactions where wtx.block != nil {
            wtx.block = nil
            transactions[txid] = wtx
            batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.transaction(txid), value: wtx.encoded())
        }
        try flushIfLarge(&batch)
    }

    /// A coin record for an output the wallet owns (spendable or watch-only) and can name by address; nil
    /// otherwise. Lock held.
    func walletCoin(outpoint: OutPoint, output: TxOut, height: Int?, isCoinbase: Bool) -> WalletCoin? {
        guard let owned = ownership(of: output.scriptPubKey), let address = owned.address else { return nil }
        return WalletCoin(outpoint: outpoint, output: output, height: height, isCoinbase: isCoinbase,
                          address: address, isWatchOnly: owned.watchOnly)
    }

    /// True when `tx` pays or spends something the wallet owns or watches. Lock held.
    func involvesWallet(_ tx: Transaction) -> Bool {
        if tx.outputs.contains(where: { ownership(of: $0.scriptPubKey) != nil }) { return true }
        guard !tx.isCoinbase else { return false }
        return tx.inputs.contains { input in
            if coins[input.prevout] != nil || pendingCoins[input.prevout] != nil { return true }
            guard let previous = transactions[input.prevout.hash]?.transaction,
                  Int(input.prevout.index) < previous.outputs.count else { return false }
            return ownership(of: previous.outputs[Int(input.prevout.index)].scriptPubKey) != nil
        }
    }

    /// Adds `tx` to the history or updates its block place. Lock held.
    func recordTransaction(_ tx: Transaction, txid: Hash256, block place: WalletTransaction.BlockPlace?,
                           batch: inout ChainBatch) {
        var wtx: WalletTransaction
        if let existing = transactions[txid] {
            guard existing.block != place else { return }
            wtx = existing
            wtx.block = place
        } else {
            wtx = WalletTransaction(transaction: tx, block: place, timeReceived: Int64(Date().timeIntervalSince1970),
                                    order: nextOrder, firstBlockTime: place?.time)
            nextOrder += 1
        }
        transactions[txid] = wtx
        batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.transaction(txid), value: wtx.encoded())
    }

    func loadBlock(_ hash: Hash256) throws(WalletError) -> Block {
        let block: Block?
        do { block = try chain.block(hash) } catch { throw .storage("\(error)") }
        guard let block else { throw .storage("block \(hash) is not stored; the wallet cannot scan it") }
        return block
    }

    /// Commits a large batch early (long rescans).
    func flushIfLarge(_ batch: inout ChainBatch) throws(WalletError) {
        if batch.operationCount >= 10_000 {
            try commit(batch)
            batch = ChainBatch()
        }
    }

    // MARK: Applying blocks (lock held)

    func applyConnect(_ block: Block, hash: Hash256, height: Int, batch: inout ChainBatch) {
        let ns = WalletRecord.namespace
        var dropped: Set<Hash256> = []
        for (position, tx) in block.transactions.enumerated() where !tx.isFluxNode {
            let txid = tx.txid
            let involved = involvesWallet(tx)
            if !tx.isCoinbase {
                for input in tx.inputs {
                    if coins[input.prevout] != nil {
                        spentBy[input.prevout] = txid
                        batch.putPlugin(namespace: ns, key: WalletRecord.spent(input.prevout), value: txid.bytes)
                    }
                    if let other = pendingSpent[input.prevout], other != txid { dropped.insert(other) }
                }
            }
            for (n, output) in tx.outputs.enumerated() {
                let outpoint = OutPoint(hash: txid, index: UInt32(n))
                guard let coin = walletCoin(outpoint: outpoint, output: output, height: height,
                                            isCoinbase: tx.isCoinbase) else { continue }
                coins[outpoint] = coin
                let record = Coin(output: output, height: height, isCoinbase: tx.isCoinbase)
                batch.putPlugin(namespace: ns, key: WalletRecord.coin(outpoint), value: record.encoded())
            }
            if pending.removeValue(forKey: txid) != nil {
                batch.deletePlugin(namespace: ns, key: WalletRecord.pending(txid))
            }
            if involved || transactions[txid] != nil {
                let place = WalletTransaction.BlockPlace(hash: hash, height: height, index: position,
                                                         time: Int64(block.header.time))
                recordTransaction(tx, txid: txid, block: place, batch: &batch)
            }
        }
        // A pending transaction can no longer be mined once the next block's height passes its expiry.
        for (txid, tx) in pending where tx.expiryHeight != 0 && Int(tx.expiryHeight) <= height {
            dropped.insert(txid)
        }
        dropPending(dropped, batch: &batch)
        recordSync(hash: hash, height: height, batch: &batch)
        rebuildPendingIndex()
    }

    func applyDisconnect(_ block: Block, height: Int, batch: inout ChainBatch) {
        let ns = WalletRecord.namespace
        for tx in block.transactions.reversed() where !tx.isFluxNode {
            let txid = tx.txid
            if var wtx = transactions[txid], wtx.block?.hash == block.hash {
                wtx.block = nil
                transactions[txid] = wtx
                batch.putPlugin(namespace: ns, key: WalletRecord.transaction(txid), value: wtx.encoded())
            }
            for n in tx.outputs.indices {
                let outpoint = OutPoint(hash: txid, index: UInt32(n))
                if coins.removeValue(forKey: outpoint) != nil {
                    batch.deletePlugin(namespace: ns, key: WalletRecord.coin(outpoint))
                }
                if spentBy.removeValue(forKey: outpoint) != nil {
                    batch.deletePlugin(namespace: ns, key: WalletRecord.spent(outpoint))
                }
            }
            if !tx.isCoinbase {
                for input in tx.inputs where spentBy[input.prevout] == txid {
                    spentBy[input.prevout] = nil
                    batch.deletePlugin(namespace: ns, key: WalletRecord.spent(input.prevout))
                }
            }
        }
        recordSync(hash: block.header.previousBlockHash, height: height - 1, batch: &batch)
        rebuildPendingIndex()
    }

    func recordSync(hash: Hash256, height: Int, batch: inout ChainBatch) {
        synced = (hash, height)
        batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.syncKey,
                        value: WalletRecord.syncValue(hash: hash, height: height))
    }

    // MARK: Pending transactions (lock held)

    /// Removes `txids` and every pending transaction spending their outputs.
    func dropPending(_ txids: Set<Hash256>, batch: inout ChainBatch) {
        var queue = Array(txids)
        while let txid = queue.popLast() {
            guard pending.removeValue(forKey: txid) != nil else { continue }
            batch.deletePlugin(namespace: WalletRecord.namespace, key: WalletRecord.pending(txid))
            for (child, tx) in pending where tx.inputs.contains(where: { $0.prevout.hash == txid }) {
                queue.append(child)
            }
        }
    }

    /// Recomputes the outpoints pending transactions spend and the wallet outputs they create.
    func rebuildPendingIndex() {
        pendingSpent = [:]
        pendingCoins = [:]
        for (txid, tx) in pending {
            for input in tx.inputs { pendingSpent[input.prevout] = txid }
            for (n, output) in tx.outputs.enumerated() {
                let outpoint = OutPoint(hash: txid, index: UInt32(n))
                guard let coin = walletCoin(outpoint: outpoint, output: output, height: nil, isCoinbase: false)
                else { continue }
                pendingCoins[outpoint] = coin
            }
        }
    }
}
