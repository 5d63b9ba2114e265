import FluxChain
import FluxConsensus
import FluxJSON
import FluxMempool
import FluxPrimitives
import FluxRPC
import FluxStorage
import Foundation

extension Node {
    /// Registers every built-in RPC method.
    func registerMethods() {
        registerBlockchainMethods()
        registerRawTransactionMethods()
        registerMiningMethods()
        registerNetworkMethods()
        registerWalletMethods()
        registerWalletHistoryMethods()
        registerWalletImportMethods()
        registerUtilityMethods()
        registerShieldedWalletMethods()
        registerFeeAndMiningMethods()
        registerInsightMethods()
        registerControlMethods()
    }

    /// Registers `name` with a synchronous body run under bitcoind-style error mapping.
    func method(_ name: String, _ category: String, _ help: String,
                _ body: @escaping @Sendable (RPCParams) throws(RPCError) -> JSONValue) {
        registry.register(name, category: category, help: help) { request throws(RPCError) in
            try body(RPCParams(request))
        }
    }

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

    // MARK: Blockchain

    func registerBlockchainMethods() {
        method("getblockcount", "Blockchain", "getblockcount\nReturns the number of blocks in the best valid chain.") { p throws(RPCError) in
            try p.check(max: 0)
            return .int(self.chain.height)
        }
        method("getbestblockhash", "Blockchain", "getbestblockhash\nReturns the hash of the tip of the best chain.") { p throws(RPCError) in
            try p.check(max: 0)
            return .string(self.chain.tip.hash.description)
        }
        method("getchaintips", "Blockchain", """
            getchaintips ( minheight )
            Every head of the block tree (the active tip and orphaned or unvalidated branches), highest first:
            height, hash, branchlen (0 for the active chain), status (active, valid-fork, valid-headers,
            headers-only, invalid). With minheight (fluxd's extension, what FluxOS sends), only heads at or above
            it; a minheight below 0 or above the tip counts as 0.
            """) { p throws(RPCError) in
            try p.check(max: 1)
            let minHeight = try p.int(0, default: 0)
            return .array(self.chain.chainTips(minHeight: minHeight).map { tip in
                .object([("height", .int(tip.height)), ("hash", .string(tip.hash.description)),
                         ("branchlen", .int(tip.branchLength)), ("status", .string(tip.status.rawValue))])
            })
        }
        method("getblockhash", "Blockchain", "getblockhash height\nReturns the hash of the block at height in the best chain.") { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let h = try p.int(0)
            guard let e = self.chain.entry(at: h) else { throw RPCError(code: -8, message: "Block height out of range") }
            return .string(e.hash.description)
        }
        method("getdifficulty", "Blockchain", "getdifficulty\nProof-of-work difficulty as a multiple of the minimum.") { p throws(RPCError) in
            try p.check(max: 0)
            return .double(self.difficulty)
        }
        method("getblockchaininfo", "Blockchain", "getblockchaininfo\nState of the chain: height, headers, tip, work, upgrades.") { p throws(RPCError) in
            try p.check(max: 0)
            return self.blockchainInfo()
        }
        method("getblock", "Blockchain", "getblock \"hash|height\" ( verbosity )\nverbosity 0: hex; 1: object with txids; 2: object with decoded transactions.") { p throws(RPCError) in
            try p.check(max: 2, min: 1)
            let entry = try self.lookupBlock(p)
            var verbosity = 1
            if let v = p.optional(1) {
                if case let .bool(b) = v { verbosity = b ? 1 : 0 } else { verbosity = try p.int(1) }
            }
            guard (0...2).contains(verbosity) else {
                throw RPCError(code: -8, message: "Verbosity must be in range from 0 to 2")
            }
            let block: Block?
            do throws(ChainError) { block = try self.chain.block(entry.hash) } catch { throw Self.rpcError(error) }
            guard let block else { throw RPCError(code: -1, message: "Block not available (header only)") }
            if verbosity == 0 { return .string(Hex.encode(block.serialized)) }
            return .object(BlockJSON.object(block, verbosity: verbosity, prefixes: self.params.base58Prefixes,
                                            powLimitBits: self.params.powLimit.compact, context: self.context(entry),
                                            spent: verbosity >= 2 ? self.spentLookup : nil))
        }
        method("getblockheader", "Blockchain", "getblockheader \"hash\" ( verbose )\nThe header as an object, or hex when verbose is false.") { p throws(RPCError) in
            try p.check(max: 2, min: 1)
            let entry = try self.lookupBlock(p)
            if try !p.bool(1, default: true) {
                return .string(Hex.encode(entry.header.serialized))
            }
            return self.headerJSON(entry)
        }
        method("gettxout", "Blockchain", "gettxout \"txid\" n ( includemempool )\nDetails of an unspent output.") { p throws(RPCError) in
            try p.check(max: 3, min: 2)
            let hash = try p.hash(0)
            let n = try p.int(1)
            let includeMempool = try p.bool(2, default: true)
            // As fluxd: a negative output index names no output (null), never output 0.
            guard let index = UInt32(exactly: n) else { return .null }
            let outpoint = OutPoint(hash: hash, index: index)
            let tip = self.chain.tip
            if includeMempool {
                if self.mempool.spender(of: outpoint) != nil { return .null }
                if let out = self.mempool.output(outpoint) {
                    return self.txOutJSON(out, confirmations: 0, coinbase: false, tip: tip)
                }
            }
            let coin: Coin?
            do throws(ChainError) { coin = try self.chain.coin(outpoint) } catch { throw Self.rpcError(error) }
            guard let coin else { return .null }
            return self.txOutJSON(coin.output, confirmations: tip.height - coin.height + 1, coinbase: coin.isCoinbase, tip: tip)
        }
        method("gettxoutsetinfo", "Blockchain", "gettxoutsetinfo\nStatistics about the UTXO set, with a hash of it.") { p throws(RPCError) in
            try p.check(max: 0)
            do throws(ChainError) {
                let d = try self.chain.utxoSetDigest()
                return .object([("height", .int(self.chain.height)), ("bestblock", .string(self.chain.tip.hash.description)),
                                ("txouts", .int(d.count)), ("hash_serialized", .string(d.hash.description)),
                                ("total_amount", TransactionJSON.amount(d.total))])
            } catch { throw Self.rpcError(error) }
        }
        method("verifychain", "Blockchain", "verifychain ( checklevel numblocks )\nRe-checks the last blocks: stored bodies, merkle roots, proofs, undo data.") { p throws(RPCError) in
            try p.check(max: 2)
            // checklevel (0-4, clamped as fluxd does) is read for its type; every level runs the same checks here.
            _ = min(4, max(0, try p.int(0, default: 3)))
            let depth = try p.int(1, default: 6)
            // As fluxd: 0 or a negative count checks the whole chain.
            return .bool(self.verifyChain(depth: depth <= 0 ? self.chain.height : depth))
        }
        method("invalidateblock", "Blockchain", "invalidateblock \"hash\"\nMarks a block and its descendants invalid.") { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let hash = try p.hash(0)
            do throws(ChainError) { try self.chain.invalidateBlock(hash) } catch { throw Self.rpcError(error) }
            return .null
        }
        method("reconsiderblock", "Blockchain", "reconsiderblock \"hash\"\nRemoves invalidity marks set by invalidateblock.") { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let hash = try p.hash(0)
            do throws(ChainError) { try self.chain.reconsiderBlock(hash) } catch { throw Self.rpcError(error) }
            return .null
        }
        method("getrawmempool", "Blockchain", "getrawmempool ( verbose )\nTransaction ids in the memory pool.") { p throws(RPCError) in
            try p.check(max: 1)
            let entries = self.mempool.entries
            if try p.bool(0, default: false) {
                return .object(entries.map { e in
                    (e.txid.description, .object([
                        ("size", .int(e.size)), ("fee", TransactionJSON.amount(e.fee)), ("time", .int(e.time)),
                        ("height", .int(e.height)), ("depends", .array(e.transaction.inputs.compactMap {
                            self.mempool.contains($0.prevout.hash) ? .string($0.prevout.hash.description) : nil
                        })),
                    ]))
                })
            }
            return .array(entries.map { .string($0.txid.description) })
        }
        method("getmempoolinfo", "Blockchain", "getmempoolinfo\nSize and usage of the memory pool.") { p throws(RPCError) in
            try p.check(max: 0)
            return .object([("size", .int(self.mempool.count)), ("bytes", .int(self.mempool.totalBytes)),
                            ("usage", .int(self.mempool.usage))])
        }
    }

