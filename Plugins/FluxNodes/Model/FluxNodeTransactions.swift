import FluxPrimitives
import FluxScript

/// Builders for START and CONFIRM transactions and the exact messages fluxd signs (used by RPC and tests).
public enum FluxNodeTransactions {
    // MARK: Messages

    /// START message: the txid's display hex (64 lower-case characters; the txid excludes the signature).
    public static func startMessage(txid: Hash256) -> String { txid.description }

    /// CONFIRM message: `COutPoint(<first 10 hex of txid>, <n>)` + decimal n + decimal update type + decimal sigTime
    /// (fluxd `collateralIn.ToString() + to_string(n) + to_string(nUpdateType) + to_string(sigTime)`).
    public static func confirmMessage(collateral: OutPoint, updateType: Int8, sigTime: UInt32) -> String {
        collateral.shortDescription + String(collateral.index) + String(updateType) + String(sigTime)
    }

    /// Benchmark message: the CONFIRM signature's raw bytes, then decimal benchmark tier, decimal benchmark
    /// sigTime and the ip bytes.
    public static func benchmarkMessage(sig: [UInt8], benchmarkTier: Int8, benchmarkSigTime: UInt32, ip: [UInt8]) -> [UInt8] {
        sig + Array(String(benchmarkTier).utf8) + Array(String(benchmarkSigTime).utf8) + ip
    }

    /// A bare `OP_m <keys> OP_n OP_CHECKMULTISIG` redeem script (1 ≤ m ≤ n ≤ 16).
    public static func multisigRedeemScript(required m: Int, keys: [[UInt8]]) -> [UInt8] {
        precondition(m >= 1 && m <= keys.count && keys.count <= 16)
        var s = Script([UInt8(0x50 + m)])
        for k in keys { s.appendPush(k) }
        s.bytes += [UInt8(0x50 + keys.count), 0xae]
        return s.bytes
    }

    // MARK: START

    /// An unsigned normal START: version 5 (`fluxTxVersion` nil) or version 6 with `fluxTxVersion` 1. With
    /// `delegates` (PoN only) it is version 6 with `fluxTxVersion` 0x0101 and `fUsingDelegates` set.
    public static func unsignedStart(collateral: OutPoint, collateralPubKey: [UInt8], operatorPubKey: [UInt8],
                                     sigTime: UInt32, version: Int32 = 5,
                                     delegates: FluxNodeDelegates? = nil) -> Transaction {
        let fluxTxVersion: Int32? = delegates != nil ? FluxNodeStart.normalBit | FluxNodeStart.delegatesBit
            : version == 6 ? FluxNodeStart.normalBit : nil
        let body = FluxNodeStart(fluxTxVersion: fluxTxVersion, collateral: collateral,
                                 collateralPubKey: collateralPubKey, pubKey: operatorPubKey, redeemScript: nil,
                                 sigTime: sigTime, sig: [], usingDelegates: delegates != nil ? true : nil,
                                 delegates: delegates)
        return Transaction.fluxNode(.start(body), version: delegates != nil ? 6 : version)
    }

    /// An unsigned version 6 P2SH START (`fluxTxVersion` 2).
    public static func unsignedP2SHStart(collateral: OutPoint, redeemScript: [UInt8], operatorPubKey: [UInt8],
                                         sigTime: UInt32) -> Transaction {
        let body = FluxNodeStart(fluxTxVersion: FluxNodeStart.p2shBit, collateral: collateral, collateralPubKey: [],
                                 pubKey: operatorPubKey, redeemScript: Script(redeemScript), sigTime: sigTime, sig: [])
        return Transaction.fluxNode(.start(body), version: 6)
    }

    /// `tx` (a START) with its signature by `key` over ``startMessage(txid:)``.
    public static func signStart(_ tx: Transaction, with key: PrivateKey, compressed: Bool = true) -> Transaction {
        guard case var .start(s) = tx.fluxNode else { return tx }
        s.sig = MessageSigner.sign(startMessage(txid: tx.txid), with: key, compressed: compressed)
        var out = tx
        out.fluxNode = .start(s)
        return out
    }

