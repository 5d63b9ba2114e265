import FluxPrimitives
import FluxScript

/// The deterministic FluxNode list (fluxd `FluxnodeCache`), kept entirely in a ``FluxNodeStore``.
///
/// ## Storage layout
/// Every key starts with a one-byte prefix (never 0x00, which the host reserves). `outpoint` is the collateral's
/// txid in internal byte order (32 bytes) followed by its index as big-endian UInt32, so byte order equals fluxd's
/// `COutPoint::operator<` (memcmp of the txid, then n). Heights are big-endian UInt32.
///
/// | prefix | key | value | present for |
/// |---|---|---|---|
/// | `0x01` | `01 ‖ outpoint` | ``FluxNodeRecord/encoded`` | every STARTED, DOS and CONFIRMED node |
/// | `0x02` | `02 ‖ tier ‖ height ‖ paid ‖ outpoint` | empty | CONFIRMED nodes: the payment order of each tier |
/// | `0x03` | `03 ‖ addedHeight ‖ outpoint` | empty | STARTED nodes (confirm deadline) |
/// | `0x04` | `04 ‖ addedHeight ‖ outpoint` | empty | DOS nodes (release) |
/// | `0x05` | `05 ‖ lastConfirmedHeight ‖ outpoint` | empty | CONFIRMED nodes (expiry) |
/// | `0x06` | `06 ‖ BE64 collateral value ‖ outpoint` | empty | CONFIRMED nodes (collateral-amount transition) |
/// | `0x07` | `07 ‖ outpoint` | concatenated 33-byte keys | delegate keys set by a PoN START (kept when the node leaves) |
/// | `0x08` | `08` | 5 × BE32: confirmed Cumulus, Nimbus, Stratus; started; dos | counters |
/// | `0x09` | `09` | BE32 height | expiry floor: no `0x05` key has a lower height (absent: 0) |
///
/// In the payment index `height` is `lastPaidHeight` if the node was ever paid, else `confirmedHeight`, and `paid`
/// is 0 for never-paid nodes and 1 otherwise. Byte order of these keys is exactly fluxd's
/// `FluxnodeListData::operator<`: ascending height; on equal heights a never-paid node comes before a paid one
/// (fluxd: "if only B was paid, A < B iff keyA ≤ keyB"); two paid or two unpaid nodes by outpoint. That comparator
/// is a total order equal to the lexicographic order on (height, paid, outpoint), and fluxd re-sorts the list with
/// it after every change (new confirms, payouts), so the front of each tier's index is fluxd's `GetNextPayment`.
/// fluxd leaves expired nodes in its list and skips them lazily; here they are removed at once, which gives the same
/// payee.
///
/// Every block costs a constant number of seeks plus O(log n) work per changed node; nothing scans the list.
///
/// ## Semantics taken from fluxd (`src/main.cpp`, `src/fluxnode/fluxnode.cpp`, `src/coins.cpp`)
/// - Block order: one FluxNode transaction per collateral (`bad-fluxnode-tx-multiple`); every FluxNode transaction
///   checked against the parent's list; the coinbase payouts against the parent's list
///   (`bad-txns-not-paying-correct-fluxnodes`); then, in block order, `CheckFluxnodeTxInput` for STARTs *and*
///   CONFIRMs against the coins as the block has changed them so far, and the application.
/// - Removal by spend (`GetUndoDataForExpiredConfirmFluxnodes`) and the collateral-transition expiry consider only
///   nodes CONFIRMED in the parent's list; the spend set holds the inputs of the block's non-FluxNode
///   transactions. STARTED/DOS nodes are never removed by a spend (their CONFIRM fails the collateral check).
/// - Expired nodes and released DoS entries are deleted (no "expired" record is kept); delegate keys are kept
///   under their own prefix, as fluxd keeps them in a separate database.
/// - Reject codes are fluxd's where fluxd has one; `fluxnode-tx-unknown-collateral` (a CONFIRM for no known node,
///   which fluxd rejects without a code), `bad-txns-fluxnode-tx-version`,
///   `bad-txns-fluxnode-tx-invalid-flux-tx-version` (from PoN: not exactly one of normal/P2SH, or a bit besides
///   0x01/0x02/0x0100 — fluxd calls bits 9–10 reserved; this port rejects them), `fluxnode-utxo-lookup` and
///   `fluxnode-store-error` are this port's.
/// - fluxd's "same height re-add" exception of `CheckNewStartTx` exists for its single global cache across
///   competing blocks; a per-chain store (the host discards a failed or disconnected block's writes) never needs it.
public struct FluxNodeLedger: Sendable {
    /// The network whose rules apply.
    public let network: FluxNodeNetwork

    /// Creates a ledger for `network`.
    /// Successful signature checks to reuse (the plugin shares one between mempool and block checks); nil checks
    /// every signature every time.
    public let signatureCache: FluxNodeSignatureCache?

    /// Keys recovered ahead of time for the block being connected (see ``withRecoveredSignatures(of:)``).
    let recoveries: FluxNodeSignatureRecoveries?

    public init(network: FluxNodeNetwork, signatureCache: FluxNodeSignatureCache? = nil) {
        self.init(network: network, signatureCache: signatureCache, recoveries: nil)
    }

    init(network: FluxNodeNetwork, signatureCache: FluxNodeSignatureCache?, recoveries: FluxNodeSignatureRecoveries?) {
        self.network = network
        self.signatureCache = signatureCache
        self.recoveries = recoveries
    }

    /// This ledger with the keys of `block`'s CONFIRM signatures recovered on all cores, when that is worth it:
    /// CONFIRMs whose benchmark signature is already in ``signatureCache`` came through the mempool and are
    /// skipped, and a handful of signatures are left to the ordered checks.
    func withRecoveredSignatures(of block: Block) -> FluxNodeLedger {
        var pairs: [(message: [UInt8], signature: [UInt8])] = []
        for tx in block.transactions {
            guard case let .confirm(cf)? = tx.fluxNode else { continue }
            let bench = FluxNodeTransactions.benchmarkMessage(sig: cf.sig, benchmarkTier: cf.benchmarkTier,
                                                              benchmarkSigTime: cf.benchmarkSigTime, ip: cf.ip)
            if let cache = signatureCache,
               cache.contains(FluxNodeSignatureCache.entry(bench, cf.benchmarkSig, network.benchmarkKey(at: cf.benchmarkSigTime))) {
                continue
            }
            let message = FluxNodeTransactions.confirmMessage(collateral: cf.collateral, updateType: cf.updateType,
                                                              sigTime: cf.sigTime)
            pairs.append((Array(message.utf8), cf.sig))
            pairs.append((bench, cf.benchmarkSig))
        }
        guard pairs.count >= FluxNodeSignatureRecoveries.minimumBatch else { return self }
        return FluxNodeLedger(network: network, signatureCache: signatureCache,
                              recoveries: FluxNodeSignatureRecoveries(pairs))
    }

