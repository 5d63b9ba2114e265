import FluxPrimitives
import FluxTestSupport
import Testing

@Suite("Decoding errors")
struct DecodingErrorTests {
    @Test func everyPrefixOfARealTransactionThrowsTruncatedWithSensibleField() throws {
        let raw = try fixtureTransactions()[0].bytes     // 1 input (107-byte scriptSig), 2 P2PKH outputs, v1
        #expect(raw.count == 226)
        for length in 0..<raw.count {
            let error = try #require(decodingError { _ = try Transaction(serialized: Array(raw.prefix(length))) },
                                     "prefix of \(length) bytes parsed")
            guard case let .truncated(needed, available) = error.reason else {
                Issue.record("prefix \(length): \(error)")
                continue
            }
            #expect(needed > available && error.offset + available <= length, "prefix \(length): \(error)")
            // Counts are checked against the bytes left (41 per input, 9 per output) before any element is read.
            let expectedField: String = switch length {
            case 0..<4: "tx.header"
            case 4..<46: "tx.vin"
            case 46..<149: "txin.scriptSig"
            case 149..<153: "txin.nSequence"
            case 153..<172: "tx.vout"
            case 172..<188, 196..<222: "txout.scriptPubKey"
            case 188..<196: "txout.nValue"
            default: "tx.nLockTime"
            }
            #expect(error.field == expectedField, "prefix \(length): \(error)")
        }
    }

    @Test func truncationInsideLockTimeReportsItsFieldAndOffset() throws {
        let raw = try fixtureTransactions()[0].bytes
        let error = decodingError { _ = try Transaction(serialized: Array(raw.dropLast(2))) }
        #expect(error == DecodingError(field: "tx.nLockTime", offset: raw.count - 4,
                                        reason: .truncated(needed: 4, available: 2)))
        #expect(error?.description == "tx.nLockTime at offset 222: truncated (need 4 bytes, 2 left)")
    }

    @Test(arguments: ["main", "regtest"])
    func everyPrefixOfTheGenesisBlockThrowsDecodingError(network: String) throws {
        let raw = try genesisBlockBytes(network)
        let headerSize = try Block(serialized: raw).header.serialized.count
        for length in 0..<raw.count {
            let prefix = Array(raw.prefix(length))
            let error = try #require(decodingError { _ = try Block(serialized: prefix) }, "prefix \(length) parsed")
            #expect(error.offset <= length, "prefix \(length): \(error)")
            if case .truncated = error.reason {} else { Issue.record("prefix \(length): \(error)") }
            let field: String? = switch length {
            case 0..<4: "header.nVersion"
            case 4..<36: "header.hashPrevBlock"
            case 36..<68: "header.hashMerkleRoot"
            case 68..<100: "header.hashFinalSaplingRoot"
            case 100..<104: "header.nTime"
            case 104..<108: "header.nBits"
            case 108..<140: "header.nNonce"
            case 140..<headerSize: "header.nSolution"
            case headerSize..<(headerSize + 11): "block.vtx"    // 1 tx claimed: at least 10 bytes must follow
            default: nil
            }
            if let field {
                #expect(error.field == field, "prefix \(length): \(error)")
            } else {
                #expect(error.field.hasPrefix("tx") || error.field.hasPrefix("outpoint"), "prefix \(length): \(error)")
            }
            if length <= headerSize, length >= 0 {
                let headerError = decodingError { _ = try BlockHeader(serialized: prefix) }
                if length < headerSize {
                    #expect(headerError != nil)
                } else {
                    #expect(headerError == nil)
                }
            }
        }
    }

    @Test func compactSizeClaimingFourGiBInputsFailsFastAsTooLarge() {
        let clock = ContinuousClock()
        var error: DecodingError?
        let elapsed = clock.measure {
            error = decodingError { _ = try Transaction(serialized: [0x01, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff]) }
        }
        #expect(error == DecodingError(field: "tx.vin", offset: 4,
                                        reason: .tooLarge(value: 0xFFFF_FFFF, limit: CompactSize.maxSize)))
        #expect(elapsed < .milliseconds(200))
    }

    @Test func compactSizeJustAboveMaxSizeIsTooLargeAndAtMaxSizeIsTruncated() {
        let over = decodingError { _ = try Transaction(serialized: [1, 0, 0, 0, 0xfe, 0x01, 0, 0, 0x02]) }
        #expect(over?.reason == .tooLarge(value: 0x0200_0001, limit: CompactSize.maxSize))
        let atMax = decodingError { _ = try Transaction(serialized: [1, 0, 0, 0, 0xfe, 0, 0, 0, 0x02] + bytes(0, 100)) }
        #expect(atMax?.field == "tx.vin" && atMax?.offset == 4)
        if case .truncated? = atMax?.reason {} else { Issue.record("expected truncated: \(String(describing: atMax))") }
        // A script claiming 0x02000000 bytes is refused before reading or allocating.
        var r = ByteReader([0xfe, 0, 0, 0, 0x02, 1, 2, 3])
        let script = decodingError { _ = try r.readVarBytes("script") }
        #expect(script == DecodingError(field: "script", offset: 0,
                                         reason: .truncated(needed: 0x0200_0000, available: 3)))
        var huge = ByteReader([0xff] + bytes(0xff, 8))
        #expect(decodingError { _ = try huge.readCompactSize("n") }?.reason
            == .tooLarge(value: .max, limit: CompactSize.maxSize))
    }

    @Test func rejectsNonCanonicalCompactSizes() {
        let cases: [[UInt8]] = [[0xfd, 0xfc, 0x00], [0xfd, 0x00, 0x00], [0xfe, 0xff, 0xff, 0x00, 0x00],
                                [0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00]]
        for raw in cases {
            var r = ByteReader(raw + [0xAA], baseOffset: 10)
            let error = decodingError { _ = try r.readCompactSize("count", limit: .max) }
            #expect(error == DecodingError(field: "count", offset: 10, reason: .nonCanonicalCompactSize), "\(raw)")
        }
        // The smallest canonical value of each width is accepted.
        for (raw, value): ([UInt8], UInt64) in [([0xfc], 252), ([0xfd, 0xfd, 0x00], 253),
                                                 ([0xfe, 0x00, 0x00, 0x01, 0x00], 0x1_0000),
                                                 ([0xff, 0, 0, 0, 0, 1, 0, 0, 0], 0x1_0000_0000)] {
            var r = ByteReader(raw)
            #expect((try? r.readCompactSize("n", limit: .max)) == value)
            #expect(r.isAtEnd)
            #expect(written { $0.writeCompactSize(value) } == raw)
            #expect(CompactSize.encodedLength(value) == raw.count)
        }
        let inTx = decodingError { _ = try Transaction(serialized: [1, 0, 0, 0, 0xfd, 0x01, 0x00] + bytes(0, 60)) }
        #expect(inTx == DecodingError(field: "tx.vin", offset: 4, reason: .nonCanonicalCompactSize))
    }

    @Test func rejectsOverwinteredTransactionWithUnknownGroupId() {
        let cases: [[UInt8]] = [
            [0x04, 0, 0, 0x80, 0x01, 0x02, 0x03, 0x04],          // v4, unknown group
            [0x04, 0, 0, 0x80, 0x70, 0x82, 0xc4, 0x03],          // v4 with the Overwinter group
            [0x03, 0, 0, 0x80, 0x85, 0x20, 0x2f, 0x89],          // v3 with the Sapling group
            [0x05, 0, 0, 0x80, 0x85, 0x20, 0x2f, 0x89],          // overwintered v5
            [0x01, 0, 0, 0x80, 0x70, 0x82, 0xc4, 0x03],          // overwintered v1
        ]
        for header in cases {
            let error = decodingError { _ = try Transaction(serialized: header + bytes(0, 20)) }
            #expect(error?.field == "tx.header" && error?.offset == 0)
            guard case let .invalidValue(message)? = error?.reason else {
                Issue.record("expected invalidValue for \(header): \(String(describing: error))")
                continue
            }
            #expect(message.contains("unknown transaction format"))
        }
    }

    @Test func rejectsTrailingBytesAfterACompleteValue() throws {
        let raw = try fixtureTransactions()[1].bytes
        let error = decodingError { _ = try Transaction(serialized: raw + [0, 0]) }
        #expect(error == DecodingError(field: "Transaction", offset: raw.count, reason: .trailingBytes(count: 2)))
        let block = try genesisBlockBytes("regtest")
        #expect(decodingError { _ = try Block(serialized: block + [7]) }?.reason == .trailingBytes(count: 1))
        #expect(decodingError { _ = try OutPoint(serialized: bytes(0, 37)) }?.reason == .trailingBytes(count: 1))
    }

    @Test func joinSplitCountIsBoundedByTheBytesLeft() {
        // v2 with two JoinSplits claimed but room for one PHGR JoinSplit (1802 bytes) only.
        let raw: [UInt8] = [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2] + bytes(0, 1802 + 96 + 500)
        let error = decodingError { _ = try Transaction(serialized: raw) }
        #expect(error == DecodingError(field: "tx.vJoinSplit", offset: 10,
                                        reason: .truncated(needed: 2 * 1802, available: 1802 + 96 + 500)))
        // Groth JoinSplits in v4 are 1698 bytes.
        let v4: [UInt8] = [4, 0, 0, 0x80, 0x85, 0x20, 0x2f, 0x89, 0, 0] + bytes(0, 16) + [0, 0, 2] + bytes(0, 1698 + 1697)
        let e4 = decodingError { _ = try Transaction(serialized: v4) }
        #expect(e4 == DecodingError(field: "tx.vJoinSplit", offset: 28,
                                     reason: .truncated(needed: 2 * 1698, available: 1698 + 1697)))
    }

    @Test func descriptionsNameFieldOffsetAndReason() {
        #expect(DecodingError(field: "a.b", offset: 7, reason: .tooLarge(value: 9, limit: 8)).description
            == "a.b at offset 7: 9 exceeds the limit of 8")
        #expect(DecodingError(field: "x", offset: 1, reason: .nonCanonicalCompactSize).description
            == "x at offset 1: non-canonical CompactSize")
        #expect(DecodingError(field: "x", offset: 1, reason: .invalidValue("bad")).description == "x at offset 1: bad")
        #expect(DecodingError(field: "T", offset: 3, reason: .trailingBytes(count: 2)).description
            == "T at offset 3: 2 unexpected trailing bytes")
    }

    @Test func byteReaderReadsLittleAndBigEndianAndReportsBaseOffset() {
        var r = ByteReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06], baseOffset: 100)
        #expect((try? r.readLE(UInt16.self, "a")) == 0x0201)
        #expect((try? r.readBE(UInt16.self, "b")) == 0x0304)
        #expect(r.remaining == 2 && r.offset == 4)
        let error = decodingError { _ = try r.readLE(UInt32.self, "c") }
        #expect(error == DecodingError(field: "c", offset: 104, reason: .truncated(needed: 4, available: 2)))
        #expect(r.offset == 4, "a failed read does not move the cursor")
        #expect(decodingError { try r.expectEnd("end") }?.reason == .trailingBytes(count: 2))
        var w = ByteWriter()
        w.writeBE(UInt16(0x0304))
        w.writeLE(Int32(-2))
        #expect(w.bytes == [0x03, 0x04, 0xfe, 0xff, 0xff, 0xff])
    }
}
