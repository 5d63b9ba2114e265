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

/// Helpers the RPC categories share.
extension Node {
    /// An RPC error from a chain error.
    static func rpcError(_ error: ChainError) -> RPCError {
        switch error {
        case let .rejected(r): RPCError(code: -25, message: "\(r.code): \(r.message)")
        case let .storage(e): RPCError(code: -20, message: "database error: \(e)")
        case let .verdictUnavailable(m): RPCError(code: -1, message: m)
        }
    }

    var difficulty: Double {
        BlockJSON.difficulty(bits: chain.tip.header.bits, powLimitBits: params.powLimit.compact)
    }

    /// fluxd's error for an insight call whose index is off.
    static func insightDisabled(_ name: String) -> RPCError {
        RPCError(code: -1, message: "Error: \(name) is disabled. Run './flux-cli help \(name)' for instructions on how to enable this feature.")
    }

    /// Registers an insight call that needs `index`; the help says how to enable it.
    func insightMethod(_ name: String, _ category: String, needs index: ChainIndexes, _ help: String,
                       _ body: @escaping @Sendable (RPCParams) throws(RPCError) -> JSONValue) {
        let option = index == .transactions ? "-txindex" : "-insightexplorer (or -\(ChainIndexes.optionName(index)))"
        method(name, category, help + "\n\nNeeds \(option); changing it needs -reindex.") { p throws(RPCError) in
            guard self.chain.indexes.isSuperset(of: index) else { throw Self.insightDisabled(name) }
            return try body(p)
        }
    }

    /// Accepts `tx` into the mempool (it is then relayed), with bitcoind's error codes.
    func submit(_ tx: Transaction) throws(RPCError) {
        do {
            try mempool.accept(tx)
        } catch {
            switch error {
            case .alreadyKnown:
                // Pooled: relay again and answer with the id. Confirmed: bitcoind's -27.
                if !mempool.contains(tx.txid) { throw RPCError(code: -27, message: "transaction already in block chain") }
            case let .missingInputs(missing):
                let confirmed = tx.outputs.indices.contains {
                    (try? chain.coin(OutPoint(hash: tx.txid, index: UInt32($0)))) != nil
                }
                if confirmed {
                    throw RPCError(code: -27, message: "transaction already in block chain")
                }
                throw RPCError(code: -25, message: "Missing inputs: \(missing.map(\.description).joined(separator: ", "))")
            case let .rejected(reason):
                throw RPCError(code: -26, message: "\(reason.code): \(reason.message)")
            }
        }
        wallet.recordPending(tx)
    }

    static func optionalBool(_ value: JSONValue?) throws(RPCError) -> Bool {
        switch value {
        case nil, .null?: return false
        case let .bool(b)?: return b
        default: throw RPCError(code: -1, message: "JSON value is not a boolean as expected")
        }
    }

    /// UniValue's `get_int`: an integer number in the 32-bit range.
    static func jsonInt(_ value: JSONValue) throws(RPCError) -> Int {
        guard case .number = value else { throw RPCError(code: -1, message: "JSON value is not an integer as expected") }
        guard let n = value.intValue, let v = Int32(exactly: n) else {
            throw RPCError(code: -1, message: "JSON integer out of range")
        }
        return Int(v)
    }

    /// UniValue's type name of a JSON value (`uvTypeName`), as fluxd's `RPCTypeCheck` messages print it.
    static func jsonTypeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The key id (HASH160) of a P2PKH address for `signmessage`/`verifymessage`, with fluxd's errors: -3
    /// "Invalid address" for text that is not an address of this network, -3 "Address does not refer to key"
    /// for a P2SH address.
    func messageKeyID(_ text: String) throws(RPCError) -> [UInt8] {
        guard let address = Address(text, prefixes: params.base58Prefixes) else {
            throw RPCError(code: -3, message: "Invalid address")
        }
        guard case let .pubKeyHash(keyID) = address else {
            throw RPCError(code: -3, message: "Address does not refer to key")
        }
        return keyID
    }

    /// fluxd's `MAX_SCRIPT_ELEMENT_SIZE`: the largest redeem script `createmultisig` builds (a P2SH spend pushes it).
    static let maxRedeemScriptSize = 520
    /// The most keys `createmultisig` accepts.
    static let maxMultisigKeys = 16

    /// fluxd's `_createmultisig_redeemScript`: `OP_m <key>… OP_n OP_CHECKMULTISIG` from hex public keys or
    /// wallet addresses, with fluxd's checks and messages (code -1).
    func multisigRedeemScript(required: Int, keys value: JSONValue?) throws(RPCError) -> Script {
        guard case let .array(keys)? = value else {
            throw RPCError(code: -1, message: "JSON value is not an array as expected")
        }
        if required < 1 {
            throw RPCError(code: -1, message: "a multisignature address must require at least one key to redeem")
        }
        if keys.count < required {
            throw RPCError(code: -1, message: "not enough keys supplied (got \(keys.count) keys, but need at least \(required) to redeem)")
        }
        if keys.count > Self.maxMultisigKeys {
            throw RPCError(code: -1, message: "Number of addresses involved in the multisignature address creation > 16\nReduce the number")
        }
        var publicKeys: [[UInt8]] = []
        for item in keys {
            guard case let .string(text) = item else {
                throw RPCError(code: -1, message: "JSON value is not a string as expected")
            }
            if let address = Address(text, prefixes: params.base58Prefixes) {
                guard case let .pubKeyHash(keyID) = address else {
                    throw RPCError(code: -1, message: "\(text) does not refer to a key")
                }
                guard let key = wallet.publicKey(keyID: keyID) else {
                    throw RPCError(code: -1, message: "no full public key for address \(text)")
                }
                guard PublicKey(key).isFullyValid else { throw RPCError(code: -1, message: " Invalid public key: \(text)") }
                publicKeys.append(key)
            } else if !text.isEmpty, text.count % 2 == 0, let bytes = Hex.decode(text), PublicKey(bytes).isFullyValid {
                publicKeys.append(bytes)
            } else {
                throw RPCError(code: -1, message: " Invalid public key: \(text)")
            }
        }
        var script = Script([])
        script.appendNumber(Int64(required))
        for key in publicKeys { script.appendPush(key) }
        script.appendNumber(Int64(publicKeys.count))
        script.bytes.append(Opcode.checkMultisig)
        if script.bytes.count > Self.maxRedeemScriptSize {
            throw RPCError(code: -1, message: "redeemScript exceeds size limit: \(script.bytes.count) > \(Self.maxRedeemScriptSize)")
        }
        return script
    }
}
