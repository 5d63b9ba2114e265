/// The body of a FluxNode transaction (versions 5 and 6): a START that registers a node's collateral, or a
/// CONFIRM that proves the node is alive. These transactions have no inputs, outputs or fee.
///
/// Signature fields (`sig`, `benchmarkSig`) are excluded from the txid; everything else, including delegate
/// data, is hashed.
public enum FluxNodeTransaction: Hashable, Sendable {
    /// `nType` 2: register a node.
    case start(FluxNodeStart)
    /// `nType` 4: confirm (initial or update) a node.
    case confirm(FluxNodeConfirm)

    /// `FLUXNODE_START_TX_TYPE`.
    public static let startType: Int8 = 2
    /// `FLUXNODE_CONFIRM_TX_TYPE`.
    public static let confirmType: Int8 = 4

    /// The collateral outpoint this transaction is about.
    public var collateral: OutPoint {
        switch self {
        case let .start(s): s.collateral
        case let .confirm(c): c.collateral
        }
    }

    func encode(to w: inout ByteWriter, version: Int32, forHash: Bool) {
        switch self {
        case let .start(s):
            w.writeUInt8(UInt8(bitPattern: FluxNodeTransaction.startType))
            s.encode(to: &w, version: version, forHash: forHash)
        case let .confirm(c):
            w.writeUInt8(UInt8(bitPattern: FluxNodeTransaction.confirmType))
            c.encode(to: &w, forHash: forHash)
        }
    }

    init(from r: inout ByteReader, version: Int32) throws(DecodingError) {
        let type = Int8(bitPattern: try r.readUInt8("fluxnode.nType"))
        switch type {
        case FluxNodeTransaction.startType: self = .start(try FluxNodeStart(from: &r, version: version))
        case FluxNodeTransaction.confirmType: self = .confirm(try FluxNodeConfirm(from: &r))
        default:
            throw DecodingError(field: "fluxnode.nType", offset: r.baseOffset + r.offset - 1,
                                reason: .invalidValue("type \(type) is neither START (2) nor CONFIRM (4)"))
        }
    }
}

/// Reads a serialized `CPubKey`: CompactSize length (at most 65) and the key bytes, kept as they appear on the wire.
func readPubKey(_ r: inout ByteReader, _ field: String) throws(DecodingError) -> [UInt8] {
    try r.readVarBytes(field, limit: 65)
}

/// Writes a `CPubKey`. The wire form is the bytes as read; the txid form is what fluxd's `CPubKey::Serialize`
/// writes after reading them, which is what its txid commits to: only as many bytes as the first byte announces
/// (33 for `02`/`03`, 65 for `04`/`06`/`07`, none for any other first byte or an empty key). A 65-byte blob starting
/// with `02` therefore hashes as its first 33 bytes. (A key shorter than its announced length hashes as its raw
/// bytes: fluxd would read uninitialised memory there.)
func writePubKey(_ key: [UInt8], to w: inout ByteWriter, forHash: Bool) {
    guard forHash, let first = key.first else { w.writeVarBytes(key); return }
    let announced: Int
    switch first {
    case 2, 3: announced = 33
    case 4, 6, 7: announced = 65
    default: announced = 0
    }
    if key.count >= announced {
        w.writeVarBytes(key.prefix(announced))
    } else {
        w.writeVarBytes(key)
    }
}

/// A FluxNode START transaction.
public struct FluxNodeStart: Hashable, Sendable {
    /// v6 only: `nFluxTxVersion` (1 normal, 2 P2SH, or from PoN bit flags 0x01 normal, 0x02 P2SH,
    /// 0x0100 delegates). Nil for a v5 transaction.
    public var fluxTxVersion: Int32?
    /// The collateral output.
    public var collateral: OutPoint
    /// Public key owning the collateral (normal nodes; empty for P2SH nodes).
    public var collateralPubKey: [UInt8]
    /// The node operator's key, which signs CONFIRMs and PoN blocks.
    public var pubKey: [UInt8]
    /// Multisig redeem script of a P2SH collateral (P2SH nodes only).
    public var redeemScript: Script?
    /// Signature time (unix seconds).
    public var sigTime: UInt32
    /// Compact signature over the txid's display hex (excluded from the txid).
    public var sig: [UInt8]
    /// Present only when `fluxTxVersion` has the delegates bit: whether delegate data follows.
    public var usingDelegates: Bool? {
        get { usingDelegatesByte.map { $0 != 0 } }
        set { usingDelegatesByte = newValue.map { $0 ? 1 : 0 } }
    }
    /// The `fUsingDelegates` byte as read. fluxd reads a C++ `bool`, so any non-zero byte means true; the byte is
    /// kept so the wire form round-trips, while the txid form writes the normalised 0/1 as fluxd's does.
    var usingDelegatesByte: UInt8?
    /// Delegate data, when `usingDelegates` is true.
    public var delegates: FluxNodeDelegates?

