import Foundation
import FluxPrimitives

/// Transactions in the JSON shape of fluxd's `decoderawtransaction` / `getrawtransaction` (verbose), which is
/// also the shape of each transaction in `getblock` at verbosity 2.
public enum TransactionJSON {
    /// The JSON object for `tx`; addresses are encoded with `prefixes`. Chain context (block hash, height,
    /// confirmations) is appended by callers that have it. With `spent` (a node keeping the spent index), inputs
    /// gain `value`, `valueSat` and `address` and spent outputs `spentTxId`, `spentIndex`, `spentHeight`, where
    /// and as fluxd's `TxToJSON` adds them.
    public static func object(_ tx: Transaction, prefixes: Base58Prefixes,
                              spent: SpentLookup? = nil) -> [(String, JSONValue)] {
        var e: [(String, JSONValue)] = [("txid", .string(tx.txid.description)), ("version", .int(tx.version))]
        if let body = tx.fluxNode {
            appendFluxNode(body, to: &e)
            return e
        }
        e.append(("overwintered", .bool(tx.overwintered)))
        if tx.overwintered {
            e.append(("versiongroupid", .string(JSONValue.hex8(tx.versionGroupId))))
        }
        e.append(("locktime", .int(tx.lockTime)))
        if tx.overwintered { e.append(("expiryheight", .int(tx.expiryHeight))) }
        let coinbase = tx.isCoinbase
        e.append(("vin", .array(tx.inputs.map { input in
            var o: [(String, JSONValue)] = []
            if coinbase {
                o.append(("coinbase", .string(Hex.encode(input.scriptSig.bytes))))
            } else {
                o.append(("txid", .string(input.prevout.hash.description)))
                o.append(("vout", .int(input.prevout.index)))
                o.append(("scriptSig", .object([
                    ("asm", .string(ScriptDescription.asm(input.scriptSig, decodeSignatures: true))),
                    ("hex", .string(Hex.encode(input.scriptSig.bytes))),
                ])))
                if let info = spent?.input(input.prevout) {
                    o.append(("value", amount(info.value)))
                    o.append(("valueSat", .int(info.value.units)))
                    if let address = info.address { o.append(("address", .string(address))) }
                }
            }
            o.append(("sequence", .int(input.sequence)))
            return .object(o)
        })))
        let txid = spent == nil ? nil : tx.txid
        e.append(("vout", .array(tx.outputs.enumerated().map { n, output in
            var o: [(String, JSONValue)] = [
                ("value", amount(output.value)),
                ("valueZat", .int(output.value.units)),
                ("valueSat", .int(output.value.units)),
                ("n", .int(n)),
                ("scriptPubKey", .object(scriptPubKey(output.scriptPubKey, prefixes: prefixes))),
            ]
            if let txid, let spender = spent?.output(OutPoint(hash: txid, index: UInt32(n))) {
                o.append(("spentTxId", .string(spender.txid.description)))
                o.append(("spentIndex", .int(Int(spender.inputIndex))))
                o.append(("spentHeight", .int(spender.height)))
            }
            return .object(o)
        })))
        let groth = tx.overwintered && tx.version >= 4
        e.append(("vjoinsplit", .array(tx.joinSplits.map { joinSplit($0, groth: groth) })))
        if tx.overwintered && tx.version >= 4 {
            e.append(("valueBalance", amount(tx.valueBalance)))
            e.append(("valueBalanceZat", .int(tx.valueBalance.units)))
            e.append(("vShieldedSpend", .array(tx.shieldedSpends.map { s in
                .object([
                    ("cv", .string(s.cv.description)), ("anchor", .string(s.anchor.description)),
                    ("nullifier", .string(s.nullifier.description)), ("rk", .string(s.rk.description)),
                    ("proof", .string(Hex.encode(s.zkproof))), ("spendAuthSig", .string(Hex.encode(s.spendAuthSig))),
                ])
            })))
            e.append(("vShieldedOutput", .array(tx.shieldedOutputs.map { o in
                .object([
                    ("cv", .string(o.cv.description)), ("cmu", .string(o.cmu.description)),
                    ("ephemeralKey", .string(o.ephemeralKey.description)),
                    ("encCiphertext", .string(Hex.encode(o.encCiphertext))),
                    ("outCiphertext", .string(Hex.encode(o.outCiphertext))),
                    ("proof", .string(Hex.encode(o.zkproof))),
                ])
            })))
            if !(tx.shieldedSpends.isEmpty && tx.shieldedOutputs.isEmpty) {
                e.append(("bindingSig", .string(Hex.encode(tx.bindingSig))))
            }
        }
        return e
    }

