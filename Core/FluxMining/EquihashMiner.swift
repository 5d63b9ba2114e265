import FluxConsensus
import FluxEquihash
import FluxPrimitives

/// Finds a proof of work for a header with the built-in Equihash solver (practical for the test networks'
/// (48,5)): tries nonces in turn, and for each solution checks the block hash against the target.
public struct EquihashMiner: Sendable {
    /// The Equihash parameters to solve with.
    public let parameters: EquihashParameters

    /// Creates a miner for `parameters`.
    public init(parameters: EquihashParameters) { self.parameters = parameters }

    /// Statistics of one successful search.
    public struct Result: Sendable {
        /// The header with its nonce and solution.
        public var header: BlockHeader
        /// Nonces tried.
        public var noncesTried: Int
        /// Solutions found (including those whose hash missed the target).
        public var solutionsFound: Int
    }

    /// Searches nonces starting at `firstNonce` until a solution's block hash is at or below `target`, or
    /// `maxNonces` nonces were tried (nil then). `solutions` is told how many solutions were checked against the
    /// target, whether or not one was found (fluxd's local solution rate counts them all).
    public func mine(_ header: BlockHeader, target: UInt256, firstNonce: UInt64 = 0,
                     maxNonces: Int = 1_000_000, solutions: ((Int) -> Void)? = nil) -> Result? {
        var candidate = header
        let input = header.equihashInput
        var solutionsFound = 0
        defer { solutions?(solutionsFound) }
        for attempt in 0..<maxNonces {
            var nonce = [UInt8](repeating: 0, count: 32)
            let n = firstNonce &+ UInt64(attempt)
            for i in 0..<8 { nonce[i] = UInt8(truncatingIfNeeded: n >> (8 * UInt64(i))) }
            for solution in EquihashSolver.solve(parameters, input: input, nonce: nonce) {
                solutionsFound += 1
                candidate.proof = .work(nonce: Hash256(nonce), solution: solution)
                if !(target < UInt256(candidate.hash)) {
                    return Result(header: candidate, noncesTried: attempt + 1, solutionsFound: solutionsFound)
                }
            }
        }
        return nil
    }
}
