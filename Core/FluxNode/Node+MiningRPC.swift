import FluxConsensus
import FluxJSON
import FluxMempool
import FluxPrimitives
import FluxRPC

extension Node {
    /// fluxd's deprecation schedule for the release whose version this node reports (`fluxdClientVersion`,
    /// 9.0.6): shut down 104 weeks of blocks after the approximate release height, warn 4 weeks before.
    /// Mainnet only, as in fluxd.
    static let deprecationHeight = 2_127_000 + 104 * 7 * 24 * 120
    static let deprecationWarningBlocks = 28 * 24 * 120

    /// `getdeprecationinfo`, `getlocalsolps`, `prioritisetransaction`, `estimatefee`, `estimatepriority`,
    /// `z_validateaddress`.
    func registerFeeAndMiningMethods() {
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
        method("getdeprecationinfo", "Network", """
            getdeprecationinfo
            The version, subversion and the block height at which this version deprecates (mainnet only; the
            node logs a warning 4 weeks of blocks before and shuts down there, as fluxd).
            """) { p throws(RPCError) in
            guard p.count == 0, self.params.network == .mainnet else {
                throw RPCError(code: RPCError.Code.miscError, message: """
                    getdeprecationinfo
                    Returns an object containing current version and deprecation block height. Applicable only on mainnet.
                    """)
            }
            return .object([("version", .int(ProtocolConstants.fluxdClientVersion)),
                            ("subversion", .string(self.network.configuration.userAgent)),
                            ("deprecationheight", .int(Self.deprecationHeight))])
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
    }

    /// Solutions per second over the miner's solving time.
    var localSolutionsPerSecond: Double {
        let (solutions, seconds) = localSolutions.withLockedValue { ($0.solutions, $0.seconds) }
        return seconds > 0 ? Double(solutions) / seconds : 0
    }
}
