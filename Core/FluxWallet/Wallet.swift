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
/// again. Its transactions stay in the history (`WalletTransaction`) without a block: unconfirmed while the
/// mempool holds them, conflicted (depth -1) otherwise. They are no longer pending sends; when the mempool
/// takes one back, call `recordPending` for it again to spend its change.
///
/// **History, watch-only, redeem scripts, locks.** Every transaction paying or spending a wallet key, a
/// watch-only script (`importWatchOnly`) or a P2SH address of a stored redeem script (`addRedeemScript`) is
/// recorded with its block place (`Wallet+History`); coin locks (`lockCoins`) and the `settxfee` rate live in
/// memory only, as in fluxd.
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
    /// Key hashes of keys made for change (fluxd's keys outside the address book).
    var changeKeys: Set<[UInt8]> = []
    /// The wallet's transactions (history), by txid.
    var transactions: [Hash256: WalletTransaction] = [:]
    /// The `order` the next recorded transaction gets.
    var nextOrder: UInt64 = 0
    /// Watch-only scripts (`importaddress`) → label.
    var watchScripts: [[UInt8]: String] = [:]
    /// Redeem scripts by HASH160 (`addmultisigaddress`, `importaddress … p2sh`).
    var redeemScripts: [[UInt8]: Script] = [:]
    /// Outpoints the wallet must not spend (`lockunspent`, FluxNode collateral); in memory only, as fluxd.
    var lockedOutpoints: Set<OutPoint> = []
    /// The fee rate per 1,000 bytes set by `settxfee`; zero means `defaultFeePerKB` (fluxd's `payTxFee`).
    var payTxFeeRate: Amount = .zero

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
            rebuildPendingIndex()
            if rescan { try rescanLocked(from: 1) }
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

    /// The redeem script whose HASH160 is `scriptID`, if the wallet holds it (`CWallet::GetCScript`).
    public func redeemScript(scriptID: [UInt8]) -> Script? {
        lock.holding { redeemScripts[scriptID] }
    }

    /// True when the wallet can spend what `script` pays (fluxd's `ISMINE_SPENDABLE`): P2PKH of a wallet key's
    /// hash, pay-to-public-key of a wallet key, or P2SH of a redeem script the wallet holds every key of.
    public func isMine(_ script: Script) -> Bool {
        lock.holding { ownership(of: script).map { !$0.watchOnly } ?? false }
    }

    /// True when `script` is watched only (`importaddress`): the wallet sees its coins but cannot spend them.
    public func isWatchOnly(_ script: Script) -> Bool {
        lock.holding { ownership(of: script)?.watchOnly ?? false }
    }

    /// The wallet's addresses, in the order their keys were added (change addresses included).
    public var addresses: [Address] {
        lock.holding { keyOrder.map { .pubKeyHash($0) } }
    }

    /// The wallet's receiving addresses (fluxd's address book): keys not made for change, in the order they were
    /// added, then the P2SH addresses of its redeem scripts and the addresses of watch-only scripts, each once.
    public var receivingAddresses: [Address] {
        lock.holding {
            var seen = Set<Address>()
            var out: [Address] = []
            let keyAddresses = keyOrder.filter { !changeKeys.contains($0) }.map { Address.pubKeyHash($0) }
            let scriptAddresses = redeemScripts.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { Address.scriptHash($0) }
            let watched = watchScripts.keys.sorted { $0.lexicographicallyPrecedes($1) }
                .compactMap { Self.destination(of: Script($0)) }
            for a in keyAddresses + scriptAddresses + watched where seen.insert(a).inserted { out.append(a) }
            return out
        }
    }

    /// The last storage failure of a chain-event commit, if any. Such a failure leaves the wallet's memory
    /// ahead of its store; the next start catches up from the last committed block.
    public var lastStorageError: WalletError? { lock.holding { storageFailure } }

    // MARK: Balances and coins

    /// The sum of spendable coins with at least `minConfirmations` confirmations: mature, not spent on the
    /// active chain and not spent by a pending wallet transaction. With `minConfirmations` ≤ 0 the unspent
    /// outputs of pending wallet transactions (change) count too. Locked coins count (as in fluxd's
    /// `getbalance`); watch-only coins only with `includeWatchOnly`.
    public func balance(minConfirmations: Int = 1, includeWatchOnly: Bool = false) -> Amount {
        lockedQuery {
            let tip = chain.height
            let total = unspentCoins(tipHeight: tip, includeLocked: true).filter { coin in
                (includeWatchOnly || !coin.isWatchOnly) && coin.confirmations(tipHeight: tip) >= minConfirmations
            }.reduce(Int64(0)) { $0 + $1.output.value.units }
            return Amount(units: total)
        }
    }

    /// The sum of unspent outputs of pending wallet transactions (fluxd's `getunconfirmedbalance`).
    public func unconfirmedBalance() -> Amount {
        lockedQuery {
            Amount(units: pendingCoins.values.filter { pendingSpent[$0.outpoint] == nil && !$0.isWatchOnly }
                .reduce(0) { $0 + $1.output.value.units })
        }
    }

    /// The sum of unspent coinbase outputs paying the wallet that are not mature yet (fluxd's
    /// `GetImmatureBalance`).
    public func immatureBalance() -> Amount {
        lockedQuery {
            let tip = chain.height
            return Amount(units: coins.values.filter {
                spentBy[$0.outpoint] == nil && !$0.isWatchOnly && !$0.isSpendable(tipHeight: tip)
            }.reduce(0) { $0 + $1.output.value.units })
        }
    }

    /// Unspent coins (mature, not spent on the chain or by a pending wallet transaction, not locked) whose
    /// confirmations lie in `minConfirmations ... maxConfirmations`, optionally only those paying `addresses`;
    /// ordered oldest first (unconfirmed last), then by outpoint. Watch-only coins are listed too (fluxd's
    /// `listunspent` shows them with `spendable: false`; see `WalletCoin.isWatchOnly`).
    public func listUnspent(minConfirmations: Int = 1, maxConfirmations: Int = 9_999_999,
                            addresses: [Address]? = nil) -> [WalletCoin] {
        lockedQuery {
            let tip = chain.height
            let filter = addresses.map(Set.init)
            return unspentCoins(tipHeight: tip, includeLocked: false).filter { coin in
                let c = coin.confirmations(tipHeight: tip)
                return c >= minConfirmations && c <= maxConfirmations && (filter?.contains(coin.address) ?? true)
            }
        }
    }

    /// Coins the wallet may spend: `unspentCoins` without watch-only ones. Lock held.
    func spendableCoins(tipHeight: Int) -> [WalletCoin] {
        unspentCoins(tipHeight: tipHeight, includeLocked: false).filter { !$0.isWatchOnly }
    }

    /// Unspent, mature coins (watch-only included), confirmed first (oldest first), then pending outputs;
    /// locked ones only with `includeLocked`. Lock held.
    func unspentCoins(tipHeight: Int, includeLocked: Bool) -> [WalletCoin] {
        let confirmed = coins.values.filter {
            spentBy[$0.outpoint] == nil && pendingSpent[$0.outpoint] == nil && $0.isSpendable(tipHeight: tipHeight)
                && (includeLocked || !lockedOutpoints.contains($0.outpoint))
        }.sorted { a, b in
            a.height! != b.height! ? a.height! < b.height! : a.outpoint < b.outpoint
        }
        let unconfirmed = pendingCoins.values.filter {
            pendingSpent[$0.outpoint] == nil && (includeLocked || !lockedOutpoints.contains($0.outpoint))
        }.sorted { $0.outpoint < $1.outpoint }
        return confirmed + unconfirmed
    }

    // MARK: Internals (lock held)

    /// How the wallet owns what a script pays.
    struct Ownership {
        /// The address the script pays (for pay-to-public-key, the key's P2PKH address); nil for a watched
        /// script that is no address.
        let address: Address?
        /// True when the wallet only watches it.
        let watchOnly: Bool
    }

    /// Whether and how `script` is the wallet's (fluxd's `IsMine`): spendable for P2PKH or pay-to-public-key of
    /// a wallet key and for P2SH of a held redeem script whose keys the wallet all holds; watch-only for an
    /// imported script. Lock held.
    func ownership(of script: Script) -> Ownership? {
        if canSpend(script, depth: 0) { return Ownership(address: Self.destination(of: script), watchOnly: false) }
        if watchScripts[script.bytes] != nil { return Ownership(address: Self.destination(of: script), watchOnly: true) }
        return nil
    }

    /// fluxd's `IsMine` spendable rule, recursing once into a P2SH redeem script. Lock held.
    func canSpend(_ script: Script, depth: Int) -> Bool {
        if let hash = script.pubKeyHash { return keys[hash] != nil }
        if let publicKey = script.payToPublicKey { return keys[Hashing.hash160(publicKey)] != nil }
        if let hash = script.scriptHash {
            guard depth == 0, let redeem = redeemScripts[hash] else { return false }
            return canSpend(redeem, depth: 1)
        }
        if let multisig = script.multisig {
            return multisig.keys.allSatisfy { keys[Hashing.hash160($0)] != nil }
        }
        return false
    }

    /// The address an output script pays (fluxd's `ExtractDestination`): P2PKH, P2SH, or the P2PKH address of a
    /// pay-to-public-key script's key.
    static func destination(of script: Script) -> Address? {
        if let address = Address(script: script) { return address }
        if let publicKey = script.payToPublicKey { return .pubKeyHash(Hashing.hash160(publicKey)) }
        return nil
    }

    func generateKey(change: Bool = false) throws(WalletError) -> Address {
        let entry = WalletKey(key: PrivateKey.generate(), compressed: true, sequence: nextKeySequence)
        try store(entry, change: change)
        return .pubKeyHash(entry.hash160)
    }

    /// Writes a key (synced) and adds it to memory; a change key gets its change mark in the same commit.
    func store(_ entry: WalletKey, change: Bool = false) throws(WalletError) {
        var batch = ChainBatch()
        let text = WIF(secret: entry.key.bytes, compressed: entry.compressed).encoded(prefixes: prefixes)
        batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.key(sequence: entry.sequence),
                        value: Array(text.utf8))
        if change {
            batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.change(sequence: entry.sequence),
                            value: [])
        }
        do { try chain.store.commit(batch, sync: true) } catch { throw .storage("\(error)") }
        add(entry)
        if change { changeKeys.insert(entry.hash160) }
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
    /// The required count and public keys of a bare multisig script (`OP_m <key>… OP_n OP_CHECKMULTISIG`).
    var multisig: (required: Int, keys: [[UInt8]])? {
        guard let ops = operations, ops.count >= 4, ops.last?.opcode == Opcode.checkMultisig else { return nil }
        func small(_ op: UInt8) -> Int? { (Opcode.op1...Opcode.op16).contains(op) ? Int(op - Opcode.op1) + 1 : nil }
        guard let m = small(ops[0].opcode), let n = small(ops[ops.count - 2].opcode), n == ops.count - 3, m <= n else {
            return nil
        }
        var keys: [[UInt8]] = []
        for op in ops[1..<(ops.count - 2)] {
            guard let data = op.data, data.count == 33 || data.count == 65 else { return nil }
            keys.append(data)
        }
        return (m, keys)
    }

    /// The public key of a pay-to-public-key script (`<33 or 65 bytes> OP_CHECKSIG`).
    var payToPublicKey: [UInt8]? {
        let n = bytes.count
        guard (n == 35 && bytes[0] == 33) || (n == 67 && bytes[0] == 65), bytes[n - 1] == Opcode.checkSig else {
            return nil
        }
        return Array(bytes[1..<(n - 1)])
    }
}
