import FluxP2P
import FluxPrimitives
import NIOCore
import Testing

/// Byte-exact layouts against vectors assembled by hand from the field lists of flux-protocol.md §6 and §4.1.4.
@Suite struct WireLayoutTests {
    @Test func versionPayloadAndFrameMatchTheFieldList() throws {
        let payload = hex("""
            25980200                                    # version 170021
            0500000000000000                            # services NODE_NETWORK | NODE_BLOOM
            00f1536500000000                            # time 1,700,000,000
            0100000000000000 00000000000000000000ffff7f000001 3efd   # addr_recv 127.0.0.1:16125
            0000000000000000 00000000000000000000000000000000 0000   # addr_from unspecified
            0807060504030201                            # nonce
            11 2f4d616769634265616e3a392e302e362f       # "/MagicBean:9.0.6/"
            80841e00                                    # start height 2,000,000
            01                                          # relay
            """.split(separator: "\n").map { $0.split(separator: "#")[0] }.joined())
        #expect(payload.count == 103)
        #expect(P2PMessage.version(sampleVersion).encodePayload() == payload)
        let frame = hex("""
            24e92764 76657273696f6e0000000000 67000000 7f443766
            """) + payload
        #expect(try P2PFrame.encode(.version(sampleVersion), configuration: mainnet) == frame)
        var buf = buffer(frame)
        #expect(try P2PFrame.read(from: &buf, configuration: mainnet) == .version(sampleVersion))
    }

    @Test func pingFrame() throws {
        let frame = hex("24e92764 70696e670000000000000000 08000000 3b5a7513 0807060504030201")
        #expect(try P2PFrame.encode(.ping(nonce: 0x0102_0304_0506_0708), configuration: mainnet) == frame)
    }

    @Test func emptyPayloadFrameHasTheChecksumOfNothing() throws {
        let frame = hex("24e92764 76657261636b000000000000 00000000 5df6e0e2")
        #expect(try P2PFrame.encode(.verack, configuration: mainnet) == frame)
    }

    @Test func invPayload() {
        let payload = P2PMessage.inv([.tx(hash(0xAA)), InventoryItem(.compactBlock, hash: hash(0xBB))]).encodePayload()
        #expect(payload == hex("02 01000000") + bytes(0xAA, 32) + hex("0b000000") + bytes(0xBB, 32))
    }

    @Test func getheadersPayload() {
        let m = P2PMessage.getheaders(BlockLocatorMessage(locator: [hash(1), hash(2)], stop: hash(3)))
        #expect(m.encodePayload() == hex("25980200 02") + bytes(1, 32) + bytes(2, 32) + bytes(3, 32))
    }

    @Test func headersPayloadEndsEachHeaderWithAZeroTransactionCount() throws {
        let header = try genesisBytes("header_hex")
        let block = try Block(serialized: try genesisBytes("block_hex"))
        let payload = P2PMessage.headers([block.header, block.header]).encodePayload()
        #expect(payload == [0x02] + header + [0x00] + header + [0x00])
        #expect(payload.last == 0)
    }

    @Test func cmpheadersPayloadOfProofOfWorkAndProofOfNode() throws {
        let prefix = { (version: String) in
            hex(version) + bytes(0x11, 32) + bytes(0x22, 32) + bytes(0x33, 32) + hex("00f15365 ffff0f20")
        }
        var pow = CompactBlockHeader(ponHeader())
        pow.version = 4
        pow.proof = .work(nonce: hash(0x55), blockHash: hash(0x66))
        let pon = CompactBlockHeader(ponHeader(signature: [0x30, 0x01, 0x02]))
        let payload = P2PMessage.cmpheaders([pow, pon]).encodePayload()
        let expected = hex("02")
            + prefix("04000000") + bytes(0x55, 32) + bytes(0x66, 32)                        // no solution, no tx count
            + prefix("64000000") + bytes(0x44, 32) + hex("07000000") + hex("03 300102")     // collateral ‖ signature
        #expect(payload == expected)
        #expect(payload.count == 1 + 172 + 108 + 36 + 4)
        #expect(try P2PMessage.decode(command: "cmpheaders", payload: expected) == .cmpheaders([pow, pon]))
    }

    @Test func addrPayloadHasABigEndianPort() throws {
        let entry = TimestampedAddress(time: 0x6553_F100, address: NetworkAddress(ipv4: [1, 2, 3, 4], port: 16125, services: 5))
        let payload = P2PMessage.addr([entry]).encodePayload()
        #expect(payload == hex("01 00f15365 0500000000000000 00000000000000000000ffff01020304 3efd"))
        #expect(try P2PMessage.decode(command: "addr", payload: payload) == .addr([entry]))
    }

    @Test func sendcmpctPayload() {
        #expect(P2PMessage.sendcmpct(announce: false, version: 1).encodePayload() == hex("00 0100000000000000"))
    }
}
