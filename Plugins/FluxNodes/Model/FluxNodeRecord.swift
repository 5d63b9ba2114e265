import FluxPrimitives

/// Where a node is in its lifecycle (fluxd `FLUXNODE_TX_STARTED` / `_DOS_PROTECTION` / `_CONFIRMED`). Expired and
/// DoS-released nodes are deleted from the store, not kept with a status.
public enum FluxNodeStatus: UInt8, Sendable {
    /// START mined, waiting for its INITIAL_CONFIRM.
    case started = 1
    /// START not confirmed in time; the collateral cannot START again until the entry is dropped.
    case dos = 2
    /// In its tier's payment list.
    case confirmed = 3

    /// fluxd's RPC word: `"STARTED"`, `"DOS"`, `"CONFIRMED"`.
    public var name: String {
        switch self {
        case .started: "STARTED"
        case .dos: "DOS"
        case .confirmed: "CONFIRMED"
        }
    }
}

/// A failure to judge or apply a FluxNode transaction or block, with a fluxd-like reject code
/// (e.g. `bad-txns-fluxnode-collateral-amount`) and a message naming the collateral and what is wrong.
public struct FluxNodeRejection: Error, CustomStringConvertible, Equatable {
    /// Reject code.
    public let code: String
    /// What is wrong.
    public let message: String
    /// Creates a rejection.
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}

/// One payout a coinbase must contain.
public struct FluxNodePayout: Sendable, Equatable {
    public let tier: FluxNodeTier
    /// The paid node's collateral.
    public let collateral: OutPoint
    /// The output script that must receive `amount`.
    public let script: [UInt8]
    /// Exact amount in units.
    public let amount: Int64

    public init(tier: FluxNodeTier, collateral: OutPoint, script: [UInt8], amount: Int64) {
        self.tier = tier
        self.collateral = collateral
        self.script = script
        self.amount = amount
    }
}

/// Everything the list knows about one node (fluxd `FluxnodeCacheData` plus the START/CONFIRM fields RPC shows).
///
/// Stored as ``encoded``: a format version byte (1) followed by the fields in a fixed little-endian layout; see
/// ``init(encoded:)``. New fields must get a new version byte, and old versions must stay readable.
public struct FluxNodeRecord: Sendable, Equatable {
    public var collateral: OutPoint
    public var tier: FluxNodeTier
    /// Value of the collateral output in units.
    public var collateralValue: Int64
    public var status: FluxNodeStatus
    /// Height of the block with the START (`nAddedBlockHeight`).
    public var addedHeight: Int
    /// Height of the INITIAL_CONFIRM (0 until confirmed).
    public var confirmedHeight: Int
    /// Height of the latest INITIAL/UPDATE confirm (0 until confirmed).
    public var lastConfirmedHeight: Int
    /// Height of the last payout (0 = never paid).
    public var lastPaidHeight: Int
    /// The START's collateral key (empty for P2SH nodes).
    public var collateralPubKey: [UInt8]
    /// The node operator key, which signs CONFIRMs and PoN blocks.
    public var operatorPubKey: [UInt8]
    /// The multisig redeem script of a v6 P2SH node.
    public var redeemScript: [UInt8]?
    /// The script node payouts go to.
    public var payeeScript: [UInt8]
    /// The node's address as the CONFIRM carried it (raw bytes; empty until confirmed).
    public var ipBytes: [UInt8]
    /// txid of the START.
    public var startTxid: Hash256
    /// Transaction version of the START (5 or 6).
    public var txVersion: Int32
    /// `nFluxTxVersion` of a v6 START.
    public var fluxTxVersion: Int32?
    /// START `sigTime`.
    public var startSigTime: UInt32
    /// `sigTime` of the latest CONFIRM (0 until confirmed).
    public var confirmSigTime: UInt32
    /// `benchmarkTier` of the latest CONFIRM (0 until confirmed).
    public var benchmarkTier: Int8
    /// `benchmarkSigTime` of the latest CONFIRM (0 until confirmed).
    public var benchmarkSigTime: UInt32

    public init(collateral: OutPoint, tier: FluxNodeTier, collateralValue: Int64, status: FluxNodeStatus,
                addedHeight: Int, confirmedHeight: Int = 0, lastConfirmedHeight: Int = 0, lastPaidHeight: Int = 0,
                collateralPubKey: [UInt8], operatorPubKey: [UInt8], redeemScript: [UInt8]?, payeeScript: [UInt8],
                ipBytes: [UInt8] = [], startTxid: Hash256, txVersion: Int32, fluxTxVersion: Int32?,
                startSigTime: UInt32, confirmSigTime: UInt32 = 0, benchmarkTier: Int8 = 0, benchmarkSigTime: UInt32 = 0) {
        self.collateral = collateral
        self.tier = tier
        self.collateralValue = collateralValue
        self.status = status
        self.addedHeight = addedHeight
        self.confirmedHeight = confirmedHeight
        self.lastConfirmedHeight = lastConfirmedHeight
        self.lastPaidHeight = lastPaidHeight
        self.collateralPubKey = collateralPubKey
        self.operatorPubKey = operatorPubKey
        self.redeemScript = redeemScript
        self.payeeScript = payeeScript
        self.ipBytes = ipBytes
        self.startTxid = startTxid
        self.txVersion = txVersion
        self.fluxTxVersion = fluxTxVersion
        self.startSigTime = startSigTime
        self.confirmSigTime = confirmSigTime
        self.benchmarkTier = benchmarkTier
        self.benchmarkSigTime = benchmarkSigTime
    }