    /// Looks up a coin as of the parent block: value, height of the block that created it, output script.
    public typealias CoinLookup = (OutPoint) throws -> (value: Int64, height: Int, script: [UInt8])?

    // MARK: Keys

    enum Prefix {
        static let record: UInt8 = 0x01
        static let payment: UInt8 = 0x02
        static let started: UInt8 = 0x03
        static let dos: UInt8 = 0x04
        static let lastConfirmed: UInt8 = 0x05
        static let collateralValue: UInt8 = 0x06
        static let delegates: UInt8 = 0x07
        static let counts: UInt8 = 0x08
        static let expiryFloor: UInt8 = 0x09
    }

    static func be32(_ v: Int) -> [UInt8] {
        let u = UInt32(truncatingIfNeeded: max(v, 0))
        return [UInt8(u >> 24), UInt8(truncatingIfNeeded: u >> 16), UInt8(truncatingIfNeeded: u >> 8), UInt8(truncatingIfNeeded: u)]
    }

    static func be64(_ v: Int64) -> [UInt8] {
        let u = UInt64(bitPattern: v)
        return (0..<8).map { UInt8(truncatingIfNeeded: u >> (56 - 8 * $0)) }
    }

    static func outpointBytes(_ o: OutPoint) -> [UInt8] { o.hash.bytes + be32Raw(o.index) }

    static func be32Raw(_ u: UInt32) -> [UInt8] {
        [UInt8(u >> 24), UInt8(truncatingIfNeeded: u >> 16), UInt8(truncatingIfNeeded: u >> 8), UInt8(truncatingIfNeeded: u)]
    }

    /// The collateral at the end of an index key.
    static func outpoint(fromKeySuffix key: [UInt8]) -> OutPoint {
        let n = key.count
        let hash = Hash256(key[(n - 36)..<(n - 4)])
        let index = UInt32(key[n - 4]) << 24 | UInt32(key[n - 3]) << 16 | UInt32(key[n - 2]) << 8 | UInt32(key[n - 1])
        return OutPoint(hash: hash, index: index)
    }

    /// Height stored right after the one-byte prefix of a STARTED/DOS/last-confirmed key.
    static func height(fromIndexKey key: [UInt8], at offset: Int = 1) -> Int {
        Int(UInt32(key[offset]) << 24 | UInt32(key[offset + 1]) << 16 | UInt32(key[offset + 2]) << 8 | UInt32(key[offset + 3]))
    }

    static func recordKey(_ o: OutPoint) -> [UInt8] { [Prefix.record] + outpointBytes(o) }

    static func paymentKey(_ r: FluxNodeRecord) -> [UInt8] {
        [Prefix.payment, UInt8(r.tier.rawValue)] + be32(r.paymentOrderHeight) + [r.lastPaidHeight > 0 ? 1 : 0]
            + outpointBytes(r.collateral)
    }

    static func indexKeys(_ r: FluxNodeRecord) -> [[UInt8]] {
        let op = outpointBytes(r.collateral)
        switch r.status {
        case .started: return [[Prefix.started] + be32(r.addedHeight) + op]
        case .dos: return [[Prefix.dos] + be32(r.addedHeight) + op]
        case .confirmed:
            return [paymentKey(r), [Prefix.lastConfirmed] + be32(r.lastConfirmedHeight) + op,
                    [Prefix.collateralValue] + be64(r.collateralValue) + op]
        }
    }

    // MARK: Store helpers

    static func wrap<T>(_ body: () throws(FluxNodeStoreError) -> T) throws(FluxNodeRejection) -> T {
        do { return try body() } catch { throw FluxNodeRejection("fluxnode-store-error", error.description) }
    }

    func loadRecord(_ o: OutPoint, _ store: any FluxNodeStore) throws(FluxNodeRejection) -> FluxNodeRecord? {
        try Self.wrap { () throws(FluxNodeStoreError) -> FluxNodeRecord? in
            guard let bytes = try store.get(Self.recordKey(o)) else { return nil }
            return try FluxNodeRecord(encoded: bytes)
        }
    }

    /// Counters kept under prefix 0x08.
    struct Counts {
        var confirmed: [Int] = [0, 0, 0]
        var started = 0
        var dos = 0

        mutating func add(_ r: FluxNodeRecord, _ delta: Int) {
            switch r.status {
            case .started: started += delta
            case .dos: dos += delta
            case .confirmed: confirmed[r.tier.rawValue - 1] += delta
            }
        }

        var encoded: [UInt8] { (confirmed + [started, dos]).flatMap { FluxNodeLedger.be32($0) } }

        init() {}
        init(_ bytes: [UInt8]) {
            guard bytes.count == 20 else { return }
            let v = (0..<5).map { FluxNodeLedger.height(fromIndexKey: bytes, at: $0 * 4) }
            confirmed = Array(v[0..<3])
            started = v[3]
            dos = v[4]
        }
    }

    func loadCounts(_ store: any FluxNodeStore) throws(FluxNodeRejection) -> Counts {
        try Self.wrap { () throws(FluxNodeStoreError) -> Counts in
            Counts(try store.get([Prefix.counts]) ?? [])
        }
    }

    /// Replaces `old` (nil = new node) with `new` (nil = delete), keeping every index and the counters in step.
    func write(old: FluxNodeRecord?, new: FluxNodeRecord?, counts: inout Counts,
               _ store: any FluxNodeStore) throws(FluxNodeRejection) {
        try Self.wrap { () throws(FluxNodeStoreError) in
            let oldKeys = old.map(Self.indexKeys) ?? []
            let newKeys = new.map(Self.indexKeys) ?? []
            for k in oldKeys where !newKeys.contains(k) { try store.delete(k) }
            for k in newKeys where !oldKeys.contains(k) { try store.put(k, []) }
            if let new {
                try store.put(Self.recordKey(new.collateral), new.encoded)
            } else if let old {
                try store.delete(Self.recordKey(old.collateral))
            }
        }
        if let old { counts.add(old, -1) }
        if let new { counts.add(new, 1) }
    }

