import FluxEquihash
import FluxTestSupport
import Testing

/// Maps a fixture reason (librustzcash names) to the error this verifier reports.
func matches(_ error: EquihashError, reason: String) -> Bool {
    switch (reason, error) {
    case ("Collision", .collision), ("OutOfOrder", .outOfOrder), ("DuplicateIdxs", .duplicateIndices),
         ("NonZeroRootHash", .nonZeroRoot), ("BadLength", .badSolutionLength):
        return true
    default:
        return false
    }
}

/// Verifies and returns the error, or nil when valid.
func failure(_ p: EquihashParameters, _ input: [UInt8], _ nonce: [UInt8], _ solution: [UInt8]) -> EquihashError? {
    do {
        try EquihashVerifier.verify(p, input: input, nonce: nonce, solution: solution)
        return nil
    } catch {
        return error
    }
}

@Suite struct VerifierVectorTests {
    static var vectors: JSONObject { fixture("equihash_vectors.json") }
    static var fluxVectors: JSONObject { fixture("flux_equihash_vectors.json") }

    /// Every valid solution in equihash_vectors.json verifies, and its indices decode as listed.
    @Test func validVectors() throws {
        let valid = Self.vectors["valid"] as! [JSONObject]
        #expect(valid.count == 43)
        var checked = 0
        for v in valid {
            let p = try params(of: v)
            let input = hexBytes(v["input_hex"] as! String)
            let nonce = hexBytes(v["nonce_hex"] as! String)
            for s in v["solutions"] as! [JSONObject] {
                let solution = hexBytes(s["minimal_hex"] as! String)
                #expect(failure(p, input, nonce, solution) == nil, "\(v["id"]!)")
                #expect(try Equihash.indices(fromMinimal: solution, p) == (s["indices"] as! [Int]).map { UInt32($0) })
                checked += 1
            }
        }
        #expect(checked > 80)
    }

