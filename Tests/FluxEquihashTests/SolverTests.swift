import Foundation
import FluxEquihash
import FluxTestSupport
import Testing

@Suite struct SolverTests {
    /// Regtest-size mining: solve (48,5) for several nonces of a 108-byte header prefix; every solution verifies
    /// and is distinct.
    @Test func regtestRoundTrip() throws {
        let regtest = (fixture("flux_genesis.json")["networks"] as! JSONObject)["regtest"] as! JSONObject
        let input = hexBytes(regtest["equihash_input_I_hex"] as! String)
        var total = 0
        for value in 0..<24 {
            let nonce = nonce32(value)
            let solutions = EquihashSolver.solve(.zcash48_5, input: input, nonce: nonce)
            #expect(Set(solutions).count == solutions.count)
            for s in solutions {
                #expect(s.count == 36)
                #expect(throws: Never.self) { try EquihashVerifier.verify(.zcash48_5, input: input, nonce: nonce, solution: s) }
            }
            total += solutions.count
        }
        #expect(total > 5)
        // The regtest genesis solution is among those found for its own nonce.
        let found = EquihashSolver.solve(.zcash48_5, input: input, nonce: hexBytes(regtest["nNonce_le_bytes_hex"] as! String))
        #expect(found.contains(hexBytes(regtest["solution_hex"] as! String)))
    }

    /// The (48,5) vectors marked complete: the solver finds exactly the listed set.
    @Test func complete48_5Sets() throws {
        let valid = fixture("equihash_vectors.json")["valid"] as! [JSONObject]
        let cases = valid.filter { $0["n"] as! Int == 48 && $0["complete"] as? Bool == true }
        #expect(cases.count == 8)
        for v in cases {
            let expected = Set((v["solutions"] as! [JSONObject]).map { hexBytes($0["minimal_hex"] as! String) })
            let found = EquihashSolver.solve(try params(of: v), input: hexBytes(v["input_hex"] as! String),
                                             nonce: hexBytes(v["nonce_hex"] as! String))
            #expect(Set(found) == expected, "\(v["id"]!)")
            #expect(found.count == expected.count)
        }
    }

    /// Upstream (96,5) solver vectors (complete sets). Two cases keep debug-build test time low; one of them is
    /// the 3+-way collision vector, whose six solutions include several orderings of the same index set.
    @Test func upstream96_5Sets() throws {
        let vectors = fixture("flux_equihash_vectors.json")["upstream_96_5_solver"] as! [JSONObject]
        for v in [vectors[0], vectors[10]] {
            let input = Array((v["I"] as! String).utf8)
            let expected = Set((v["solutions_minimal_hex"] as! [String]).map(hexBytes))
            let found = EquihashSolver.solve(.zcash96_5, input: input, nonce: nonce32(v["nonce"] as! Int))
            #expect(Set(found) == expected, "\(v["I"]!) nonce \(v["nonce"]!)")
            #expect(found.count == expected.count)
        }
    }

    /// All eleven upstream (96,5) solver vectors (about 3 s in a debug build): set FLUX_SLOW_TESTS=1 to run.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FLUX_SLOW_TESTS"] != nil))
    func allUpstream96_5Sets() throws {
        let vectors = fixture("flux_equihash_vectors.json")["upstream_96_5_solver"] as! [JSONObject]
        #expect(vectors.count == 11)
        for v in vectors {
            let expected = Set((v["solutions_minimal_hex"] as! [String]).map(hexBytes))
            let found = EquihashSolver.solve(.zcash96_5, input: Array((v["I"] as! String).utf8),
                                             nonce: nonce32(v["nonce"] as! Int))
            #expect(Set(found) == expected && found.count == expected.count, "\(v["I"]!) nonce \(v["nonce"]!)")
        }
    }

    /// The solver applies the ZelHash twist: small twisted parameters with a 64-byte digest, solved and verified,
    /// and the solutions fail without the twist.
    @Test func twistedSmallParameters() throws {
        let twisted = try EquihashParameters(n: 60, k: 5, personalization: "ZelProof", twist: true)
        let plain = try EquihashParameters(n: 60, k: 5, personalization: "ZelProof", twist: false)
        var total = 0
        for value in 0..<4 {
            let solutions = EquihashSolver.solve(twisted, input: blockHeaderInput, nonce: nonce32(value))
            for s in solutions {
                #expect(EquihashVerifier.isValid(twisted, input: blockHeaderInput, nonce: nonce32(value), solution: s))
                #expect(!EquihashVerifier.isValid(plain, input: blockHeaderInput, nonce: nonce32(value), solution: s))
            }
            total += solutions.count
        }
        #expect(total > 0)
    }

    @Test func maxSolutionsAndUnsupported() throws {
        let v = (fixture("equihash_vectors.json")["valid"] as! [JSONObject]).first { $0["id"] as! String == "gen-48-5-bh-nonce7" }!
        let input = hexBytes(v["input_hex"] as! String)
        let nonce = hexBytes(v["nonce_hex"] as! String)
        #expect(EquihashSolver.solve(.zcash48_5, input: input, nonce: nonce).count == 4)
        #expect(EquihashSolver.solve(.zcash48_5, input: input, nonce: nonce, maxSolutions: 1).count == 1)
        #expect(EquihashSolver.solve(.zcash48_5, input: input, nonce: nonce, maxSolutions: 0).isEmpty)
        #expect(throws: (any Error).self) { try EquihashSolver.checkSupported(.zcash200_9) }
        #expect(throws: (any Error).self) { try EquihashSolver.checkSupported(.zelHash125_4) }
        #expect(throws: Never.self) { try EquihashSolver.checkSupported(.zcash96_5) }
        #expect(EquihashSolver.solve(.zelProof144_5, input: input, nonce: nonce).isEmpty)
    }
}