    /// Every key under `prefix` in order (from the first ≥ `start`, which must lie under `prefix`), as collaterals,
    /// stopping when `continueWhile` says so.
    func collaterals(under prefix: [UInt8], from start: [UInt8]? = nil, _ store: any FluxNodeStore,
                     while continueWhile: ([UInt8]) -> Bool = { _ in true }) throws(FluxNodeRejection) -> [OutPoint] {
        try Self.wrap { () throws(FluxNodeStoreError) -> [OutPoint] in
            // Batches that grow from 16 to 1,024 keys: short walks (the expiry and deadline scans usually stop after
            // a few keys) read little, long ones (RPC lists) make few store calls.
            var out: [OutPoint] = []
            var from = start ?? prefix
            var batch = 16
            while true {
                let entries = try store.scan(prefix: prefix, from: from, limit: batch)
                for e in entries {
                    guard continueWhile(e.key) else { return out }
                    out.append(Self.outpoint(fromKeySuffix: e.key))
                }
                guard entries.count == batch, let last = entries.last else { return out }
                from = last.key + [0]
                batch = min(batch * 2, 1_024)
            }
        }
    }

    // MARK: Signatures

    /// The bytes fluxd's `CPubKey` keeps of a serialized key: as many as the first byte announces (33 for 02/03,
    /// 65 for 04/06/07, none otherwise), or the raw bytes if fewer are present.
    static func cpubkey(_ key: [UInt8]) -> [UInt8] {
        guard let first = key.first else { return [] }
        let announced: Int
        switch first {
        case 2, 3: announced = 33
        case 4, 6, 7: announced = 65
        default: announced = 0
        }
        return key.count >= announced ? Array(key.prefix(announced)) : key
    }

    /// fluxd `CMessageSigner::VerifyMessage`: recover the key from the compact signature and compare key ids.
    static func verifyMessage(_ message: [UInt8], signature: [UInt8], key: [UInt8]) -> Bool {
        recoveredKeyID(message, signature: signature) == Hashing.hash160(cpubkey(key))
    }

    /// The expensive half of ``verifyMessage(_:signature:key:)``: HASH160 of the key `signature` recovers to over
    /// fluxd's message digest of `message`, or nil when nothing can be recovered.
    static func recoveredKeyID(_ message: [UInt8], signature: [UInt8]) -> [UInt8]? {
        PublicKey.recover(compactSignature65: signature, digest32: MessageSigner.digest(message)).map { Hashing.hash160($0.bytes) }
    }

    /// ``verifyMessage(_:signature:key:)`` through ``signatureCache`` when there is one.
    /// With ``recoveries`` the recovered key comes from the batch; the comparison is the same.
    func verifyMessage(_ message: [UInt8], signature: [UInt8], key: [UInt8]) -> Bool {
        let entry = signatureCache.map { _ in FluxNodeSignatureCache.entry(message, signature, key) }
        if let entry, signatureCache?.contains(entry) == true { return true }
        let recovered = recoveries?.keyID(message, signature) ?? Self.recoveredKeyID(message, signature: signature)
        guard let recovered, recovered == Hashing.hash160(Self.cpubkey(key)) else { return false }
        if let entry { signatureCache?.insert(entry) }
        return true
    }

    /// The public keys of a standard bare multisig script `OP_m <keys> OP_n OP_CHECKMULTISIG`, or nil.
    public static func multisigKeys(_ script: [UInt8]) -> (required: Int, keys: [[UInt8]])? {
        guard let ops = Script(script).operations, ops.count >= 4 else { return nil }
        func smallInt(_ op: UInt8) -> Int? { (0x51...0x60).contains(op) ? Int(op) - 0x50 : nil }
        guard let m = smallInt(ops[0].opcode), let n = smallInt(ops[ops.count - 2].opcode),
              ops[ops.count - 1].opcode == 0xae, ops[ops.count - 1].data == nil else { return nil }
        let keyOps = ops[1..<(ops.count - 2)]
        var keys: [[UInt8]] = []
        for op in keyOps {
            guard let d = op.data, d.count == 33 || d.count == 65 else { return nil }
            keys.append(d)
        }
        guard keys.count == n, m >= 1, m <= n else { return nil }
        return (m, keys)
    }

    // MARK: Checks

    /// Context-free + contextual checks of one START/CONFIRM for a block at `height` (also used for the mempool
    /// with height = tip + 1), against the list as the store holds it (the parent's state). Transactions that are
    /// not FluxNode transactions pass.
    public func check(_ tx: Transaction, height: Int, store: any FluxNodeStore,
                      utxo: CoinLookup) throws(FluxNodeRejection) {
        guard tx.fluxNode != nil else { return }
        _ = try judge(tx, height: height, store: store, utxo: utxo)
        _ = try checkInput(tx, height: height, coins: utxo)
    }

    /// Checks `tx` in fluxd's order — the context-free checks of `CheckTransaction` (shape, redeem script,
    /// delegate data, signatures, CONFIRM fields), then `ContextualCheckTransaction` (upgrades, list state, output
    /// script) — and returns what applying it needs: for a START the payee script, for a CONFIRM the node's
    /// record. ``checkInput(_:height:coins:)`` (`CheckFluxnodeTxInput`) comes after.
    /// Reject codes are fluxd's where fluxd names one.
    func judge(_ tx: Transaction, height: Int, store: any FluxNodeStore,
               utxo: CoinLookup) throws(FluxNodeRejection) -> (payee: [UInt8]?, record: FluxNodeRecord?) {
        guard let body = tx.fluxNode else { return (nil, nil) }
        let c = body.collateral
        guard tx.version == 5 || tx.version == 6 else {
            throw FluxNodeRejection("bad-txns-fluxnode-tx-version", "FluxNode transaction for \(c) has version \(tx.version)")
        }
        guard !c.isNull else {
            throw FluxNodeRejection("bad-txns-fluxnode-tx-null-prevout", "FluxNode transaction with a null collateral outpoint")
        }
        switch body {
        case let .start(s):
            let signers = try startContextFree(tx, s, store: store)
            try upgradeChecks(tx, s, height: height)
            return (try startContextual(tx, s, signers: signers, height: height, store: store, utxo: utxo), nil)
        case let .confirm(cf):
            let record = try loadRecord(c, store)
            try confirmContextFree(cf, record: record)
            try upgradeChecks(tx, nil, height: height)
            return (nil, try confirmContextual(cf, record: record, height: height))
        }
    }

