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

extension Node {
    // MARK: Raw transactions

    func registerRawTransactionMethods() {
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

    // MARK: Mining

    func registerMiningMethods() {
        method("getmininginfo", "Mining", "getmininginfo\nMining-related state.") { p throws(RPCError) in
            try p.check(max: 0)
            return .object([("blocks", .int(self.chain.height)), ("difficulty", .double(self.difficulty)),
                            ("errors", .string("")), ("genproclimit", .int(self.configuration.options.int("genproclimit") ?? -1)),
                            ("localsolps", .double(self.localSolutionsPerSecond)),
                            ("networksolps", .int(self.chain.networkSolutionsPerSecond(lookup: 120, height: -1))),
                            ("networkhashps", .int(self.chain.networkSolutionsPerSecond(lookup: 120, height: -1))),
                            ("pooledtx", .int(self.mempool.count)),
                            ("testnet", .bool(self.params.network != .mainnet)),
                            ("chain", .string(self.params.network.networkId)),
                            ("generate", .bool(self.configuration.options.flag("gen"))),
                            ("ponminter", .bool(self.params.isProofOfNode(at: self.chain.height + 1)))])
        }
        for name in ["getnetworksolps", "getnetworkhashps"] {
            method(name, "Mining", """
                \(name) ( blocks height )
                The network's estimated solutions per second: the chain work of the last blocks (default 120; 0 or less:
                the difficulty averaging window) before the block at height (default -1: the tip), divided by the span
                of their times.\(name == "getnetworkhashps" ? " (fluxd's older name of getnetworksolps.)" : "")
                """) { p throws(RPCError) in
                try p.check(max: 2)
                let blocks = try p.int(0, default: 120)
                let height = try p.int(1, default: -1)
                return .int(self.chain.networkSolutionsPerSecond(lookup: blocks, height: height))
            }
        }
        method("getblocksubsidy", "Mining", "getblocksubsidy ( height )\nThe block subsidy at height.") { p throws(RPCError) in
            try p.check(max: 1)
            let h = try p.int(0, default: self.chain.height + 1)
            guard h >= 0 else { throw RPCError(code: -8, message: "Block height out of range") }
            return .object([("miner", TransactionJSON.amount(self.params.blockSubsidy(at: h)))])
        }
        method("generate", "Mining", "generate numblocks\nMines blocks now (test networks) paying a new wallet address.") { p throws(RPCError) in
            try p.check(max: 2, min: 1)
            guard self.params.network != .mainnet else { throw RPCError(code: -32601, message: "generate is for test networks") }
            let address: Address
            do { address = try self.wallet.newAddress() } catch { throw RPCError(code: -4, message: "\(error)") }
            return try self.generate(try p.int(0), to: address.script)
        }
        method("generatetoaddress", "Mining", "generatetoaddress numblocks \"address\"\nMines blocks now paying address.") { p throws(RPCError) in
            try p.check(max: 3, min: 2)
            guard self.params.network != .mainnet else { throw RPCError(code: -32601, message: "generate is for test networks") }
            let text = try p.string(1)
            guard let address = Address(text, prefixes: self.params.base58Prefixes) else {
                throw RPCError(code: -5, message: "Invalid address \(text)")
            }
            return try self.generate(try p.int(0), to: address.script)
        }
        method("getblocktemplate", "Mining", "getblocktemplate ( \"jsonrequestobject\" )\nA block template for external miners.") { p throws(RPCError) in
            try p.check(max: 1)
            return try self.blockTemplate()
        }
        method("submitblock", "Mining", "submitblock \"hexdata\"\nSubmits a solved block; null when accepted, else the reason.") { p throws(RPCError) in
            try p.check(max: 2, min: 1)
            let block: Block
            do { block = try Block(serialized: try p.hex(0)) } catch {
                throw RPCError(code: -22, message: "Block decode failed: \(error)")
            }
            if let e = self.chain.entry(block.hash), e.status.contains(.haveData) {
                return .string(e.isFailed ? "duplicate-invalid" : "duplicate")
            }
            do throws(ChainError) {
                _ = try self.chain.acceptBlock(block)
                return .null
            } catch {
                switch error {
                case let .rejected(r): return .string(r.code)
                case .verdictUnavailable: return .string("inconclusive")
                case let .storage(e): throw RPCError(code: -20, message: "\(e)")
                }
            }
        }
    }

    func generate(_ count: Int, to script: Script) throws(RPCError) -> JSONValue {
        guard count >= 0, count <= 10_000 else { throw RPCError(code: -8, message: "numblocks out of range") }
        do {
            return .array(try mineBlocks(count, to: script).map { .string($0.description) })
        } catch let e as ChainError {
            throw Self.rpcError(e)
        } catch {
            throw RPCError(code: -1, message: "\(error)")
        }
    }

    /// Who the coinbase of `getblocktemplate` pays: `-mineraddress`, else one wallet address kept for the node's
    /// lifetime (a new key per template would grow the wallet with every poll of an external miner).
    func templatePayee() -> Script {
        if let text = configuration.options.string("mineraddress"), let a = Address(text, prefixes: params.base58Prefixes) {
            return a.script
        }
        return templateScript.withLockedValue { cached in
            if let cached { return cached }
            let script = (try? wallet.newAddress().script) ?? .payToPubKeyHash([UInt8](repeating: 0, count: 20))
            cached = script
            return script
        }
    }

    func blockTemplate() throws(RPCError) -> JSONValue {
        let tip = chain.tip
        let height = tip.height + 1
        let now = UInt32(Date().timeIntervalSince1970)
        let mtp = chain.medianTimePast()
        let time = max(now, mtp + 1)
        let bits = chain.requiredBitsForNextBlock(time: time)
        let candidates = mempool.blockCandidates(maxBytes: ConsensusConstants.maxBlockSize - 10_000)
        let fees = candidates.reduce(Amount.zero) { $0 + $1.fee }
        let minerScript = templatePayee()
        let template: Block
        do {
            let extra = try pluginCoinbaseOutputs(height: height)
            template = try FluxMiningTemplate.make(params: params, tip: tip, height: height, time: time, bits: bits,
                                                   script: minerScript, candidates: candidates, fees: fees,
                                                   extraOutputs: extra)
        } catch {
            throw RPCError(code: -1, message: "cannot build a block template: \(error)")
        }
        let coinbase = template.transactions[0]
        var position: [Hash256: Int] = [:]
        for (i, c) in candidates.enumerated() { position[c.transaction.txid] = i + 1 }
        let target = UInt256.fromCompact(bits).value
        var o: [(String, JSONValue)] = [
            ("capabilities", .array(["proposal"])), ("version", .int(template.header.version)),
            ("previousblockhash", .string(tip.hash.description)),
            ("finalsaplingroothash", .string(template.header.finalSaplingRoot.description)),
            ("transactions", .array(candidates.map { c in
                // BIP 22: 1-based positions of earlier template transactions this one spends from.
                let depends = Set(c.transaction.inputs.compactMap { position[$0.prevout.hash] }).sorted()
                return .object([("data", .string(Hex.encode(c.transaction.serialized))), ("hash", .string(c.transaction.txid.description)),
                         ("depends", .array(depends.map { .int($0) })), ("fee", .int(c.fee.units)),
                         ("sigops", .int(c.transaction.inputs.reduce(0) { $0 + $1.scriptSig.legacySigOpCount(accurate: false) }
                                         + c.transaction.outputs.reduce(0) { $0 + $1.scriptPubKey.legacySigOpCount(accurate: false) }))])
            })),
            ("coinbasetxn", .object([("data", .string(Hex.encode(coinbase.serialized))), ("hash", .string(coinbase.txid.description)),
                                     ("depends", .array([])), ("fee", .int(-fees.units)), ("required", .bool(true))])),
            ("longpollid", .string(tip.hash.description + String(mempool.count))),
            ("target", .string(target.description)), ("mintime", .int(mtp + 1)),
            ("mutable", .array(["time", "transactions", "prevblock"])), ("noncerange", .string("00000000ffffffff")),
            ("sigoplimit", .int(ConsensusConstants.maxBlockSigops)), ("sizelimit", .int(ConsensusConstants.maxBlockSize)),
            ("curtime", .int(time)), ("bits", .string(JSONValue.hex8(bits))), ("height", .int(height)),
            ("miner_reward", .int(coinbase.outputs[0].value.units)),
        ]
        for f in params.fundingOutputs(at: height) {
            o.append(("flux_creation_address", .string(Address(script: f.script)?.encoded(prefixes: params.base58Prefixes) ?? "")))
            o.append(("flux_creation_amount", .int(f.amount.units)))
        }
        return .object(o)
    }

    // MARK: Network

    func registerNetworkMethods() {
        registry.register("getpeerinfo", category: "Network", help: "getpeerinfo\nConnected peers.") { _ throws(RPCError) in
            let peers = await self.network.peerInfo()
            return .array(peers.map { p in
                .object([("id", .int(p.id)), ("addr", .string(p.address)), ("services", .string(String(format: "%016llx", p.services))),
                         ("conntime", .int(Int(p.connectedAt.timeIntervalSince1970))),
                         ("pingtime", p.pingTime.map { .double($0) } ?? .null), ("version", .int(p.version)),
                         ("subver", .string(p.userAgent)), ("inbound", .bool(p.inbound)),
                         ("startingheight", .int(p.startHeight)), ("banscore", .int(p.banScore)),
                         ("inflight", .int(p.blocksInFlight)), ("sendqueuebytes", .int(p.sendQueueBytes))])
            })
        }
        registry.register("getconnectioncount", category: "Network", help: "getconnectioncount\nNumber of connections.") { _ throws(RPCError) in
            .int(await self.network.connectionCount())
        }
        registry.register("getnetworkinfo", category: "Network", help: "getnetworkinfo\nP2P state.") { _ throws(RPCError) in
            let count = await self.network.connectionCount()
            return .object([("version", .int(1)), ("subversion", .string(self.network.configuration.userAgent)),
                            ("protocolversion", .int(ProtocolConstants.protocolVersion)),
                            ("localservices", .string("0000000000000001")), ("timeoffset", .int(0)),
                            ("connections", .int(count)), ("networks", .array([])),
                            ("relayfee", TransactionJSON.amount(self.mempool.policy.minRelayFeePerKB)), ("localaddresses", .array([])),
                            ("warnings", .string(""))])
        }
        registry.register("addnode", category: "Network", help: """
            addnode "node" "add|remove|onetry"
            Adds a peer to the added-node list (kept connected, as -addnode), removes it from the list, or dials it once.
            """) { request throws(RPCError) in
            let p = RPCParams(request)
            let command = request.params.count == 2 ? try p.string(1) : ""
            guard request.params.count == 2, ["add", "remove", "onetry"].contains(command) else {
                throw .miscError("addnode \"node\" \"add|remove|onetry\"")
            }
            let node = try p.string(0)
            switch command {
            case "onetry": self.network.connectOnce(node)
            case "add": guard await self.network.addNode(node) else { throw .clientNodeAlreadyAdded() }
            default: guard await self.network.removeAddedNode(node) else { throw .clientNodeNotAdded() }
            }
            return .null
        }
        registry.register("getaddednodeinfo", category: "Network", help: """
            getaddednodeinfo dns ( "node" )
            The added-node list (-addnode and addnode add); with dns true also each node's address and whether it is
            connected (inbound, outbound or false).
            """) { request throws(RPCError) in
            let p = RPCParams(request)
            try p.check(max: 2, min: 1)
            let dns = try p.bool(0, default: false)
            var info = await self.network.addedNodeInfo()
            if request.params.count == 2 {
                let node = try p.string(1)
                info = info.filter { $0.node == node }
                guard !info.isEmpty else { throw .clientNodeNotAdded() }
            }
            return .array(info.map { entry in
                guard dns else { return .object([("addednode", .string(entry.node))]) }
                return .object([("addednode", .string(entry.node)), ("connected", .bool(entry.connected != "false")),
                                ("addresses", .array([.object([("address", .string(entry.address)),
                                                               ("connected", .string(entry.connected))])]))])
            })
        }
        registry.register("setban", category: "Network", help: """
            setban "ip(/netmask)" "add|remove" ( bantime ) ( absolute )
            Adds an address or subnet to the ban list (disconnecting the peers it covers) or removes it. bantime:
            seconds (default 24 h), or with absolute true the end as a Unix time.
            """) { request throws(RPCError) in
            let p = RPCParams(request)
            let command = request.params.count >= 2 ? try p.string(1) : ""
            guard request.params.count >= 2, request.params.count <= 4, command == "add" || command == "remove" else {
                throw .miscError("setban \"ip(/netmask)\" \"add|remove\" ( bantime ) ( absolute )")
            }
            let key = try p.string(0)
            guard IPSubnet(key) != nil else { throw .clientNodeAlreadyAdded("Error: Invalid IP/Subnet") }
            if command == "remove" {
                guard self.network.unban(key) else { throw .miscError("Error: Unban failed") }
                return .null
            }
            guard !self.network.isBanEntry(key) else { throw .clientNodeAlreadyAdded("Error: IP/Subnet already banned") }
            let seconds = request.params.count >= 3 && request.params[2] != .null ? try p.int(2) : 0
            let absolute = request.params.count == 4 && request.params[3] == .bool(true)
            let until = absolute && seconds > 0 ? Date(timeIntervalSince1970: TimeInterval(seconds))
                : Date().addingTimeInterval(seconds > 0 ? TimeInterval(seconds) : self.network.configuration.banDuration)
            _ = await self.network.ban(key, until: until)
            return .null
        }
        method("getnettotals", "Network", """
            getnettotals
            Bytes received from and sent to all peers since the node started (framing included), and the time.
            """) { p throws(RPCError) in
            try p.check(max: 0)
            return .object([("totalbytesrecv", .int(self.network.totals.bytesReceived)),
                            ("totalbytessent", .int(self.network.totals.bytesSent)),
                            ("timemillis", .int(Int(Date().timeIntervalSince1970 * 1000)))])
        }
        method("clearbanned", "Network", "clearbanned\nClears the ban list.") { p throws(RPCError) in
            try p.check(max: 0)
            self.network.clearBans()
            return .null
        }
        registry.register("disconnectnode", category: "Network", help: """
            disconnectnode "node"
            Disconnects the peer at "node" (its address as getpeerinfo's addr shows it).
            """) { request throws(RPCError) in
            let p = RPCParams(request)
            try p.check(max: 1, min: 1)
            guard await self.network.disconnectPeer(address: try p.string(0), id: nil) else { throw .clientNodeNotConnected() }
            return .null
        }
        registry.register("ping", category: "Network", help: """
            ping
            Sends a ping to every peer; the round trips show in getpeerinfo's pingtime.
            """) { request throws(RPCError) in
            try RPCParams(request).check(max: 0)
            await self.network.pingAll()
            return .null
        }
        method("listbanned", "Network", "listbanned\nBanned addresses.") { _ throws(RPCError) in
            .array(self.network.banned.map { .object([("address", .string($0.host)), ("banned_until", .int(Int($0.until.timeIntervalSince1970)))]) })
        }
    }
}

/// Builds the block template the miner and getblocktemplate share.
enum FluxMiningTemplate {
    /// The template for the block after `tip`; `extraOutputs` (the consensus plugins' outputs, see
    /// ``Node/pluginCoinbaseOutputs(height:)``) are appended to the coinbase and paid out of the miner's share.
    /// At PoN heights the header names `collateral` (default: fluxd's test collateral) and has no signature yet.
    static func make(params: ChainParameters, tip: BlockIndexEntry, height: Int, time: UInt32, bits: UInt32, script: Script,
                     candidates: [(transaction: Transaction, fee: Amount)], fees: Amount,
                     extraOutputs: [TxOut] = [], collateral: OutPoint? = nil) throws(BlockTemplateError) -> Block {
        let pon = params.isProofOfNode(at: height)
        return try BlockTemplate(params: params, previous: tip.header, height: height, time: time, bits: bits,
                                 minerScript: script, transactions: candidates.map(\.transaction), fees: fees,
                                 nodeCollateral: pon ? (collateral ?? ChainState.testCollateral) : nil,
                                 extraOutputs: extraOutputs).block
    }
}