    /// The ip as text (invalid UTF-8 replaced).
    public var ip: String { String(decoding: ipBytes, as: UTF8.self) }

    /// True for a v6 P2SH node.
    public var isP2SH: Bool { redeemScript != nil }

    /// Height that orders the payment list: last paid height, or the confirm height if never paid.
    public var paymentOrderHeight: Int { lastPaidHeight > 0 ? lastPaidHeight : confirmedHeight }

    /// Current format version byte.
    public static let formatVersion: UInt8 = 1

    /// The stored form.
    public var encoded: [UInt8] {
        var w = ByteWriter(capacity: 256)
        w.writeUInt8(Self.formatVersion)
        collateral.encode(to: &w)
        w.writeUInt8(UInt8(tier.rawValue))
        w.writeLE(collateralValue)
        w.writeUInt8(status.rawValue)
        for h in [addedHeight, confirmedHeight, lastConfirmedHeight, lastPaidHeight] {
            w.writeLE(UInt32(truncatingIfNeeded: h))
        }
        w.writeVarBytes(collateralPubKey)
        w.writeVarBytes(operatorPubKey)
        if let r = redeemScript {
            w.writeUInt8(1)
            w.writeVarBytes(r)
        } else {
            w.writeUInt8(0)
        }
        w.writeVarBytes(payeeScript)
        w.writeVarBytes(ipBytes)
        w.writeHash(startTxid)
        w.writeLE(txVersion)
        if let v = fluxTxVersion {
            w.writeUInt8(1)
            w.writeLE(v)
        } else {
            w.writeUInt8(0)
        }
        w.writeLE(startSigTime)
        w.writeLE(confirmSigTime)
        w.writeUInt8(UInt8(bitPattern: benchmarkTier))
        w.writeLE(benchmarkSigTime)
        return w.bytes
    }

    /// Decodes ``encoded``; throws (never traps) on an unknown version, bad values, truncation or trailing bytes.
    public init(encoded bytes: [UInt8]) throws(FluxNodeStoreError) {
        do {
            var r = ByteReader(bytes)
            let version = try r.readUInt8("version")
            guard version == 1 else { throw FluxNodeStoreError("FluxNode record format version \(version) is unknown") }
            collateral = try OutPoint(from: &r)
            let tierByte = try r.readUInt8("tier")
            guard let t = FluxNodeTier(rawValue: Int(tierByte)) else {
                throw FluxNodeStoreError("FluxNode record has tier \(tierByte)")
            }
            tier = t
            collateralValue = try r.readLE(Int64.self, "collateralValue")
            let statusByte = try r.readUInt8("status")
            guard let s = FluxNodeStatus(rawValue: statusByte) else {
                throw FluxNodeStoreError("FluxNode record has status \(statusByte)")
            }
            status = s
            addedHeight = Int(try r.readLE(UInt32.self, "addedHeight"))
            confirmedHeight = Int(try r.readLE(UInt32.self, "confirmedHeight"))
            lastConfirmedHeight = Int(try r.readLE(UInt32.self, "lastConfirmedHeight"))
            lastPaidHeight = Int(try r.readLE(UInt32.self, "lastPaidHeight"))
            collateralPubKey = try r.readVarBytes("collateralPubKey", limit: 65)
            operatorPubKey = try r.readVarBytes("operatorPubKey", limit: 65)
            switch try r.readUInt8("hasRedeemScript") {
            case 0: redeemScript = nil
            case 1: redeemScript = try r.readVarBytes("redeemScript", limit: 10_000)
            case let b: throw FluxNodeStoreError("FluxNode record has redeem-script flag \(b)")
            }
            payeeScript = try r.readVarBytes("payeeScript", limit: 10_000)
            ipBytes = try r.readVarBytes("ip", limit: 1_000)
            startTxid = try r.readHash("startTxid")
            txVersion = try r.readLE(Int32.self, "txVersion")
            switch try r.readUInt8("hasFluxTxVersion") {
            case 0: fluxTxVersion = nil
            case 1: fluxTxVersion = try r.readLE(Int32.self, "fluxTxVersion")
            case let b: throw FluxNodeStoreError("FluxNode record has flux-tx-version flag \(b)")
            }
            startSigTime = try r.readLE(UInt32.self, "startSigTime")
            confirmSigTime = try r.readLE(UInt32.self, "confirmSigTime")
            benchmarkTier = Int8(bitPattern: try r.readUInt8("benchmarkTier"))
            benchmarkSigTime = try r.readLE(UInt32.self, "benchmarkSigTime")
            guard r.isAtEnd else { throw FluxNodeStoreError("FluxNode record has \(r.remaining) trailing bytes") }
        } catch let e as FluxNodeStoreError {
            throw e
        } catch {
            throw FluxNodeStoreError("corrupt FluxNode record: \(error)")
        }
    }
}
