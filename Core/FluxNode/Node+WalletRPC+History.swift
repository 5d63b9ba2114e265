import FluxChain
import FluxJSON
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxWallet
import Foundation

/// fluxd's wallet calls that read the wallet's history and control its spending: `gettransaction`,
/// `listtransactions`, `listsinceblock`, `listreceivedbyaddress`, `getreceivedbyaddress`, `getwalletinfo`,
/// `getrawchangeaddress`, `sendmany`, `sendfrom`, `settxfee`, `lockunspent`, `listlockunspent`;
/// names, parameters, result shapes and errors as `src/wallet/rpcwallet.cpp`.
/// Accounts are deprecated in fluxd: "" and "*" name the whole wallet.
extension Node {
    /// fluxd's `FEATURE_LATEST` wallet version, reported by `getwalletinfo`.
    static let walletVersion = 60_000

    /// fluxd's `GetDepthInMainChain`: blocks on top of and including the transaction's block on the active
    /// chain; 0 when unconfirmed and in the mempool; -1 when neither (dropped or conflicted).
    func depth(_ wtx: WalletTransaction) -> Int {
        if let block = wtx.block, let entry = chain.entry(at: block.height), entry.hash == block.hash {
            return chain.height - block.height + 1
        }
        return mempool.contains(wtx.txid) ? 0 : -1
    }

    /// fluxd's `GetUnconfirmedBalance`: what unconfirmed transactions the wallet did not fund (untrusted) pay
    /// to its spendable scripts, for those still in the mempool.
    func untrustedBalance() -> Amount {
        let total = wallet.history(includeWatchOnly: false).filter {
            $0.transaction.block == nil && !$0.isFromMe && mempool.contains($0.transaction.txid)
        }.reduce(Int64(0)) { sum, s in sum + s.received.reduce(Int64(0)) { $0 + $1.amount.units } }
        return Amount(units: total)
    }

    /// fluxd's `WalletTxToJSON`.
    func walletTransactionFields(_ s: WalletTransactionSummary) -> [(String, JSONValue)] {
        let wtx = s.transaction
        let confirmations = depth(wtx)
        var o: [(String, JSONValue)] = [("confirmations", .int(confirmations))]
        if wtx.transaction.isCoinbase { o.append(("generated", .bool(true))) }
        if confirmations > 0, let block = wtx.block {
            o += [("blockhash", .string(block.hash.description)), ("blockindex", .int(block.index)),
                  ("blocktime", .int(Int(block.time))), ("expiryheight", .int(Int(wtx.transaction.expiryHeight)))]
        }
        o += [("txid", .string(wtx.txid.description)),
              ("walletconflicts", .array(s.conflicts.map { .string($0.description) })),
              ("time", .int(Int(wtx.time))), ("timereceived", .int(Int(wtx.timeReceived))),
              ("vJoinSplit", .array([]))]
        return o
    }

    /// fluxd's `ListTransactions` for one transaction: its "send" entries, then its "receive"/"generate"/
    /// "immature"/"orphan" entries when its depth is at least `minDepth`.
    func transactionEntries(_ s: WalletTransactionSummary, account: String, minDepth: Int, long: Bool) -> [JSONValue] {
        let prefixes = params.base58Prefixes
        let wtx = s.transaction
        let size = wtx.transaction.serializedSize
        let all = account == "*"
        var out: [JSONValue] = []
        let confirmations = depth(wtx)
        if (!s.sent.isEmpty || s.fee.units != 0) && (all || account.isEmpty) {
            for e in s.sent {
                var o: [(String, JSONValue)] = []
                if s.spendsWatchOnly || e.isWatchOnly { o.append(("involvesWatchonly", .bool(true))) }
                o.append(("account", .string("")))
                if let a = e.address { o.append(("address", .string(a.encoded(prefixes: prefixes)))) }
                o += [("category", .string("send")), ("amount", TransactionJSON.amount(Amount(units: -e.amount.units))),
                      ("vout", .int(e.vout)), ("fee", TransactionJSON.amount(Amount(units: -s.fee.units)))]
                if long { o += walletTransactionFields(s) }
                o.append(("size", .int(size)))
                out.append(.object(o))
            }
        }
        if !s.received.isEmpty && confirmations >= minDepth {
            for e in s.received {
                let label = e.isWatchOnly ? (e.address.flatMap { wallet.watchLabel($0.script) } ?? "") : ""
                guard all || label == account else { continue }
                var o: [(String, JSONValue)] = []
                if s.spendsWatchOnly || e.isWatchOnly { o.append(("involvesWatchonly", .bool(true))) }
                o.append(("account", .string(label)))
                if let a = e.address { o.append(("address", .string(a.encoded(prefixes: prefixes)))) }
                let category: String
                if wtx.transaction.isCoinbase {
                    if confirmations < 1 { category = "orphan" } else if confirmations <= 100 { category = "immature" } else {
                        category = "generate"
                    }
                } else {
                    category = "receive"
                }
                o += [("category", .string(category)), ("amount", TransactionJSON.amount(e.amount)), ("vout", .int(e.vout))]
                if long { o += walletTransactionFields(s) }
                o.append(("size", .int(size)))
                out.append(.object(o))
            }
        }
        return out
    }