    /// Every invalid vector fails, with the fixture's reason.
    @Test func invalidVectors() throws {
        let invalid = Self.vectors["invalid"] as! [JSONObject]
        #expect(invalid.count == 23)
        for v in invalid {
            let p = try params(of: v)
            let error = failure(p, hexBytes(v["input_hex"] as! String), hexBytes(v["nonce_hex"] as! String),
                                hexBytes(v["minimal_hex"] as! String))
            let reason = v["reason"] as! String
            #expect(error != nil, "\(v["id"]!) must be invalid")
            if let error { #expect(matches(error, reason: reason), "\(v["id"]!): got \(error), fixture says \(reason)") }
        }
    }

    /// Real headers: Flux and Zcash genesis blocks, Flux mainnet block 400,000 and its alternative solution.
    @Test func headerVectors() throws {
        let headers = Self.vectors["headers"] as! [JSONObject]
        #expect(headers.count == 8)
        for h in headers {
            let p = try params(of: h)
            let pow = hexBytes(h["pow_input_hex"] as! String)
            #expect(pow.count == 140)
            let error = failure(p, Array(pow[0..<108]), Array(pow[108...]), hexBytes(h["solution_hex"] as! String))
            #expect((error == nil) == (h["valid"] as! Bool), "\(h["id"]!): \(String(describing: error))")
            // The same bytes split differently (input = all 140 bytes, empty nonce) hash identically.
            #expect(EquihashVerifier.isValid(p, input: pow, nonce: [UInt8](), solution: hexBytes(h["solution_hex"] as! String)))
        }
    }

    /// Block 400,000 is valid only as ZelProof with the twist.
    @Test func block400000NeedsTwistAndZelProof() throws {
        let h = (Self.vectors["headers"] as! [JSONObject]).first { $0["id"] as! String == "flux-mainnet-400000" }!
        let pow = hexBytes(h["pow_input_hex"] as! String)
        let solution = hexBytes(h["solution_hex"] as! String)
        let (input, nonce) = (Array(pow[0..<108]), Array(pow[108...]))
        #expect(EquihashVerifier.isValid(.zelHash125_4, input: input, nonce: nonce, solution: solution))
        #expect(EquihashParameters.flux(solutionSize: solution.count) == .zelHash125_4)
        for (tag, twist) in [("ZelProof", false), ("ZcashPoW", true), ("ZcashPoW", false)] {
            let p = try EquihashParameters(n: 125, k: 4, personalization: tag, twist: twist)
            #expect(!EquihashVerifier.isValid(p, input: input, nonce: nonce, solution: solution), "\(tag) \(twist)")
        }
        // The compression count is the ideal one from equihash.md §6: 147.
        #expect(try EquihashVerifier.verifyCountingCompressions(.zelHash125_4, input: input, nonce: nonce,
                                                                solution: solution) == 147)
    }

    /// The three genesis blocks of flux_genesis.json (main, test (200,9); regtest (48,5)).
    @Test(arguments: ["main", "test", "regtest"])
    func fluxGenesis(network: String) throws {
        let g = (fixture("flux_genesis.json")["networks"] as! JSONObject)[network] as! JSONObject
        let eh = g["equihash"] as! JSONObject
        let p = try params(of: eh)
        let input = hexBytes(g["equihash_input_I_hex"] as! String)
        let nonce = hexBytes(g["nNonce_le_bytes_hex"] as! String)
        let solution = hexBytes(g["solution_hex"] as! String)
        #expect(input.count == 108 && nonce.count == 32 && solution.count == g["solution_len"] as! Int)
        #expect(EquihashParameters.flux(solutionSize: solution.count) == p)
        #expect(failure(p, input, nonce, solution) == nil)
        let expected = network == "regtest" ? 20 : 513
        #expect(try EquihashVerifier.verifyCountingCompressions(p, input: input, nonce: nonce, solution: solution)
            == expected)
        var flipped = solution
        flipped[solution.count / 2] ^= 0x10
        #expect(failure(p, input, nonce, flipped) != nil)
    }

    /// flux_equihash_vectors.json: upstream (96,5) validator cases, solver outputs and the generated ZelProof ones.
    @Test func fluxVectorFile() throws {
        for v in Self.fluxVectors["upstream_96_5_validator"] as! [JSONObject] {
            let p = try params(of: v)
            let input = Array((v["I"] as! String).utf8)
            let solution = hexBytes(v["minimal_hex"] as! String)
            let expected = v["expected"] as! Bool
            #expect(EquihashVerifier.isValid(p, input: input, nonce: nonce32(v["nonce"] as! Int), solution: solution)
                == expected, "\(v["description"]!)")
            #expect(try Equihash.minimal(fromIndices: (v["indices"] as! [Int]).map { UInt32($0) }, p) == solution)
        }
        for v in Self.fluxVectors["upstream_96_5_solver"] as! [JSONObject] {
            let p = try params(of: v)
            for hex in v["solutions_minimal_hex"] as! [String] {
                #expect(EquihashVerifier.isValid(p, input: Array((v["I"] as! String).utf8),
                                                 nonce: nonce32(v["nonce"] as! Int), solution: hexBytes(hex)))
            }
        }
        let generated = (Self.fluxVectors["generated_zelproof_vectors"] as! JSONObject)["vectors"] as! [JSONObject]
        #expect(generated.count == 9)
        for v in generated {
            let p = try params(of: v, twistKey: "zelhash_twist")
            let input = hexBytes(v["I_hex"] as! String)
            let nonce = hexBytes(v["nonce_le_hex"] as! String)
            let solution = hexBytes(v["solution_hex"] as! String)
            #expect(solution.count == v["solution_len"] as! Int)
            #expect(EquihashVerifier.isValid(p, input: input, nonce: nonce, solution: solution) == (v["valid"] as! Bool))
            #expect(EquihashVerifier.isValid(p, input: input, nonce: nonce,
                                             solution: hexBytes(v["negative_solution_hex"] as! String))
                == (v["negative_valid"] as! Bool))
            #expect(try Equihash.indices(fromMinimal: solution, p) == (v["indices"] as! [Int]).map { UInt32($0) })
        }
    }

    /// Leaf expansion cross-checked against hashlib (values computed with Python when this test was written).
    @Test func leavesMatchHashlib() throws {
        let genesis = (fixture("flux_genesis.json")["networks"] as! JSONObject)
        let main = genesis["main"] as! JSONObject
        let mainInput = hexBytes(main["equihash_input_I_hex"] as! String)
        let mainNonce = hexBytes(main["nNonce_le_bytes_hex"] as! String)
        #expect(hexString(Equihash.leaf(.zcash200_9, input: mainInput, nonce: mainNonce, index: 1_234_567))
            == "91f3301ed8c5c07a7d6fcfc1fdc192508197e78ea34d152b6b")
        #expect(hexString(Equihash.hashOutput(.zcash200_9, input: mainInput, nonce: mainNonce, counter: 617_283))
            == "34aeb000e14e50ca2251e4a10c828c54a12beede092c11ee1591f3301ed8c5c07a7d6fcfc1fdc192508197e78ea34d152b6b")
        let regtest = genesis["regtest"] as! JSONObject
        #expect(hexString(Equihash.leaf(.zcash48_5, input: hexBytes(regtest["equihash_input_I_hex"] as! String),
                                        nonce: hexBytes(regtest["nNonce_le_bytes_hex"] as! String), index: 333))
            == "b03a1ae30c03")
        #expect(hexString(Equihash.leaf(.zcash96_5, input: blockHeaderInput, nonce: nonce32(0), index: 976))
            == "15d63145e1d8ca8afeab4da1")
        let h = (Self.vectors["headers"] as! [JSONObject]).first { $0["id"] as! String == "flux-mainnet-400000" }!
        let pow = hexBytes(h["pow_input_hex"] as! String)
        let (input, nonce) = (Array(pow[0..<108]), Array(pow[108...]))
        #expect(hexString(Equihash.leaf(.zelHash125_4, input: input, nonce: nonce, index: 311))
            == "e42018c74ee453eecf853969d05dbc50")
        #expect(hexString(Equihash.hashOutput(.zelHash125_4, input: input, nonce: nonce, counter: 80))
            == "102ea58fccc1696cb208b567f1d18a18fdd64532bf8a0dc25e0361833f45dee0"
            + "ecef2d35319c8648a6a37fedf5c96500e6b71f304bc95cddd4bc89ab7ac5dba0")
    }

    /// mo-miner's 256 expanded ZelHash leaves of block 400,000 (5 digits of 25 bits, 4-byte big-endian words).
    @Test func zelHashLeavesOfBlock400000() {
        let entry = (Self.vectors["leaves"] as! [JSONObject])[0]
        let pow = hexBytes(entry["pow_input_hex"] as! String)
        let expected = hexBytes(entry["leaves_hex"] as! String)
        #expect(expected.count == 256 * 20)
        var produced: [UInt8] = []
        for index in 0..<UInt32(256) {
            let leaf = Equihash.leaf(.zelHash125_4, input: pow, nonce: [UInt8](), index: index)
            // Pad the 128-bit slot to 200 bits (8 chunks of 25); the first 5 chunks are the 125 leaf bits.
            let digits = Equihash.expandArray(leaf + [UInt8](repeating: 0, count: 9), bitLength: 25, bytePad: 0)
            produced += digits.prefix(20)
        }
        #expect(produced == expected)
    }
}
