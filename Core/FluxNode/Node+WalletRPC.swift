import FluxChain
import FluxConsensus
import FluxJSON
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxWallet
import Foundation

/// fluxd's "wallet" calls (`src/wallet/rpcwallet.cpp`, `rpcdump.cpp`): the basic ones here, the rest in
/// `Node+WalletRPC+History.swift`, `+Import.swift` and `+Shielded.swift` (the z_* calls, which fluxd files under
/// wallet too).
extension Node {
    static func walletError(_ error: WalletError) -> RPCError {
        switch error {
        case .insufficientFunds: RPCError(code: -6, message: "\(error)")
        case .invalidAddress: RPCError(code: -5, message: "\(error)")
        case .unknownKey: RPCError(code: -4, message: "\(error)")
        case .invalidAmount: RPCError(code: -3, message: "\(error)")
        default: RPCError(code: -4, message: "\(error)")
        }
    }

    func registerWalletMethods() {
        method("getnewaddress", "Wallet", "getnewaddress\nA new transparent address of the wallet.") { _ throws(RPCError) in
            do throws(WalletError) {
                return .string(try self.wallet.newAddress().encoded(prefixes: self.params.base58Prefixes))
            } catch {
                throw Self.walletError(error)
            }
        }
        method("getbalance", "Wallet", "getbalance ( \"account\" minconf includeWatchonly )\nThe balance (\"\" or \"*\" account: the whole wallet): coins with at least minconf confirmations plus, as fluxd, the unconfirmed change of the wallet's own payments; watch-only coins with includeWatchonly.") { p throws(RPCError) in
            try p.check(max: 3)
            if p.optional(0) != nil {
                let account = try p.string(0)
                if account != "" && account != "*" { throw RPCError(code: -11, message: "Accounts are unsupported") }
            }
            let minConfirmations = try p.int(1, default: 1)
            let balance = self.wallet.balance(minConfirmations: minConfirmations, includeWatchOnly: try p.bool(2, default: false))
            let change = minConfirmations >= 1 ? self.wallet.trustedPendingBalance() : .zero
            return TransactionJSON.amount(Amount(units: balance.units + change.units))
        }
        method("getunconfirmedbalance", "Wallet", "getunconfirmedbalance\nThe total of unconfirmed payments from others in the mempool (fluxd's untrusted balance; the wallet's own unconfirmed change counts in getbalance).") { p throws(RPCError) in
            try p.check(max: 0)
            return TransactionJSON.amount(self.untrustedBalance())
        }
        method("listunspent", "Wallet", "listunspent ( minconf maxconf [\"address\",...] )\nUnspent wallet outputs.") { p throws(RPCError) in
            try p.check(max: 3)
            var filter: [Address]?
            if case let .array(items)? = p.optional(2) {
                filter = try items.map { item throws(RPCError) in
                    guard case let .string(s) = item, let a = Address(s, prefixes: self.params.base58Prefixes) else {
                        throw RPCError(code: -5, message: "Invalid address in filter")
                    }
                    return a
                }
            }
            let tip = self.chain.height
            let coins = self.wallet.listUnspent(minConfirmations: try p.int(0, default: 1),
                                                maxConfirmations: try p.int(1, default: 9_999_999), addresses: filter)
            return .array(coins.map { c in
                .object([("txid", .string(c.outpoint.hash.description)), ("vout", .int(c.outpoint.index)),
                         ("generated", .bool(c.isCoinbase)),
                         ("address", .string(c.address.encoded(prefixes: self.params.base58Prefixes))),
                         ("scriptPubKey", .string(Hex.encode(c.output.scriptPubKey.bytes))),
                         ("amount", TransactionJSON.amount(c.output.value)), ("amountZat", .int(c.output.value.units)),
                         ("confirmations", .int(c.confirmations(tipHeight: tip))),
                         ("spendable", .bool(c.isSpendable(tipHeight: tip) && !c.isWatchOnly))])
            })
        }
        method("sendtoaddress", "Wallet", "sendtoaddress \"address\" amount ( \"comment\" \"comment_to\" subtractfeefromamount )\nPays amount to address; returns the txid.") { p throws(RPCError) in
            try p.check(max: 5, min: 2)
            let text = try p.string(0)
            guard let address = Address(text, prefixes: self.params.base58Prefixes) else {
                throw RPCError(code: -5, message: "Invalid Flux address: \(text)")
            }
            let amount = try p.amount(1)
            let subtract = try p.bool(4, default: false)
            let built: (transaction: Transaction, fee: Amount)
            do throws(WalletError) {
                built = try self.wallet.createTransaction(paying: [(address, amount)], subtractFeeFromAmount: subtract)
            } catch { throw Self.walletError(error) }
            try self.submit(built.transaction)
            return .string(built.transaction.txid.description)
        }
        method("signmessage", "Wallet", """
            signmessage "t-addr" "message"
            Sign a message with the private key of a t-addr
            Arguments:
            1. "t-addr"  (string, required) The transparent address to use for the private key.
            2. "message"         (string, required) The message to create a signature of.
            Result:
            "signature"          (string) The signature of the message encoded in base 64
            """) { p throws(RPCError) in
            try p.check(max: 2, min: 2)
            let keyID = try self.messageKeyID(try p.string(0))
            let message = try p.string(1)
            guard let signed = self.wallet.signCompact(keyID: keyID, digest: MessageSigner.digest(message)) else {
                throw RPCError(code: -4, message: "Private key not available")
            }
            return .string(Data(signed.signature).base64EncodedString())
        }
        method("dumpprivkey", "Wallet", "dumpprivkey \"address\"\nThe private key (WIF) of a wallet address.") { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let address = try p.string(0)
            do throws(WalletError) { return .string(try self.wallet.dumpPrivateKey(address)) } catch { throw Self.walletError(error) }
        }
        method("importprivkey", "Wallet", "importprivkey \"privkey\" ( \"label\" rescan )\nAdds a private key (WIF) to the wallet.") { p throws(RPCError) in
            try p.check(max: 3, min: 1)
            let key = try p.string(0), rescan = try p.bool(2, default: true)
            do throws(WalletError) {
                _ = try self.wallet.importPrivateKey(key, rescan: rescan)
            } catch { throw Self.walletError(error) }
            return .null
        }
        // The rest of fluxd's "wallet" category: history and spending control, import and export, and the
        // shielded (z_*) calls fluxd files under wallet too.
        registerWalletHistoryMethods()
        registerWalletImportMethods()
        registerShieldedWalletMethods()
    }
}
