import FluxPrimitives
import Testing

/// Deterministic fuzzing of the text and script parsers: Base58, Base58Check, addresses, WIF keys, hex and the
/// script operation parser. Each parse either fails cleanly or gives a value that encodes back to the input.
@Suite("Encoding fuzzing")
struct EncodingFuzzTests {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
    static let strays = Array("0OIl+/ =\u{e9}")

    /// A random string of Base58 characters, now and then with a character outside the alphabet.
    static func randomBase58(_ rng: inout SplitMix64, maxLength: Int = 60) -> String {
        let length = Int(rng.next() % UInt64(maxLength + 1))
        return String((0..<length).map { _ in
            rng.next() % 50 == 0 ? strays[Int(rng.next() % UInt64(strays.count))]
                : alphabet[Int(rng.next() % UInt64(alphabet.count))]
        })
    }

    /// One random edit of `text`: substitute, delete, insert, or truncate.
    static func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var chars = Array(text)
        let position = chars.isEmpty ? 0 : Int(rng.next() % UInt64(chars.count))
        switch rng.next() % 4 {
        case 0 where !chars.isEmpty:
            var c = alphabet[Int(rng.next() % UInt64(alphabet.count))]
            if c == chars[position] { c = c == "z" ? "y" : "z" }
            chars[position] = c
        case 1 where !chars.isEmpty: chars.remove(at: position)
        case 2: chars.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: position)
        default: chars = Array(chars.prefix(position))
        }
        return String(chars)
    }

    @Test func base58DecodeIsTheInverseOfEncode() {
        var rng = SplitMix64(seed: 0xb58_0001)
        var decoded = 0
        for _ in 0..<3000 {
            let text = Self.randomBase58(&rng)
            if let bytes = Base58.decode(text) {
                decoded += 1
                #expect(Base58.encode(bytes) == text, "\(text)")
            } else {
                #expect(text.contains { !Self.alphabet.contains($0) }, "\(text) is all Base58 but did not decode")
            }
            _ = Base58.decodeCheck(text)
        }
        #expect(decoded > 1500)
        for _ in 0..<500 {
            let bytes = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 3 == 0 ? 0 : rng.next()) }
            #expect(Base58.decode(Base58.encode(bytes)) == bytes)
            #expect(Base58.decodeCheck(Base58.encodeCheck(bytes)) == bytes)
        }
    }

    /// Edited addresses and keys: one substituted character never passes the 4-byte checksum here (seeded), and
    /// whatever parses encodes back to the same text.
    @Test func mutatedAddressesAndKeysFailOrRoundTrip() {
        let prefixes = Base58Tests.mainnet
        var rng = SplitMix64(seed: 0xb58_0002)
        var seeds: [String] = []
        for i in 0..<8 {
            let hash = (0..<20).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let address: Address = i % 2 == 0 ? .pubKeyHash(hash) : .scriptHash(hash)
            seeds.append(address.encoded(prefixes: prefixes))
            let secret = (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            seeds.append(WIF(secret: secret, compressed: i % 3 != 0).encoded(prefixes: prefixes))
        }
        var accepted = 0
        for i in 0..<4000 {
            let text = Self.mutate(seeds[i % seeds.count], &rng)
            if let address = Address(text, prefixes: prefixes) {
                accepted += 1
                #expect(address.encoded(prefixes: prefixes) == text)
            }
            if let key = WIF(text, prefixes: prefixes) {
                accepted += 1
                #expect(key.encoded(prefixes: prefixes) == text)
            }
            if let payload = Base58.decodeCheck(text) { #expect(Base58.encodeCheck(payload) == text) }
        }
        #expect(accepted == 0, "\(accepted) edited strings passed the checksum")
        for seed in seeds { #expect(Address(seed, prefixes: prefixes) != nil || WIF(seed, prefixes: prefixes) != nil) }
    }

    @Test func hexDecodeFailsOrRoundTrips() {
        let digits = Array("0123456789abcdefABCDEFgx ")
        var rng = SplitMix64(seed: 0x4e_0003)
        var decoded = 0
        for _ in 0..<3000 {
            let text = String((0..<Int(rng.next() % 20)).map { _ in
                rng.next() % 40 == 0 ? digits[22 + Int(rng.next() % 3)] : digits[Int(rng.next() % 22)]
            })
            if let bytes = Hex.decode(text) {
                decoded += 1
                #expect(Hex.encode(bytes) == text.lowercased())
            }
        }
        #expect(decoded > 500)
    }

    /// The bytes of one parsed operation, as they appear in the script.
    static func encode(_ op: Script.Operation) -> [UInt8] {
        guard let data = op.data else { return [op.opcode] }
        let n = data.count
        switch op.opcode {
        case 0x4c: return [op.opcode, UInt8(n)] + data
        case 0x4d: return [op.opcode, UInt8(n & 0xff), UInt8(n >> 8)] + data
        case 0x4e: return [op.opcode, UInt8(n & 0xff), UInt8((n >> 8) & 0xff), UInt8((n >> 16) & 0xff),
                           UInt8(n >> 24)] + data
        default: return [op.opcode] + data
        }
    }

    /// Random scripts (biased towards push opcodes and short lengths): the parsed operations re-encode to a
    /// prefix of the script, the whole script when parsing completed; a push past the end stops parsing.
    @Test func scriptParserCoversExactlyTheBytes() {
        var rng = SplitMix64(seed: 0x5c_0004)
        let pushes: [UInt8] = [0x01, 0x02, 0x05, 0x14, 0x21, 0x4b, 0x4c, 0x4d, 0x4e]
        var complete = 0, incomplete = 0
        for _ in 0..<4000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(rng.next() % 40) {
                let r = rng.next()
                switch r % 4 {
                case 0 where r % 3 == 0: bytes.append(pushes[Int((r >> 8) % UInt64(pushes.count))])
                case 1: bytes.append(UInt8((r >> 8) % 4))
                default: bytes.append(0x4f + UInt8((r >> 8) % 0xb1))   // OP_1NEGATE ... 0xff: no pushes
                }
            }
            let (ops, isComplete) = Script(bytes).parsedOperations
            let covered = ops.flatMap(Self.encode)
            #expect(Array(bytes.prefix(covered.count)) == covered)
            if isComplete {
                complete += 1
                #expect(covered == bytes)
                #expect(Script(bytes).operations == ops)
            } else {
                incomplete += 1
                #expect(covered.count < bytes.count)
                #expect(Script(bytes).operations == nil)
            }
        }
        #expect(complete > 1000, "\(complete) complete, \(incomplete) incomplete")
        #expect(incomplete > 1000, "\(complete) complete, \(incomplete) incomplete")
    }
}