    /// `ContextualCheckTransaction`'s upgrade gates: Kamata for any FluxNode transaction, P2SHNodes for version 6,
    /// and before PoN only the exact `nFluxTxVersion` values 1 and 2. From PoN the value must select exactly one of
    /// the normal and P2SH forms and use no bit besides those and the delegates bit (bits 9–10 are reserved; this
    /// port rejects them).
    func upgradeChecks(_ tx: Transaction, _ s: FluxNodeStart?, height: Int) throws(FluxNodeRejection) {
        let c = tx.fluxNode?.collateral ?? .null
        guard network.isActive("kamata", at: height) else {
            throw FluxNodeRejection("tx-fluxnodes-not-active",
                                    "FluxNode transaction for \(c) at height \(height), before the Kamata upgrade")
        }
        guard tx.version == 6 else { return }
        guard network.isActive("p2shnodes", at: height) else {
            throw FluxNodeRejection("tx-p2shnodes-not-active",
                                    "version 6 FluxNode transaction for \(c) at height \(height), before P2SHNodes")
        }
        guard let v = s?.fluxTxVersion else { return }
        if network.isActive("pon", at: height) {
            let normal = v & FluxNodeStart.normalBit != 0, p2sh = v & FluxNodeStart.p2shBit != 0
            let known = FluxNodeStart.normalBit | FluxNodeStart.p2shBit | FluxNodeStart.delegatesBit
            guard normal != p2sh, v & ~known == 0 else {
                throw FluxNodeRejection("bad-txns-fluxnode-tx-invalid-flux-tx-version", "START for \(c) has nFluxTxVersion \(v)")
            }
        } else if v != 1 && v != 2 {
            throw FluxNodeRejection("tx-bit-features-not-active",
                                    "START for \(c) has nFluxTxVersion \(v); only 1 or 2 before PoN")
        }
    }

    /// Context-free START checks; returns the keys any of which may have signed it.
    func startContextFree(_ tx: Transaction, _ s: FluxNodeStart, store: any FluxNodeStore) throws(FluxNodeRejection) -> [[UInt8]] {
        let c = s.collateral
        var multisig: [[UInt8]] = []
        if s.isP2SH {
            let script = s.redeemScript?.bytes ?? []
            guard script.count <= 10_000 else {
                throw FluxNodeRejection("bad-txns-fluxnode-tx-redeemscript-to-large",
                                        "P2SH START for \(c) has a \(script.count)-byte redeem script; at most 10,000 are allowed")
            }
            guard let ms = Self.multisigKeys(script) else {
                throw FluxNodeRejection("bad-txns-fluxnode-tx-redeemscript-not-multisig",
                                        "P2SH START for \(c) does not carry a standard multisig redeem script")
            }
            multisig = ms.keys
        }
        // Delegate data (only parsed when nFluxTxVersion has the delegates bit).
        var signingAsDelegate = false
        if let v = s.fluxTxVersion, v & FluxNodeStart.delegatesBit != 0, s.usingDelegates == true {
            guard let d = s.delegates, d.version == 1, (0...2).contains(d.type),
                  d.type != 1 || (d.keys.count <= 4 && d.keys.allSatisfy { $0.count == 33 && PublicKey($0).isFullyValid })
            else {
                throw FluxNodeRejection("bad-txns-fluxnode-tx-delegate-data-invalid",
                                        "START for \(c) has invalid delegate data (version 1, type 0–2, at most 4 valid compressed keys)")
            }
            signingAsDelegate = d.type == 2
        }
        let signers: [[UInt8]]
        let who: String
        if signingAsDelegate {
            signers = try delegateKeys(c, store)
            who = "a delegate key stored for the collateral"
        } else if s.isP2SH {
            signers = multisig
            who = "a key of the redeem script"
        } else {
            signers = [s.collateralPubKey]
            who = "the collateral key"
        }
        let message = Array(FluxNodeTransactions.startMessage(txid: tx.txid).utf8)
        guard signers.contains(where: { verifyMessage(message, signature: s.sig, key: $0) }) else {
            throw FluxNodeRejection("bad-txns-fluxnode-tx-invalid-signature",
                                    "START for \(c): the signature over txid \(tx.txid) is not by \(who)")
        }
        return signers
    }

    /// What a collateral output script pays to (fluxd `ExtractDestination` for the forms that matter):
    /// a key id (P2PKH, or P2PK hashed) or a script id (P2SH).
    enum Destination: Equatable {
        case key([UInt8])
        case script([UInt8])

        init?(_ bytes: [UInt8]) {
            let s = Script(bytes)
            if let h = s.pubKeyHash { self = .key(h); return }
            if let h = s.scriptHash { self = .script(h); return }
            if (bytes.count == 35 && bytes[0] == 33 || bytes.count == 67 && bytes[0] == 65), bytes.last == 0xac {
                self = .key(Hashing.hash160(Array(bytes[1..<(bytes.count - 1)])))
                return
            }
            return nil
        }

        var script: [UInt8] {
            switch self {
            case let .key(h): Script.payToPubKeyHash(h).bytes
            case let .script(h): Script.payToScriptHash(h).bytes
            }
        }
    }