    func lookupBlock(_ p: RPCParams) throws(RPCError) -> BlockIndexEntry {
        if case let .number(n)? = p.optional(0), let h = Int(n) {
            guard let e = chain.entry(at: h) else { throw RPCError(code: -8, message: "Block height out of range") }
            return e
        }
        let text = try p.string(0)
        if let h = Int(text), text.count < 64 {
            guard let e = chain.entry(at: h) else { throw RPCError(code: -8, message: "Block height out of range") }
            return e
        }
        guard let hash = Hash256(displayHex: text) else { throw RPCError(code: -8, message: "Invalid block hash \(text)") }
        guard let e = chain.entry(hash) else { throw RPCError(code: -5, message: "Block not found") }
        return e
    }

    func context(_ entry: BlockIndexEntry) -> BlockJSON.Context {
        let active = chain.isActive(entry)
        return BlockJSON.Context(confirmations: active ? chain.height - entry.height + 1 : -1, height: entry.height,
                                 chainWork: entry.chainWork,
                                 nextBlockHash: active ? chain.entry(at: entry.height + 1)?.hash : nil)
    }

    func headerJSON(_ entry: BlockIndexEntry) -> JSONValue {
        let c = context(entry)
        let h = entry.header
        var o: [(String, JSONValue)] = [("hash", .string(entry.hash.description)), ("confirmations", .int(c.confirmations ?? -1)),
                                        ("height", .int(entry.height)), ("version", .int(h.version)),
                                        ("merkleroot", .string(h.merkleRoot.description)),
                                        ("finalsaplingroot", .string(h.finalSaplingRoot.description)),
                                        ("time", .int(h.time))]
        o += BlockJSON.proofFields(h)
        o += [("bits", .string(JSONValue.hex8(h.bits))),
              ("difficulty", .double(BlockJSON.difficulty(bits: h.bits, powLimitBits: params.powLimit.compact))),
              ("chainwork", .string(entry.chainWork.description))]
        if let parent = entry.parent { o.append(("previousblockhash", .string(parent.hash.description))) }
        if let next = c.nextBlockHash { o.append(("nextblockhash", .string(next.description))) }
        return .object(o)
    }

