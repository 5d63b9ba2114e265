import FluxPrimitives
import FluxStorage

/// The UTXO changes of one block, kept apart from the cache until the block is known valid: a failed block
/// leaves the cache untouched.
struct CoinsOverlay {
    let base: UTXOCache
    private(set) var added: [OutPoint: Coin] = [:]
    private(set) var spent: Set<OutPoint> = []

    init(base: UTXOCache) { self.base = base }

    /// The coin at `outpoint` as this block sees it.
    func coin(_ outpoint: OutPoint) throws(StorageError) -> Coin? {
        if let c = added[outpoint] { return c }
        if spent.contains(outpoint) { return nil }
        return try base.coin(outpoint)
    }

    /// Spends `outpoint`, returning the coin, or nil when it does not exist or is already spent.
    mutating func spend(_ outpoint: OutPoint) throws(StorageError) -> Coin? {
        if let c = added.removeValue(forKey: outpoint) { return c }
        if spent.contains(outpoint) { return nil }
        guard let c = try base.coin(outpoint) else { return nil }
        spent.insert(outpoint)
        return c
    }

    /// Adds a new unspent output.
    mutating func add(_ coin: Coin, at outpoint: OutPoint) {
        added[outpoint] = coin
    }

    /// Moves the changes into the cache.
    func apply() throws(StorageError) {
        for o in spent { _ = try base.spend(o) }
        for (o, c) in added { base.add(c, at: o) }
    }
}

extension Script {
    /// Outputs that can never be spent and are not kept in the UTXO set (`CScript::IsUnspendable`).
    var isUnspendable: Bool { bytes.first == Opcode.opReturn || bytes.count > 10_000 }
}
