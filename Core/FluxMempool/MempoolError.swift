import FluxConsensus
import FluxPrimitives

/// Why the pool did not take a transaction.
public enum MempoolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Invalid by consensus or refused by policy, with bitcoind/fluxd's reason string as `code`: consensus codes
    /// of `TransactionRules` (`bad-txns-…`, `tx-overwinter-expired`, …) and the pool's own —
    /// `txn-mempool-conflict` (an input is spent by a pooled transaction; no replacement), `insufficient fee`,
    /// `mandatory-script-verify-flag-failed (…)` (invalid scripts), `non-mandatory-script-verify-flag (…)`
    /// (valid but non-standard scripts), `dust`, `scriptpubkey`, `scriptsig-size`, `scriptsig-not-pushonly`,
    /// `multi-op-return`, `version`, `tx-size`, `bad-txns-nonstandard-inputs`, `bad-txns-too-many-sigops`,
    /// `mempool full`, `bad-txns-inputs-spent`, `bad-txns-premature-spend-of-coinbase`, `bad-txns-in-belowout`,
    /// `non-final`, `tx-expiring-soon`, `coinbase`, `tx-shielded-unsupported` (JoinSplits and Sapling parts are
    /// not relayed: their proofs are not verified by this node), the FluxNode codes
    /// `fluxnode-tx-outpoint-sigTime-older-cant-replace`, `fluxnode-tx-sig-to-old`,
    /// `fluxnode-tx-bench-sig-to-old`, `bad-txns-fluxnode-inputs-invalid-spent-or-bad-value`, and
    /// `storage-error` when the UTXO set could not be read, and what ``Mempool/transactionValidator`` returns
    /// (the node's plugins: `bad-plugin-NAME` for a plugin's rejection, `plugin-no-verdict` when a plugin failed).
    case rejected(RejectReason)
    /// Some inputs are neither in the UTXO set nor in the pool: the transaction is kept in the bounded orphan
    /// pool and tried again when a parent arrives or the tip changes. Lists the missing outpoints.
    case missingInputs([OutPoint])
    /// Already in the pool, or its outputs are already in the UTXO set (mined). Use `Mempool.contains` to tell
    /// which (RPC: "transaction already in block chain" for the latter).
    case alreadyKnown

    public var description: String {
        switch self {
        case let .rejected(r): "rejected: \(r)"
        case let .missingInputs(o): "missing inputs: \(o.map(\.description).joined(separator: ", "))"
        case .alreadyKnown: "txn-already-known"
        }
    }

    /// The rejection, if this is one.
    public var reason: RejectReason? {
        if case let .rejected(r) = self { return r }
        return nil
    }

    /// bitcoind's numeric reject code for a P2P `reject` message or an RPC error ("16: bad-txns-…"):
    /// 0x10 invalid, 0x12 duplicate, 0x40 non-standard, 0x42 insufficient fee; nil for missing inputs (no reject
    /// is sent for orphans).
    public var rejectCode: UInt8? {
        switch self {
        case .missingInputs: return nil
        case .alreadyKnown: return 0x12
        case let .rejected(r):
            let code = r.code
            if Self.duplicateCodes.contains(code) { return 0x12 }
            if code == "insufficient fee" || code == "mempool full" { return 0x42 }
            if Self.nonStandardCodes.contains(code) || code.hasPrefix("non-mandatory-script-verify-flag") { return 0x40 }
            return 0x10
        }
    }

    static let duplicateCodes: Set<String> = [
        "txn-mempool-conflict", "bad-txns-inputs-spent", "fluxnode-tx-outpoint-sigTime-older-cant-replace",
        "fluxnode-tx-sig-to-old", "fluxnode-tx-bench-sig-to-old",
    ]
    static let nonStandardCodes: Set<String> = [
        "version", "tx-size", "scriptsig-size", "scriptsig-not-pushonly", "scriptpubkey", "bare-multisig", "dust",
        "multi-op-return", "non-final", "bad-txns-nonstandard-inputs", "bad-txns-too-many-sigops",
        "tx-shielded-unsupported",
    ]
}