    func txOutJSON(_ out: TxOut, confirmations: Int, coinbase: Bool, tip: BlockIndexEntry) -> JSONValue {
        .object([("bestblock", .string(tip.hash.description)), ("confirmations", .int(confirmations)),
                 ("value", TransactionJSON.amount(out.value)),
                 ("scriptPubKey", .object(TransactionJSON.scriptPubKey(out.scriptPubKey, prefixes: params.base58Prefixes))),
                 ("coinbase", .bool(coinbase))])
    }

    func blockchainInfo() -> JSONValue {
        let tip = chain.tip
        let best = chain.bestHeader
        var upgrades: [(String, JSONValue)] = []
        for u in NetworkUpgrade.allCases where u != .base && u != .testDummy {
            guard let h = params.upgrades.activationHeight(of: u) else { continue }
            upgrades.append((String(format: "%08x", u.branchId) + "-\(u.optionName ?? u.name)", .object([
                ("name", .string(u.name)), ("activationheight", .int(h)),
                ("status", .string(tip.height >= h ? "active" : "pending")), ("info", .string("")),
            ])))
        }
        let branch = params.upgrades.currentBranchId(at: tip.height)
        let next = params.upgrades.currentBranchId(at: tip.height + 1)
        return .object([
            ("chain", .string(params.network.networkId)), ("blocks", .int(tip.height)), ("headers", .int(best.height)),
            ("bestblockhash", .string(tip.hash.description)), ("difficulty", .double(difficulty)),
            ("verificationprogress", .double(best.height > 0 ? Double(tip.height) / Double(best.height) : 1)),
            ("chainwork", .string(tip.chainWork.description)), ("pruned", .bool(false)),
            ("upgrades", .object(upgrades)),
            ("consensus", .object([("chaintip", .string(String(format: "%08x", branch))),
                                   ("nextblock", .string(String(format: "%08x", next)))])),
        ])
    }

    func verifyChain(depth: Int) -> Bool {
        let tipHeight = chain.height
        for height in stride(from: tipHeight, to: max(0, tipHeight - depth), by: -1) {
            guard let entry = chain.entry(at: height),
                  let block = try? chain.block(entry.hash) else { return false }
            if block.hash != entry.hash { return false }
            let (root, mutated) = block.computeMerkleRoot()
            if root != block.header.merkleRoot || mutated { return false }
            if (try? chain.store.undo(entry.hash)) == nil { return false }
        }
        return true
    }

    // MARK: Control

    func registerControlMethods() {
        method("stop", "Control", "stop\nStops the node.") { p throws(RPCError) in
            try p.check(max: 0)
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { self.requestShutdown() }
            return .string("Flux server stopping")
        }
        method("uptime", "Control", "uptime\nSeconds since the node started.") { _ throws(RPCError) in
            .int(Int(Date().timeIntervalSince(self.startedAt)))
        }
        method("getinfo", "Control", "getinfo\nA summary of the node's state.") { p throws(RPCError) in
            try p.check(max: 0)
            return .object([("version", .int(ProtocolConstants.fluxdClientVersion)),
                            ("protocolversion", .int(ProtocolConstants.protocolVersion)),
                            ("balance", TransactionJSON.amount(self.wallet.balance())),
                            ("blocks", .int(self.chain.height)), ("timeoffset", .int(0)),
                            ("connections", .int(self.network.connectionCountNow)), ("proxy", .string("")),
                            ("difficulty", .double(self.difficulty)),
                            ("testnet", .bool(self.params.network == .testnet)),
                            ("relayfee", TransactionJSON.amount(self.mempool.policy.minRelayFeePerKB)),
                            ("errors", .string(""))])
        }
    }
}
