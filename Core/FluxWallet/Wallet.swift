import FluxChain
import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage
import Foundation

/// A transparent wallet on top of `ChainState`: P2PKH keys, the coins paying them, balances, coin selection,
/// signing, and transactions sent but not yet mined.
///
/// **Storage.** Everything lives in the chain store's plugin namespace `"wallet"` (layout in `WalletRecord`),
/// written with the wallet's own `ChainBatch` commits after the chain's: the wallet is not consensus, so its
/// writes are not part of a block's atomic batch. Keys are stored as WIF text, **unencrypted**; wallet
/// encryption is not implemented, so protect the data directory. New keys are written with a synced commit
/// before their address is returned.
///
/// **Crash behaviour.** Each commit that follows the chain also records the hash of the last block processed.
/// If the process dies between a chain commit and the wallet's, or the wallet was not open while blocks were
/// connected, `init` catches up: it disconnects (from their stored bodies) the blocks it processed that left
/// the active chain, then rescans the active chain's blocks after the last one it processed. Replaying a block
/// is idempotent.
///
/// **Reorganisations.** A disconnected block's outputs leave the wallet and the coins it spent become unspent
/// again. Its transactions are forgotten rather than kept as unconfirmed; when the mempool takes one back, call
/// `recordPending` for it again.
///
/// **Threads and locks.** Every method may be called from any thread. Methods take the chain's lock, then the
/// wallet's own (`chain.withLock { lock … }`); chain events arrive with the chain's lock already held, so the
/// order is the same everywhere. Do not call wallet methods from inside other chain observers' callbacks
/// while holding locks of your own that the wallet's callers may hold.
public final class Wallet: ChainObserver, @unchecked Sendable {
    /// The chain the wallet follows.
    public let chain: ChainState
    /// The network's Base58 prefixes (addresses and WIF).
    public let prefixes: Base58Prefixes

    /// Default fee rate of `createTransaction`: 1,000 units (0.00001 FLUX) per 1,000 bytes.
    public static let defaultFeePerKB = Amount(units: 1_000)
    /// The smallest fee `createTransaction` pays, whatever the rate: 1,000 units.
    public static let minimumFee = Amount(units: 1_000)
    /// Outputs below this are dust (fluxd's threshold for a P2PKH output at 1,000 units/kB): a payment this
    /// small is refused, and change this small is left to the fee.
    public static let dustThreshold = Amount(units: 546)
    /// Blocks after the next one during which a Sapling-format transaction may be mined (fluxd's
    /// `-txexpirydelta` default).
    public static let expiryDelta = 20

    let lock = NSLock()

    /// Keys by HASH160 of their public key (in the form, compressed or not, that the key is used with).
    var keys: [[UInt8]: WalletKey] = [:]
    /// Key hashes in the order the keys were added.
    var keyOrder: [[UInt8]] = []
    var nextKeySequence: UInt32 = 0
    /// Confirmed coins, spent or not.
    var coins: [OutPoint: WalletCoin] = [:]
    /// Confirmed coins spent on the active chain → spending txid.
    var spentBy: [OutPoint: Hash256] = [:]
    /// Transactions sent and not mined yet.
    var pending: [Hash256: Transaction] = [:]
    /// Outpoints spent by `pending` transactions → spending txid.
    var pendingSpent: [OutPoint: Hash256] = [:]
    /// Outputs of `pending` transactions paying wallet keys.
    var pendingCoins: [OutPoint: WalletCoin] = [:]
    /// The last block processed.
    var synced: (hash: Hash256, height: Int)?
    var storageFailure: WalletError?

    /// A private key held by the wallet.
    struct WalletKey {
        let key: PrivateKey
        let compressed: Bool
        /// The serialized public key in the key's form.
        let publicKey: [UInt8]
        let sequence: UInt32

        init(key: PrivateKey, compressed: Bool, sequence: UInt32) {
            self.key = key
            self.compressed = compressed
            self.publicKey = key.publicKey(compressed: compressed).bytes
            self.sequence = sequence
        }

        var hash160: [UInt8] { Hashing.hash160(publicKey) }
    }

    /// Opens the wallet kept in the chain's store (namespace `"wallet"`), catches up with blocks connected or
    /// disconnected since it last ran, and registers as the chain's observer. A store without wallet records
    /// starts an empty wallet synced to the current tip.
    ///
    /// - Throws: `.storage` when the store fails or a wallet record does not decode.
    public init(chain: ChainState) throws(WalletError) {
        self.chain = chain
        self.prefixes = chain.params.base58Prefixes
        try locked { () throws(WalletError) in
            try load()
            var batch = ChainBatch()
            try catchUp(&batch)
            try commit(batch)
            chain.addObserver(self)
        }
    }

