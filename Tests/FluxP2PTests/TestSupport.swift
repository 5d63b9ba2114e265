import FluxP2P
import FluxPrimitives
import FluxTestSupport
import NIOCore
import NIOEmbedded
import Testing

/// SplitMix64: a tiny seeded PRNG, so fuzz-style tests are deterministic.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Mainnet's magic (`pchMessageStart`).
let mainnetMagic: [UInt8] = [0x24, 0xE9, 0x27, 0x64]
/// The mainnet configuration used by most tests.
let mainnet = P2PConfiguration(magic: mainnetMagic)

/// A hash whose 32 bytes all equal `b`.
func hash(_ b: UInt8) -> Hash256 { Hash256([UInt8](repeating: b, count: 32)) }

/// `n` bytes of value `b`.
func bytes(_ b: UInt8, _ n: Int) -> [UInt8] { [UInt8](repeating: b, count: n) }

/// Hex (spaces and newlines allowed, for readable field-by-field layouts) to bytes.
func hex(_ text: String) -> [UInt8] { hexBytes(text.filter { !$0.isWhitespace }) }

/// The genesis fixture for `network` ("main", "test", "regtest").
func genesis(_ network: String = "main") throws -> [String: Any] {
    let root = try #require(try Fixtures.json("flux_genesis.json") as? [String: Any])
    let networks = try #require(root["networks"] as? [String: Any])
    return try #require(networks[network] as? [String: Any])
}

/// A fixture field as bytes.
func genesisBytes(_ key: String, _ network: String = "main") throws -> [UInt8] {
    hexBytes(try #require(try genesis(network)[key] as? String))
}

/// A Proof-of-Node header with recognisable field values.
func ponHeader(signature: [UInt8] = bytes(0x30, 71)) -> BlockHeader {
    BlockHeader(version: 100, previousBlockHash: hash(0x11), merkleRoot: hash(0x22), finalSaplingRoot: hash(0x33),
                time: 1_700_000_000, bits: 0x200F_FFFF,
                proof: .node(collateral: OutPoint(hash: hash(0x44), index: 7), signature: signature))
}

/// A proof-of-work header with a short (test-size) solution.
func powHeader() -> BlockHeader {
    BlockHeader(version: 4, previousBlockHash: hash(0x01), merkleRoot: hash(0x02), finalSaplingRoot: hash(0x03),
                time: 1_600_000_000, bits: 0x1F07_FFFF, proof: .work(nonce: hash(0x04), solution: bytes(0x05, 100)))
}

/// A `version` message with the field values of the hand-assembled vector in `WireLayoutTests`.
let sampleVersion = VersionMessage(
    version: 170_021, services: 5, timestamp: 1_700_000_000,
    receiver: NetworkAddress(ipv4: [127, 0, 0, 1], port: 16125, services: 1), sender: .unspecified,
    nonce: 0x0102_0304_0506_0708, userAgent: "/MagicBean:9.0.6/", startHeight: 2_000_000, relay: true)

/// One message of every kind (the genesis block and its coinbase among them).
func sampleMessages() throws -> [P2PMessage] {
    let block = try Block(serialized: try genesisBytes("block_hex"))
    return [
        .version(sampleVersion),
        .version(VersionMessage(services: 0, timestamp: -1, receiver: .unspecified, nonce: 0, userAgent: "",
                                startHeight: -1, relay: false)),
        .verack,
        .ping(nonce: 0xDEAD_BEEF_0000_0001),
        .pong(nonce: .max),
        .addr([TimestampedAddress(time: 1_700_000_000, address: NetworkAddress(string: "[2001:db8::1]:16125")!),
               TimestampedAddress(time: 1, address: NetworkAddress(ipv4: [10, 0, 0, 1], port: 1, services: 5))]),
        .addr([]),
        .getaddr,
        .inv([InventoryItem.tx(hash(1)), .block(hash(2)), InventoryItem(.compactBlock, hash: hash(3)),
              InventoryItem(type: 0xFFFF_FFFF, hash: hash(4))]),
        .getdata([InventoryItem(.filteredBlock, hash: hash(5))]),
        .notfound([InventoryItem.tx(hash(6))]),
        .getheaders(BlockLocatorMessage(locator: [hash(7), hash(8)], stop: .zero)),
        .getblocks(BlockLocatorMessage(version: 1, locator: [], stop: hash(9))),
        .headers([block.header, ponHeader(), powHeader()]),
        .headers([]),
        .cmpheaders([CompactBlockHeader(block.header), CompactBlockHeader(ponHeader()), CompactBlockHeader(powHeader())]),
        .block(block),
        .tx(block.transactions[0]),
        .mempool,
        .reject(RejectMessage(message: "tx", code: RejectMessage.insufficientFee, reason: "insufficient fee",
                              hash: hash(10))),
        .reject(RejectMessage(message: "block", code: RejectMessage.invalid, reason: "bad-blk", hash: hash(11))),
        .reject(RejectMessage(message: "version", code: RejectMessage.obsolete, reason: "Version must be 170020 or greater")),
        .sendheaders,
        .sendcmpct(announce: false, version: 1),
        .sendcmpct(announce: true, version: 2),
        .unknown(command: "alert", payload: [1, 2, 3]),
        .unknown(command: "feefilter", payload: []),
    ]
}

/// An `EmbeddedChannel` with the decoder (and encoder) installed.
func decoderChannel(_ configuration: P2PConfiguration = mainnet) throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(P2PMessageDecoder(configuration: configuration)))
    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(P2PMessageEncoder(configuration: configuration)))
    return channel
}

/// A `ByteBuffer` holding `bytes`.
func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

/// Every message the channel has decoded so far.
func readAll(_ channel: EmbeddedChannel) throws -> [P2PMessage] {
    var out: [P2PMessage] = []
    while let m = try channel.readInbound(as: P2PMessage.self) { out.append(m) }
    return out
}

/// A frame built by hand: magic ‖ command (NUL-padded) ‖ LE32 length ‖ checksum ‖ payload.
func rawFrame(_ command: String, _ payload: [UInt8], magic: [UInt8] = mainnetMagic,
              length: UInt32? = nil, checksum: [UInt8]? = nil) -> [UInt8] {
    var w = ByteWriter()
    w.writeBytes(magic)
    w.writeBytes(Array(command.utf8) + bytes(0, 12 - command.utf8.count))
    w.writeLE(length ?? UInt32(payload.count))
    w.writeBytes(checksum ?? Array(Hashing.sha256d(payload).bytes.prefix(4)))
    w.writeBytes(payload)
    return w.bytes
}

/// The error `body` threw as a `P2PError` (nil if it succeeded; any other error is an issue).
func p2pError(_ body: () throws -> Void) -> P2PError? {
    do {
        try body()
        return nil
    } catch let error as P2PError {
        return error
    } catch {
        Issue.record("expected a P2PError, got \(error)")
        return nil
    }
}
