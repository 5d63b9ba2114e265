import FluxJSON
import FluxPrimitives
import FluxRPC
import FluxScript

/// fluxd's utility calls: `createmultisig`, `decodescript` and `verifymessage`, with fluxd's names, parameters,
/// result shapes and errors (`src/rpc/misc.cpp`, `src/rpc/rawtransaction.cpp`).
extension Node {
    /// fluxd's `MAX_SCRIPT_ELEMENT_SIZE`: the largest redeem script `createmultisig` builds (a P2SH spend pushes it).
    static let maxRedeemScriptSize = 520
    /// The most keys `createmultisig` accepts.
    static let maxMultisigKeys = 16

    func registerUtilityMethods() {
        method("createmultisig", "Util", """
            createmultisig nrequired ["key",...]
            Creates a multi-signature address with n signature of m keys required.
            It returns a json object with the address and redeemScript.
            Arguments:
            1. nrequired      (numeric, required) The number of required signatures out of the n keys or addresses.
            2. "keys"       (string, required) A json array of keys which are Flux addresses or hex-encoded public keys
            Result:
            {
              "address":"multisigaddress",  (string) The value of the new multisig address.
              "redeemScript":"script"       (string) The string value of the hex-encoded redemption script.
            }
            """) { p throws(RPCError) in
            try p.check(max: 2, min: 2)
            let redeem = try self.multisigRedeemScript(required: try p.int(0), keys: p.optional(1))
            return .object([
                ("address", .string(Address.scriptHash(Hashing.hash160(redeem.bytes)).encoded(prefixes: self.params.base58Prefixes))),
                ("redeemScript", .string(Hex.encode(redeem.bytes))),
            ])
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
        method("verifymessage", "Util", """
            verifymessage "fluxaddress" "signature" "message"
            Verify a signed message
            Arguments:
            1. "fluxaddress"    (string, required) The Flux address to use for the signature.
            2. "signature"       (string, required) The signature provided by the signer in base 64 encoding (see signmessage).
            3. "message"         (string, required) The message that was signed.
            Result:
            true|false   (boolean) If the signature is verified or not.
            """) { p throws(RPCError) in
            try p.check(max: 3, min: 3)
            let keyID = try self.messageKeyID(try p.string(0))
            let signatureText = try p.string(1), message = try p.string(2)
            guard let signature = Self.decodeBase64(signatureText) else {
                throw RPCError(code: -5, message: "Malformed base64 encoding")
            }
            guard let recovered = PublicKey.recover(compactSignature65: signature, digest32: MessageSigner.digest(message)) else {
                return .bool(false)
            }
            return .bool(recovered.hash160 == keyID)
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

    /// fluxd's `DecodeBase64` with its validity rule: base64 characters, then only `=` padding (fewer than four),
    /// a total length that is a multiple of four, and no leftover non-zero bits. Nil when fluxd reports the text
    /// invalid. Like fluxd (a C string), decoding stops at a NUL character.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8.prefix { $0 != 0 })
        func value(_ c: UInt8) -> UInt32? {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): 62
            case UInt8(ascii: "/"): 63
            default: nil
            }
        }
        var out: [UInt8] = []
        var accumulator: UInt32 = 0, bits = 0, i = 0
        while i < chars.count, let v = value(chars[i]) {
            accumulator = (accumulator << 6 | v) & 0xFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
            i += 1
        }
        // ConvertBits<6, 8, false>: a whole leftover character, or non-zero leftover bits, is invalid.
        guard bits < 6, accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        let padStart = i
        while i < chars.count {
            guard chars[i] == UInt8(ascii: "=") else { return nil }
            i += 1
        }
        guard i % 4 == 0, i - padStart < 4 else { return nil }
        return out
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
}