    /// Contextual START checks and `CheckFluxnodeTxInput`.
    func startContextual(_ tx: Transaction, _ s: FluxNodeStart, signers: [[UInt8]], height: Int, store: any FluxNodeStore,
                         utxo: CoinLookup) throws(FluxNodeRejection) -> [UInt8] {
        let c = s.collateral
        if let existing = try loadRecord(c, store) {
            if existing.status == .confirmed {
                throw FluxNodeRejection("fluxnode-tx-already-in-confirm-chain",
                                        "START for \(c): the node is already CONFIRMED (since height \(existing.confirmedHeight))")
            }
            throw FluxNodeRejection("fluxnode-tx-already-in-chain-or-waiting-for-dos-unban",
                                    "START for \(c): the collateral is already \(existing.status.name) (START at height \(existing.addedHeight))")
        }
        let coin: (value: Int64, height: Int, script: [UInt8])?
        do { coin = try utxo(c) } catch {
            throw FluxNodeRejection("fluxnode-utxo-lookup", "looking up collateral \(c) failed: \(error)")
        }
        guard let coin else {
            throw FluxNodeRejection("fluxnode-tx-coins-not-found", "START collateral \(c) is not an unspent output")
        }
        guard let destination = Destination(coin.script) else {
            throw FluxNodeRejection("fluxnode-tx-failed-to-extract-destination",
                                    "START collateral \(c) has a script with no address: \(Hex.encode(coin.script))")
        }
        let isV6Normal = s.fluxTxVersion != nil && !s.isP2SH
        if isV6Normal && Script(coin.script).pubKeyHash == nil {
            throw FluxNodeRejection("fluxnode-tx-normal-version-not-p2pkh-script",
                                    "version 6 normal START collateral \(c) is not a P2PKH output")
        }
        if s.isP2SH && Script(coin.script).scriptHash == nil {
            throw FluxNodeRejection("fluxnode-tx-p2sh-version-not-p2sh-script", "P2SH START collateral \(c) is not a P2SH output")
        }
        let collateralKey = Self.cpubkey(s.collateralPubKey)
        let payee: [UInt8]
        if case let .script(hash) = destination {
            if s.isP2SH {
                guard hash == Hashing.hash160(s.redeemScript?.bytes ?? []) else {
                    throw FluxNodeRejection("fluxnode-tx-p2shnodes-destinations-didn't-match",
                                            "P2SH START collateral \(c) is not paid to the hash of the START's redeem script")
                }
                payee = destination.script
            } else {
                // A P2SH collateral outside the v6 P2SH form: only the foundation key may stand for it.
                guard collateralKey == Self.cpubkey(network.p2shKey(at: s.sigTime)) else {
                    throw FluxNodeRejection("fluxnode-tx-p2sh-publickeys-didn't-match",
                                            "START collateral \(c) is a P2SH output but the collateral key is not the foundation key in force at \(s.sigTime)")
                }
                payee = destination.script
            }
        } else {
            guard destination == .key(Hashing.hash160(collateralKey)) else {
                throw FluxNodeRejection("fluxnode-tx-destinations-didn't-match",
                                        "START collateral \(c) is not paid to the START's collateral key")
            }
            payee = Script.payToPubKeyHash(Hashing.hash160(collateralKey)).bytes
        }
        return payee
    }

    /// fluxd `CCoinsViewCache::CheckFluxnodeTxInput`, run for every START and CONFIRM in block order against the
    /// coins as the block has changed them so far: the collateral is unspent, at least 100 blocks old, and holds
    /// exactly a tier collateral valid at `height` (which gives the tier); the foundation key only from Halving and
    /// not after P2SHNodes. Reject codes are fluxd's `bad-txns-fluxnode-tx-inputs-missingorspent-<message>`.
    public func checkInput(_ tx: Transaction, height: Int, coins: CoinLookup) throws(FluxNodeRejection) -> (tier: FluxNodeTier, value: Int64) {
        guard let body = tx.fluxNode else {
            throw FluxNodeRejection("bad-txns-fluxnode-tx-inputs-missingorspent-Not a Fluxnode Tx", "not a FluxNode transaction")
        }
        let c = body.collateral
        func reject(_ fluxdMessage: String, _ detail: String) -> FluxNodeRejection {
            FluxNodeRejection("bad-txns-fluxnode-tx-inputs-missingorspent-" + fluxdMessage, "collateral \(c): \(detail)")
        }
        let coin: (value: Int64, height: Int, script: [UInt8])?
        do { coin = try coins(c) } catch {
            throw FluxNodeRejection("fluxnode-utxo-lookup", "looking up collateral \(c) failed: \(error)")
        }
        guard let coin else { throw reject("Coins not available", "not an unspent output") }
        guard height - coin.height >= FluxNodeNetwork.minimumCollateralConfirmations else {
            throw reject("Minimum height requirement not met",
                         "created at height \(coin.height), \(height - coin.height) confirmations at height \(height); 100 are needed")
        }
        guard let tier = network.tier(forCollateral: coin.value, at: height) else {
            throw reject("Couldn't get coin tier from amount",
                         "holds \(coin.value) units, not a tier collateral valid at height \(height)")
        }
        if case let .start(s) = body {
            let key = Self.cpubkey(s.collateralPubKey)
            let isFoundationKey = !key.isEmpty && network.p2shKeys.contains { Self.cpubkey($0.key) == key }
            if isFoundationKey && !network.isActive("halving", at: height) {
                throw reject("Using P2SH collateral key before it is active", "the foundation P2SH key before the Halving upgrade")
            }
            if isFoundationKey && network.isActive("p2shnodes", at: height) {
                throw reject("Old Style P2SH Nodes is no longer available. Please use new transaction version 6 style.",
                             "the foundation P2SH key after P2SHNodes")
            }
        }
        return (tier, coin.value)
    }

    /// Context-free CONFIRM checks (`CheckTransaction` / `CheckFluxnodeTxSignatures`): the operator signature when
    /// the node is known, the benchmark signature, the benchmark tier range, the ip size, the update type.
    func confirmContextFree(_ cf: FluxNodeConfirm, record: FluxNodeRecord?) throws(FluxNodeRejection) {
        let c = cf.collateral
        if let record {
            let message = FluxNodeTransactions.confirmMessage(collateral: c, updateType: cf.updateType, sigTime: cf.sigTime)
            guard verifyMessage(Array(message.utf8), signature: cf.sig, key: record.operatorPubKey) else {
                throw FluxNodeRejection("bad-txns-fluxnode-tx-invalid-signature",
                                        "CONFIRM for \(c): the signature is not by the node's operator key")
            }
        }
        let benchMessage = FluxNodeTransactions.benchmarkMessage(sig: cf.sig, benchmarkTier: cf.benchmarkTier,
                                                                 benchmarkSigTime: cf.benchmarkSigTime, ip: cf.ip)
        guard verifyMessage(benchMessage, signature: cf.benchmarkSig, key: network.benchmarkKey(at: cf.benchmarkSigTime)) else {
            throw FluxNodeRejection("bad-txns-fluxnode-tx-invalid-signature",
                                    "CONFIRM for \(c): the benchmark signature is not by the benchmark key in force at \(cf.benchmarkSigTime)")
        }
        guard FluxNodeTier(rawValue: Int(cf.benchmarkTier)) != nil else {
            throw FluxNodeRejection("bad-txns-fluxnode-tx-invalid-benchmark-tier", "CONFIRM for \(c) has benchmark tier \(cf.benchmarkTier)")
        }
        let ipLimit = cf.benchmarkSigTime >= 1_647_262_800 ? 60 : 40
        guard cf.ip.count <= ipLimit else {
            throw FluxNodeRejection("bad-txns-fluxnode-tx-ip-address-to-large",
                                    "CONFIRM for \(c) has a \(cf.ip.count)-byte ip; at most \(ipLimit) are allowed")
        }
        guard cf.updateType == 0 || cf.updateType == 1 else {
            throw FluxNodeRejection("bad-txns-fluxnode-tx-invalid-update-type", "CONFIRM for \(c) has update type \(cf.updateType)")
        }
    }