    /// `FLUXNODE_TX_TYPE_NORMAL_BIT` / legacy `FLUXNODE_INTERNAL_NORMAL_TX_VERSION`.
    public static let normalBit: Int32 = 0x01
    /// `FLUXNODE_TX_TYPE_P2SH_BIT` / legacy `FLUXNODE_INTERNAL_P2SH_TX_VERSION` (2).
    public static let p2shBit: Int32 = 0x02
    /// `FLUXNODE_TX_FEATURE_DELEGATES_BIT`.
    public static let delegatesBit: Int32 = 0x0100

    /// Creates a START body.
    public init(fluxTxVersion: Int32?, collateral: OutPoint, collateralPubKey: [UInt8], pubKey: [UInt8],
                redeemScript: Script?, sigTime: UInt32, sig: [UInt8], usingDelegates: Bool? = nil,
                delegates: FluxNodeDelegates? = nil) {
        self.fluxTxVersion = fluxTxVersion
        self.collateral = collateral
        self.collateralPubKey = collateralPubKey
        self.pubKey = pubKey
        self.redeemScript = redeemScript
        self.sigTime = sigTime
        self.sig = sig
        self.usingDelegatesByte = usingDelegates.map { $0 ? 1 : 0 }
        self.delegates = delegates
    }

    /// True when the body is the P2SH form (v6 with the P2SH bit or legacy value 2).
    public var isP2SH: Bool {
        guard let v = fluxTxVersion else { return false }
        return v == 2 || v & FluxNodeStart.p2shBit != 0
    }

    /// True when the body is the normal (P2PKH collateral) form.
    public var isNormal: Bool {
        guard let v = fluxTxVersion else { return true }
        return (v == 1 || v & FluxNodeStart.normalBit != 0) && v & FluxNodeStart.p2shBit == 0
    }

    func encode(to w: inout ByteWriter, version: Int32, forHash: Bool) {
        if let v = fluxTxVersion { w.writeLE(v) }
        collateral.encode(to: &w)
        if isP2SH {
            writePubKey(pubKey, to: &w, forHash: forHash)
            w.writeVarBytes(redeemScript?.bytes ?? [])
        } else {
            writePubKey(collateralPubKey, to: &w, forHash: forHash)
            writePubKey(pubKey, to: &w, forHash: forHash)
        }
        w.writeLE(sigTime)
        if !forHash { w.writeVarBytes(sig) }
        if let flag = usingDelegatesByte {
            w.writeUInt8(forHash ? (flag != 0 ? 1 : 0) : flag)
            if flag != 0, let d = delegates { d.encode(to: &w, forHash: forHash) }
        }
    }

    init(from r: inout ByteReader, version: Int32) throws(DecodingError) {
        fluxTxVersion = nil
        if version == 6 {
            let v = try r.readLE(Int32.self, "fluxnode.nFluxTxVersion")
            fluxTxVersion = v
            let normal = v == 1 || v & FluxNodeStart.normalBit != 0
            let p2sh = v == 2 || v & FluxNodeStart.p2shBit != 0
            if !normal && !p2sh {
                throw DecodingError(field: "fluxnode.nFluxTxVersion", offset: r.baseOffset + r.offset - 4,
                                    reason: .invalidValue("\(v) selects neither the normal nor the P2SH form"))
            }
        }
        collateral = try OutPoint(from: &r)
        if let v = fluxTxVersion, v == 2 || v & FluxNodeStart.p2shBit != 0 {
            collateralPubKey = []
            pubKey = try readPubKey(&r, "fluxnode.pubKey")
            redeemScript = Script(try r.readVarBytes("fluxnode.P2SHRedeemScript", limit: 10_000))
        } else {
            collateralPubKey = try readPubKey(&r, "fluxnode.collateralPubkey")
            pubKey = try readPubKey(&r, "fluxnode.pubKey")
            redeemScript = nil
        }
        sigTime = try r.readLE(UInt32.self, "fluxnode.sigTime")
        sig = try r.readVarBytes("fluxnode.sig", limit: 10_000)
        usingDelegatesByte = nil
        delegates = nil
        if let v = fluxTxVersion, v & FluxNodeStart.delegatesBit != 0 {
            let flag = try r.readUInt8("fluxnode.fUsingDelegates")
            usingDelegatesByte = flag
            if flag != 0 { delegates = try FluxNodeDelegates(from: &r) }
        }
    }
}

