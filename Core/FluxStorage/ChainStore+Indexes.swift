import FluxPrimitives

/// Reads of the optional indexes (see `IndexKey` for the layouts). They see the committed state.
extension ChainStore {
    /// The set of indexes recorded in the database; nil when none was ever recorded (a database created before
    /// indexes existed, which holds none).
    public func indexSet() throws(StorageError) -> ChainIndexes? {
        guard let raw = try meta(IndexKey.metaKey) else { return nil }
        guard let text = String(validating: raw, as: UTF8.self), let set = ChainIndexes(storedText: text) else {
            throw StorageError("corrupt \(IndexKey.metaKey) record: \(raw.count) bytes that name no index set")
        }
        return set
    }

    /// Where transaction `txid` is, nil when the transaction index does not hold it.
    public func transactionLocation(_ txid: Hash256) throws(StorageError) -> TransactionLocation? {
        guard let value = try database.get(.indexes, IndexKey.transactionKey(txid)) else { return nil }
        do { return try TransactionLocation(decoding: value) } catch {
            throw StorageError.corrupt("txindex record for \(txid)", error)
        }
    }

    /// The deltas of `address` in key order (height, position in block, txid, index, spending), as fluxd's
    /// `ReadAddressIndex`: with `start` and `end` both above 0 only heights `start...end`, else all.
    public func addressDeltas(_ address: Address, start: Int = 0, end: Int = 0) throws(StorageError) -> [AddressDelta] {
        let ranged = start > 0 && end > 0
        let prefix = IndexKey.addressDeltaPrefix(address)
        let from = ranged ? IndexKey.addressDeltaPrefix(address, height: start) : []
        var deltas: [AddressDelta] = []
        try rethrowingIndex {
            try database.scan(.indexes, prefix: prefix, from: from) { key, value in
                guard let delta = AddressDelta(key: key.dropFirst(), value: value) else {
                    throw StorageError("corrupt address index record \(Self.hexString(key))")
                }
                if ranged && delta.height > end { return false }
                deltas.append(delta)
                return true
            }
        }
        return deltas
    }

    /// The unspent outputs of `address`, in key order (txid bytes, then output index little-endian).
    public func addressUnspentOutputs(_ address: Address) throws(StorageError) -> [AddressUnspentOutput] {
        var outputs: [AddressUnspentOutput] = []
        try rethrowingIndex {
            try database.scan(.indexes, prefix: IndexKey.addressUnspentPrefix(address)) { key, value in
                guard let output = AddressUnspentOutput(key: key.dropFirst(), value: value) else {
                    throw StorageError("corrupt address unspent record \(Self.hexString(key))")
                }
                outputs.append(output)
                return true
            }
        }
        return outputs
    }

    /// Which confirmed input spent `outpoint`, nil when the spent index has no record of it.
    public func spentInfo(_ outpoint: OutPoint) throws(StorageError) -> SpentInfo? {
        guard let value = try database.get(.indexes, IndexKey.spentKey(outpoint)) else { return nil }
        do { return try SpentInfo(decoding: value) } catch {
            throw StorageError.corrupt("spent index record for \(outpoint)", error)
        }
    }

    /// Blocks with a logical timestamp in `low..<high`, in timestamp then hash-byte order (fluxd's
    /// `ReadTimestampIndex`, orphaned blocks included).
    public func blockHashes(timestampsFrom low: UInt32, below high: UInt32) throws(StorageError) -> [(hash: Hash256, logical: UInt32)] {
        var result: [(hash: Hash256, logical: UInt32)] = []
        var from = ByteWriter(capacity: 5)
        from.writeUInt8(IndexKey.timestamp)
        from.writeBE(low)
        try rethrowingIndex {
            try database.scan(.indexes, prefix: [IndexKey.timestamp], from: from.bytes) { key, _ in
                guard key.count == 37 else { throw StorageError("corrupt timestamp index key \(Self.hexString(key))") }
                let logical = key[1..<5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                guard logical < high else { return false }
                result.append((Hash256(Array(key[5..<37])), logical))
                return true
            }
        }
        return result
    }

    /// The logical timestamp recorded for block `hash`, nil when none is.
    public func logicalTimestamp(_ hash: Hash256) throws(StorageError) -> UInt32? {
        guard let value = try database.get(.indexes, IndexKey.blockTimestampKey(hash)) else { return nil }
        guard value.count == 4 else {
            throw StorageError("corrupt block timestamp record for \(hash): \(value.count) bytes, expected 4")
        }
        return value.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// Records the deletion of every record of the `indexes` family in `batch` (for `-reindex`). Returns how many.
    @discardableResult
    public func clearIndexes(into batch: inout ChainBatch) throws(StorageError) -> Int {
        var keys: [[UInt8]] = []
        try rethrowingIndex {
            try database.scan(.indexes, prefix: []) { key, _ in
                keys.append(key)
                return true
            }
        }
        for key in keys { batch.writeBatch.delete(.indexes, key) }
        return keys.count
    }

    /// Every record of the `indexes` family in key order (for tests and consistency checks).
    public func indexRecords() throws(StorageError) -> [(key: [UInt8], value: [UInt8])] {
        var records: [(key: [UInt8], value: [UInt8])] = []
        try rethrowingIndex {
            try database.scan(.indexes, prefix: []) { key, value in
                records.append((key, value))
                return true
            }
        }
        return records
    }

    private func rethrowingIndex(_ body: () throws -> Void) throws(StorageError) {
        do { try body() } catch let error as StorageError { throw error } catch { throw StorageError("\(error)") }
    }

    static func hexString(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
