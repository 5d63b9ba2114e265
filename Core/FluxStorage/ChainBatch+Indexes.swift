import FluxPrimitives

/// Writes of the optional indexes (`indexes` column family, layouts in `IndexKey`), recorded in the same batch as
/// the block they describe so that they commit, and are undone, with it.
extension ChainBatch {
    /// Records where transaction `txid` is (`-txindex`).
    public mutating func putTransactionLocation(_ txid: Hash256, _ location: TransactionLocation) {
        writeBatch.put(.indexes, IndexKey.transactionKey(txid), location.encoded())
    }

    /// Forgets where transaction `txid` is (its block was disconnected).
    public mutating func deleteTransactionLocation(_ txid: Hash256) {
        writeBatch.delete(.indexes, IndexKey.transactionKey(txid))
    }

    /// Records an address credit or debit.
    public mutating func putAddressDelta(_ delta: AddressDelta) {
        var w = ByteWriter(capacity: 8)
        w.writeLE(delta.satoshis)
        writeBatch.put(.indexes, IndexKey.addressDeltaKey(delta), w.bytes)
    }

    /// Deletes an address credit or debit (the amount is not part of the key).
    public mutating func deleteAddressDelta(_ delta: AddressDelta) {
        writeBatch.delete(.indexes, IndexKey.addressDeltaKey(delta))
    }

    /// Records an unspent output of an address.
    public mutating func putAddressUnspent(_ output: AddressUnspentOutput) {
        writeBatch.put(.indexes, IndexKey.addressUnspentKey(output.address, output.outpoint), output.encodedValue())
    }

    /// Deletes an unspent output of an address (spent, or its block disconnected).
    public mutating func deleteAddressUnspent(_ address: Address, _ outpoint: OutPoint) {
        writeBatch.delete(.indexes, IndexKey.addressUnspentKey(address, outpoint))
    }

    /// Records which input spent `outpoint`.
    public mutating func putSpentInfo(_ info: SpentInfo, for outpoint: OutPoint) {
        writeBatch.put(.indexes, IndexKey.spentKey(outpoint), info.encoded())
    }

    /// Deletes the spent record of `outpoint` (the spending block was disconnected).
    public mutating func deleteSpentInfo(_ outpoint: OutPoint) {
        writeBatch.delete(.indexes, IndexKey.spentKey(outpoint))
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