    /// An address parameter of this network, with fluxd's error (-5 and `message`).
    func addressParameter(_ p: RPCParams, _ i: Int, message: String) throws(RPCError) -> Address {
        let text = try p.string(i)
        guard let address = Address(text, prefixes: params.base58Prefixes) else {
            throw RPCError(code: -5, message: message)
        }
        return address
    }

    /// A wallet transaction paying `outputs`, submitted to the mempool (fluxd's `CommitTransaction`).
    func sendFromWallet(_ outputs: [(Address, Amount)], subtractFeeFrom: Set<Int>, from: Address?) throws(RPCError) -> JSONValue {
        let built: (transaction: Transaction, fee: Amount)
        do throws(WalletError) {
            built = try wallet.createTransaction(paying: outputs, subtractFeeFrom: subtractFeeFrom, from: from)
        } catch {
            throw Self.walletError(error)
        }
        try submit(built.transaction)
        return .string(built.transaction.txid.description)
    }

    /// fluxd's `ParseOutpoints` for `lockunspent`: `[{"txid": hex, "vout": n}, …]`.
    func outpointsParameter(_ value: JSONValue) throws(RPCError) -> [OutPoint] {
        guard case let .array(items) = value else {
            throw RPCError(code: -3, message: "Expected type array, got \(Self.jsonTypeName(value))")
        }
        var outpoints: [OutPoint] = []
        for item in items {
            guard case .object = item else { throw RPCError(code: -8, message: "Invalid parameter, expected object") }
            guard case let .string(txid)? = item["txid"] else {
                throw RPCError(code: -3, message: "Expected type string for txid, got \(Self.jsonTypeName(item["txid"] ?? .null))")
            }
            guard case let .number(vout)? = item["vout"] else {
                throw RPCError(code: -3, message: "Expected type number for vout, got \(Self.jsonTypeName(item["vout"] ?? .null))")
            }
            guard txid.count % 2 == 0, Hex.decode(txid) != nil else {
                throw RPCError(code: -8, message: "Invalid parameter, expected hex txid")
            }
            guard let n = Int(vout) else { throw RPCError(code: -3, message: "vout must be an integer") }
            guard n >= 0, let index = UInt32(exactly: n) else {
                throw RPCError(code: -8, message: "Invalid parameter, vout must be positive")
            }
            guard let hash = Hash256(displayHex: txid) else {
                throw RPCError(code: -8, message: "Invalid parameter, expected a 64-character hex txid")
            }
            outpoints.append(OutPoint(hash: hash, index: index))
        }
        return outpoints
    }
}

