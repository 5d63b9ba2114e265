import FluxP2P
import FluxPrimitives
import NIOCore
import NIOEmbedded
import Testing

/// Records the user inbound events that reach the end of a pipeline.
final class EventRecorder: ChannelInboundHandler {
    typealias InboundIn = P2PMessage
    var skipped: [P2PSkippedFrame] = []

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let frame = event as? P2PSkippedFrame { skipped.append(frame) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }
}

/// As fluxd's `ProcessMessages`: a frame with a bad checksum or command is skipped and reading goes on; a bad
/// magic or an oversized length ends the stream. None of them is charged a ban score.
struct DecoderRecoveryTests {
    func channel() throws -> (EmbeddedChannel, EventRecorder) {
        let channel = EmbeddedChannel()
        let recorder = EventRecorder()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(P2PMessageDecoder(configuration: mainnet)))
        try channel.pipeline.syncOperations.addHandler(recorder)
        return (channel, recorder)
    }

    var ping: [UInt8] { rawFrame("ping", [1, 2, 3, 4, 5, 6, 7, 8]) }

    @Test func aFrameWithABadChecksumIsSkippedAndTheNextOneDecoded() throws {
        let (channel, recorder) = try channel()
        try channel.writeInbound(buffer(rawFrame("ping", bytes(9, 8), checksum: [0, 0, 0, 0]) + ping))
        #expect(try readAll(channel) == [.ping(nonce: 0x0807_0605_0403_0201)])
        #expect(recorder.skipped == [P2PSkippedFrame(error: .badChecksum(command: "ping"), size: 32)])
    }

    @Test func aFrameWithABadCommandIsSkippedOnceWholeAndTheNextOneDecoded() throws {
        let (channel, recorder) = try channel()
        let bad = rawFrame("pi\u{01}g", bytes(7, 100))
        // Split: the skip waits for the whole payload.
        try channel.writeInbound(buffer(Array(bad.prefix(60))))
        #expect(recorder.skipped.isEmpty)
        try channel.writeInbound(buffer(Array(bad.dropFirst(60)) + ping))
        #expect(try readAll(channel) == [.ping(nonce: 0x0807_0605_0403_0201)])
        #expect(recorder.skipped == [P2PSkippedFrame(error: .badCommand, size: 124)])
    }

    @Test func aBadMagicOrAnOversizedLengthEndsTheStream() throws {
        let (wrongNetwork, _) = try channel()
        #expect(throws: P2PError.self) { try wrongNetwork.writeInbound(buffer(rawFrame("ping", bytes(1, 8), magic: [1, 2, 3, 4]))) }
        let (huge, _) = try channel()
        #expect(throws: P2PError.self) {
            try huge.writeInbound(buffer(rawFrame("pi\u{01}g", [], length: UInt32(P2PLimits.maxPayload + 1))))
        }
    }

    @Test func framingErrorsCarryNoBanScore() {
        for error: P2PError in [.badMagic(expected: mainnetMagic, got: [0, 0, 0, 0]), .badCommand,
                                .oversized(command: "block", length: 1 << 30, limit: P2PLimits.maxPayload),
                                .badChecksum(command: "tx")] {
            #expect(error.isFramingError)
            #expect(error.banScore == 0, "\(error)")
        }
        #expect(P2PError.tooManyItems(command: "inv", count: 50_001, limit: 50_000).banScore == 20)
    }
}
