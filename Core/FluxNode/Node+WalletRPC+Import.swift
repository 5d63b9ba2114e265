import FluxJSON
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxWallet
import Foundation

/// fluxd's wallet import and key-management calls: `importaddress`, `addmultisigaddress`, `rescanblockchain`,
/// `keypoolrefill`, `listaddressgroupings`, `backupwallet`, `dumpwallet`, `importwallet`
/// (`src/wallet/rpcdump.cpp`, `rpcwallet.cpp`).
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
        method("backupwallet", "Wallet", """
            backupwallet "destination"
            Writes the wallet (keys with their change marks, redeem scripts, watch-only scripts) in fluxd's
            dumpwallet text format to -exportdir/destination (alphanumeric name, as fluxd) and returns the path;
            importwallet loads it again. -exportdir is required, as fluxd.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let path = try self.exportPath(try p.string(0), action: "backup wallet", overwrite: true)
            do {
                try Data(self.wallet.dumpText().utf8).write(to: path, options: .atomic)
            } catch { throw RPCError(code: -4, message: "Error: Wallet backup failed! (\(error))") }
            return .string(path.path)
        }
        method("dumpwallet", "Wallet", """
            dumpwallet "filename"
            Writes every wallet key (WIF) in fluxd's dump format to -exportdir/filename (alphanumeric, not an
            existing file) and returns the path. The file holds unencrypted private keys.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let path = try self.exportPath(try p.string(0), action: "dump wallet", overwrite: false)
            do {
                try Data(self.wallet.dumpText().utf8).write(to: path, options: .withoutOverwriting)
            } catch { throw RPCError(code: -8, message: "Cannot open wallet dump file") }
            return .string(path.path)
        }
        method("importwallet", "Wallet", """
            importwallet "filename"
            Imports the keys of a wallet dump (fluxd's dumpwallet format: WIF time label=/change=/reserve=), and
            this node's redeem-script and watch-script lines, then rescans the chain from the oldest key time.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let file = try p.string(0)
            guard let data = FileManager.default.contents(atPath: file) else {
                throw RPCError(code: -8, message: "Cannot open wallet dump file")
            }
            let good: Bool
            do throws(WalletError) { good = try self.wallet.importDump(String(decoding: data, as: UTF8.self)) } catch {
                throw Self.walletError(error)
            }
            if !good { throw RPCError(code: -4, message: "Error adding some keys to wallet") }
            return .null
        }
    }

    /// `-exportdir/name` for backupwallet and dumpwallet, with fluxd's checks: -exportdir set (created when
    /// missing), the name alphanumeric (fluxd's `SanitizeFilename`), and for dumpwallet no existing file.
    func exportPath(_ name: String, action: String, overwrite: Bool) throws(RPCError) -> URL {
        guard let dir = configuration.options.string("exportdir"), !dir.isEmpty else {
            throw RPCError(code: -4, message: "Cannot \(action) until the -exportdir option has been set")
        }
        let folder = URL(fileURLWithPath: dir).standardizedFileURL
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw RPCError(code: -32603, message: "The -exportdir '\(folder.path)' already exists and is not a directory")
            }
        } else {
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw RPCError(code: -32603, message: "Failed to create directory at -exportdir '\(folder.path)'")
            }
        }
        let clean = String(name.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII })
        guard clean == name, !clean.isEmpty else {
            throw RPCError(code: -4, message: "Filename is invalid as only alphanumeric characters are allowed.  Try '\(clean)' instead.")
        }
        let path = folder.appendingPathComponent(clean)
        if !overwrite && FileManager.default.fileExists(atPath: path.path) {
            throw RPCError(code: -8, message: "Cannot overwrite existing file \(path.path)")
        }
        return path
    }
}