    // MARK: Keys

    /// Generates a fresh key and returns its compressed P2PKH address. The key is stored (synced) first.
    public func newAddress() throws(WalletError) -> Address {
        try locked { () throws(WalletError) in try generateKey() }
    }

    /// Adds a WIF private key (compressed or not, as the WIF says) and returns its P2PKH address. With
    /// `rescan`, walks the active chain's blocks from height 1 to find the key's coins and their spends. A key
    /// the wallet already holds is not scanned again.
    ///
    /// - Throws: `.invalidAddress` for malformed WIF or another network's; `.storage`.
    public func importPrivateKey(_ wif: String, rescan: Bool = true) throws(WalletError) -> Address {
        guard let decoded = WIF(wif.trimmingCharacters(in: .whitespacesAndNewlines), prefixes: prefixes),
              let key = PrivateKey(bytes: decoded.secret) else {
            throw .invalidAddress("Invalid private key encoding")
        }
        return try locked { () throws(WalletError) in
            let entry = WalletKey(key: key, compressed: decoded.compressed, sequence: nextKeySequence)
            let hash = entry.hash160
            if keys[hash] != nil { return .pubKeyHash(hash) }
            try store(entry)
            if rescan {
                var batch = ChainBatch()
                try connectActiveBlocks(from: 1, batch: &batch)
                try commit(batch)
            }
            return .pubKeyHash(hash)
        }
    }

    /// The WIF private key of a wallet address (with the network's secret-key prefix).
    ///
    /// - Throws: `.invalidAddress` for text that is not an address of this network; `.unknownKey` for a P2SH
    ///   address or a key the wallet does not hold.
    public func dumpPrivateKey(_ address: String) throws(WalletError) -> String {
        guard let parsed = Address(address, prefixes: prefixes) else { throw .invalidAddress(address) }
        guard case let .pubKeyHash(hash) = parsed else { throw .unknownKey(address) }
        let key = lock.holding { keys[hash] }
        guard let key else { throw .unknownKey(address) }
        return WIF(secret: key.key.bytes, compressed: key.compressed).encoded(prefixes: prefixes)
    }

    /// Signs a 32-byte digest with the wallet key whose public key (in the form the key is used with) has
    /// HASH160 `keyID`: a 65-byte compact recoverable signature (`CKey::SignCompact`) and that public key; nil
    /// when the wallet holds no such key.
    public func signCompact(keyID: [UInt8], digest: Hash256) -> (publicKey: [UInt8], signature: [UInt8])? {
        guard let entry = lock.holding({ keys[keyID] }) else { return nil }
        return (entry.publicKey, entry.key.signCompact(digest32: digest, compressed: entry.compressed))
    }

    /// The serialized public key (in the form, compressed or not, the key is used with) of the wallet key whose
    /// HASH160 is `keyID`; nil when the wallet holds no such key (`CWallet::GetPubKey`).
    public func publicKey(keyID: [UInt8]) -> [UInt8]? {
        lock.holding { keys[keyID]?.publicKey }
    }

    /// True when `script` pays a wallet key: P2PKH of its hash, or pay-to-public-key of the key itself.
    public func isMine(_ script: Script) -> Bool {
        lock.holding { owner(of: script) != nil }
    }

    /// The wallet's addresses, in the order their keys were added.
    public var addresses: [Address] {
        lock.holding { keyOrder.map { .pubKeyHash($0) } }
    }

    /// The last storage failure of a chain-event commit, if any. Such a failure leaves the wallet's memory
    /// ahead of its store; the next start catches up from the last committed block.
    public var lastStorageError: WalletError? { lock.holding { storageFailure } }

    // MARK: Balances and coins

    /// The sum of spendable coins with at least `minConfirmations` confirmations: mature, not spent on the
    /// active chain and not spent by a pending wallet transaction. With `minConfirmations` ≤ 0 the unspent
    /// outputs of pending wallet transactions (change) count too.
    public func balance(minConfirmations: Int = 1) -> Amount {
        let coins = listUnspent(minConfirmations: minConfirmations)
        return Amount(units: coins.reduce(0) { $0 + $1.output.value.units })
    }

