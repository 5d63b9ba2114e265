import FluxNodeModel
import FluxPrimitives

/// The plugin's own index of the outputs that could be FluxNode collateral: every output whose value is one of the
/// tiers' collateral amounts (any era), while unspent. START checks read it instead of the host's UTXO set because
/// it is exact at every height the plugin processes — also while replaying old blocks after a late load, when the
/// host's UTXO set is already at a later tip — and the host undoes it with the block on a reorg.
///
/// Key: 0xF0 ‖ txid (internal order) ‖ LE32 index. Value: LE64 value ‖ LE32 height ‖ script.
enum CollateralCoins {
    static let prefix: UInt8 = 0xF0

    /// Every collateral amount any tier has used, in units.
    static let amounts: Set<Int64> = [1_000, 10_000, 12_500, 25_000, 40_000, 100_000].reduce(into: []) {
        $0.insert(Int64($1) * 100_000_000)
    }

    static func key(_ outpoint: OutPoint) -> [UInt8] {
        var w = ByteWriter(capacity: 37)
        w.writeUInt8(prefix)
        outpoint.encode(to: &w)
        return w.bytes
    }

    /// The indexed coin, or nil when it is not a collateral-sized unspent output.
    static func coin(_ outpoint: OutPoint, in store: any FluxNodeStore)
        throws(FluxNodeStoreError) -> (value: Int64, height: Int, script: [UInt8])? {
        guard let record = try store.get(key(outpoint)) else { return nil }
        var r = ByteReader(record)
        do {
            let value = try r.readLE(Int64.self, "coin.value")
            let height = try r.readLE(UInt32.self, "coin.height")
            return (value, Int(height), try r.readBytes(r.remaining, "coin.script"))
        } catch {
            throw FluxNodeStoreError("corrupt collateral coin record for \(outpoint.shortDescription): \(error)")
        }
    }

    /// Applies a connected block: spent coins leave the index, new collateral-sized outputs join it.
    static func apply(_ block: Block, height: Int, to store: any FluxNodeStore) throws(FluxNodeStoreError) {
        for tx in block.transactions {
            if !tx.isCoinbase {
                for input in tx.inputs where try store.get(key(input.prevout)) != nil {
                    try store.delete(key(input.prevout))
                }
            }
            let txid = tx.txid
            for (index, output) in tx.outputs.enumerated() where amounts.contains(output.value.units) {
                var w = ByteWriter(capacity: 12 + output.scriptPubKey.bytes.count)
                w.writeLE(output.value.units)
                w.writeLE(UInt32(height))
                w.writeBytes(output.scriptPubKey.bytes)
                try store.put(key(OutPoint(hash: txid, index: UInt32(index))), w.bytes)
            }
        }
    }
}
