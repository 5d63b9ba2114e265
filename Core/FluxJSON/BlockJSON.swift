import FluxPrimitives

/// Blocks in the JSON shape of fluxd's `getblock` (verbosity 1 lists txids, 2 embeds transactions).
public enum BlockJSON {
    /// Chain facts about a block that only a node with the chain knows; each is printed when given.
    public struct Context: Sendable {
        public var confirmations: Int?
        public var height: Int?
        public var chainWork: UInt256?
        public var nextBlockHash: Hash256?
        /// Creates a context.
        public init(confirmations: Int? = nil, height: Int? = nil, chainWork: UInt256? = nil,
                    nextBlockHash: Hash256? = nil) {
            self.confirmations = confirmations
            self.height = height
            self.chainWork = chainWork
            self.nextBlockHash = nextBlockHash
        }
    }

    /// The `getblock` object. `powLimitBits` is the network's proof-of-work limit, which `difficulty` is
    /// relative to. Without chain context, `confirmations`, `height`, `chainwork` and `nextblockhash` are left
    /// out (fluxd always has them).
    public static func object(_ block: Block, verbosity: Int, prefixes: Base58Prefixes, powLimitBits: UInt32,
                              context: Context = Context(), spent: SpentLookup? = nil) -> [(String, JSONValue)] {
        let h = block.header
        var r: [(String, JSONValue)] = [("hash", .string(block.hash.description))]
        if let c = context.confirmations { r.append(("confirmations", .int(c))) }
        r.append(("size", .int(block.serialized.count)))
        if let height = context.height { r.append(("height", .int(height))) }
        r.append(("version", .int(h.version)))
        r.append(("merkleroot", .string(h.merkleRoot.description)))
        r.append(("finalsaplingroot", .string(h.finalSaplingRoot.description)))
        r.append(("tx", .array(block.transactions.map { tx in
            verbosity >= 2 ? .object(TransactionJSON.object(tx, prefixes: prefixes, spent: spent)) : .string(tx.txid.description)
        })))
        r.append(("time", .int(h.time)))
        r.append(contentsOf: proofFields(h))
        r.append(("bits", .string(JSONValue.hex8(h.bits))))
        r.append(("difficulty", .double(difficulty(bits: h.bits, powLimitBits: powLimitBits))))
        if let w = context.chainWork { r.append(("chainwork", .string(w.description))) }
        if !h.previousBlockHash.isZero { r.append(("previousblockhash", .string(h.previousBlockHash.description))) }
        if let next = context.nextBlockHash { r.append(("nextblockhash", .string(next.description))) }
        return r
    }

    /// `type` plus `nonce`/`solution` (PoW) or `collateral`/`blocksig` (PoN), as fluxd prints them.
    public static func proofFields(_ h: BlockHeader) -> [(String, JSONValue)] {
        switch h.proof {
        case let .work(nonce, solution):
            [("type", "POW"), ("nonce", .string(nonce.description)), ("solution", .string(Hex.encode(solution)))]
        case let .node(collateral, signature):
            [("type", "PON"), ("collateral", .string(collateral.shortDescription)),
             ("blocksig", .string(Hex.encode(signature)))]
        }
    }

    /// fluxd's `GetDifficulty`: the network's minimum-difficulty target divided by the block's target, computed
    /// from the compact forms in floating point.
    public static func difficulty(bits: UInt32, powLimitBits: UInt32) -> Double {
        var shift = Int((bits >> 24) & 0xFF)
        let limitShift = Int((powLimitBits >> 24) & 0xFF)
        let mantissa = Double(bits & 0x00FF_FFFF)
        guard mantissa > 0 else { return 0 }
        var diff = Double(powLimitBits & 0x00FF_FFFF) / mantissa
        while shift < limitShift { diff *= 256; shift += 1 }
        while shift > limitShift { diff /= 256; shift -= 1 }
        return diff
    }
}