    /// Contextual CONFIRM checks (`ContextualCheckTransaction`).
    func confirmContextual(_ cf: FluxNodeConfirm, record: FluxNodeRecord?, height: Int) throws(FluxNodeRejection) -> FluxNodeRecord {
        let c = cf.collateral
        guard let record else {
            throw FluxNodeRejection("fluxnode-tx-unknown-collateral", "CONFIRM for \(c): no node has that collateral")
        }
        guard Int(cf.benchmarkTier) >= record.tier.rawValue else {
            throw FluxNodeRejection("fluxnode-tx-benchmark-tier-to-low-for-collateral",
                                    "CONFIRM for \(c): benchmark tier \(cf.benchmarkTier) is below the collateral tier \(record.tier.name)")
        }
        if cf.updateType == 0 {
            guard record.status == .started, record.addedHeight < height else {
                throw FluxNodeRejection("fluxnode-tx-invalid-confirm-outpoint-not-started",
                                        "INITIAL_CONFIRM for \(c): the node is \(record.status.name), not STARTED in an earlier block")
            }
        } else {
            guard record.status == .confirmed else {
                throw FluxNodeRejection("fluxnode-tx-invalid-update-confirm-outpoint-not-confirmed",
                                        "UPDATE_CONFIRM for \(c): the node is \(record.status.name), not CONFIRMED")
            }
            let distance = height - record.lastConfirmedHeight
            let ipChangeOK = network.isActive("flux", at: height) && cf.ip != record.ipBytes
                && distance >= FluxNodeNetwork.updateIPChangeDistance
            let minimum = network.updateMinDistance(at: height)
            guard ipChangeOK || distance > minimum else {
                throw FluxNodeRejection("fluxnode-tx-invalid-update-confirm-outpoint-not-confirmed-or-too-soon",
                                        "UPDATE_CONFIRM for \(c) at height \(height): last confirmed at \(record.lastConfirmedHeight), distance \(distance) is not above \(minimum)")
            }
        }
        return record
    }

    /// Stored delegate keys of `collateral` (empty if none).
    public func delegateKeys(_ collateral: OutPoint, _ store: any FluxNodeStore) throws(FluxNodeRejection) -> [[UInt8]] {
        try Self.wrap { () throws(FluxNodeStoreError) -> [[UInt8]] in
            guard let v = try store.get([Prefix.delegates] + Self.outpointBytes(collateral)), v.count % 33 == 0 else { return [] }
            return stride(from: 0, to: v.count, by: 33).map { Array(v[$0..<($0 + 33)]) }
        }
    }

    // MARK: Payouts

    /// The payouts the coinbase of the block at `height` must contain, given that block's subsidy: the front of
    /// each tier's list as the store holds it (the parent's state), Cumulus first; tiers without nodes are left
    /// out. Empty before ``FluxNodeNetwork/startPaymentsHeight``.
    public func payouts(height: Int, subsidy: Int64, store: any FluxNodeStore) throws(FluxNodeRejection) -> [FluxNodePayout] {
        guard height >= network.startPaymentsHeight else { return [] }
        var out: [FluxNodePayout] = []
        for tier in FluxNodeTier.allCases {
            let prefix = [Prefix.payment, UInt8(tier.rawValue)]
            let first = try Self.wrap { () throws(FluxNodeStoreError) in try store.seek(prefix: prefix, from: prefix) }
            guard let first else { continue }
            let c = Self.outpoint(fromKeySuffix: first.key)
            guard let r = try loadRecord(c, store) else {
                throw FluxNodeRejection("fluxnode-store-error", "payment index names \(c), which has no record")
            }
            out.append(FluxNodePayout(tier: tier, collateral: c, script: r.payeeScript,
                                      amount: network.payout(tier, height: height, subsidy: subsidy)))
        }
        return out
    }

    /// Checks that `coinbase` pays every due payout (fluxd `CheckFluxnodePayout`): outputs are matched in order,
    /// each to at most one tier (the first unmatched tier with the same script and amount), and, on PoN heights
    /// when ``FluxNodeNetwork/devFundScript`` is set, an output not used for a node pays the dev fund at least
    /// subsidy − Σ(due payouts).
    public func checkCoinbase(_ coinbase: Transaction, due: [FluxNodePayout], height: Int,
                              subsidy: Int64) throws(FluxNodeRejection) {
        var approved = [Bool](repeating: false, count: due.count)
        let devScript = network.isActive("pon", at: height) ? network.devFundScript : nil
        let devMinimum = subsidy - due.reduce(0) { $0 + $1.amount }
        var devPaid = false
        for out in coinbase.outputs {
            var used = false
            for (i, p) in due.enumerated() where !approved[i] {
                if out.scriptPubKey.bytes == p.script && out.value.units == p.amount {
                    approved[i] = true
                    used = true
                    break
                }
            }
            if let devScript, !devPaid, !used, out.scriptPubKey.bytes == devScript, out.value.units >= devMinimum {
                devPaid = true
            }
        }
        if devScript != nil && !devPaid {
            throw FluxNodeRejection("bad-txns-not-paying-correct-fluxnodes",
                                    "coinbase at height \(height) does not pay the dev fund at least \(devMinimum) units")
        }
        if let i = approved.firstIndex(of: false) {
            let p = due[i]
            throw FluxNodeRejection("bad-txns-not-paying-correct-fluxnodes",
                                    "coinbase at height \(height) does not pay the \(p.tier.name) node \(p.collateral): expected \(p.amount) units to script \(Hex.encode(p.script))")
        }
    }

    // MARK: Connecting a block

