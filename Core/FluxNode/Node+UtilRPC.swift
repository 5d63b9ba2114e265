import FluxChain
import FluxJSON
import FluxMempool
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxWallet
import Foundation

/// fluxd's "util" calls: `createmultisig`, `verifymessage`, `validateaddress`, `z_validateaddress`, `estimatefee`,
/// `estimatepriority`, with fluxd's names, parameters, result shapes and errors (`src/rpc/misc.cpp`).
extension Node {
    func registerUtilMethods() {
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
        method("estimatefee", "Util", """
            estimatefee nblocks
            The fee per kB (FLUX) that was enough for this node's pooled transactions to be mined within nblocks
            blocks (1 to \(FeeEstimator.maxBlocks); below 1 counts as 1), or -1.0 when it has not seen enough
            transactions and blocks to say.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let blocks = max(try p.int(0), 1)
            guard let rate = self.mempool.estimateFee(blocks: blocks) else { return .double(-1) }
            return TransactionJSON.amount(rate)
        }
        method("estimatepriority", "Util", """
            estimatepriority nblocks
            The priority a zero-fee transaction needs to be mined within nblocks blocks, or -1.0 when unknown. This
            node mines by fee rate and relays no transaction below the relay fee (unless prioritised), so no
            priority ever gets a free transaction mined: the answer is always -1.0, fluxd's "not enough data".
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            _ = try p.int(0)
            return .double(-1)
        }
        method("z_validateaddress", "Util", """
            z_validateaddress "zaddr"
            Whether zaddr is a shielded (Sprout or Sapling) address of this network, with its parts. ismine is
            always false: this node holds no shielded keys.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let text = try p.string(0)
            let encoding: ShieldedPaymentAddress.Encoding = switch self.params.network {
            case .mainnet: .mainnet
            case .testnet: .testnet
            case .regtest: .regtest
            }
            guard let address = ShieldedPaymentAddress(text, encoding: encoding) else {
                return .object([("isvalid", .bool(false))])
            }
            var fields: [(String, JSONValue)] = [("isvalid", .bool(true)), ("address", .string(text))]
            switch address {
            case let .sprout(payingKey, transmissionKey):
                // uint256::GetHex: the bytes in reverse order.
                fields += [("type", .string("sprout")), ("payingkey", .string(Hex.encode(payingKey.reversed()))),
                           ("transmissionkey", .string(Hex.encode(transmissionKey.reversed())))]
            case let .sapling(diversifier, transmissionKey):
                fields += [("type", .string("sapling")), ("diversifier", .string(Hex.encode(diversifier))),
                           ("diversifiedtransmissionkey", .string(Hex.encode(transmissionKey.reversed())))]
            }
            fields.append(("ismine", .bool(false)))
            return .object(fields)
        }
        method("validateaddress", "Util", """
            validateaddress "address"
            Whether an address is valid: address, scriptPubKey, ismine, iswatchonly, isscript; for a wallet key its
            pubkey and iscompressed; for a P2SH address whose redeem script the wallet holds, the script's type, hex,
            addresses and sigsrequired (multisig), as fluxd.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let text = try p.string(0)
            guard let address = Address(text, prefixes: self.params.base58Prefixes) else { return .object([("isvalid", .bool(false))]) }
            let script = address.script
            var fields: [(String, JSONValue)] = [
                ("isvalid", .bool(true)), ("address", .string(text)), ("scriptPubKey", .string(Hex.encode(script.bytes))),
                ("ismine", .bool(self.wallet.isMine(script))), ("iswatchonly", .bool(self.wallet.isWatchOnly(script))),
            ]
            switch address {
            case let .pubKeyHash(keyID):
                fields.append(("isscript", .bool(false)))
                if let key = self.wallet.publicKey(keyID: keyID) {
                    fields += [("pubkey", .string(Hex.encode(key))), ("iscompressed", .bool(key.count == 33))]
                }
            case let .scriptHash(scriptID):
                fields.append(("isscript", .bool(true)))
                if let redeem = self.wallet.redeemScript(scriptID: scriptID) {
                    let (type, required, addresses) = ScriptDescription.classify(redeem)
                    fields += [("script", .string(type.rawValue)), ("hex", .string(Hex.encode(redeem.bytes))),
                               ("addresses", .array(addresses.map { .string($0.encoded(prefixes: self.params.base58Prefixes)) }))]
                    if type == .multisig { fields.append(("sigsrequired", .int(required))) }
                }
            }
            return .object(fields)
        }
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

}