/// Delegate keys attached to a START (`CFluxnodeDelegates`): version ‖ type ‖ keys (only for version 1 UPDATE).
public struct FluxNodeDelegates: Hashable, Sendable {
    /// Format version (1).
    public var version: Int8
    /// 0 none, 1 UPDATE (store these keys), 2 SIGNING (a delegate signed this START).
    public var type: Int8
    /// Compressed public keys (at most 4), present for version 1 UPDATE.
    public var keys: [[UInt8]]

    /// Creates delegate data.
    public init(version: Int8, type: Int8, keys: [[UInt8]]) {
        self.version = version
        self.type = type
        self.keys = keys
    }

    var carriesKeys: Bool { version == 1 && type == 1 }

    func encode(to w: inout ByteWriter, forHash: Bool) {
        w.writeUInt8(UInt8(bitPattern: version))
        w.writeUInt8(UInt8(bitPattern: type))
        if carriesKeys {
            w.writeCompactSize(UInt64(keys.count))
            keys.forEach { writePubKey($0, to: &w, forHash: forHash) }
        }
    }

    init(from r: inout ByteReader) throws(DecodingError) {
        version = Int8(bitPattern: try r.readUInt8("fluxnode.delegates.version"))
        type = Int8(bitPattern: try r.readUInt8("fluxnode.delegates.type"))
        keys = []
        if carriesKeys {
            let n = try r.readCount("fluxnode.delegates.keys", limit: 64, minElementSize: 1)
            for _ in 0..<n { keys.append(try readPubKey(&r, "fluxnode.delegates.keys")) }
        }
    }
}

/// A FluxNode CONFIRM transaction (identical in v5 and v6).
public struct FluxNodeConfirm: Hashable, Sendable {
    /// The node's collateral.
    public var collateral: OutPoint
    /// Signature time (unix seconds).
    public var sigTime: UInt32
    /// Tier proven by the benchmark (1 Cumulus, 2 Nimbus, 3 Stratus).
    public var benchmarkTier: Int8
    /// Time of the benchmark signature.
    public var benchmarkSigTime: UInt32
    /// 0 `INITIAL_CONFIRM`, 1 `UPDATE_CONFIRM`.
    public var updateType: Int8
    /// The node's network address as text (e.g. `"203.0.113.5:16125"`); raw bytes on the wire.
    public var ip: [UInt8]
    /// Operator-key signature (excluded from the txid).
    public var sig: [UInt8]
    /// Benchmark-key signature (excluded from the txid).
    public var benchmarkSig: [UInt8]

    /// Creates a CONFIRM body.
    public init(collateral: OutPoint, sigTime: UInt32, benchmarkTier: Int8, benchmarkSigTime: UInt32,
                updateType: Int8, ip: [UInt8], sig: [UInt8], benchmarkSig: [UInt8]) {
        self.collateral = collateral
        self.sigTime = sigTime
        self.benchmarkTier = benchmarkTier
        self.benchmarkSigTime = benchmarkSigTime
        self.updateType = updateType
        self.ip = ip
        self.sig = sig
        self.benchmarkSig = benchmarkSig
    }

    func encode(to w: inout ByteWriter, forHash: Bool) {
        collateral.encode(to: &w)
        w.writeLE(sigTime)
        w.writeUInt8(UInt8(bitPattern: benchmarkTier))
        w.writeLE(benchmarkSigTime)
        w.writeUInt8(UInt8(bitPattern: updateType))
        w.writeVarBytes(ip)
        if !forHash {
            w.writeVarBytes(sig)
            w.writeVarBytes(benchmarkSig)
        }
    }

    init(from r: inout ByteReader) throws(DecodingError) {
        collateral = try OutPoint(from: &r)
        sigTime = try r.readLE(UInt32.self, "fluxnode.sigTime")
        benchmarkTier = Int8(bitPattern: try r.readUInt8("fluxnode.benchmarkTier"))
        benchmarkSigTime = try r.readLE(UInt32.self, "fluxnode.benchmarkSigTime")
        updateType = Int8(bitPattern: try r.readUInt8("fluxnode.nUpdateType"))
        ip = try r.readVarBytes("fluxnode.ip", limit: 1_000)
        sig = try r.readVarBytes("fluxnode.sig", limit: 10_000)
        benchmarkSig = try r.readVarBytes("fluxnode.benchmarkSig", limit: 10_000)
    }
}
