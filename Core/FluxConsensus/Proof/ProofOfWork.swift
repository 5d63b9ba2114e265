import FluxEquihash
import FluxPrimitives

/// Proof-of-work checks of a header that need no chain state beyond the height (fluxd's
/// `CheckEquihashSolution`, the contextual solution-size check and `CheckProofOfWork`).
public enum ProofOfWork {
    /// Checks the Equihash solution of a PoW header. The parameters are chosen from the solution length alone,
    /// as fluxd does; when `height` is given the length must also be one the network allows at that height
    /// (fade windows included).
    public static func checkSolution(_ header: BlockHeader, params: ChainParameters,
                                     height: Int? = nil) throws(RejectReason) {
        guard case let .work(nonce, solution) = header.proof else {
            throw RejectReason("bad-proof-type", "a Proof-of-Node header has no Equihash solution")
        }
        if let height { try checkSolutionSize(header, params: params, height: height) }
        guard let eh = EquihashParameters.flux(solutionSize: solution.count) else {
            throw RejectReason("invalid-solution", "no Equihash parameters have a \(solution.count)-byte solution")
        }
        do {
            try EquihashVerifier.verify(eh, input: header.equihashInput, nonce: nonce.bytes, solution: solution)
        } catch {
            throw RejectReason("invalid-solution", "Equihash \(eh): \(error)")
        }
    }

    /// The contextual part of the solution check: the header must be proof of work at `height`, and its
    /// solution length one the network allows there (fade windows included).
    public static func checkSolutionSize(_ header: BlockHeader, params: ChainParameters,
                                         height: Int) throws(RejectReason) {
        guard case let .work(_, solution) = header.proof else {
            throw RejectReason("bad-proof-type", "a Proof-of-Node header has no Equihash solution")
        }
        if params.isProofOfNode(at: height) {
            throw RejectReason("not-pon-block", "height \(height) requires a Proof-of-Node header (version ≥ 100)")
        }
        let allowed = params.equihashParameters(at: height)
        if params.checksEquihashSolutionSize(at: height) && !solution.isEmpty
            && !allowed.contains(where: { $0.solutionSize == solution.count }) {
            throw RejectReason("bad-equihash-solution-size",
                               "solution of \(solution.count) bytes; height \(height) allows "
                               + allowed.map { "\($0) (\($0.solutionSize) bytes)" }.joined(separator: " or "))
        }
    }

    /// The target encoded by `bits`, or a reason when it is negative, zero, overflows or exceeds `limit`.
    public static func target(bits: UInt32, limit: UInt256) throws(RejectReason) -> UInt256 {
        let (target, negative, overflow) = UInt256.fromCompact(bits)
        if negative || overflow || target.isZero {
            throw RejectReason("bad-diffbits", "nBits \(JSONHex.hex8(bits)) is negative, zero or overflows")
        }
        if limit < target {
            throw RejectReason("bad-diffbits", "nBits \(JSONHex.hex8(bits)) is easier than the limit \(JSONHex.hex8(limit.compact))")
        }
        return target
    }

    /// `CheckProofOfWork`: the header hash must not exceed the target in `bits`. Regtest skips it, as fluxd does.
    public static func checkTarget(_ header: BlockHeader, params: ChainParameters) throws(RejectReason) {
        try checkTarget(hash: header.hash, bits: header.bits, params: params)
    }

    /// `CheckProofOfWork` for a block known by its hash only (a compact header trusted below a checkpoint,
    /// whose solution is missing): `hash` must not exceed the target in `bits`. Regtest skips it.
    public static func checkTarget(hash: Hash256, bits: UInt32, params: ChainParameters) throws(RejectReason) {
        if params.skipsProofOfWorkTargetCheck { return }
        let target = try target(bits: bits, limit: UInt256(params.powLimit.target))
        if target < UInt256(hash) {
            throw RejectReason("high-hash", "block hash \(hash) is above the target \(target)")
        }
    }
}

/// Formatting helper for compact values in messages.
enum JSONHex {
    static func hex8(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }
}
