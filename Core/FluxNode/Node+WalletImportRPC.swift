import FluxJSON
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxWallet
import Foundation

/// fluxd's wallet import and key-management calls: `importaddress`, `addmultisigaddress`, `rescanblockchain`,
/// `keypoolrefill`, `listaddressgroupings` (`src/wallet/rpcdump.cpp`, `rpcwallet.cpp`).
extension Node {
    func registerWalletImportMethods() {
        method("importaddress", "Wallet", """
            importaddress "address|script" ( "label" rescan )
            Watches an address or a hex script without its key: its coins and transactions are listed with
            includeWatchonly and never spent. rescan (default true) scans the chain for its past coins.
            """) { p throws(RPCError) in
            try p.check(max: 3, min: 1)
            let text = try p.string(0)
            let script: Script
            if let address = Address(text, prefixes: self.params.base58Prefixes) {
                script = address.script
            } else if text.count % 2 == 0, let bytes = Hex.decode(text) {
                script = Script(bytes)
            } else {
                throw RPCError(code: -5, message: "Invalid Flux address or script")
            }
            let label = p.optional(1) == nil ? "" : try p.string(1)
            let rescan = try p.bool(2, default: true)
            do throws(WalletError) {
                try self.wallet.importWatchOnly(script, label: label, rescan: rescan)
            } catch { throw Self.walletError(error) }
            return .null
        }
        method("addmultisigaddress", "Wallet", """
            addmultisigaddress nrequired ["key",...] ( "account" )
            Adds an n-of-m multisig P2SH address (keys: wallet addresses or hex public keys) to the wallet and
            returns it. Its coins are the wallet's when the wallet holds every key; signrawtransaction signs its
            outputs with the keys the wallet holds.
            """) { p throws(RPCError) in
            try p.check(max: 3, min: 2)
            if p.optional(2) != nil, try p.string(2) != "" {
                throw RPCError(code: -11, message: "Accounts are unsupported")
            }
            let redeem = try self.multisigRedeemScript(required: try p.int(0), keys: p.optional(1))
            do throws(WalletError) {
                return .string(try self.wallet.addRedeemScript(redeem).encoded(prefixes: self.params.base58Prefixes))
            } catch { throw Self.walletError(error) }
        }
        method("rescanblockchain", "Wallet", """
            rescanblockchain ( start_height )
            Rescans the active chain from start_height (default 0) for the wallet's transactions.
            """) { p throws(RPCError) in
            try p.check(max: 1)
            let start = try p.int(0, default: 0)
            if start < 0 || start > self.chain.height {
                throw RPCError(code: -8, message: "Block height out of range")
            }
            do throws(WalletError) { try self.wallet.rescan(from: start) } catch { throw Self.walletError(error) }
            return .string("Rescan Completed")
        }
        method("keypoolrefill", "Wallet", """
            keypoolrefill ( newsize )
            Accepted for fluxd compatibility. This wallet keeps no key pool: every new address or change key is
            made and stored (synced) when it is needed, so there is nothing to refill (getwalletinfo reports
            keypoolsize 0). A negative size is refused as fluxd refuses it.
            """) { p throws(RPCError) in
            try p.check(max: 1)
            if try p.int(0, default: 0) < 0 {
                throw RPCError(code: -8, message: "Invalid parameter, expected valid size.")
            }
            return .null
        }
        method("listaddressgroupings", "Wallet", """
            listaddressgroupings
            Groups of wallet addresses whose common ownership transactions have made public (inputs spent
            together, and their change), each as [address, balance, label?].
            """) { p throws(RPCError) in
            try p.check(max: 0)
            let prefixes = self.params.base58Prefixes
            return .array(self.wallet.addressGroupings().map { group in
                .array(group.map { item in
                    var entry: [JSONValue] = [.string(item.address.encoded(prefixes: prefixes)), TransactionJSON.amount(item.balance)]
                    if let label = item.label { entry.append(.string(label)) }
                    return .array(entry)
                })
            })
        }
    }
}
