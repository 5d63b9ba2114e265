import FluxPrimitives
import FluxTestSupport
import Testing

@Suite("Base58, addresses and WIF")
struct Base58Tests {
    static let mainnet = Base58Prefixes(pubKeyHash: [0x1c, 0xb8], scriptHash: [0x1c, 0xbd], secretKey: [0x80])
    static let testnet = Base58Prefixes(pubKeyHash: [0x1d, 0x25], scriptHash: [0x1c, 0xba], secretKey: [0xef])

    static func prefixes(_ chain: String?) -> Base58Prefixes? {
        switch chain {
        case "mainnet": mainnet
        case "testnet": testnet
        default: nil
        }
    }

    @Test func fixturePrefixesMatchChainParameters() throws {
        let params = try fixtureObject("flux_chainparams.json")
        // The base58 tables sit under each network; find them wherever they are nested.
        func base58Tables(_ any: Any) -> [[String: Any]] {
            if let d = any as? [String: Any] {
                return (d["base58"] as? [String: Any]).map { [$0] } ?? d.values.flatMap(base58Tables)
            }
            if let a = any as? [Any] { return a.flatMap(base58Tables) }
            return []
        }
        let tables = base58Tables(params)
        let asPrefixes = Set(tables.compactMap { t -> Base58Prefixes? in
            guard let p = t["p2pkh"] as? String, let s = t["p2sh"] as? String, let w = t["wif"] as? String else { return nil }
            return Base58Prefixes(pubKeyHash: hexBytes(p), scriptHash: hexBytes(s), secretKey: hexBytes(w))
        })
        #expect(asPrefixes == [Self.mainnet, Self.testnet])
    }

    @Test func validVectorsDecodeAndReencode() throws {
        let root = try fixtureObject("flux_base58_vectors.json")
        let valid = try #require(root["valid"] as? [[Any]])
        #expect(valid.count == 50)
        for v in valid {
            let text = try #require(v[0] as? String)
            let payload = hexBytes(try #require(v[1] as? String))
            let meta = try #require(v[2] as? [String: Any])
            let prefixes = try #require(Self.prefixes(meta["chain"] as? String))
            let other = prefixes == Self.mainnet ? Self.testnet : Self.mainnet
            if meta["isPrivkey"] as? Bool == true {
                let key = try #require(WIF(text, prefixes: prefixes), "\(text)")
                #expect(key.secret == payload)
                #expect(key.compressed == (meta["isCompressed"] as? Bool), "\(text)")
                #expect(key.encoded(prefixes: prefixes) == text)
                #expect(WIF(text, prefixes: other) == nil)
                #expect(Address(text, prefixes: prefixes) == nil, "a key is not an address")
            } else {
                let address = try #require(Address(text, prefixes: prefixes), "\(text)")
                #expect(address.script.bytes == payload, "\(text)")
                #expect(Address(script: Script(payload)) == address)
                #expect(address.encoded(prefixes: prefixes) == text)
                #expect(Address(text, prefixes: other) == nil)
                #expect(WIF(text, prefixes: prefixes) == nil, "an address is not a key")
            }
        }
    }

    @Test func invalidVectorsAreRejectedAsAddressesAndKeys() throws {
        let root = try fixtureObject("flux_base58_vectors.json")
        let invalid = try #require(root["invalid"] as? [[Any]])
        #expect(invalid.count == 50)
        for v in invalid {
            let text = try #require(v[0] as? String)
            for prefixes in [Self.mainnet, Self.testnet] {
                #expect(Address(text, prefixes: prefixes) == nil, "\(text)")
                #expect(WIF(text, prefixes: prefixes) == nil, "\(text)")
            }
        }
    }

    @Test func encodeDecodeVectorsRoundTrip() throws {
        let root = try fixtureObject("flux_base58_vectors.json")
        let pairs = try #require(root["encode_decode"] as? [[String]])
        #expect(pairs.count == 12)
        for pair in pairs {
            let raw = hexBytes(pair[0])
            #expect(Base58.encode(raw) == pair[1])
            #expect(Base58.decode(pair[1]) == raw)
        }
    }

    @Test func rejectsCharactersOutsideTheAlphabetAndBadChecksums() {
        for text in ["0", "O", "I", "l", "abc!", " 2g", "2g ", "é"] {
            #expect(Base58.decode(text) == nil, "\(text)")
        }
        let good = "t1T8yaLVhNqxA5KJcmiqqFN88e8DNp2PBfF"
        #expect(Base58.decodeCheck(good) != nil)
        var chars = Array(good)
        chars[10] = chars[10] == "a" ? "b" : "a"
        #expect(Base58.decodeCheck(String(chars)) == nil)
        #expect(Base58.decodeCheck("1111") == nil, "too short for a checksum")
        #expect(Base58.encodeCheck([]) == "3QJmnh")
        #expect(Base58.decodeCheck("3QJmnh") == [])
    }

    @Test func wifCompressedFlagNeedsTrailingOne() {
        let secret = bytes(0x42, 32)
        let compressed = WIF(secret: secret, compressed: true)
        #expect(WIF(compressed.encoded(prefixes: Self.mainnet), prefixes: Self.mainnet) == compressed)
        let bad = Base58.encodeCheck([0x80] + secret + [0x02])
        #expect(WIF(bad, prefixes: Self.mainnet) == nil)
    }
}
