import FluxChain
import FluxConsensus
import FluxJSON
import FluxMempool
import FluxMining
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxStorage
import FluxWallet
import Foundation

/// fluxd's "rawtransactions" calls (`src/rpc/rawtransaction.cpp`, and `fundrawtransaction` of
/// `src/wallet/rpcwallet.cpp`).
extension Node {
    func registerRawTransactionsMethods() {
        method("decoderawtransaction", "Rawtransactions", "decoderawtransaction \"hex\"\nThe transaction as JSON.") { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let tx = try self.decodeTransaction(p.hex(0))
            return .object(TransactionJSON.object(tx, prefixes: self.params.base58Prefixes))
        }
        method("createrawtransaction", "Rawtransactions", "createrawtransaction [{\"txid\":\"id\",\"vout\":n},...] {\"address\":amount,\"data\":\"hex\",...} ( locktime expiryheight )\nAn unsigned transaction spending the given outputs (hex): Sapling format (v4, expiry: next height + 20 unless given) from Acadia, version 1 before. \"data\" adds an OP_RETURN output carrying at most 80 bytes; with a locktime the inputs' default sequence is 0xfffffffe.") { p throws(RPCError) in
            try p.check(max: 4, min: 2)
            guard case let .array(items)? = p.optional(0) else {
                throw RPCError(code: -8, message: "createrawtransaction: parameter 1 must be an array of {\"txid\", \"vout\"}")
            }
            let lockTime = try p.optional(2).map { v throws(RPCError) -> UInt32 in
                guard let n = v.intValue, let t = UInt32(exactly: n) else {
                    throw RPCError(code: -8, message: "Invalid parameter, locktime out of range")
                }
                return t
            } ?? 0
            var inputs: [TxIn] = []
            var seen = Set<OutPoint>()
            for item in items {
                guard let text = item["txid"]?.stringValue, let hash = Hash256(displayHex: text) else {
                    throw RPCError(code: -8, message: "createrawtransaction: an input lacks a 64-character hex txid")
                }
                guard let n = item["vout"]?.intValue else {
                    throw RPCError(code: -8, message: "Invalid parameter, missing vout key (input \(text))")
                }
                guard let index = UInt32(exactly: n) else {
                    throw RPCError(code: -8, message: "Invalid parameter, vout must be positive (input \(text): \(n))")
                }
                // As fluxd: with a locktime the default sequence is 0xfffffffe, so the locktime is enforced.
                let sequence = item["sequence"]?.intValue.flatMap { UInt32(exactly: $0) } ?? (lockTime != 0 ? .max - 1 : .max)
                let outpoint = OutPoint(hash: hash, index: index)
                guard seen.insert(outpoint).inserted else {
                    throw RPCError(code: -8, message: "createrawtransaction: input \(text):\(n) is given twice")
                }
                inputs.append(TxIn(prevout: outpoint, scriptSig: [], sequence: sequence))
            }
            guard case let .object(pairs)? = p.optional(1) else {
                throw RPCError(code: -8, message: "createrawtransaction: parameter 2 must be an object {\"address\": amount}")
            }
            var outputs: [TxOut] = []
            var addresses = Set<String>()
            for (text, value) in pairs {
                if text == "data" {
                    // {"data": hex}: an OP_RETURN output of value 0 carrying the bytes (Bitcoin Core's form).
                    guard case let .string(hex) = value, hex.count % 2 == 0, let data = Hex.decode(hex) else {
                        throw RPCError(code: -8, message: "Invalid parameter, data must be a hexadecimal string")
                    }
                    guard data.count <= Self.maxDataCarrierBytes else {
                        throw RPCError(code: -8, message: "Invalid parameter, data is \(data.count) bytes; the standard limit (fluxd's -datacarriersize) is \(Self.maxDataCarrierBytes)")
                    }
                    guard addresses.insert(text).inserted else {
                        throw RPCError(code: -8, message: "Invalid parameter, duplicate key: data")
                    }
                    var script = Script([Opcode.opReturn])
                    script.appendPush(data)
                    outputs.append(TxOut(value: .zero, scriptPubKey: script))
                    continue
                }
                guard let address = Address(text, prefixes: self.params.base58Prefixes) else {
                    throw RPCError(code: -5, message: "Invalid Flux address: \(text)")
                }
                guard addresses.insert(text).inserted else {
                    throw RPCError(code: -8, message: "createrawtransaction: duplicated address \(text)")
                }
                let amountText: String
                switch value {
                case let .number(n): amountText = n
                case let .string(s): amountText = s
                default: throw RPCError(code: -3, message: "createrawtransaction: the amount for \(text) must be a number")
                }
                guard let amount = RPCParams.parseAmount(amountText), amount.isInMoneyRange else {
                    throw RPCError(code: -3, message: "Invalid amount \(amountText) for \(text)")
                }
                outputs.append(TxOut(value: amount, scriptPubKey: address.script))
            }
            let nextHeight = self.chain.height + 1
            var tx: Transaction
            if self.params.upgrades.isActive(.acadia, at: nextHeight) {
                let expiry = try p.optional(3).map { v throws(RPCError) -> UInt32 in
                    // fluxd's checks: below the expiry threshold, and not expiring within 3 blocks (0 = never).
                    guard let n = v.intValue.map(Int.init), n >= 0, n < Self.expiryHeightThreshold else {
                        throw RPCError(code: -8, message: "Invalid parameter, expiryheight must be nonnegative and less than \(Self.expiryHeightThreshold).")
                    }
                    if n != 0 && nextHeight + Self.expiringSoonThreshold > n {
                        throw RPCError(code: -8, message: "Invalid parameter, expiryheight should be at least \(nextHeight + Self.expiringSoonThreshold) to avoid transaction expiring soon")
                    }
                    return UInt32(n)
                } ?? UInt32(nextHeight + 20)
                tx = Transaction.sapling(inputs: inputs, outputs: outputs, expiryHeight: expiry)
            } else {
                guard p.optional(3) == nil else {
                    throw RPCError(code: -8, message: "Invalid parameter, expiryheight can only be used if Overwinter is active when the transaction is mined")
                }
                tx = Transaction(version: 1, inputs: inputs, outputs: outputs)
            }
            tx.lockTime = lockTime
            return .string(Hex.encode(tx.serialized))
        }
        method("getrawtransaction", "Rawtransactions", "getrawtransaction \"txid\" ( verbose \"blockhash\" )\nA transaction from the mempool, a given block, the transaction index (-txindex: any confirmed transaction), or without it one with unspent outputs. With the spent index (-insightexplorer) verbose inputs show value, valueSat and address, and spent outputs spentTxId, spentIndex and spentHeight.") { p throws(RPCError) in
            try p.check(max: 3, min: 1)
            let txid = try p.hash(0)
            let verbose = try p.int(1, default: 0) != 0
            var found: (Transaction, BlockIndexEntry?)?
            if let e = self.mempool.entry(txid) { found = (e.transaction, nil) }
            if found == nil, p.optional(2) != nil {
                let hash = try p.hash(2)
                guard let entry = self.chain.entry(hash) else { throw RPCError(code: -5, message: "Block hash not found") }
                if let block = try? self.chain.block(hash), let tx = block.transactions.first(where: { $0.txid == txid }) {
                    found = (tx, entry)
                }
            }
            if found == nil { found = try self.indexedTransaction(txid) }
            if found == nil { found = self.findConfirmedTransaction(txid) }
            guard let (tx, entry) = found else {
                throw RPCError(code: -5, message: "No information available about transaction")
            }
            if !verbose { return .string(Hex.encode(tx.serialized)) }
            var o: [(String, JSONValue)] = [("hex", .string(Hex.encode(tx.serialized)))]
            o += TransactionJSON.object(tx, prefixes: self.params.base58Prefixes, spent: self.spentLookup)
            if let entry {
                o += [("blockhash", .string(entry.hash.description)), ("height", .int(entry.height)),
                      ("confirmations", .int(self.chain.height - entry.height + 1)),
                      ("time", .int(entry.header.time)), ("blocktime", .int(entry.header.time))]
            }
            return .object(o)
        }
        method("sendrawtransaction", "Rawtransactions", "sendrawtransaction \"hex\"\nSubmits a transaction to the mempool and relays it.") { p throws(RPCError) in
            try p.check(max: 2, min: 1)
            let tx = try self.decodeTransaction(p.hex(0))
            try self.submit(tx)
            return .string(tx.txid.description)
        }
        method("decodescript", "Rawtransactions", """
            decodescript "hex"
            Decode a hex-encoded script.
            Arguments:
            1. "hex"     (string) the hex encoded script
            Result:
            {
              "asm":"asm",   (string) Script public key
              "type":"type", (string) The output type
              "reqSigs": n,    (numeric) The required signatures
              "addresses": [   (json array of string)
                 "address"     (string) Flux address
                 ,...
              ],
              "p2sh","address" (string) script address
            }
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            guard case let .string(text)? = p.optional(0) else {
                throw RPCError(code: -3, message: "Expected type string, got \(Self.jsonTypeName(p.values[0]))")
            }
            var bytes: [UInt8] = []
            if !text.isEmpty {
                // fluxd's ParseHexV: an even number of hex digits.
                guard text.count % 2 == 0, let decoded = Hex.decode(text) else {
                    throw RPCError(code: -8, message: "argument must be hexadecimal string (not '\(text)')")
                }
                bytes = decoded
            }
            let script = Script(bytes)
            var o = TransactionJSON.scriptPubKey(script, prefixes: self.params.base58Prefixes).filter { $0.0 != "hex" }
            o.append(("p2sh", .string(Address.scriptHash(Hashing.hash160(bytes)).encoded(prefixes: self.params.base58Prefixes))))
            return .object(o)
        }
        method("signrawtransaction", "Rawtransactions", "signrawtransaction \"hex\" ( [{\"txid\",\"vout\",\"scriptPubKey\",\"amount\"},...] [\"privkey\",...] \"sighashtype\" )\nSigns inputs with wallet keys and the given keys.") { p throws(RPCError) in
            try p.check(max: 4, min: 1)
            let tx = try self.decodeTransaction(p.hex(0))
            var prevouts: [OutPoint: TxOut] = [:]
            var redeemScripts: [Script] = []
            if case let .array(items)? = p.optional(1) {
                for item in items {
                    if case let .number(vout)? = item["vout"], let n = Int(vout), n < 0 {
                        throw RPCError(code: -22, message: "vout must be positive (prevtxs entry with vout \(n))")
                    }
                    guard case .object = item, case let .string(txid)? = item["txid"], let hash = Hash256(displayHex: txid),
                          case let .number(vout)? = item["vout"], let n = UInt32(vout),
                          case let .string(spk)? = item["scriptPubKey"], let script = Hex.decode(spk) else {
                        throw RPCError(code: -8, message: "prevtxs entries need txid, vout, scriptPubKey (and amount)")
                    }
                    var value = Amount.zero
                    if case let .number(a)? = item["amount"] { value = RPCParams.parseAmount(a) ?? .zero }
                    prevouts[OutPoint(hash: hash, index: n)] = TxOut(value: value, scriptPubKey: Script(script))
                    if case let .string(redeemHex)? = item["redeemScript"] {
                        guard let redeem = Hex.decode(redeemHex) else {
                            throw RPCError(code: -8, message: "redeemScript must be hexadecimal string (not '\(redeemHex)')")
                        }
                        redeemScripts.append(Script(redeem))
                    }
                }
            }
            var keys: [String] = []
            if case let .array(items)? = p.optional(2) {
                keys = items.compactMap { if case let .string(s) = $0 { return s } else { return nil } }
            }
            var hashType = SigHashType.all
            if p.optional(3) != nil {
                let names: [String: Int32] = ["ALL": 1, "NONE": 2, "SINGLE": 3, "ALL|ANYONECANPAY": 0x81,
                                              "NONE|ANYONECANPAY": 0x82, "SINGLE|ANYONECANPAY": 0x83]
                guard let v = names[try p.string(3)] else { throw RPCError(code: -8, message: "Invalid sighash param") }
                hashType = SigHashType(rawValue: v)
            }
            let result = self.wallet.signRawTransaction(tx, prevouts: prevouts, extraKeys: keys,
                                                        redeemScripts: redeemScripts, hashType: hashType)
            var o: [(String, JSONValue)] = [("hex", .string(Hex.encode(result.transaction.serialized))),
                                            ("complete", .bool(result.complete))]
            if !result.errors.isEmpty {
                o.append(("errors", .array(result.errors.map { e in
                    let input = result.transaction.inputs[e.input]
                    return .object([("txid", .string(input.prevout.hash.description)), ("vout", .int(input.prevout.index)),
                                    ("scriptSig", .string(Hex.encode(input.scriptSig.bytes))),
                                    ("sequence", .int(input.sequence)), ("error", .string(e.message))])
                })))
            }
            return .object(o)
        }
        method("fundrawtransaction", "Rawtransactions", """
            fundrawtransaction "hexstring"
            Adds unsigned wallet inputs (never locked ones) and one change output to a raw transaction until it
            pays its outputs and the fee. Result: {"hex", "changepos" (-1: none), "fee"}.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            guard case .string = p.values[0] else {
                throw RPCError(code: -3, message: "Expected type string, got \(Self.jsonTypeName(p.values[0]))")
            }
            guard let bytes = Hex.decode(try p.string(0)), let tx = try? Transaction(serialized: bytes) else {
                throw RPCError(code: -22, message: "TX decode failed")
            }
            do throws(WalletError) {
                let funded = try self.wallet.fund(tx)
                return .object([("hex", .string(Hex.encode(funded.transaction.serialized))),
                                ("changepos", .int(funded.changePosition)),
                                ("fee", TransactionJSON.amount(funded.fee))])
            } catch {
                throw RPCError(code: -32603, message: "\(error)")
            }
        }
    }

