/// A Flux transaction of any version the chain has carried.
///
/// | version | overwintered | layout |
/// |---|---|---|
/// | 1 | no | inputs, outputs, lock time |
/// | 2 (and other non-Flux versions ≥ 2) | no | + JoinSplits (PHGR13 proofs) |
/// | 3 | yes, group `0x03C48270` | + expiry height (Overwinter) |
/// | 4 | yes, group `0x892F2085` | + value balance, Sapling spends/outputs, Groth16 JoinSplits, binding sig |
/// | 5, 6 | no | a FluxNode START or CONFIRM (see `FluxNodeTransaction`) |
///
/// Parsing then serialising reproduces the input byte for byte. The txid is SHA256d of the serialization, with
/// FluxNode signature fields left out.
public struct Transaction: Hashable, Sendable {
    /// Bit 31 of the 4-byte header (Overwinter and later formats).
    public var overwintered: Bool
    /// The low 31 bits of the header.
    public var version: Int32
    /// Version group id (overwintered only).
    public var versionGroupId: UInt32
    /// Transparent inputs.
    public var inputs: [TxIn]
    /// Transparent outputs.
    public var outputs: [TxOut]
    /// nLockTime: a height if below 500,000,000, else a unix time.
    public var lockTime: UInt32
    /// nExpiryHeight (v3/v4): the last height at which the transaction may be mined; 0 = none.
    public var expiryHeight: UInt32
    /// Sapling value balance (v4): shielded value leaving the pool (may be negative).
    public var valueBalance: Amount
    /// Sapling spends (v4).
    public var shieldedSpends: [SpendDescription]
    /// Sapling outputs (v4).
    public var shieldedOutputs: [OutputDescription]
    /// Sprout JoinSplits (version ≥ 2).
    public var joinSplits: [JoinSplit]
    /// Ed25519 key of the JoinSplit signature (32 bytes, present when there are JoinSplits).
    public var joinSplitPubKey: [UInt8]
    /// JoinSplit signature (64 bytes, present when there are JoinSplits).
    public var joinSplitSig: [UInt8]
    /// Sapling binding signature (64 bytes, v4 with spends or outputs).
    public var bindingSig: [UInt8]
    /// The FluxNode body of a version 5/6 transaction.
    public var fluxNode: FluxNodeTransaction?

    /// `OVERWINTER_VERSION_GROUP_ID`.
    public static let overwinterVersionGroupId: UInt32 = 0x03C4_8270
    /// `SAPLING_VERSION_GROUP_ID`.
    public static let saplingVersionGroupId: UInt32 = 0x892F_2085
    /// `FLUXNODE_TX_VERSION`.
    public static let fluxNodeVersion: Int32 = 5
    /// `FLUXNODE_TX_UPGRADEABLE_VERSION`.
    public static let fluxNodeUpgradeableVersion: Int32 = 6

    /// Creates a transparent transaction of the given format.
    public init(version: Int32 = 1, overwintered: Bool = false, versionGroupId: UInt32 = 0,
                inputs: [TxIn] = [], outputs: [TxOut] = [], lockTime: UInt32 = 0, expiryHeight: UInt32 = 0) {
        self.overwintered = overwintered
        self.version = version
        self.versionGroupId = versionGroupId
        self.inputs = inputs
        self.outputs = outputs
        self.lockTime = lockTime
        self.expiryHeight = expiryHeight
        valueBalance = .zero
        shieldedSpends = []
        shieldedOutputs = []
        joinSplits = []
        joinSplitPubKey = []
        joinSplitSig = []
        bindingSig = []
        fluxNode = nil
    }

    /// A v4 Sapling transaction with only transparent parts.
    public static func sapling(inputs: [TxIn], outputs: [TxOut], lockTime: UInt32 = 0,
                               expiryHeight: UInt32 = 0) -> Transaction {
        Transaction(version: 4, overwintered: true, versionGroupId: saplingVersionGroupId, inputs: inputs,
                    outputs: outputs, lockTime: lockTime, expiryHeight: expiryHeight)
    }

    /// A FluxNode transaction (version 5, or 6 for the upgradeable format).
    public static func fluxNode(_ body: FluxNodeTransaction, version: Int32) -> Transaction {
        var tx = Transaction(version: version)
        tx.fluxNode = body
        return tx
    }

    /// True for an Overwinter v3 transaction.
    public var isOverwinterV3: Bool { overwintered && versionGroupId == Self.overwinterVersionGroupId && version == 3 }
    /// True for a Sapling v4 transaction.
    public var isSaplingV4: Bool { overwintered && versionGroupId == Self.saplingVersionGroupId && version == 4 }
    /// True for a FluxNode START/CONFIRM transaction.
    public var isFluxNode: Bool { fluxNode != nil }
    /// True when the only input spends the null outpoint.
    public var isCoinbase: Bool { inputs.count == 1 && inputs[0].prevout.isNull }

    /// The 4-byte header: version with bit 31 set when overwintered.
    public var header: UInt32 { UInt32(bitPattern: version) | (overwintered ? 0x8000_0000 : 0) }

    /// SHA256d of the serialization (signature fields of FluxNode transactions excluded).
    public var txid: Hash256 {
        var w = ByteWriter(capacity: 512)
        encode(to: &w, forHash: true)
        return Hashing.sha256d(w.bytes)
    }

    /// Serialized size in bytes.
    public var serializedSize: Int { serialized.count }

