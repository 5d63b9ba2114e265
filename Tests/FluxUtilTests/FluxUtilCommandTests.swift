import Foundation
import Testing
import FluxTestSupport

@Suite struct FluxUtilCommandTests {
    func genesis(_ network: String) throws -> [String: Any] {
        let json = try Fixtures.json("flux_genesis.json") as! [String: Any]
        return (json["networks"] as! [String: Any])[network] as! [String: Any]
    }

    func parse(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    @Test func decodesTheGenesisCoinbaseLikeDecodeRawTransaction() throws {
        let json = try Fixtures.json("flux_genesis.json") as! [String: Any]
        let coinbase = json["coinbase"] as! [String: Any]
        let r = try FluxUtilProcess.run(["decode-tx", coinbase["tx_hex"] as! String])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try parse(r.stdout)
        #expect(o["txid"] as? String == "94c7aed6b2c67f1718006684bfc3b92081a2f19d59075691b189160d6f3aa13a")
        #expect(o["version"] as? Int == 1)
        #expect(o["overwintered"] as? Bool == false)
        let vin = o["vin"] as! [[String: Any]]
        #expect(vin[0]["coinbase"] as? String == (coinbase["vin"] as! [[String: Any]])[0]["scriptSig_hex"] as? String)
        #expect(vin[0]["sequence"] as? Int == 4_294_967_295)
        let vout = o["vout"] as! [[String: Any]]
        let spk = vout[0]["scriptPubKey"] as! [String: Any]
        #expect(spk["type"] as? String == "pubkey")
        #expect((spk["addresses"] as? [String])?.first?.hasPrefix("t1") == true)
        #expect((spk["asm"] as? String)?.hasSuffix(" OP_CHECKSIG") == true)
        // Keys appear in fluxd's order.
        let keys = ["\"txid\"", "\"version\"", "\"overwintered\"", "\"locktime\"", "\"vin\"", "\"vout\"", "\"vjoinsplit\""]
        let positions = keys.map { r.stdout.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test func readsTransactionHexFromStandardInput() throws {
        let json = try Fixtures.json("flux_tx_vectors.json") as! [String: Any]
        let v = (json["vectors"] as! [[String: Any]])[0]
        let r = try FluxUtilProcess.run(["decode-tx", "-"], stdin: (v["hex"] as! String) + "\n")
        #expect(r.status == 0)
        #expect(try parse(r.stdout)["txid"] as? String == v["txid"] as? String)
    }

    @Test func invalidTransactionExitsWithOneAndNamesTheField() throws {
        let r = try FluxUtilProcess.run(["decode-tx", "0100000001"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("tx.vin at offset 4"), "\(r.stderr)")
        let bad = try FluxUtilProcess.run(["decode-tx", "zz"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("not valid hex"))
    }

    @Test func usageErrorsExitWithTwo() throws {
        #expect(try FluxUtilProcess.run([]).status == 2)
        #expect(try FluxUtilProcess.run(["frobnicate"]).status == 2)
        #expect(try FluxUtilProcess.run(["decode-block", "00", "--network", "moon"]).status == 2)
        #expect(try FluxUtilProcess.run(["equihash", "verify", "--n", "48"]).status == 2)
        #expect(try FluxUtilProcess.run(["--help"]).status == 0)
    }

    @Test(arguments: ["main", "test", "regtest"])
    func decodesGenesisBlocksLikeGetBlock(network: String) throws {
        let g = try genesis(network)
        let r = try FluxUtilProcess.run(["decode-block", g["block_hex"] as! String, "--network", network])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try parse(r.stdout)
        #expect(o["hash"] as? String == g["hash"] as? String)
        #expect(o["type"] as? String == "POW")
        #expect(o["solution"] as? String == g["solution_hex"] as? String)
        #expect(o["merkleroot"] as? String == "94c7aed6b2c67f1718006684bfc3b92081a2f19d59075691b189160d6f3aa13a")
        #expect(o["size"] as? Int == (g["block_hex"] as! String).count / 2)
        #expect(o["bits"] as? String == String((g["nBits"] as! String).dropFirst(2)))
        let txs = o["tx"] as! [[String: Any]]
        #expect(txs.count == 1)
        #expect(o["previousblockhash"] == nil)
    }

    @Test(arguments: ["main", "test", "regtest"])
    func verifiesGenesisHeaders(network: String) throws {
        let g = try genesis(network)
        let r = try FluxUtilProcess.run(["verify-header", g["header_hex"] as! String, "--network", network])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains(g["hash"] as! String))
    }

    @Test func verifyHeaderReportsTheBrokenRule() throws {
        let g = try genesis("main")
        var hex = Array(g["header_hex"] as! String)
        // Flip a bit in the last byte of the solution.
        let last = hex.count - 1
        hex[last] = hex[last] == "0" ? "1" : "0"
        let r = try FluxUtilProcess.run(["verify-header", String(hex), "--network", "main"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("invalid-solution"), "\(r.stderr)")
        // The (200,9) solution is not allowed where mainnet mines (125,4).
        let sized = try FluxUtilProcess.run(["verify-header", g["header_hex"] as! String, "--height", "400000"])
        #expect(sized.status == 1)
        #expect(sized.stderr.contains("bad-equihash-solution-size"), "\(sized.stderr)")
        // Mainnet rejects the regtest genesis: its target is above the mainnet limit.
        let reg = try genesis("regtest")
        let wrongNet = try FluxUtilProcess.run(["verify-header", reg["header_hex"] as! String, "--network", "main"])
        #expect(wrongNet.status == 1)
        #expect(wrongNet.stderr.contains("bad-diffbits"), "\(wrongNet.stderr)")
    }

    @Test func equihashSolveThenVerifyRoundTrips() throws {
        let g = try genesis("regtest")
        let input = g["equihash_input_I_hex"] as! String
        let nonce = g["nNonce_le_bytes_hex"] as! String
        let solved = try FluxUtilProcess.run(["equihash", "solve", "--n", "48", "--k", "5", "--input-hex", input,
                                              "--nonce-hex", nonce])
        #expect(solved.status == 0, "\(solved.stderr)")
        let solutions = solved.stdout.split(separator: "\n").map(String.init)
        #expect(solutions.contains(g["solution_hex"] as! String))
        for s in solutions {
            let v = try FluxUtilProcess.run(["equihash", "verify", "--n", "48", "--k", "5", "--personalization",
                                             "ZcashPoW", "--input-hex", input, "--nonce-hex", nonce,
                                             "--solution-hex", s])
            #expect(v.status == 0, "\(v.stderr)")
        }
        let wrongTag = try FluxUtilProcess.run(["equihash", "verify", "--n", "48", "--k", "5", "--personalization",
                                                "ZelProof", "--input-hex", input, "--nonce-hex", nonce,
                                                "--solution-hex", g["solution_hex"] as! String])
        #expect(wrongTag.status == 1)
    }

    /// Every subcommand: 1 for an invalid input, 2 for a usage error (missing or malformed arguments).
    @Test func exitStatusOfEverySubcommand() throws {
        let g = try genesis("regtest")
        let block = g["block_hex"] as! String
        let header = g["header_hex"] as! String
        let input = g["equihash_input_I_hex"] as! String
        let nonce = g["nNonce_le_bytes_hex"] as! String
        let solution = g["solution_hex"] as! String
        func status(_ arguments: [String]) throws -> Int32 { try FluxUtilProcess.run(arguments).status }

        // decode-tx: 2 without its argument.
        #expect(try status(["decode-tx"]) == 2)
        #expect(try status(["decode-tx", "00", "--network", "moon"]) == 2)

        // decode-block: 1 for truncated bytes or a merkle root that does not match; 2 for usage.
        let truncated = try FluxUtilProcess.run(["decode-block", String(block.dropLast(2)), "--network", "regtest"])
        #expect(truncated.status == 1)
        #expect(truncated.stderr.contains("Block decode failed"), "\(truncated.stderr)")
        var wrongRoot = Array(block)
        wrongRoot[8 + 64] = wrongRoot[8 + 64] == "0" ? "1" : "0"   // first merkle-root byte
        let mismatch = try FluxUtilProcess.run(["decode-block", String(wrongRoot), "--network", "regtest"])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("bad-txnmrklroot"), "\(mismatch.stderr)")
        #expect(try status(["decode-block"]) == 2)
        #expect(try status(["decode-block", block, "--verbosity", "3"]) == 2)
        #expect(try status(["decode-block", block, "--network", "regtest", "--verbosity", "1"]) == 0)

        // verify-header: 1 for undecodable bytes; 2 for usage.
        #expect(try status(["verify-header", "0400"]) == 1)
        #expect(try status(["verify-header", "xyz"]) == 1)
        #expect(try status(["verify-header"]) == 2)
        #expect(try status(["verify-header", header, "--network", "moon"]) == 2)
        #expect(try status(["verify-header", header, "--height", "ten"]) == 2)

        // equihash verify: 1 for non-hex data or a wrong solution; 2 for bad parameters or missing options.
        let verify = ["equihash", "verify", "--n", "48", "--k", "5", "--input-hex", input, "--nonce-hex", nonce]
        #expect(try status(verify + ["--solution-hex", solution]) == 0)
        #expect(try status(verify + ["--solution-hex", "zz"]) == 1)
        #expect(try status(verify + ["--solution-hex", String(solution.dropLast(2))]) == 1)
        #expect(try status(["equihash", "verify", "--n", "48", "--k", "5", "--input-hex", "q", "--nonce-hex", nonce,
                            "--solution-hex", solution]) == 1)
        #expect(try status(["equihash", "verify", "--n", "47", "--k", "5", "--input-hex", input, "--nonce-hex", nonce,
                            "--solution-hex", solution]) == 2)
        #expect(try status(verify) == 2)

        // equihash solve: 1 when the input has no solution (this one has none for (48,5)); 2 for parameters
        // the solver refuses, a bad --max, or missing options.
        let zeros = String(repeating: "0", count: 64)
        let none = try FluxUtilProcess.run(["equihash", "solve", "--n", "48", "--k", "5", "--input-hex", "00",
                                            "--nonce-hex", zeros])
        #expect(none.status == 1)
        #expect(none.stderr.contains("no solution"), "\(none.stderr)")
        let unsupported = try FluxUtilProcess.run(["equihash", "solve", "--n", "200", "--k", "9", "--input-hex", "00",
                                                   "--nonce-hex", zeros])
        #expect(unsupported.status == 2)
        #expect(unsupported.stderr.contains("solver does not support"), "\(unsupported.stderr)")
        #expect(try status(["equihash", "solve", "--n", "48", "--k", "5", "--input-hex", input, "--nonce-hex", nonce,
                            "--max", "0"]) == 2)
        #expect(try status(["equihash", "solve", "--n", "48", "--k", "5"]) == 2)
        #expect(try status(["equihash", "solve", "--n", "48", "--k", "5", "--input-hex", "0g", "--nonce-hex", nonce]) == 1)
        #expect(try status(["equihash"]) == 2)
    }
}

@Suite struct FluxUtilNewKeyTests {
    @Test func newKeysAreFreshAndConsistent() throws {
        let first = try FluxUtilProcess.run(["new-key", "--network", "regtest"])
        let second = try FluxUtilProcess.run(["new-key", "--network", "main"])
        #expect(first.status == 0 && second.status == 0)
        let a = first.stdout.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        let b = second.stdout.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(a.count == 3 && b.count == 3)
        #expect(a[0].hasPrefix("c"))         // regtest/testnet compressed WIF
        #expect(a[1].count == 66)            // compressed public key
        #expect(a[2].hasPrefix("tm"))        // regtest P2PKH
        #expect(b[0].hasPrefix("K") || b[0].hasPrefix("L"))
        #expect(b[2].hasPrefix("t1"))
        #expect(a[0] != b[0])
        #expect(try FluxUtilProcess.run(["new-key", "--network", "moon"]).status == 2)
    }
}