extension Node {
    func registerWalletHistoryMethods() {
        method("gettransaction", "Wallet", """
            gettransaction "txid" ( includeWatchonly )
            Detailed information about an in-wallet transaction: amount, fee, confirmations (-1: neither in the
            chain nor in the mempool), blockhash, blockindex, blocktime, expiryheight, txid, walletconflicts, time,
            timereceived, vJoinSplit, details [{account, address, category, amount, vout, fee, size}], hex.
            """) { p throws(RPCError) in
            try p.check(max: 2, min: 1)
            let txid = try p.hash(0)
            let watch = try p.bool(1, default: false)
            guard let s = self.wallet.transactionSummary(txid, includeWatchOnly: watch) else {
                throw RPCError(code: -5, message: "Invalid or non-wallet transaction id")
            }
            let net = s.credit.units - s.debit.units
            let fee = s.isFromMe ? -s.fee.units : 0
            var o: [(String, JSONValue)] = [("amount", TransactionJSON.amount(Amount(units: net - fee)))]
            if s.isFromMe { o.append(("fee", TransactionJSON.amount(Amount(units: fee)))) }
            o += self.walletTransactionFields(s)
            o.append(("details", .array(self.transactionEntries(s, account: "*", minDepth: 0, long: false))))
            o.append(("hex", .string(Hex.encode(s.transaction.transaction.serialized))))
            return .object(o)
        }
        method("listtransactions", "Wallet", """
            listtransactions ( "account" count from includeWatchonly )
            The most recent wallet transaction entries, skipping the first `from` (newest first), returned oldest
            first; account "*" (default) or "" for the whole wallet.
            """) { p throws(RPCError) in
            try p.check(max: 4)
            let account = p.optional(0) == nil ? "*" : try p.string(0)
            let count = try p.int(1, default: 10), from = try p.int(2, default: 0)
            let watch = try p.bool(3, default: false)
            if count < 0 { throw RPCError(code: -8, message: "Negative count") }
            if from < 0 { throw RPCError(code: -8, message: "Negative from") }
            var entries: [JSONValue] = []
            for s in self.wallet.history(includeWatchOnly: watch).reversed() {
                // As fluxd: newest transaction first, each one's entries in their own order (sends, then
                // receives); the page is then reversed as a whole.
                entries += self.transactionEntries(s, account: account, minDepth: 0, long: true)
                if entries.count >= count + from { break }
            }
            let start = min(from, entries.count)
            let end = min(from + count, entries.count)
            return .array(Array(entries[start..<end].reversed()))
        }
        method("listsinceblock", "Wallet", """
            listsinceblock ( "blockhash" target-confirmations includeWatchonly )
            Wallet transaction entries in blocks after blockhash (every one when omitted or unknown), and
            lastblock: the hash of the block target-confirmations deep (1: the tip).
            """) { p throws(RPCError) in
            try p.check(max: 3)
            var since: BlockIndexEntry?
            if p.optional(0) != nil {
                let text = try p.string(0)
                if let hash = Hash256(displayHex: text) { since = self.chain.entry(hash) }
            }
            let target = try p.int(1, default: 1)
            if target < 1 { throw RPCError(code: -8, message: "Invalid parameter") }
            let watch = try p.bool(2, default: false)
            let tip = self.chain.height
            let depthLimit = since.map { 1 + tip - $0.height } ?? -1
            var entries: [JSONValue] = []
            for s in self.wallet.history(includeWatchOnly: watch)
            where depthLimit == -1 || self.depth(s.transaction) < depthLimit {
                entries += self.transactionEntries(s, account: "*", minDepth: 0, long: true)
            }
            let last = self.chain.entry(at: tip + 1 - target)?.hash ?? Hash256([UInt8](repeating: 0, count: 32))
            return .object([("transactions", .array(entries)), ("lastblock", .string(last.description))])
        }
        method("listreceivedbyaddress", "Wallet", """
            listreceivedbyaddress ( minconf includeempty includeWatchonly )
            Per wallet address: amount received with at least minconf confirmations (coinbase excluded),
            confirmations of the most recent, txids; with includeempty also addresses that received nothing.
            """) { p throws(RPCError) in
            try p.check(max: 3)
            let minDepth = try p.int(0, default: 1)
            let includeEmpty = try p.bool(1, default: false), watch = try p.bool(2, default: false)
            struct Tally { var amount: Int64 = 0; var confirmations = Int.max; var txids: [Hash256] = []; var watchOnly = false }
            var tally: [Address: Tally] = [:]
            for s in self.wallet.history(includeWatchOnly: watch) where !s.transaction.transaction.isCoinbase {
                let d = self.depth(s.transaction)
                guard d >= minDepth else { continue }
                for e in s.received {
                    guard let a = e.address else { continue }
                    tally[a, default: Tally()].amount += e.amount.units
                    tally[a]!.confirmations = min(tally[a]!.confirmations, d)
                    tally[a]!.txids.append(s.transaction.txid)
                    if e.isWatchOnly { tally[a]!.watchOnly = true }
                }
            }
            let prefixes = self.params.base58Prefixes
            var out: [JSONValue] = []
            for address in self.wallet.receivingAddresses {
                let t = tally[address]
                if t == nil && !includeEmpty { continue }
                var o: [(String, JSONValue)] = []
                if t?.watchOnly == true { o.append(("involvesWatchonly", .bool(true))) }
                o += [("address", .string(address.encoded(prefixes: prefixes))),
                      ("account", .string(self.wallet.watchLabel(address.script) ?? "")),
                      ("amount", TransactionJSON.amount(Amount(units: t?.amount ?? 0))),
                      ("confirmations", .int(t.map { $0.confirmations == .max ? 0 : $0.confirmations } ?? 0)),
                      ("txids", .array((t?.txids ?? []).map { .string($0.description) }))]
                out.append(.object(o))
            }
            return .array(out)
        }
        method("getreceivedbyaddress", "Wallet", """
            getreceivedbyaddress "address" ( minconf )
            The total received by a wallet address in transactions with at least minconf confirmations (coinbase
            excluded); 0 for an address that is not the wallet's.
            """) { p throws(RPCError) in
            try p.check(max: 2, min: 1)
            let address = try self.addressParameter(p, 0, message: "Invalid Flux address")
            let minDepth = try p.int(1, default: 1)
            let script = address.script
            guard self.wallet.isMine(script) || self.wallet.isWatchOnly(script) else { return TransactionJSON.amount(.zero) }
            var total: Int64 = 0
            for s in self.wallet.history(includeWatchOnly: true) where !s.transaction.transaction.isCoinbase {
                guard self.depth(s.transaction) >= minDepth else { continue }
                for output in s.transaction.transaction.outputs where output.scriptPubKey == script {
                    total += output.value.units
                }
            }
            return TransactionJSON.amount(Amount(units: total))
        }
        method("getwalletinfo", "Wallet", """
            getwalletinfo
            walletversion, balance, unconfirmed_balance, immature_balance, txcount, keypoololdest, keypoolsize,
            paytxfee. This wallet has no key pool (keys are made when asked for), so keypoolsize is 0 and
            keypoololdest is the current time, as fluxd reports an empty pool.
            """) { p throws(RPCError) in
            try p.check(max: 0)
            let balance = self.wallet.balance().units + self.wallet.trustedPendingBalance().units
            return .object([("walletversion", .int(Self.walletVersion)),
                            ("balance", TransactionJSON.amount(Amount(units: balance))),
                            ("unconfirmed_balance", TransactionJSON.amount(self.untrustedBalance())),
                            ("immature_balance", TransactionJSON.amount(self.wallet.immatureBalance())),
                            ("txcount", .int(self.wallet.transactionCount)),
                            ("keypoololdest", .int(Int(Date().timeIntervalSince1970))), ("keypoolsize", .int(0)),
                            ("paytxfee", TransactionJSON.amount(self.wallet.payTxFee))])
        }
        method("getrawchangeaddress", "Wallet", """
            getrawchangeaddress
            A new address for receiving change (not listed by listreceivedbyaddress; for raw transactions).
            """) { p throws(RPCError) in
            try p.check(max: 1)
            do throws(WalletError) {
                return .string(try self.wallet.newChangeAddress().encoded(prefixes: self.params.base58Prefixes))
            } catch { throw Self.walletError(error) }
        }
        method("settxfee", "Wallet", """
            settxfee amount
            The fee rate in FLUX per 1000 bytes the wallet pays from now on (0: the default, 0.00001); kept until
            the node stops, as fluxd.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let amount: Amount
            if case let .number(n)? = p.optional(0), let a = RPCParams.parseAmount(n), a.units == 0 {
                amount = a
            } else {
                amount = try p.amount(0)
            }
            self.wallet.payTxFee = amount
            return .bool(true)
        }
        method("sendmany", "Wallet", """
            sendmany "fromaccount" {"address":amount,...} ( minconf "comment" ["address",...] )
            Pays several addresses in one transaction; returns its txid. fromaccount "" spends any wallet coin; an
            address spends only its coins and takes the change (fluxd). The addresses in the last argument share
            the fee. minconf is read but, as in fluxd, not used.
            """) { p throws(RPCError) in
            try p.check(max: 5, min: 2)
            let fromText = try p.string(0)
            guard case let .object(pairs)? = p.optional(1) else {
                throw RPCError(code: -3, message: "Expected type object, got \(Self.jsonTypeName(p.values.count > 1 ? p.values[1] : .null))")
            }
            _ = try p.int(2, default: 1)
            if p.optional(3) != nil { _ = try p.string(3) }
            var subtractNames: Set<String> = []
            if let v = p.optional(4) {
                guard case let .array(items) = v else { throw RPCError(code: -3, message: "Expected type array, got \(Self.jsonTypeName(v))") }
                for item in items {
                    guard case let .string(s) = item else { throw RPCError(code: -3, message: "JSON value is not a string as expected") }
                    subtractNames.insert(s)
                }
            }
            var outputs: [(Address, Amount)] = []
            var seen = Set<Address>()
            var subtract: Set<Int> = []
            for (name, value) in pairs {
                guard let address = Address(name, prefixes: self.params.base58Prefixes) else {
                    throw RPCError(code: -5, message: "Invalid Flux address: \(name)")
                }
                guard seen.insert(address).inserted else {
                    throw RPCError(code: -8, message: "Invalid parameter, duplicated address: \(name)")
                }
                let amount = try RPCParams(method: "sendmany", values: [value]).amount(0)
                if subtractNames.contains(name) { subtract.insert(outputs.count) }
                outputs.append((address, amount))
            }
            let from = try self.fromAccount(fromText, message: "Invalid fromaccount Flux address")
            let total = outputs.reduce(Int64(0)) { $0 + $1.1.units }
            if total > self.wallet.balance(from: from).units {
                throw RPCError(code: -6, message: "Address has insufficient funds")
            }
            return try self.sendFromWallet(outputs, subtractFeeFrom: subtract, from: from)
        }
        method("sendfrom", "Wallet", """
            sendfrom "fromaccount" "toaddress" amount ( minconf "comment" "comment-to" )
            Pays amount to toaddress; returns the txid. fromaccount "" spends any wallet coin; an address spends
            only its coins and takes the change (fluxd). minconf is read but, as in fluxd, not used.
            """) { p throws(RPCError) in
            try p.check(max: 6, min: 3)
            let fromText = try p.string(0)
            let to = try self.addressParameter(p, 1, message: "Invalid destination Flux address")
            let from = try self.fromAccount(fromText, message: "Invalid fromaccount Flux address")
            let amount = try p.amount(2)
            _ = try p.int(3, default: 1)
            if amount.units > self.wallet.balance(from: from).units {
                throw RPCError(code: -6, message: "Address has insufficient funds")
            }
            return try self.sendFromWallet([(to, amount)], subtractFeeFrom: [], from: from)
        }
        method("lockunspent", "Wallet", """
            lockunspent unlock [{"txid":"txid","vout":n},...]
            Locks (unlock=false) or unlocks outputs: locked outputs are never spent by the wallet (sendtoaddress,
            sendmany, sendfrom, fundrawtransaction) and not listed by listunspent. Without the array, true unlocks
            every output. Locks last until the node stops (fluxd); the FluxNode collateral is locked at start.
            """) { p throws(RPCError) in
            try p.check(max: 2, min: 1)
            guard case let .bool(unlock) = p.values[0] else {
                throw RPCError(code: -3, message: "Expected type bool, got \(Self.jsonTypeName(p.values[0]))")
            }
            guard p.count == 2 else {
                if unlock { self.wallet.unlockAllCoins() }
                return .bool(true)
            }
            let outpoints = try self.outpointsParameter(p.values[1])
            if unlock { self.wallet.unlockCoins(outpoints) } else { self.wallet.lockCoins(outpoints) }
            return .bool(true)
        }
        method("listlockunspent", "Wallet", "listlockunspent\nThe locked outputs: [{\"txid\", \"vout\"}, ...].") { p throws(RPCError) in
            try p.check(max: 0)
            return .array(self.wallet.lockedCoins.map {
                .object([("txid", .string($0.hash.description)), ("vout", .int($0.index))])
            })
        }
    }

    /// fluxd's "fromaccount": "" (the whole wallet) or an address of this network.
    func fromAccount(_ text: String, message: String) throws(RPCError) -> Address? {
        guard !text.isEmpty else { return nil }
        guard let address = Address(text, prefixes: params.base58Prefixes) else { throw RPCError(code: -5, message: message) }
        return address
    }
}

extension RPCParams {
    /// Parameters built in place (to read one JSON value with the usual checks).
    init(method: String, values: [JSONValue]) {
        self.method = method
        self.values = values
    }
}
