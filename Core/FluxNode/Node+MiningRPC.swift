import FluxChain
import FluxConsensus
import FluxJSON
import FluxMempool
import FluxMining
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxStorage
import Foundation

/// fluxd's "mining" calls (`src/rpc/mining.cpp`): `getmininginfo`, `getnetworksolps`, `getnetworkhashps`,
/// `getblocksubsidy`, `getblocktemplate`, `submitblock`, `getlocalsolps`, `prioritisetransaction`.
extension Node {

    /// Solutions per second over the miner's solving time.
    var localSolutionsPerSecond: Double {
        let (solutions, seconds) = localSolutions.withLockedValue { ($0.solutions, $0.seconds) }
        return seconds > 0 ? Double(solutions) / seconds : 0
    }

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
        method("getlocalsolps", "Mining", """
            getlocalsolps
            Average Equihash solutions per second this node's miner checked since the node started, over the time
            it spent solving (fluxd's metric). 0 when it has not mined.
            """) { p throws(RPCError) in
            try p.check(max: 0)
            return .double(self.localSolutionsPerSecond)
        }
        method("prioritisetransaction", "Mining", """
            prioritisetransaction "txid" prioritydelta feedelta
            Mines the transaction as if it paid feedelta more units (negative: less); the fee paid does not change.
            A positive delta also lets it into the pool below the relay fee. prioritydelta is added to its priority
            (this node selects by fee rate only; a positive priority delta waives the relay fee as in fluxd).
            Deltas add up, apply before the transaction arrives, and end when it is mined. Returns true.
            """) { p throws(RPCError) in
            try p.check(max: 3, min: 3)
            let txid = try p.hash(0)
            guard case let .number(priorityText)? = p.optional(1), let priority = Double(priorityText), priority.isFinite else {
                throw RPCError(code: RPCError.Code.typeError, message: "prioritisetransaction: priority delta must be a number")
            }
            // get_int64: any integral JSON number in range.
            guard case let .number(feeText)? = p.optional(2), let fee = Int64(feeText) else {
                throw RPCError(code: RPCError.Code.typeError, message: "prioritisetransaction: fee delta must be an integer (units)")
            }
            self.mempool.prioritise(txid, priorityDelta: priority, feeDelta: fee)
            return .bool(true)
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
