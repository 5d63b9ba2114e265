import FluxPrimitives
import FluxTestSupport
import Testing

@Suite("Fixture transactions")
struct FixtureTransactionTests {
    @Test func fluxTransactionVectorsRoundTripAndMatchTheirTxids() throws {
        let vectors = try fixtureTransactions()
        #expect(vectors.count == 9)
        for v in vectors {
            let tx = try Transaction(serialized: v.bytes)
            #expect(tx.serialized == v.bytes, "round trip of \(v.txid)")
            #expect(tx.txid.description == v.txid)
            #expect(tx.txid == Hashing.sha256d(v.bytes), "a non-FluxNode txid hashes the whole serialization")
            #expect(tx.serializedSize == v.bytes.count)
            if let coinbase = v.isCoinbase { #expect(tx.isCoinbase == coinbase, "\(v.txid)") }
            #expect(tx.version == 1 && !tx.overwintered && !tx.isFluxNode)
        }
    }

    @Test func realMainnetSpendHasExpectedFields() throws {
        let v = try fixtureTransactions()[0]
        let tx = try Transaction(serialized: v.bytes)
        #expect(tx.inputs.count == 1 && tx.outputs.count == 2)
        #expect(tx.inputs[0].prevout.hash.description
            == "d1a3166572a3695031d18ae4826e0b85ca616715d86948f8bb767449e58bd75a")
        #expect(tx.inputs[0].prevout.index == 1)
        #expect(tx.inputs[0].sequence == 0xFFFF_FFFE)
        #expect(tx.outputs[0].value == Amount(units: 10_000_000))
        #expect(tx.outputs[0].scriptPubKey.pubKeyHash != nil)
        #expect(tx.lockTime == 10)
    }

    @Test func realMainnetCoinbaseHasNullPrevoutAndHeightPush() throws {
        let v = try fixtureTransactions()[1]
        let tx = try Transaction(serialized: v.bytes)
        #expect(tx.isCoinbase)
        #expect(tx.inputs[0].prevout == .null && tx.inputs[0].prevout.isNull)
        #expect(tx.inputs[0].scriptSig.bytes == [0x53, 0x01, 0x01])    // OP_3, push 0x01
        #expect(tx.outputs[1].scriptPubKey.scriptHash != nil)
    }

    @Test func sighashVectorTransactionsRoundTripOrFailAsUnknownFormat() throws {
        let raws = try sighashTransactions()
        #expect(raws.count == 48)
        var parsed = 0, unknownFormat = 0
        var sawV4Spends = false, sawV4Outputs = false, sawGrothJoinSplit = false, sawPHGRJoinSplit = false
        var sawOverwinterV3 = false
        for raw in raws {
            let header = UInt32(raw[0]) | UInt32(raw[1]) << 8 | UInt32(raw[2]) << 16 | UInt32(raw[3]) << 24
            let groupId = UInt32(raw[4]) | UInt32(raw[5]) << 8 | UInt32(raw[6]) << 16 | UInt32(raw[7]) << 24
            let overwintered = header >> 31 == 1
            let version = header & 0x7FFF_FFFF
            let known = !overwintered
                || (version == 3 && groupId == Transaction.overwinterVersionGroupId)
                || (version == 4 && groupId == Transaction.saplingVersionGroupId)
            do throws(DecodingError) {
                let tx = try Transaction(serialized: raw)
                #expect(known, "parsed an overwintered tx with an unknown format")
                #expect(tx.serialized == raw, "byte-exact round trip")
                #expect(tx.overwintered == overwintered && UInt32(tx.version) == version)
                if tx.isSaplingV4 {
                    sawV4Spends = sawV4Spends || !tx.shieldedSpends.isEmpty
                    sawV4Outputs = sawV4Outputs || !tx.shieldedOutputs.isEmpty
                    sawGrothJoinSplit = sawGrothJoinSplit || tx.joinSplits.contains { $0.proof.count == 192 }
                }
                if tx.isOverwinterV3 { sawOverwinterV3 = true }
                if !tx.overwintered && tx.version >= 2 && !tx.joinSplits.isEmpty {
                    sawPHGRJoinSplit = sawPHGRJoinSplit || tx.joinSplits.allSatisfy { $0.proof.count == 296 }
                }
                if !tx.joinSplits.isEmpty {
                    #expect(tx.joinSplitPubKey.count == 32 && tx.joinSplitSig.count == 64)
                }
                parsed += 1
            } catch {
                #expect(!known, "known format failed: \(error)")
                #expect(error.field == "tx.header" && error.offset == 0)
                guard case let .invalidValue(message) = error.reason else {
                    Issue.record("unexpected reason \(error.reason)")
                    continue
                }
                #expect(message.contains("unknown transaction format"))
                unknownFormat += 1
            }
        }
        // The fixture subset holds only known formats (unknown ones are covered in DecodingErrorTests) and, being
        // the shortest vectors, no JoinSplits (covered by the hand-built transactions below).
        #expect(parsed == raws.count && unknownFormat == 0)
        #expect(sawV4Spends && sawV4Outputs && sawOverwinterV3)
        #expect(!sawGrothJoinSplit && !sawPHGRJoinSplit)
    }