    /// fluxd's `MAX_OP_RETURN_RELAY` (`-datacarriersize` default): the most bytes a standard OP_RETURN output
    /// carries; the mempool's standard-script check (`Mempool.maxNullDataSize`, 83 script bytes) matches it.
    static let maxDataCarrierBytes = 80

    /// fluxd's `TX_EXPIRY_HEIGHT_THRESHOLD`: expiry heights must be below it.
    static let expiryHeightThreshold = 500_000_000
    /// fluxd's `TX_EXPIRING_SOON_THRESHOLD`: createrawtransaction refuses an expiry within this many blocks.
    static let expiringSoonThreshold = 3

    func decodeTransaction(_ bytes: [UInt8]) throws(RPCError) -> Transaction {
        do { return try Transaction(serialized: bytes) } catch {
            throw RPCError(code: -22, message: "TX decode failed: \(error)")
        }
    }

    /// With `-txindex`: any transaction of the active chain, through the transaction index (nil when it is not
    /// indexed, or the index is off).
    func indexedTransaction(_ txid: Hash256) throws(RPCError) -> (Transaction, BlockIndexEntry?)? {
        guard chain.indexes.contains(.transactions) else { return nil }
        let location: TransactionLocation?
        do { location = try chain.store.transactionLocation(txid) } catch { throw Self.rpcError(.storage(error)) }
        guard let location, let entry = chain.entry(location.blockHash) else { return nil }
        let block: Block?
        do throws(ChainError) { block = try chain.block(location.blockHash) } catch { throw Self.rpcError(error) }
        guard let block, location.position < block.transactions.count else { return nil }
        let tx = block.transactions[location.position]
        return tx.txid == txid ? (tx, entry) : nil
    }

    /// Without a transaction index: a transaction with an unspent output is found through the UTXO set.
    func findConfirmedTransaction(_ txid: Hash256) -> (Transaction, BlockIndexEntry?)? {
        for index in 0..<64 {
            guard let coin = try? chain.coin(OutPoint(hash: txid, index: UInt32(index))) else { continue }
            guard let entry = chain.entry(at: coin.height), let block = try? chain.block(entry.hash),
                  let tx = block.transactions.first(where: { $0.txid == txid }) else { return nil }
            return (tx, entry)
        }
        return nil
    }

}