    /// A signed normal START (the collateral key form, compressed or not, is the one in the transaction).
    public static func start(collateral: OutPoint, collateralKey: PrivateKey, compressed: Bool = true,
                             operatorPubKey: [UInt8], sigTime: UInt32, version: Int32 = 5) -> Transaction {
        let tx = unsignedStart(collateral: collateral, collateralPubKey: collateralKey.publicKey(compressed: compressed).bytes,
                               operatorPubKey: operatorPubKey, sigTime: sigTime, version: version)
        return signStart(tx, with: collateralKey, compressed: compressed)
    }

    /// A signed P2SH START (`signer` is one of the redeem script's keys).
    public static func p2shStart(collateral: OutPoint, redeemScript: [UInt8], signer: PrivateKey, compressed: Bool = true,
                                 operatorPubKey: [UInt8], sigTime: UInt32) -> Transaction {
        signStart(unsignedP2SHStart(collateral: collateral, redeemScript: redeemScript, operatorPubKey: operatorPubKey,
                                    sigTime: sigTime), with: signer, compressed: compressed)
    }

    // MARK: CONFIRM

    /// An unsigned CONFIRM (update type 0 = INITIAL_CONFIRM, 1 = UPDATE_CONFIRM).
    public static func unsignedConfirm(collateral: OutPoint, updateType: Int8, sigTime: UInt32, benchmarkTier: Int8,
                                       benchmarkSigTime: UInt32, ip: String, version: Int32 = 5) -> Transaction {
        let body = FluxNodeConfirm(collateral: collateral, sigTime: sigTime, benchmarkTier: benchmarkTier,
                                   benchmarkSigTime: benchmarkSigTime, updateType: updateType, ip: Array(ip.utf8),
                                   sig: [], benchmarkSig: [])
        return Transaction.fluxNode(.confirm(body), version: version)
    }

    /// `tx` (a CONFIRM) signed by the operator key (``confirmMessage(collateral:updateType:sigTime:)``).
    public static func signConfirm(_ tx: Transaction, operatorKey: PrivateKey, compressed: Bool = true) -> Transaction {
        guard case var .confirm(c) = tx.fluxNode else { return tx }
        c.sig = MessageSigner.sign(confirmMessage(collateral: c.collateral, updateType: c.updateType, sigTime: c.sigTime),
                                   with: operatorKey, compressed: compressed)
        var out = tx
        out.fluxNode = .confirm(c)
        return out
    }

    /// `tx` (a CONFIRM already signed by the operator) with the benchmark signature
    /// (``benchmarkMessage(sig:benchmarkTier:benchmarkSigTime:ip:)``).
    public static func signBenchmark(_ tx: Transaction, benchmarkKey: PrivateKey, compressed: Bool = false) -> Transaction {
        guard case var .confirm(c) = tx.fluxNode else { return tx }
        c.benchmarkSig = MessageSigner.sign(benchmarkMessage(sig: c.sig, benchmarkTier: c.benchmarkTier,
                                                             benchmarkSigTime: c.benchmarkSigTime, ip: c.ip),
                                            with: benchmarkKey, compressed: compressed)
        var out = tx
        out.fluxNode = .confirm(c)
        return out
    }

    /// A fully signed CONFIRM. `benchmarkCompressed` must match the form of the benchmark public key the network
    /// checks against (fluxd's keys are uncompressed).
    public static func confirm(collateral: OutPoint, updateType: Int8, sigTime: UInt32, benchmarkTier: Int8,
                               benchmarkSigTime: UInt32, ip: String, operatorKey: PrivateKey,
                               operatorCompressed: Bool = true, benchmarkKey: PrivateKey,
                               benchmarkCompressed: Bool = false, version: Int32 = 5) -> Transaction {
        let tx = unsignedConfirm(collateral: collateral, updateType: updateType, sigTime: sigTime,
                                 benchmarkTier: benchmarkTier, benchmarkSigTime: benchmarkSigTime, ip: ip, version: version)
        return signBenchmark(signConfirm(tx, operatorKey: operatorKey, compressed: operatorCompressed),
                             benchmarkKey: benchmarkKey, compressed: benchmarkCompressed)
    }
}