    /// A JoinSplit in wire form, fields filled with recognisable bytes.
    static func joinSplitBytes(groth: Bool, vpubOld: UInt8, vpubNew: UInt8) -> [UInt8] {
        var out: [UInt8] = [vpubOld, 0, 0, 0, 0, 0, 0, 0, vpubNew, 0, 0, 0, 0, 0, 0, 0]
        for field in 0..<9 { out += bytes(0xA0 + UInt8(field), 32) }     // anchor, 2 nf, 2 cm, epk, seed, 2 macs
        out += bytes(0xB0, groth ? 192 : 296)
        out += bytes(0xC1, 601) + bytes(0xC2, 601)
        return out
    }

    @Test func handBuiltSproutV2TransactionWithJoinSplitsRoundTrips() throws {
        let js = Self.joinSplitBytes(groth: false, vpubOld: 7, vpubNew: 0)
        #expect(js.count == 1802)
        let raw: [UInt8] = [2, 0, 0, 0] + [0] + [0] + [0, 0, 0, 0]          // v2, no vin/vout, lock time 0
            + [2] + js + Self.joinSplitBytes(groth: false, vpubOld: 0, vpubNew: 9)
            + bytes(0xD1, 32) + bytes(0xD2, 64)
        let tx = try Transaction(serialized: raw)
        #expect(tx.serialized == raw)
        #expect(tx.joinSplits.count == 2)
        #expect(tx.joinSplits[0].vpubOld == Amount(units: 7) && tx.joinSplits[1].vpubNew == Amount(units: 9))
        #expect(tx.joinSplits[0].proof.count == 296 && tx.joinSplits[0].anchor == Hash256(bytes(0xA0, 32)))
        #expect(tx.joinSplits[0].nullifiers == [Hash256(bytes(0xA1, 32)), Hash256(bytes(0xA2, 32))])
        #expect(tx.joinSplits[0].commitments == [Hash256(bytes(0xA3, 32)), Hash256(bytes(0xA4, 32))])
        #expect(tx.joinSplits[0].ephemeralKey == Hash256(bytes(0xA5, 32)))
        #expect(tx.joinSplits[0].randomSeed == Hash256(bytes(0xA6, 32)))
        #expect(tx.joinSplits[0].macs == [Hash256(bytes(0xA7, 32)), Hash256(bytes(0xA8, 32))])
        #expect(tx.joinSplits[0].ciphertexts == [bytes(0xC1, 601), bytes(0xC2, 601)])
        #expect(tx.joinSplitPubKey == bytes(0xD1, 32) && tx.joinSplitSig == bytes(0xD2, 64))
        // A v1 transaction has no JoinSplit vector at all: the same bytes are 1 + trailing data.
        var v1 = raw
        v1[0] = 1
        #expect(decodingError { _ = try Transaction(serialized: v1) }?.reason == .trailingBytes(count: raw.count - 10))
    }