    /// Validates and applies the block at `height` in fluxd's order: at most one FluxNode transaction per
    /// collateral (`CheckBlock`), each FluxNode transaction checked against the parent's list
    /// (`CheckTransaction`, `ContextualCheckTransaction`), the coinbase payouts against the parent's list
    /// (`CheckFluxnodePayout`), then in block order each FluxNode transaction's collateral against the coins as
    /// the block has changed them so far (`CheckFluxnodeTxInput`) and its application; then the paid nodes move to
    /// the back of their tier, DoS entries are released, confirmed nodes expire (no confirm for too long; collateral
    /// amount no longer valid after its tier's transition; collateral spent by an input of this block) and STARTs
    /// not confirmed in time go to DoS. As in fluxd, the expiry rules look at the nodes CONFIRMED in the parent's
    /// list only: a node confirmed in this block whose collateral this block spends stays (until it stops
    /// confirming), and STARTED/DOS nodes are not removed when their collateral is spent (their CONFIRM then fails
    /// the collateral check).
    ///
    /// `utxo` looks up coins as of the parent; outputs created and spent by this block's own transactions are
    /// tracked here. Writes go only to `store`. On a throw the store is left in an unspecified state: the caller
    /// discards it.
    public func connect(_ block: Block, height: Int, subsidy: Int64, store: any FluxNodeStore,
                        utxo: CoinLookup) throws(FluxNodeRejection) {
        // CheckBlock: one FluxNode transaction per collateral.
        var seen = Set<OutPoint>()
        for tx in block.transactions {
            guard let body = tx.fluxNode else { continue }
            guard seen.insert(body.collateral).inserted else {
                throw FluxNodeRejection("bad-fluxnode-tx-multiple",
                                        "block at height \(height) has more than one FluxNode transaction for \(body.collateral)")
            }
        }
        // CheckTransaction + ContextualCheckTransaction against the parent's list (signature keys recovered on
        // all cores first).
        let checker = withRecoveredSignatures(of: block)
        var judged: [(payee: [UInt8]?, record: FluxNodeRecord?)] = []
        for tx in block.transactions where tx.fluxNode != nil {
            judged.append(try checker.judge(tx, height: height, store: store, utxo: utxo))
        }
        // CheckFluxnodePayout against the parent's list.
        let due = try payouts(height: height, subsidy: subsidy, store: store)
        if !due.isEmpty || (network.isActive("pon", at: height) && network.devFundScript != nil) {
            guard let coinbase = block.transactions.first, coinbase.isCoinbase else {
                throw FluxNodeRejection("bad-cb-missing", "block at height \(height) has no coinbase")
            }
            try checkCoinbase(coinbase, due: due, height: height, subsidy: subsidy)
        }

        var counts = try loadCounts(store)
        // Removals decided on the parent's confirmed set: collateral amounts retired by a finished transition,
        // collaterals spent by this block's (non-FluxNode) transactions.
        var parentExpiries: [OutPoint] = []
        var parentExpirySet = Set<OutPoint>()
        func markExpiry(_ o: OutPoint) {
            if parentExpirySet.insert(o).inserted { parentExpiries.append(o) }
        }
        let cumulusStart = network.collateralWindow(.cumulus).lowerBound
        let stratusEnd = network.collateralWindow(.stratus).upperBound
        if height >= cumulusStart && height < stratusEnd + 10 {
            let valid = Set(FluxNodeTier.allCases.flatMap { network.collateralAmounts($0, at: height) })
            for tier in FluxNodeTier.allCases where height >= network.collateralWindow(tier).upperBound {
                for amount in [tier.collateralV1, tier.collateralV2] where !valid.contains(amount) {
                    for o in try collaterals(under: [Prefix.collateralValue] + Self.be64(amount), store) { markExpiry(o) }
                }
            }
        }
        for tx in block.transactions where !tx.isCoinbase && tx.fluxNode == nil {
            for input in tx.inputs {
                if let r = try loadRecord(input.prevout, store), r.status == .confirmed { markExpiry(input.prevout) }
            }
        }

        // Transactions in block order: coins created and spent so far, FluxNode collateral checks, application.
        var created: [OutPoint: (value: Int64, height: Int, script: [UInt8])] = [:]
        var spent = Set<OutPoint>()
        var next = 0
        for tx in block.transactions {
            guard let body = tx.fluxNode else {
                if !tx.isCoinbase { for input in tx.inputs { spent.insert(input.prevout) } }
                let txid = tx.txid
                for (i, out) in tx.outputs.enumerated() {
                    created[OutPoint(hash: txid, index: UInt32(i))] = (out.value.units, height, out.scriptPubKey.bytes)
                }
                continue
            }
            let (payee, confirmed) = judged[next]
            next += 1
            let (tier, value) = try checkInput(tx, height: height) { (o: OutPoint) throws -> (value: Int64, height: Int, script: [UInt8])? in
                if spent.contains(o) { return nil }
                if let c = created[o] { return c }
                return try utxo(o)
            }
            switch body {
            case let .start(s):
                guard let payee else { continue }
                let record = FluxNodeRecord(
                    collateral: s.collateral, tier: tier, collateralValue: value, status: .started,
                    addedHeight: height, collateralPubKey: s.collateralPubKey, operatorPubKey: s.pubKey,
                    redeemScript: s.isP2SH ? s.redeemScript?.bytes : nil, payeeScript: payee,
                    startTxid: tx.txid, txVersion: tx.version, fluxTxVersion: s.fluxTxVersion, startSigTime: s.sigTime)
                try write(old: nil, new: record, counts: &counts, store)
                if let v = s.fluxTxVersion, v & FluxNodeStart.delegatesBit != 0, s.usingDelegates == true,
                   let d = s.delegates, d.type == 1 {
                    let key = [Prefix.delegates] + Self.outpointBytes(s.collateral)
                    try Self.wrap { () throws(FluxNodeStoreError) in
                        if d.keys.isEmpty { try store.delete(key) } else { try store.put(key, d.keys.flatMap { $0 }) }
                    }
                }
            case let .confirm(cf):
                guard let old = confirmed else { continue }
                var new = old
                if cf.updateType == 0 {
                    new.status = .confirmed
                    new.confirmedHeight = height
                    new.lastPaidHeight = 0
                }
                new.lastConfirmedHeight = height
                new.ipBytes = cf.ip
                new.confirmSigTime = cf.sigTime
                new.benchmarkTier = cf.benchmarkTier
                new.benchmarkSigTime = cf.benchmarkSigTime
                try write(old: old, new: new, counts: &counts, store)
            }
        }

        // Paid nodes get lastPaidHeight = height and move to the back of their tier.
        for p in due {
            guard let old = try loadRecord(p.collateral, store), old.status == .confirmed else { continue }
            var new = old
            new.lastPaidHeight = height
            try write(old: old, new: new, counts: &counts, store)
        }

        // DoS entries are released: added exactly 180 blocks ago (PoN: 720 or more).
        let release = height - network.dosRemoval(at: height)
        if release >= 0 {
            let released: [OutPoint]
            if network.isActive("pon", at: height) {
                released = try collaterals(under: [Prefix.dos], store) { Self.height(fromIndexKey: $0) <= release }
            } else {
                released = try collaterals(under: [Prefix.dos] + Self.be32(release), store)
            }
            for o in released {
                guard let old = try loadRecord(o, store) else { continue }
                try write(old: old, new: nil, counts: &counts, store)
            }
        }

        // Expiry: no confirm since before height − E (nodes confirmed or updated in this block have
        // lastConfirmedHeight = height and stay), then the removals decided on the parent's set.
        // The walk starts at the floor the previous blocks' expiries left, not at the front of the index: every
        // re-confirm deletes a key there, and a store that keeps deletions as tombstones (RocksDB) would step over
        // all of them on every block. Only this block's CONFIRMs write 0x05 keys, at `height` ≥ the floor.
        let expireBelow = height - network.confirmExpiration(at: height)
        let floor = try Self.wrap { () throws(FluxNodeStoreError) -> Int in
            guard let v = try store.get([Prefix.expiryFloor]), v.count == 4 else { return 0 }
            return Self.height(fromIndexKey: v, at: 0)
        }
        let stale = try collaterals(under: [Prefix.lastConfirmed], from: [Prefix.lastConfirmed] + Self.be32(floor), store) {
            Self.height(fromIndexKey: $0) < expireBelow
        }
        if expireBelow > floor {
            try Self.wrap { () throws(FluxNodeStoreError) in try store.put([Prefix.expiryFloor], Self.be32(expireBelow)) }
        }
        for o in stale + parentExpiries {
            guard let old = try loadRecord(o, store), old.status == .confirmed else { continue }
            try write(old: old, new: nil, counts: &counts, store)
        }

        // STARTs added exactly `startExpiration` blocks ago and still not confirmed go to DoS.
        let deadline = height - network.startExpiration(at: height)
        if deadline >= 0 {
            for o in try collaterals(under: [Prefix.started] + Self.be32(deadline), store) {
                guard let old = try loadRecord(o, store) else { continue }
                var new = old
                new.status = .dos
                try write(old: old, new: new, counts: &counts, store)
            }
        }

        try Self.wrap { () throws(FluxNodeStoreError) in try store.put([Prefix.counts], counts.encoded) }
    }

