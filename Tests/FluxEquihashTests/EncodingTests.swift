import FluxEquihash
import FluxTestSupport
import Testing

@Suite struct EncodingTests {
    /// Minimal-encoding vectors (zcash gtest, (80,3) with 21-bit indices) from both fixture files.
    @Test func minimalVectors() throws {
        let vectors = fixture("equihash_vectors.json")["encoding"] as! JSONObject
        let minimal = vectors["minimal"] as! [JSONObject]
        #expect(minimal.count == 4)
        for v in minimal {
            let p = try params(of: v)
            let indices = (v["indices"] as! [Int]).map { UInt32($0) }
            let bytes = hexBytes(v["minimal_hex"] as! String)
            #expect(try Equihash.minimal(fromIndices: indices, p) == bytes, "\(v["id"]!)")
            #expect(try Equihash.indices(fromMinimal: bytes, p) == indices, "\(v["id"]!)")
        }
        let upstream = fixture("flux_equihash_vectors.json")["upstream_minimal_repr"] as! [JSONObject]
        #expect(upstream.count == 4)
        for v in upstream {
            let c = v["cbitlen"] as! Int
            let p = try EquihashParameters(n: 4 * c, k: 3, personalization: "ZcashPoW")
            let indices = (v["indices"] as! [Int]).map { UInt32($0) }
            #expect(try Equihash.minimal(fromIndices: indices, p) == hexBytes(v["minimal"] as! String))
        }
    }

    @Test func expandCompressVectors() {
        let fromZcash = (fixture("equihash_vectors.json")["encoding"] as! JSONObject)["expand_compress"]
            as! [JSONObject]
        let fromFlux = fixture("flux_equihash_vectors.json")["upstream_expand_compress"] as! [JSONObject]
        #expect(fromZcash.count == 5 && fromFlux.count == 5)
        for v in fromZcash + fromFlux {
            let compact = hexBytes((v["compact_hex"] ?? v["compact"]) as! String)
            let expanded = hexBytes((v["expanded_hex"] ?? v["expanded"]) as! String)
            let bits = v["bit_len"] as! Int
            let pad = v["byte_pad"] as! Int
            #expect(Equihash.expandArray(compact, bitLength: bits, bytePad: pad) == expanded)
            #expect(Equihash.compressArray(expanded, bitLength: bits, bytePad: pad) == compact)
        }
    }

    @Test func encodingErrors() throws {
        let p = EquihashParameters.zcash48_5
        #expect(throws: EquihashError.badSolutionLength(expected: 36, actual: 35)) {
            try Equihash.indices(fromMinimal: [UInt8](repeating: 0, count: 35), p)
        }
        #expect(throws: EquihashError.indexOutOfRange(index: 512, bits: 9)) {
            try Equihash.minimal(fromIndices: [512] + [UInt32](repeating: 0, count: 31), p)
        }
        #expect(throws: EquihashError.badSolutionLength(expected: 32, actual: 2)) {
            try Equihash.minimal(fromIndices: [1, 2], p)
        }
        // Round trip of the largest indices.
        let top = [UInt32](repeating: 511, count: 32)
        #expect(try Equihash.indices(fromMinimal: Equihash.minimal(fromIndices: top, p), p) == top)
    }

    @Test func parameters() throws {
        let table: [(EquihashParameters, Int, Int, Int, Int, Int)] = [
            // params, c, solution bytes, m, L, digest
            (.zcash200_9, 20, 1344, 2, 25, 50),
            (.zelProof144_5, 24, 100, 3, 18, 54),
            (.zelHash125_4, 25, 52, 4, 16, 64),
            (.zcash96_5, 16, 68, 5, 12, 60),
            (.zcash48_5, 8, 36, 10, 6, 60),
        ]
        for (p, c, size, m, l, d) in table {
            #expect(p.collisionBits == c && p.indexBits == c + 1)
            #expect(p.solutionSize == size && p.indicesPerHash == m && p.leafBytes == l && p.digestLength == d)
            #expect(EquihashParameters.flux(solutionSize: size) == p)
        }
        #expect(EquihashParameters.flux(solutionSize: 0) == nil)
        #expect(EquihashParameters.flux(solutionSize: 1345) == nil)
        #expect(EquihashParameters.zelHash125_4.twist && EquihashParameters.zelHash125_4.personalization == "ZelProof")
        #expect(hexString(EquihashParameters.zcash200_9.blake2bPersonalization) == "5a63617368506f57c800000009000000")

        func rejects(_ n: Int, _ k: Int, _ tag: String = "ZcashPoW", twist: Bool = false) -> Bool {
            do { _ = try EquihashParameters(n: n, k: k, personalization: tag, twist: twist); return false } catch {
                if case .invalidParameters(let why) = error { return !why.isEmpty }
                return false
            }
        }
        #expect(rejects(200, 8))          // 9 does not divide 200
        #expect(rejects(200, 0))          // k too small
        #expect(rejects(192, 2))          // c + 1 = 65 > 32 bits
        #expect(rejects(6, 2))            // 4 indices × 3 bits = 12 bits, not whole bytes
        #expect(rejects(49, 6))           // digest 10 × 7 = 70 > 64 bytes
        #expect(rejects(600, 5))          // n > 512
        #expect(rejects(96, 5, "ZcashPo"))   // tag length
        #expect(rejects(96, 5, "ZcashPoé"))  // non-ASCII
        #expect(rejects(200, 9, twist: true))   // twist needs a 64-byte digest
        #expect(!rejects(96, 3))
        #expect(!rejects(128, 7, twist: true))
        let message = EquihashError.invalidParameters("k+1 = 9 does not divide n = 200").description
        #expect(message.contains("invalid Equihash parameters"))
    }
}