    @Test func handBuiltSaplingV4TransactionWithGrothJoinSplitAndShieldedPartsRoundTrips() throws {
        let spend = bytes(0x11, 32) + bytes(0x12, 32) + bytes(0x13, 32) + bytes(0x14, 32) + bytes(0x15, 192)
            + bytes(0x16, 64)
        let output = bytes(0x21, 32) + bytes(0x22, 32) + bytes(0x23, 32) + bytes(0x24, 580) + bytes(0x25, 80)
            + bytes(0x26, 192)
        #expect(spend.count == 384 && output.count == 948)
        let js = Self.joinSplitBytes(groth: true, vpubOld: 1, vpubNew: 0)
        #expect(js.count == 1698)
        let raw: [UInt8] = [4, 0, 0, 0x80, 0x85, 0x20, 0x2f, 0x89]            // v4 Sapling header
            + [0] + [0] + [0x10, 0, 0, 0] + [0x20, 0, 0, 0]                       // vin, vout, lock time, expiry
            + [0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]                     // valueBalance −10
            + [1] + spend + [1] + output
            + [1] + js + bytes(0xD1, 32) + bytes(0xD2, 64)
            + bytes(0xE1, 64)                                                      // binding signature
        let tx = try Transaction(serialized: raw)
        #expect(tx.serialized == raw)
        #expect(tx.isSaplingV4 && tx.lockTime == 0x10 && tx.expiryHeight == 0x20)
        #expect(tx.valueBalance == Amount(units: -10))
        #expect(tx.shieldedSpends.count == 1 && tx.shieldedOutputs.count == 1 && tx.joinSplits.count == 1)
        #expect(tx.shieldedSpends[0].cv == Hash256(bytes(0x11, 32)) && tx.shieldedSpends[0].rk == Hash256(bytes(0x14, 32)))
        #expect(tx.shieldedSpends[0].anchor == Hash256(bytes(0x12, 32)))
        #expect(tx.shieldedSpends[0].nullifier == Hash256(bytes(0x13, 32)))
        #expect(tx.shieldedSpends[0].zkproof == bytes(0x15, 192) && tx.shieldedSpends[0].spendAuthSig == bytes(0x16, 64))
        #expect(tx.shieldedOutputs[0].cmu == Hash256(bytes(0x22, 32)))
        #expect(tx.shieldedOutputs[0].ephemeralKey == Hash256(bytes(0x23, 32)))
        #expect(tx.shieldedOutputs[0].encCiphertext == bytes(0x24, 580))
        #expect(tx.shieldedOutputs[0].outCiphertext == bytes(0x25, 80))
        #expect(tx.shieldedOutputs[0].zkproof == bytes(0x26, 192))
        #expect(tx.joinSplits[0].proof == bytes(0xB0, 192))
        #expect(tx.bindingSig == bytes(0xE1, 64))
        #expect(tx.txid == Hashing.sha256d(raw))
    }

    @Test func saplingVectorsCarryBindingSignatureOnlyWithShieldedParts() throws {
        for raw in try sighashTransactions() {
            guard let tx = try? Transaction(serialized: raw), tx.isSaplingV4 else { continue }
            let shielded = !(tx.shieldedSpends.isEmpty && tx.shieldedOutputs.isEmpty)
            #expect(tx.bindingSig.count == (shielded ? 64 : 0))
            #expect(tx.shieldedSpends.allSatisfy { $0.zkproof.count == 192 && $0.spendAuthSig.count == 64 })
            #expect(tx.shieldedOutputs.allSatisfy {
                $0.encCiphertext.count == 580 && $0.outCiphertext.count == 80 && $0.zkproof.count == 192
            })
            #expect(tx.joinSplits.allSatisfy { $0.ciphertexts.count == 2 && $0.ciphertexts.allSatisfy { $0.count == 601 } })
        }
    }
}