    // MARK: Queries

    /// The record of the node with `collateral` (any status), or nil.
    public func node(_ collateral: OutPoint, store: any FluxNodeStore) throws(FluxNodeRejection) -> FluxNodeRecord? {
        try loadRecord(collateral, store)
    }

    func records(_ collaterals: [OutPoint], _ store: any FluxNodeStore) throws(FluxNodeRejection) -> [FluxNodeRecord] {
        var out: [FluxNodeRecord] = []
        out.reserveCapacity(collaterals.count)
        for c in collaterals { if let r = try loadRecord(c, store) { out.append(r) } }
        return out
    }

    /// The CONFIRMED nodes of `tier` in payment order (rank = index; the first is paid next).
    public func confirmedList(tier: FluxNodeTier, store: any FluxNodeStore) throws(FluxNodeRejection) -> [FluxNodeRecord] {
        try records(try collaterals(under: [Prefix.payment, UInt8(tier.rawValue)], store), store)
    }

    /// The STARTED nodes, oldest START first.
    public func started(store: any FluxNodeStore) throws(FluxNodeRejection) -> [FluxNodeRecord] {
        try records(try collaterals(under: [Prefix.started], store), store)
    }

    /// The DOS nodes, oldest START first.
    public func dos(store: any FluxNodeStore) throws(FluxNodeRejection) -> [FluxNodeRecord] {
        try records(try collaterals(under: [Prefix.dos], store), store)
    }

    /// Node counts (one read).
    public func counts(store: any FluxNodeStore) throws(FluxNodeRejection) -> FluxNodeCounts {
        let c = try loadCounts(store)
        return FluxNodeCounts(cumulus: c.confirmed[0], nimbus: c.confirmed[1], stratus: c.confirmed[2],
                              started: c.started, dos: c.dos)
    }

    /// PoN: the operator key of a CONFIRMED node, nil otherwise.
    public func operatorKey(_ collateral: OutPoint, store: any FluxNodeStore) throws(FluxNodeRejection) -> [UInt8]? {
        guard let r = try loadRecord(collateral, store), r.status == .confirmed else { return nil }
        return r.operatorPubKey
    }

    // MARK: Proof of Node

    /// The 30-second slot a block time falls in: ⌊(time − genesis time) / spacing⌋, 0 at or before genesis.
    public func ponSlot(time: UInt32) -> UInt32 {
        guard time > network.genesisTime, network.ponSpacing > 0 else { return 0 }
        return (time - network.genesisTime) / network.ponSpacing
    }

    /// fluxd's PoN hash: SHA256d(collateral txid ‖ LE32 n ‖ previous block hash ‖ LE32 slot).
    public static func ponHash(collateral: OutPoint, previousBlockHash: Hash256, slot: UInt32) -> Hash256 {
        var w = ByteWriter(capacity: 72)
        collateral.encode(to: &w)
        w.writeHash(previousBlockHash)
        w.writeLE(slot)
        return Hashing.sha256d(w.bytes)
    }

    /// Whether the node with `collateral` may produce the block on `previousBlockHash` at `time` with target
    /// `bits`: it is CONFIRMED, and its PoN hash is at or below the target (unless the network skips that check).
    public func isPonEligible(_ collateral: OutPoint, previousBlockHash: Hash256, time: UInt32, bits: UInt32,
                              store: any FluxNodeStore) throws(FluxNodeRejection) -> Bool {
        guard try operatorKey(collateral, store: store) != nil else { return false }
        guard network.checksPonHash else { return true }
        let (target, negative, overflow) = UInt256.fromCompact(bits)
        guard !negative, !overflow, !target.isZero else { return false }
        let hash = Self.ponHash(collateral: collateral, previousBlockHash: previousBlockHash, slot: ponSlot(time: time))
        return UInt256(hash) <= target
    }
}

/// Node counts by list.
public struct FluxNodeCounts: Sendable, Equatable {
    public let cumulus: Int
    public let nimbus: Int
    public let stratus: Int
    public let started: Int
    public let dos: Int

    /// Confirmed nodes of `tier`.
    public func confirmed(_ tier: FluxNodeTier) -> Int {
        switch tier {
        case .cumulus: cumulus
        case .nimbus: nimbus
        case .stratus: stratus
        }
    }

    /// All confirmed nodes.
    public var totalConfirmed: Int { cumulus + nimbus + stratus }
}
