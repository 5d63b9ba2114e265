import FluxPrimitives

/// Writes of the optional indexes (`indexes` column family, layouts in `IndexKey`), recorded in the same batch as
/// the block they describe so that they commit, and are undone, with it.
extension ChainBatch {
    /// Records where transaction `txid` is (`-txindex`).
    public mutating func putTransactionLocation(_ txid: Hash256, _ location: TransactionLocation) {
        writeBatch.put(.indexes, key: { IndexKey.writeTransactionKey(txid, to: &$0) }, value: { location.encode(to: &$0) })
    }

    /// Forgets where transaction `txid` is (its block was disconnected).
    public mutating func deleteTransactionLocation(_ txid: Hash256) {
        writeBatch.delete(.indexes, key: { IndexKey.writeTransactionKey(txid, to: &$0) })
    }

    /// Records an address credit or debit.
    public mutating func putAddressDelta(_ delta: AddressDelta) {
        writeBatch.put(.indexes, key: { IndexKey.writeAddressDeltaKey(delta, to: &$0) }, value: { $0.writeLE(delta.satoshis) })
    }

    /// Deletes an address credit or debit (the amount is not part of the key).
    public mutating func deleteAddressDelta(_ delta: AddressDelta) {
        writeBatch.delete(.indexes, key: { IndexKey.writeAddressDeltaKey(delta, to: &$0) })
    }

    /// Records an unspent output of an address.
    public mutating func putAddressUnspent(_ output: AddressUnspentOutput) {
        writeBatch.put(.indexes, key: { IndexKey.writeAddressUnspentKey(output.address, output.outpoint, to: &$0) },
                       value: { output.encodeValue(to: &$0) })
    }

    /// Deletes an unspent output of an address (spent, or its block disconnected).
    public mutating func deleteAddressUnspent(_ address: Address, _ outpoint: OutPoint) {
        writeBatch.delete(.indexes, key: { IndexKey.writeAddressUnspentKey(address, outpoint, to: &$0) })
    }

    /// Records which input spent `outpoint`.
    public mutating func putSpentInfo(_ info: SpentInfo, for outpoint: OutPoint) {
        writeBatch.put(.indexes, key: { IndexKey.writeSpentKey(outpoint, to: &$0) }, value: { info.encode(to: &$0) })
    }

    /// Deletes the spent record of `outpoint` (the spending block was disconnected).
    public mutating func deleteSpentInfo(_ outpoint: OutPoint) {
        writeBatch.delete(.indexes, key: { IndexKey.writeSpentKey(outpoint, to: &$0) })
    }

    /// Records block `hash` under its logical timestamp (both directions).
    public mutating func putBlockTimestamp(_ hash: Hash256, logical: UInt32) {
        writeBatch.put(.indexes, IndexKey.timestampKey(logical, hash), [])
        var w = ByteWriter(capacity: 4)
        w.writeBE(logical)
        writeBatch.put(.indexes, IndexKey.blockTimestampKey(hash), w.bytes)
    }

    /// Records the set of indexes the database holds.
    public mutating func setChainIndexes(_ set: ChainIndexes) {
        putMeta(IndexKey.metaKey, Array(set.storedText.utf8))
    }
}