@Suite("Genesis blocks")
struct GenesisBlockTests {
    static let networks = ["main", "test", "regtest"]

    @Test(arguments: networks)
    func genesisBlockRoundTripsAndHashesAsAsserted(network: String) throws {
        let g = try genesisNetwork(network)
        let raw = try genesisBlockBytes(network)
        let block = try Block(serialized: raw)
        #expect(block.serialized == raw)
        #expect(block.hash.description == g["hash"] as? String)
        #expect(block.header.merkleRoot.description == g["hashMerkleRoot"] as? String)
        let merkle = block.computeMerkleRoot()
        #expect(merkle.root == block.header.merkleRoot && !merkle.mutated)
        #expect(block.transactions.count == 1)
        #expect(block.transactions[0].txid.description
            == "94c7aed6b2c67f1718006684bfc3b92081a2f19d59075691b189160d6f3aa13a")
        #expect(block.transactions[0].serializedSize == 206)
        #expect(block.transactions[0].isCoinbase)

        let header = block.header
        #expect(header.version == 4 && !header.isProofOfNode)
        #expect(header.previousBlockHash == .zero && header.finalSaplingRoot == .zero)
        #expect(header.time == (g["nTime"] as? Int).flatMap(UInt32.init(exactly:)))
        #expect("0x" + String(header.bits, radix: 16) == g["nBits"] as? String)
        guard case let .work(nonce, solution) = header.proof else {
            Issue.record("genesis is proof of work")
            return
        }
        #expect(nonce.description == g["nNonce_display_hex"] as? String)
        #expect(nonce.internalHex == g["nNonce_le_bytes_hex"] as? String)
        #expect(Hex.encode(solution) == g["solution_hex"] as? String)

        let headerBytes = hexBytes(try #require(g["header_hex"] as? String))
        let parsedHeader = try BlockHeader(serialized: headerBytes)
        #expect(parsedHeader == header)
        #expect(parsedHeader.serialized == headerBytes)
        #expect(Array(raw.prefix(headerBytes.count)) == headerBytes)
        #expect(Hashing.sha256d(headerBytes) == header.hash)
        #expect(header.equihashInput == hexBytes(try #require(g["equihash_input_I_hex"] as? String)))
        #expect(header.equihashInput.count == BlockHeader.equihashInputSize)
    }

    @Test func genesisHeaderAndBlockSizesMatchTheFactSheet() throws {
        for (network, headerSize, blockSize) in [("main", 1487, 1694), ("test", 1487, 1694), ("regtest", 177, 384)] {
            let block = try Block(serialized: try genesisBlockBytes(network))
            #expect(block.header.serialized.count == headerSize)
            #expect(block.serialized.count == blockSize)
        }
    }

    @Test func genesisCoinbaseMatchesTheDescribedLayout() throws {
        let root = try fixtureObject("flux_genesis.json")
        let coinbase = try #require(root["coinbase"] as? [String: Any])
        let raw = hexBytes(try #require(coinbase["tx_hex"] as? String))
        let tx = try Transaction(serialized: raw)
        #expect(tx.txid.description == coinbase["txid"] as? String)
        let ops = try #require(tx.inputs[0].scriptSig.operations)
        #expect(ops.count == 3)
        #expect(ops[0].data == [0xff, 0xff, 0x07, 0x1f])
        #expect(ops[1].data == [0x04])
        #expect(ops[2].data.map { String(decoding: $0, as: UTF8.self) } == coinbase["timestamp_string"] as? String)
        #expect(tx.outputs[0].value == .zero)
        #expect(tx.outputs[0].scriptPubKey.bytes.count == 67 && tx.outputs[0].scriptPubKey.bytes.last == Opcode.checkSig)
    }
}
