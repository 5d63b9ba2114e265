import FluxP2P
import FluxPrimitives
import NIOCore
import Testing

@Suite struct MessageRoundTripTests {
    @Test func everyMessageKindRoundTripsThroughItsPayload() throws {
        let messages = try sampleMessages()
        let kinds = Set(messages.map(\.command))
        #expect(kinds.isSuperset(of: P2PMessage.knownCommands))
        for message in messages {
            let payload = message.encodePayload()
            let decoded = try P2PMessage.decode(command: message.command, payload: payload)
            #expect(decoded == message, "\(message.command)")
            #expect(decoded.encodePayload() == payload, "\(message.command) re-encodes byte for byte")
        }
    }

    @Test func everyMessageKindRoundTripsThroughAFrame() throws {
        for message in try sampleMessages() {
            var buf = ByteBuffer()
            try P2PFrame.write(message, configuration: mainnet, to: &buf)
            #expect(Array(buf.readableBytesView) == (try P2PFrame.encode(message, configuration: mainnet)))
            let decoded = try P2PFrame.read(from: &buf, configuration: mainnet)
            #expect(decoded == message)
            #expect(buf.readableBytes == 0)
        }
    }

    @Test func unknownCommandKeepsItsPayload() throws {
        let m = try P2PMessage.decode(command: "filterload", payload: [9, 8, 7])
        #expect(m == .unknown(command: "filterload", payload: [9, 8, 7]))
        #expect(m.command == "filterload")
    }

    @Test func versionWithoutRelayByteMeansRelay() throws {
        var message = sampleVersion
        message.relay = false
        let payload = P2PMessage.version(message).encodePayload()
        #expect(payload.last == 0)
        let decoded = try P2PMessage.decode(command: "version", payload: Array(payload.dropLast()))
        #expect(decoded == .version(sampleVersion))   // relay absent → true
    }

    @Test func versionIgnoresLaterExtensions() throws {
        let payload = P2PMessage.version(sampleVersion).encodePayload() + [1, 2, 3]
        #expect(try P2PMessage.decode(command: "version", payload: payload) == .version(sampleVersion))
    }

    @Test func versionWithoutStartHeightIsMalformed() throws {
        let payload = Array(P2PMessage.version(sampleVersion).encodePayload().dropLast(5))
        let error = p2pError { _ = try P2PMessage.decode(command: "version", payload: payload) }
        guard case let .malformedPayload(command, inner) = error else {
            Issue.record("expected malformedPayload, got \(String(describing: error))"); return
        }
        #expect(command == "version")
        #expect(inner.field == "version.nStartingHeight")
    }

    @Test func userAgentLongerThan256BytesIsRejected() throws {
        var message = sampleVersion
        message.userAgent = String(repeating: "a", count: 257)
        let error = p2pError { _ = try P2PMessage.decode(command: "version", payload: P2PMessage.version(message).encodePayload()) }
        guard case let .malformedPayload(_, inner) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(inner.reason == .tooLarge(value: 257, limit: 256))
    }

    @Test func trailingBytesAfterAPayloadAreMalformed() throws {
        let error = p2pError { _ = try P2PMessage.decode(command: "ping", payload: bytes(0, 9)) }
        guard case let .malformedPayload(command, inner) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(command == "ping")
        #expect(inner.reason == .trailingBytes(count: 1))
        #expect(p2pError { _ = try P2PMessage.decode(command: "verack", payload: [0]) } != nil)
    }

    @Test func rejectCarriesAHashOnlyForTransactionsAndBlocks() throws {
        let tx = P2PMessage.reject(RejectMessage(message: "tx", code: 0x10, reason: "bad", hash: hash(1)))
        #expect(tx.encodePayload().count == 1 + 2 + 1 + 1 + 3 + 32)
        let other = P2PMessage.reject(RejectMessage(message: "version", code: 0x11, reason: "old"))
        #expect(other.encodePayload() == hex("07 76657273696f6e 11 03 6f6c64"))
        // A "tx" reject without its hash is truncated.
        let short = Array(tx.encodePayload().dropLast(32))
        #expect(p2pError { _ = try P2PMessage.decode(command: "reject", payload: short) } != nil)
    }

    @Test func headersIgnoresTheTransactionCountWhenReading() throws {
        var w = ByteWriter()
        w.writeCompactSize(1)
        ponHeader().encode(to: &w)
        w.writeCompactSize(3)   // Bitcoin reads and ignores the count; fluxd writes 0
        #expect(try P2PMessage.decode(command: "headers", payload: w.bytes) == .headers([ponHeader()]))
    }

    @Test func compactHeaderOfProofOfNodeIsTheFullHeader() throws {
        let compact = CompactBlockHeader(ponHeader())
        #expect(compact.fullHeader == ponHeader())
        #expect(compact.blockHash == ponHeader().hash)
        #expect(compact.serialized == ponHeader().serialized)
        let work = CompactBlockHeader(powHeader())
        #expect(work.fullHeader == nil)
        #expect(work.blockHash == powHeader().hash)
        #expect(work.serialized.count == CompactBlockHeader.workSize)
    }

    @Test func inventoryTypesKeepTheirRawNumbers() {
        #expect(InventoryType.compactBlock.rawValue == 11)
        #expect(InventoryType.allCases.map(\.rawValue) == Array(0...11))
        #expect(InventoryItem(type: 11, hash: .zero).knownType == .compactBlock)
        #expect(InventoryItem(type: 12, hash: .zero).knownType == nil)
    }
}
