import FluxChain
import FluxConsensus
import FluxJSON
import FluxMempool
import FluxPrimitives
import FluxRPC
import FluxStorage
import Foundation

/// fluxd's "blockchain" calls (`src/rpc/blockchain.cpp`, and the insight calls `getspentinfo`, `getblockdeltas`,
/// `getblockhashes` that fluxd files under blockchain).
extension Node {
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
        insightMethod("getspentinfo", "Blockchain", needs: .spent, """
            getspentinfo {"txid": "txidhex", "index": n}
            The input that spent the output: {txid, index, height} (height -1 for a mempool spender).
            """) { p throws(RPCError) in
            guard p.count == 1, case .object? = p.optional(0), let request = p.optional(0) else {
                throw RPCError(code: -1, message: "getspentinfo {\"txid\": \"txidhex\", \"index\": n}")
            }
            guard case let .string(text)? = request["txid"] else {
                throw RPCError(code: -5, message: "Invalid txid, must be a string")
            }
            guard case .number? = request["index"] else {
                throw RPCError(code: -5, message: "Invalid index, must be an integer")
            }
            guard let txid = Hash256(displayHex: text) else {
                throw RPCError(code: -8, message: "txid must be hexadecimal string (not '\(text)')")
            }
            // UniValue's get_int: a fraction or a value beyond 32 bits is "JSON integer out of range"; a negative
            // index names no output.
            let n = try Self.jsonInt(request["index"] ?? .null)
            guard let index = UInt32(exactly: n) else { throw RPCError(code: -5, message: "Unable to get spent info") }
            guard let info = self.spentInfo(OutPoint(hash: txid, index: index)) else {
                throw RPCError(code: -5, message: "Unable to get spent info")
            }
            return .object([("txid", .string(info.txid.description)), ("index", .int(info.inputIndex)),
                            ("height", .int(info.height))])
        }
        insightMethod("getblockdeltas", "Blockchain", needs: .spent, """
            getblockdeltas "blockhash"
            An active-chain block with every transaction's input and output deltas: hash, confirmations, size,
            height, version, merkleroot, deltas [{txid, index, inputs [{address, satoshis, index, prevtxid,
            prevout}], outputs [{address, satoshis, index}]}], time, mediantime, nonce, bits, difficulty,
            chainwork, previousblockhash, nextblockhash.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let text = try p.string(0)
            guard let hash = Hash256(displayHex: text), let entry = self.chain.entry(hash) else {
                throw RPCError(code: -5, message: "Block not found")
            }
            let block: Block?
            do throws(ChainError) { block = try self.chain.block(hash) } catch { throw Self.rpcError(error) }
            guard let block else { throw RPCError(code: -32603, message: "Can't read block from disk") }
            return try self.blockDeltas(block, entry: entry)
        }
        insightMethod("getblockhashes", "Blockchain", needs: .timestamps, """
            getblockhashes high low ( {"noOrphans": true|false, "logicalTimes": true|false} )
            Hashes of the blocks with a logical timestamp in [low, high), by timestamp; orphaned blocks too unless
            noOrphans; with logicalTimes [{blockhash, logicalts}].
            """) { p throws(RPCError) in
            guard p.count >= 2 else {
                throw RPCError(code: -1, message: "getblockhashes high low ( {\"noOrphans\": true|false, \"logicalTimes\": true|false} )")
            }
            let high = UInt32(truncatingIfNeeded: try p.int(0))
            let low = UInt32(truncatingIfNeeded: try p.int(1))
            var activeOnly = false
            var logical = false
            if p.count > 2 {
                guard case .object = p.values[2] else {
                    throw RPCError(code: -1, message: "JSON value is not an object as expected")
                }
                activeOnly = try Self.optionalBool(p.values[2]["noOrphans"])
                logical = try Self.optionalBool(p.values[2]["logicalTimes"])
            }
            let found: [(hash: Hash256, logical: UInt32)]
            do { found = try self.chain.store.blockHashes(timestampsFrom: low, below: high) } catch {
                throw RPCError(code: -5, message: "No information available for block hashes")
            }
            return .array(found.compactMap { item in
                if activeOnly {
                    guard let e = self.chain.entry(item.hash), self.chain.isActive(e) else { return nil }
                }
                return logical
                    ? .object([("blockhash", .string(item.hash.description)), ("logicalts", .int(Int(Int32(bitPattern: item.logical))))])
                    : .string(item.hash.description)
            })
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

    // MARK: Spent information (mempool first, then the spent index, as fluxd's GetSpentIndex)

    /// Who spent `outpoint`, with the spent output's value and address: a mempool spender (height -1) first,
    /// then the spent index. Nil when neither knows.
    func spentInfo(_ outpoint: OutPoint) -> SpentInfo? {
        if let spender = mempool.spender(of: outpoint), let entry = mempool.entry(spender),
           let k = entry.transaction.inputs.firstIndex(where: { $0.prevout == outpoint }),
           let output = spentOutput(outpoint) {
            return SpentInfo(txid: spender, inputIndex: UInt32(k), height: -1, satoshis: output.value.units,
                             address: Address(script: output.scriptPubKey))
        }
        return try? chain.store.spentInfo(outpoint)
    }

    /// The output `outpoint` names, from a pooled transaction or the UTXO set.
    func spentOutput(_ outpoint: OutPoint) -> TxOut? {
        if let pooled = mempool.entry(outpoint.hash)?.transaction.outputs, Int(outpoint.index) < pooled.count {
            return pooled[Int(outpoint.index)]
        }
        return (try? chain.coin(outpoint))?.output
    }

    // MARK: Block deltas

    /// fluxd's `blockToDeltasJSON`.
    func blockDeltas(_ block: Block, entry: BlockIndexEntry) throws(RPCError) -> JSONValue {
        guard chain.isActive(entry) else { throw RPCError(code: -5, message: "Block is an orphan") }
        let prefixes = params.base58Prefixes
        var deltas: [JSONValue] = []
        for (i, tx) in block.transactions.enumerated() {
            var inputs: [JSONValue] = []
            if !tx.isCoinbase {
                for (j, input) in tx.inputs.enumerated() {
                    guard let info = spentInfo(input.prevout) else {
                        throw RPCError(code: -32603, message: "Spent information not available")
                    }
                    var o: [(String, JSONValue)] = []
                    if let address = info.address { o.append(("address", .string(address.encoded(prefixes: prefixes)))) }
                    o += [("satoshis", .int(-info.satoshis)), ("index", .int(j)),
                          ("prevtxid", .string(input.prevout.hash.description)), ("prevout", .int(input.prevout.index))]
                    inputs.append(.object(o))
                }
            }
            // fluxd pushes "address" a second time for every output, as "" when the script is neither P2PKH nor
            // P2SH; a JSON reader keeps that last value, which is what is given here (once).
            let outputs: [JSONValue] = tx.outputs.enumerated().map { k, output in
                .object([("address", .string(Address(script: output.scriptPubKey)?.encoded(prefixes: prefixes) ?? "")),
                         ("satoshis", .int(output.value.units)), ("index", .int(k))])
            }
            deltas.append(.object([("txid", .string(tx.txid.description)), ("index", .int(i)),
                                   ("inputs", .array(inputs)), ("outputs", .array(outputs))]))
        }
        let h = block.header
        var r: [(String, JSONValue)] = [
            ("hash", .string(entry.hash.description)), ("confirmations", .int(chain.height - entry.height + 1)),
            ("size", .int(block.serialized.count)), ("height", .int(entry.height)), ("version", .int(h.version)),
            ("merkleroot", .string(h.merkleRoot.description)), ("deltas", .array(deltas)), ("time", .int(h.time)),
            ("mediantime", .int(Self.medianTimePast(entry))),
        ]
        if case let .work(nonce, _) = h.proof {
            r.append(("nonce", .string(nonce.description)))
        } else {
            r.append(("nonce", .string(String(repeating: "0", count: 64))))
        }
        r += [("bits", .string(JSONValue.hex8(h.bits))),
              ("difficulty", .double(BlockJSON.difficulty(bits: h.bits, powLimitBits: params.powLimit.compact))),
              ("chainwork", .string(entry.chainWork.description))]
        if let parent = entry.parent { r.append(("previousblockhash", .string(parent.hash.description))) }
        if let next = chain.entry(at: entry.height + 1) { r.append(("nextblockhash", .string(next.hash.description))) }
        return .object(r)
    }

    /// fluxd's `GetMedianTimePast`: the median of the times of the block and up to 10 ancestors.
    static func medianTimePast(_ entry: BlockIndexEntry) -> Int {
        var times: [UInt32] = []
        var walk: BlockIndexEntry? = entry
        while let e = walk, times.count < 11 {
            times.append(e.header.time)
            walk = e.parent
        }
        times.sort()
        return Int(times[times.count / 2])
    }
}
