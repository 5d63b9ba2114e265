import FluxPrimitives
import FluxTestSupport
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

/// Runs `body` and returns the `DecodingError` it threw, or nil if it succeeded (any other error is an issue).
func decodingError(_ body: () throws -> Void) -> DecodingError? {
    do {
        try body()
        return nil
    } catch let error as DecodingError {
        return error
    } catch {
        Issue.record("expected a DecodingError, got \(error)")
        return nil
    }
}

/// A fixture file parsed as a JSON object.
func fixtureObject(_ name: String) throws -> [String: Any] {
    try #require(try Fixtures.json(name) as? [String: Any])
}

/// `n` bytes of value `b`.
func bytes(_ b: UInt8, _ n: Int) -> [UInt8] { [UInt8](repeating: b, count: n) }

/// The serialization of one value through `ByteWriter`.
func written(_ body: (inout ByteWriter) -> Void) -> [UInt8] {
    var w = ByteWriter()
    body(&w)
    return w.bytes
}

/// The genesis fixture for `network` ("main", "test", "regtest").
func genesisNetwork(_ network: String) throws -> [String: Any] {
    let root = try fixtureObject("flux_genesis.json")
    let networks = try #require(root["networks"] as? [String: Any])
    return try #require(networks[network] as? [String: Any])
}

/// Raw bytes of the genesis block of `network`.
func genesisBlockBytes(_ network: String) throws -> [UInt8] {
    hexBytes(try #require(try genesisNetwork(network)["block_hex"] as? String))
}

/// The fixture transactions of `flux_tx_vectors.json` as (bytes, display txid).
func fixtureTransactions() throws -> [(bytes: [UInt8], txid: String, isCoinbase: Bool?)] {
    let root = try fixtureObject("flux_tx_vectors.json")
    let vectors = try #require(root["vectors"] as? [[String: Any]])
    return try vectors.map { v in
        (hexBytes(try #require(v["hex"] as? String)), try #require(v["txid"] as? String), v["is_coinbase"] as? Bool)
    }
}

/// The raw transactions of `flux_sighash_vectors.json`.
func sighashTransactions() throws -> [[UInt8]] {
    let root = try fixtureObject("flux_sighash_vectors.json")
    let vectors = try #require(root["vectors"] as? [[Any]])
    return try vectors.map { hexBytes(try #require($0.first as? String)) }
}
