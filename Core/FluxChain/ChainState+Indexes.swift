import FluxPrimitives
import FluxStorage

/// The optional indexes (`-txindex`, and `-insightexplorer`'s address, spent and timestamp indexes), kept as
/// fluxd's `ConnectBlock`/`DisconnectBlock` keep them but written into the block's own pending batch: they commit
/// atomically with the UTXO changes and the tip (crash-safe), are undone when the block is disconnected, and
/// `-reindex` rebuilds them (``beginReindex(clearingPluginNamespaces:)`` clears them and records the new set).
///
/// Per connected block, for each transaction `t` at position `i` (the genesis block is never connected, so, as in
/// fluxd, its coinbase is not indexed):
/// - txindex: `t.txid` → (block hash, `i`).
/// - address index: each P2PKH/P2SH output → a credit delta and an unspent-output record; each input (not of
///   the coinbase or FluxNode transactions) spending a P2PKH/P2SH output → a debit delta (negative value) and the
///   deletion of that unspent-output record.
/// - spent index: each such input → (spender txid, input index, height, spent value, spent address or none).
/// - timestamp index: the block's logical timestamp, its time or one more than its parent's logical timestamp
///   if that is not lower (fluxd's rule). As in fluxd these records are kept when the block is disconnected
///   (`getblockhashes` reports orphans unless asked for `noOrphans`).
/// Disconnecting reverses all but the timestamp records, from the block's undo data.
extension ChainState {
    /// The indexes this chain maintains.
    public var indexes: ChainIndexes { options.indexes }

    /// Checks the index set stored in an existing database against the options (fluxd: "You need to rebuild the
    /// database using -reindex to change -txindex"). Returns false when they differ but `rebuildIndexes` allows
    /// it: the caller must then connect nothing before the reindex.
    func checkChainIndexes() throws(ChainError) -> Bool {
        let stored: ChainIndexes
        do { stored = try store.indexSet() ?? [] } catch { throw .storage(error) }
        if stored == options.indexes { return true }
        if options.rebuildIndexes { return false }
        let changed = stored.symmetricDifference(options.indexes)
        let option = changed == .insight ? "-insightexplorer"
            : ChainIndexes.optionNames(of: changed).map { "-" + $0 }.joined(separator: " and ")
        throw .storage(StorageError("You need to rebuild the database using -reindex to change \(option) "
                                    + "(the database holds indexes: \(stored); the options ask for: \(options.indexes))"))
    }

    /// Writes the index records of `block` (just validated at `entry`, spending the coins of `undo`; `txids` its
    /// transactions' ids when validation computed them, else empty) into the pending batch.
    func recordIndexes(_ block: Block, entry: BlockIndexEntry, undo: BlockUndo, txids: [Hash256] = []) {
        let wanted = options.indexes
        guard !wanted.isEmpty else { return }
        let height = entry.height
        if wanted.contains(.timestamps) {
            var logical = entry.header.time
            if let parent = entry.parent, let previous = logicalTimestamp(of: parent.hash), logical <= previous {
                logical = previous &+ 1
            }
            pending.putBlockTimestamp(entry.hash, logical: logical)
            pendingLogicalTimes[entry.hash] = logical
        }
        guard !wanted.isDisjoint(with: [.transactions, .addresses, .spent]) else { return }
        for (i, tx) in block.transactions.enumerated() {
            let txid = i < txids.count ? txids[i] : tx.txid
            if wanted.contains(.transactions) {
                pending.putTransactionLocation(txid, TransactionLocation(blockHash: entry.hash, position: i))
            }
            if wanted.contains(.addresses) || wanted.contains(.spent) {
                let spent = i < undo.spent.count ? undo.spent[i] : []
                for (k, coin) in spent.enumerated() where k < tx.inputs.count {
                    let prevout = tx.inputs[k].prevout
                    let address = Address(script: coin.output.scriptPubKey)
                    if wanted.contains(.addresses), let address {
                        pending.putAddressDelta(AddressDelta(address: address, height: height, blockIndex: i, txid: txid,
                                                             index: UInt32(k), spending: true,
                                                             satoshis: -coin.output.value.units))
                        pending.deleteAddressUnspent(address, prevout)
                    }
                    if wanted.contains(.spent) {
                        pending.putSpentInfo(SpentInfo(txid: txid, inputIndex: UInt32(k), height: height,
                                                       satoshis: coin.output.value.units, address: address),
                                             for: prevout)
                    }
                }
            }
            if wanted.contains(.addresses) {
                for (n, output) in tx.outputs.enumerated() {
                    guard let address = Address(script: output.scriptPubKey) else { continue }
                    pending.putAddressDelta(AddressDelta(address: address, height: height, blockIndex: i, txid: txid,
                                                         index: UInt32(n), spending: false,
                                                         satoshis: output.value.units))
                    pending.putAddressUnspent(AddressUnspentOutput(
                        address: address, outpoint: OutPoint(hash: txid, index: UInt32(n)),
                        satoshis: output.value.units, script: output.scriptPubKey, height: height))
                }
            }
        }
    }

    /// Writes the removal of `block`'s index records (the block at `entry` being disconnected; `undo` holds the
    /// coins it spent, which become unspent again) into the pending batch. Transactions go in reverse order, so
    /// that an output created and spent in the same block ends up with no unspent record.
    func eraseIndexes(_ block: Block, entry: BlockIndexEntry, undo: BlockUndo) {
        let wanted = options.indexes
        guard !wanted.isDisjoint(with: [.transactions, .addresses, .spent]) else { return }
        let height = entry.height
        for (i, tx) in block.transactions.enumerated().reversed() {
            let txid = tx.txid
            if wanted.contains(.transactions) { pending.deleteTransactionLocation(txid) }
            if wanted.contains(.addresses) {
                for (n, output) in tx.outputs.enumerated().reversed() {
                    guard let address = Address(script: output.scriptPubKey) else { continue }
                    pending.deleteAddressDelta(AddressDelta(address: address, height: height, blockIndex: i, txid: txid,
                                                            index: UInt32(n), spending: false, satoshis: 0))
                    pending.deleteAddressUnspent(address, OutPoint(hash: txid, index: UInt32(n)))
                }
            }
            let spent = i < undo.spent.count ? undo.spent[i] : []
            for (k, coin) in spent.enumerated().reversed() where k < tx.inputs.count {
                let prevout = tx.inputs[k].prevout
                if wanted.contains(.addresses), let address = Address(script: coin.output.scriptPubKey) {
                    pending.deleteAddressDelta(AddressDelta(address: address, height: height, blockIndex: i, txid: txid,
                                                            index: UInt32(k), spending: true, satoshis: 0))
                    pending.putAddressUnspent(AddressUnspentOutput(
                        address: address, outpoint: prevout, satoshis: coin.output.value.units,
                        script: coin.output.scriptPubKey, height: coin.height))
                }
                if wanted.contains(.spent) { pending.deleteSpentInfo(prevout) }
            }
        }
    }

    /// The logical timestamp of block `hash`: pending (not yet committed) first, then stored.
    func logicalTimestamp(of hash: Hash256) -> UInt32? {
        if let pendingValue = pendingLogicalTimes[hash] { return pendingValue }
        return try? store.logicalTimestamp(hash)
    }
}

extension ChainIndexes {
    /// The option names of `set`'s members, in fluxd's order.
    static func optionNames(of set: ChainIndexes) -> [String] {
        set.storedText.split(separator: ",").map(String.init)
    }
}
