import FluxEquihash
import FluxTestSupport
import Testing

/// Deterministic fuzzing of the solution decoder and the verifier with random bytes of every length.
@Suite struct EquihashFuzzTests {
    static let all: [EquihashParameters] = [.zcash200_9, .zelProof144_5, .zelHash125_4, .zcash96_5, .zcash48_5]

    /// Random solutions of the right length: the packed form round-trips through the indices, and the verifier
    /// rejects them with a rule (not a length error) and never crashes.
    @Test(arguments: all)
    func randomSolutionsDecodeAndFail(params: EquihashParameters) throws {
        var g = SeededGenerator(state: UInt64(params.n * 1000 + params.k))
        let input = g.bytes(108), nonce = g.bytes(32)
        for _ in 0..<60 {
            let solution = g.bytes(params.solutionSize)
            let indices = try Equihash.indices(fromMinimal: solution, params)
            #expect(indices.count == params.solutionIndices)
            #expect(indices.allSatisfy { UInt64($0) < (UInt64(1) << UInt64(params.indexBits)) })
            #expect(try Equihash.minimal(fromIndices: indices, params) == solution)
            do {
                try EquihashVerifier.verify(params, input: input, nonce: nonce, solution: solution)
                Issue.record("a random \(params) solution verified")
            } catch {
                switch error {
                case .collision, .outOfOrder, .duplicateIndices, .nonZeroRoot: break
                default: Issue.record("unexpected \(error)")
                }
            }
        }
    }

    /// Any other length, including empty and huge, is a length error before anything is decoded or hashed.
    @Test func randomLengthsAreLengthErrors() {
        var g = SeededGenerator(state: 77)
        for params in Self.all {
            for _ in 0..<40 {
                var length = Int(g.next() % UInt64(2 * params.solutionSize + 2))
                if length == params.solutionSize { length += 1 }
                let solution = g.bytes(length)
                #expect(throws: EquihashError.badSolutionLength(expected: params.solutionSize, actual: length)) {
                    try EquihashVerifier.verify(params, input: [], nonce: [], solution: solution)
                }
                #expect(throws: EquihashError.badSolutionLength(expected: params.solutionSize, actual: length)) {
                    try Equihash.indices(fromMinimal: solution, params)
                }
            }
        }
    }
}