    /// Sum of transparent output values (no range check; validation checks ranges).
    public var transparentValueOut: Int64 { outputs.reduce(0) { $0 &+ $1.value.units } }

    /// Writes the transaction; `forHash` omits FluxNode signatures (the txid form).
    public func encode(to w: inout ByteWriter, forHash: Bool) {
        w.writeLE(header)
        if overwintered { w.writeLE(versionGroupId) }
        if let body = fluxNode, !overwintered {
            body.encode(to: &w, version: version, forHash: forHash)
            return
        }
        w.writeCompactSize(UInt64(inputs.count))
        inputs.forEach { $0.encode(to: &w) }
        w.writeCompactSize(UInt64(outputs.count))
        outputs.forEach { $0.encode(to: &w) }
        w.writeLE(lockTime)
        let v4 = isSaplingV4
        if isOverwinterV3 || v4 { w.writeLE(expiryHeight) }
        if v4 {
            w.writeLE(valueBalance.units)
            w.writeCompactSize(UInt64(shieldedSpends.count))
            shieldedSpends.forEach { $0.encode(to: &w) }
            w.writeCompactSize(UInt64(shieldedOutputs.count))
            shieldedOutputs.forEach { $0.encode(to: &w) }
        }
        if version >= 2 {
            w.writeCompactSize(UInt64(joinSplits.count))
            joinSplits.forEach { $0.encode(to: &w) }
            if !joinSplits.isEmpty {
                w.writeBytes(joinSplitPubKey)
                w.writeBytes(joinSplitSig)
            }
        }
        if v4 && !(shieldedSpends.isEmpty && shieldedOutputs.isEmpty) { w.writeBytes(bindingSig) }
    }
}

extension Transaction: WireCodable {
    /// Writes the full (wire) serialization, FluxNode signatures included.
    public func encode(to writer: inout ByteWriter) { encode(to: &writer, forHash: false) }

    /// Reads one transaction of any known format; overwintered headers of unknown formats are rejected.
    public init(from r: inout ByteReader) throws(DecodingError) {
        let headerOffset = r.offset
        let header = try r.readLE(UInt32.self, "tx.header")
        overwintered = header >> 31 == 1
        version = Int32(bitPattern: header & 0x7FFF_FFFF)
        versionGroupId = overwintered ? try r.readLE(UInt32.self, "tx.nVersionGroupId") : 0
        inputs = []; outputs = []; lockTime = 0; expiryHeight = 0; valueBalance = .zero
        shieldedSpends = []; shieldedOutputs = []; joinSplits = []
        joinSplitPubKey = []; joinSplitSig = []; bindingSig = []; fluxNode = nil
        let v3 = isOverwinterV3, v4 = isSaplingV4
        if overwintered && !(v3 || v4) {
            throw DecodingError(field: "tx.header", offset: r.baseOffset + headerOffset, reason: .invalidValue(
                "unknown transaction format: overwintered version \(version), group id 0x"
                    + String(versionGroupId, radix: 16)))
        }
        if !overwintered && (version == Self.fluxNodeVersion || version == Self.fluxNodeUpgradeableVersion) {
            fluxNode = try FluxNodeTransaction(from: &r, version: version)
            return
        }
        let nIn = try r.readCount("tx.vin", limit: CompactSize.maxSize, minElementSize: 41)
        inputs.reserveCapacity(nIn)
        for _ in 0..<nIn { inputs.append(try TxIn(from: &r)) }
        let nOut = try r.readCount("tx.vout", limit: CompactSize.maxSize, minElementSize: 9)
        outputs.reserveCapacity(nOut)
        for _ in 0..<nOut { outputs.append(try TxOut(from: &r)) }
        lockTime = try r.readLE(UInt32.self, "tx.nLockTime")
        if v3 || v4 { expiryHeight = try r.readLE(UInt32.self, "tx.nExpiryHeight") }
        if v4 {
            valueBalance = Amount(units: try r.readLE(Int64.self, "tx.valueBalance"))
            let nSpend = try r.readCount("tx.vShieldedSpend", limit: CompactSize.maxSize,
                                         minElementSize: SpendDescription.size)
            for i in 0..<nSpend { shieldedSpends.append(try SpendDescription(from: &r, field: "tx.vShieldedSpend[\(i)]")) }
            let nOutput = try r.readCount("tx.vShieldedOutput", limit: CompactSize.maxSize,
                                          minElementSize: OutputDescription.size)
            for i in 0..<nOutput {
                shieldedOutputs.append(try OutputDescription(from: &r, field: "tx.vShieldedOutput[\(i)]"))
            }
        }
        if version >= 2 {
            let groth = overwintered && version >= 4
            let nJS = try r.readCount("tx.vJoinSplit", limit: CompactSize.maxSize,
                                      minElementSize: JoinSplit.size(groth: groth))
            for i in 0..<nJS { joinSplits.append(try JoinSplit(from: &r, groth: groth, field: "tx.vJoinSplit[\(i)]")) }
            if nJS > 0 {
                joinSplitPubKey = try r.readBytes(32, "tx.joinSplitPubKey")
                joinSplitSig = try r.readBytes(64, "tx.joinSplitSig")
            }
        }
        if v4 && !(shieldedSpends.isEmpty && shieldedOutputs.isEmpty) {
            bindingSig = try r.readBytes(64, "tx.bindingSig")
        }
    }
}