    /// The sum of unspent outputs of pending wallet transactions (fluxd's `getunconfirmedbalance`).
    public func unconfirmedBalance() -> Amount {
        lockedQuery {
            Amount(units: pendingCoins.values.filter { pendingSpent[$0.outpoint] == nil }
                .reduce(0) { $0 + $1.output.value.units })
        }
    }

    /// Spendable coins (mature, not spent on the chain or by a pending wallet transaction) whose
    /// confirmations lie in `minConfirmations ... maxConfirmations`, optionally only those paying `addresses`;
    /// ordered oldest first (unconfirmed last), then by outpoint.
    public func listUnspent(minConfirmations: Int = 1, maxConfirmations: Int = 9_999_999,
                            addresses: [Address]? = nil) -> [WalletCoin] {
        lockedQuery {
            let tip = chain.height
            let filter = addresses.map(Set.init)
            return spendableCoins(tipHeight: tip).filter { coin in
                let c = coin.confirmations(tipHeight: tip)
                return c >= minConfirmations && c <= maxConfirmations && (filter?.contains(coin.address) ?? true)
            }
        }
    }

    /// Unspent, mature coins, confirmed first (oldest first), then pending outputs. Lock held.
    func spendableCoins(tipHeight: Int) -> [WalletCoin] {
        let confirmed = coins.values.filter {
            spentBy[$0.outpoint] == nil && pendingSpent[$0.outpoint] == nil && $0.isSpendable(tipHeight: tipHeight)
        }.sorted { a, b in
            a.height! != b.height! ? a.height! < b.height! : a.outpoint < b.outpoint
        }
        let unconfirmed = pendingCoins.values.filter { pendingSpent[$0.outpoint] == nil }
            .sorted { $0.outpoint < $1.outpoint }
        return confirmed + unconfirmed
    }

    // MARK: Internals (lock held)

    /// The HASH160 of the wallet key `script` pays, if any.
    func owner(of script: Script) -> [UInt8]? {
        if let hash = script.pubKeyHash { return keys[hash] != nil ? hash : nil }
        if let publicKey = script.payToPublicKey {
            let hash = Hashing.hash160(publicKey)
            return keys[hash] != nil ? hash : nil
        }
        return nil
    }

    func generateKey() throws(WalletError) -> Address {
        let entry = WalletKey(key: PrivateKey.generate(), compressed: true, sequence: nextKeySequence)
        try store(entry)
        return .pubKeyHash(entry.hash160)
    }

    /// Writes a key (synced) and adds it to memory.
    func store(_ entry: WalletKey) throws(WalletError) {
        var batch = ChainBatch()
        let text = WIF(secret: entry.key.bytes, compressed: entry.compressed).encoded(prefixes: prefixes)
        batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.key(sequence: entry.sequence),
                        value: Array(text.utf8))
        do { try chain.store.commit(batch, sync: true) } catch { throw .storage("\(error)") }
        add(entry)
    }

    func add(_ entry: WalletKey) {
        let hash = entry.hash160
        guard keys[hash] == nil else { return }
        keys[hash] = entry
        keyOrder.append(hash)
        nextKeySequence = max(nextKeySequence, entry.sequence + 1)
    }

    /// Commits wallet records (unsynced: a lost write is redone by the catch-up at the next start).
    func commit(_ batch: ChainBatch) throws(WalletError) {
        guard !batch.isEmpty else { return }
        do { try chain.store.commit(batch, sync: false) } catch { throw .storage("\(error)") }
    }

    /// Runs `body` holding the chain's lock, then the wallet's.
    func locked<T>(_ body: () throws(WalletError) -> T) throws(WalletError) -> T {
        do {
            return try chain.withLock { try lock.holding { try body() } }
        } catch let error as WalletError { throw error } catch { throw .storage("\(error)") }
    }

    /// Runs a query holding the chain's lock, then the wallet's.
    func lockedQuery<T>(_ body: () -> T) -> T {
        chain.withLock { lock.holding(body) }
    }
}

extension NSLock {
    /// Runs `body` holding the lock.
    func holding<T>(_ body: () throws -> T) rethrows -> T {
        lock(); defer { unlock() }
        return try body()
    }
}

extension Script {
    /// The public key of a pay-to-public-key script (`<33 or 65 bytes> OP_CHECKSIG`).
    var payToPublicKey: [UInt8]? {
        let n = bytes.count
        guard (n == 35 && bytes[0] == 33) || (n == 67 && bytes[0] == 65), bytes[n - 1] == Opcode.checkSig else {
            return nil
        }
        return Array(bytes[1..<(n - 1)])
    }
}