    /// The `scriptPubKey` object of an output: asm, hex, and when the script is standard reqSigs, type and
    /// addresses (only type when no address can be extracted).
    public static func scriptPubKey(_ script: Script, prefixes: Base58Prefixes) -> [(String, JSONValue)] {
        var o: [(String, JSONValue)] = [
            ("asm", .string(ScriptDescription.asm(script))),
            ("hex", .string(Hex.encode(script.bytes))),
        ]
        let (type, required, addresses) = ScriptDescription.classify(script)
        if addresses.isEmpty {
            o.append(("type", .string(type.rawValue)))
        } else {
            o.append(("reqSigs", .int(required)))
            o.append(("type", .string(type.rawValue)))
            o.append(("addresses", .array(addresses.map { .string($0.encoded(prefixes: prefixes)) })))
        }
        return o
    }

    /// An amount as fluxd prints values: a JSON number with eight decimals.
    public static func amount(_ a: Amount) -> JSONValue { .number(a.description) }

    /// fluxd's `TierToString`.
    public static func tierName(_ tier: Int8) -> String {
        switch tier {
        case 1: "CUMULUS"
        case 2: "NIMBUS"
        case 3: "STRATUS"
        case 0: "NONE"
        default: "UNKNOWN TIER (\(tier))"
        }
    }

    private static func base64(_ bytes: [UInt8]) -> JSONValue { .string(Data(bytes).base64EncodedString()) }

    private static func joinSplit(_ js: JoinSplit, groth: Bool) -> JSONValue {
        .object([
            ("vpub_old", amount(js.vpubOld)), ("vpub_oldZat", .int(js.vpubOld.units)),
            ("vpub_new", amount(js.vpubNew)), ("vpub_newZat", .int(js.vpubNew.units)),
            ("anchor", .string(js.anchor.description)),
            ("nullifiers", .array(js.nullifiers.map { .string($0.description) })),
            ("commitments", .array(js.commitments.map { .string($0.description) })),
            ("onetimePubKey", .string(js.ephemeralKey.description)),
            ("randomSeed", .string(js.randomSeed.description)),
            ("macs", .array(js.macs.map { .string($0.description) })),
            ("proof", .string(Hex.encode(js.proof))),
            ("ciphertexts", .array(js.ciphertexts.map { .string(Hex.encode($0)) })),
        ])
    }

    private static func appendFluxNode(_ body: FluxNodeTransaction, to e: inout [(String, JSONValue)]) {
        let c = body.collateral
        switch body {
        case .start: e.append(("type", "Starting a fluxnode"))
        case .confirm: e.append(("type", "Confirming a fluxnode"))
        }
        e.append(("collateral_output", .string(c.shortDescription)))
        e.append(("collateral", .string(c.description)))
        e.append(("txhash", .string(c.hash.description)))
        e.append(("outidx", .int(c.index)))
        switch body {
        case let .start(s):
            e.append(("sigtime", .int(s.sigTime)))
            e.append(("sig", base64(s.sig)))
            e.append(("ip", ""))
            if let v = s.fluxTxVersion { e.append(("fluxnode_upgraded_tx_version", .int(v))) }
            if s.isP2SH {
                e.append(("redeemscript", .string(ScriptDescription.asm(s.redeemScript ?? []))))
            } else {
                e.append(("collateral_pubkey", base64(s.collateralPubKey)))
            }
            e.append(("zelnode_pubkey", base64(s.pubKey)))
            if let using = s.usingDelegates {
                e.append(("using_delegates", .bool(using)))
                if let d = s.delegates {
                    e.append(("delegate_data", .object([
                        ("version", .int(d.version)),
                        ("type", .int(d.type)),
                        ("type_string", .string(d.type == 1 ? "UPDATE" : d.type == 2 ? "SIGNING" : "NONE")),
                        ("keys", .array(d.keys.map { .string(Hex.encode($0)) })),
                    ])))
                }
            }
        case let .confirm(cf):
            e.append(("sigtime", .int(cf.sigTime)))
            e.append(("sig", base64(cf.sig)))
            e.append(("ip", .string(String(decoding: cf.ip, as: UTF8.self))))
            e.append(("update_type", .int(cf.updateType)))
            e.append(("benchmark_tier", .string(tierName(cf.benchmarkTier))))
            e.append(("benchmark_sigtime", .int(cf.benchmarkSigTime)))
            e.append(("benchmark_sig", base64(cf.benchmarkSig)))
        }
    }
}
