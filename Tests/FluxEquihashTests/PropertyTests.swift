import FluxEquihash
import FluxTestSupport
import Testing

/// Valid (params, input, nonce, solution) cases used by the property tests: the upstream (96,5) validator
/// solution, the Flux regtest genesis (48,5) and Flux block 400,000 (125,4 ZelHash).
func propertyCases() -> [(String, EquihashParameters, [UInt8], [UInt8], [UInt8])] {
    let flux = fixture("flux_equihash_vectors.json")
    let original = (flux["upstream_96_5_validator"] as! [JSONObject])[0]
    let regtest = (fixture("flux_genesis.json")["networks"] as! JSONObject)["regtest"] as! JSONObject
    let block = (fixture("equihash_vectors.json")["headers"] as! [JSONObject])
        .first { $0["id"] as! String == "flux-mainnet-400000" }!
    let pow = hexBytes(block["pow_input_hex"] as! String)
    return [
        ("96,5", .zcash96_5, Array((original["I"] as! String).utf8), nonce32(1),
         hexBytes(original["minimal_hex"] as! String)),
        ("48,5", .zcash48_5, hexBytes(regtest["equihash_input_I_hex"] as! String),
         hexBytes(regtest["nNonce_le_bytes_hex"] as! String), hexBytes(regtest["solution_hex"] as! String)),
        ("125,4", .zelHash125_4, Array(pow[0..<108]), Array(pow[108...]), hexBytes(block["solution_hex"] as! String)),
    ]
}

@Suite struct PropertyTests {
    /// Every bit of the packed encoding matters: no single-bit flip of a valid solution stays valid.
    @Test func everySingleBitFlipIsInvalid() {
        for (name, p, input, nonce, solution) in propertyCases() {
            #expect(EquihashVerifier.isValid(p, input: input, nonce: nonce, solution: solution), "\(name)")
            var survivors = 0
            for bit in 0..<(solution.count * 8) {
                var flipped = solution
                flipped[bit / 8] ^= UInt8(0x80) >> UInt8(bit % 8)
                if EquihashVerifier.isValid(p, input: input, nonce: nonce, solution: flipped) { survivors += 1 }
            }
            #expect(survivors == 0, "\(name): \(survivors) bit flips still verify")
        }
    }

    /// Swapping the two children of any internal node gives OutOfOrder at that node's level (the sub-trees still
    /// collide, so the order check is the one that fails).
    @Test func swappedSubtreesAreOutOfOrder() throws {
        for (name, p, input, nonce, solution) in propertyCases() {
            let indices = try Equihash.indices(fromMinimal: solution, p)
            for level in 1...p.k {
                let size = 1 << (level - 1)
                for start in stride(from: 0, to: indices.count, by: 2 * size) {
                    var swapped = indices
                    swapped.replaceSubrange(start..<(start + 2 * size),
                                            with: indices[(start + size)..<(start + 2 * size)]
                                                + indices[start..<(start + size)])
                    let encoded = try Equihash.minimal(fromIndices: swapped, p)
                    #expect(throws: EquihashError.outOfOrder(level: level), "\(name) level \(level) at \(start)") {
                        try EquihashVerifier.verify(p, input: input, nonce: nonce, solution: encoded)
                    }
                }
            }
        }
    }

    /// Repeating an index is reported as a duplicate (before any hashing).
    @Test func duplicatedIndexIsDuplicate() throws {
        for (name, p, input, nonce, solution) in propertyCases() {
            let indices = try Equihash.indices(fromMinimal: solution, p)
            for (from, to) in [(0, 1), (0, indices.count - 1), (5, 9), (indices.count - 1, 2)] {
                var dup = indices
                dup[to] = dup[from]
                let encoded = try Equihash.minimal(fromIndices: dup, p)
                #expect(throws: EquihashError.duplicateIndices, "\(name) \(from)->\(to)") {
                    try EquihashVerifier.verify(p, input: input, nonce: nonce, solution: encoded)
                }
            }
            // The whole first half repeated: a duplicate too (zcash reports DuplicateIdxs as well).
            let halfDup = Array(indices[0..<(indices.count / 2)]) + Array(indices[0..<(indices.count / 2)])
            #expect(throws: EquihashError.duplicateIndices) {
                try EquihashVerifier.verify(p, input: input, nonce: nonce,
                                            solution: try Equihash.minimal(fromIndices: halfDup, p))
            }
        }
    }

    /// Any length other than 2^k·(c+1)/8 fails with the length error, before hashing.
    @Test func wrongLengthIsRejected() {
        for (name, p, input, nonce, solution) in propertyCases() {
            for bad in [[UInt8](), Array(solution.dropLast()), solution + [0], solution + solution] {
                #expect(throws: EquihashError.badSolutionLength(expected: p.solutionSize, actual: bad.count), "\(name)") {
                    try EquihashVerifier.verify(p, input: input, nonce: nonce, solution: bad)
                }
            }
        }
        // Solutions of another size are rejected even if valid for other parameters.
        let regtest = propertyCases()[1]
        #expect(!EquihashVerifier.isValid(.zcash96_5, input: regtest.2, nonce: regtest.3, solution: regtest.4))
    }

    /// Other inputs and nonces (including the non-140-byte layouts) break a valid solution.
    @Test func wrongInputOrNonceFails() {
        for (name, p, input, nonce, solution) in propertyCases() {
            var otherNonce = nonce
            otherNonce[0] ^= 1
            #expect(!EquihashVerifier.isValid(p, input: input, nonce: otherNonce, solution: solution), "\(name)")
            #expect(!EquihashVerifier.isValid(p, input: input + [0], nonce: nonce, solution: solution), "\(name)")
            // Moving bytes between input and nonce does not change the hashed message.
            #expect(EquihashVerifier.isValid(p, input: input + nonce.prefix(5), nonce: Array(nonce.dropFirst(5)),
                                             solution: solution), "\(name)")
        }
    }

    /// Error messages name the failing rule.
    @Test func errorDescriptions() {
        #expect(EquihashError.collision(level: 3).description.contains("collision"))
        #expect(EquihashError.outOfOrder(level: 2).description.contains("out of order"))
        #expect(EquihashError.duplicateIndices.description.contains("repeats an index"))
        #expect(EquihashError.nonZeroRoot.description.contains("root is not zero"))
        #expect(EquihashError.badSolutionLength(expected: 1344, actual: 3).description.contains("expected 1344 bytes, got 3"))
    }
}
