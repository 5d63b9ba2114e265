import FluxEquihash
import FluxTestSupport
import Testing

/// BLAKE2b known answers. Expected values other than RFC 7693's come from CPython's `hashlib.blake2b`
/// (an independent implementation), computed once and pasted here; inputs are `patternBytes(len)`.
@Suite struct Blake2bTests {
    @Test func rfc7693Abc() {
        let digest = Blake2b.hash(Array("abc".utf8))
        #expect(hexString(digest) == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
    }

    /// hashlib.blake2b(patternBytes(len), digest_size=50, person=b"ZcashPoW" + le32(200) + le32(9)).
    static let zcashPersonalised: [(Int, String)] = [
        (0, "42fadb7376483e2167dbb245215129da15280a65062e68cf07cc9bc3f71905b8070472455b9fc809308919b7834c78b40726"),
        (1, "268c92a52e366ecc06a2fa4eaf210ca6f8682db367c7e5339e627bda6fe79f7ab9a06c926d10d4288863e27007857636f737"),
        (3, "e26a94249544cdfea239b9f3b56abd50aeaf34afce8812ec4ae29881598138734bd13b4a4a0e04b20a5cea131937f184b719"),
        (111, "126ea062e4a66d013fa1b617af10eff77bf3506a5999dc47d2a0f58f0d8096ec18d30a8c8f03304b49520d0d8d4bfd79ebe2"),
        (127, "49636d42ee8df2636870f72921842635ee74e9519976213e772a059bca7e706beb14a8fa9fbc3e9eefa17084e40f5de52d7c"),
        (128, "0bef983a645d98f0dc64765ef93b8afa8cc3e0d5c4208b1d2b4ac9dd12db0ffe5687bbac94d5929b7c79ca2e136e8e55c99c"),
        (129, "05de39416f4540975c9dd35885fc965943e88e138e1d0f9b4464121e4a3730fb88f644e2d1107f9815b8e22599ec642afd85"),
        (140, "9a8287d10adfa064b512a2e92f23c524b55e5c758b2525dde637a2fb8935a6b86122c831b2d61001a6a8a0a85de35aa0d282"),
        (144, "26ae7b8351b827ccd00eb0b7311afa3d9f2c1e40a5ebbea2788b4ab7fbae3107f78a5e47bb8193cf599157e2ddc5555a5a19"),
        (255, "dba5df3d68232b173ace5c3b0f192326f36ae0f22f32a5fc6a1d2ab14be1e6aeee412bb5816506f2e6747cb5b39c81f041df"),
        (256, "f5fd49c19b1d32680ea64036b6b67a0c3b4b81e01f15571a9be51f9152b01bb77aa7ed41f94e9979d82cb637e3e6f299fa62"),
        (257, "3e6e7e5d267b872c2b69a04a76ab4f741fff43fb6cce170e6a3b2a9bf85ba1f726c4fe105ac30eb9ca2e0e2cf99378fdd3d4"),
        (1000, "468bce34c45355aa32c07a1173895593e8fdcb3fbc6ac79f5db6b6bc08be46568a43eb17d6de71e39f98e06c553c17e679af"),
    ]

    @Test(arguments: zcashPersonalised)
    func personalisedMatchesHashlib(length: Int, expected: String) {
        let person = EquihashParameters.zcash200_9.blake2bPersonalization
        let data = patternBytes(length)
        #expect(hexString(Blake2b.hash(data, digestLength: 50, personalization: person)) == expected)
        // Streaming in uneven pieces gives the same digest.
        var state = Blake2b(digestLength: 50, personalization: person)
        var offset = 0
        var piece = 1
        while offset < data.count {
            let end = min(data.count, offset + piece)
            state.update(data[offset..<end])
            offset = end
            piece = piece * 3 + 1
        }
        #expect(hexString(state.finalize()) == expected)
    }

    /// hashlib.blake2b(patternBytes(200), digest_size=d, person=b"ZelProof" + le32(125) + le32(4)).
    @Test(arguments: [
        (1, "a1"),
        (20, "8c307df73355375d4919c254fe05bbdb4f2eefe9"),
        (32, "ef28c57fc70ba8f210d1e8315c26e41337105136a8896322d523646720fd53a2"),
        (64, "b6940ee469a9efd2491e63bf7d9b6012204cbc455c22d01f09352c8b8272a973"
            + "948a3a2e4f5fb7e7a97a109222548d353973e6c4e242c35e9734826317525585"),
    ])
    func digestLengths(length: Int, expected: String) {
        let person = EquihashParameters.zelHash125_4.blake2bPersonalization
        #expect(hexString(Blake2b.hash(patternBytes(200), digestLength: length, personalization: person)) == expected)
    }

    @Test func keyAndSalt() {
        let key = (0..<64).map { UInt8($0) }
        #expect(hexString(Blake2b.hash(patternBytes(100), digestLength: 32, key: key))
            == "ee2790d84565b41baba92fa7551da4995cf5b0ac8942159efa93d8ea118758b3")
        #expect(hexString(Blake2b.hash([UInt8](), digestLength: 64, key: key))
            == "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786"
            + "b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568")
        var salted = Blake2b(digestLength: 32, salt: Array("0123456789abcdef".utf8),
                             personalization: Array("abc".utf8))
        salted.update(patternBytes(10))
        #expect(hexString(salted.finalize()) == "8588b90192acab5473879214db45b0dfdf46b4402a822db0e66f39ae8c56910c")
    }

    /// A copy of a state is a mid-state: finalising copies with different suffixes costs only the suffix blocks.
    @Test func midStateCopies() {
        let person = EquihashParameters.zcash200_9.blake2bPersonalization
        var base = Blake2b(digestLength: 50, personalization: person)
        base.update(patternBytes(140))
        #expect(base.compressions == 1)
        for g: UInt32 in [0, 1, 77, 1_000_000] {
            var copy = base
            copy.update(withUnsafeBytes(of: g.littleEndian) { Array($0) })
            let once = Blake2b.hash(patternBytes(140) + withUnsafeBytes(of: g.littleEndian) { Array($0) },
                                    digestLength: 50, personalization: person)
            #expect(copy.finalize() == once)
            #expect(copy.compressions == 1)  // finalize() does not mutate; the tail costs one more
        }
        #expect(base.finalize() == Blake2b.hash(patternBytes(140), digestLength: 50, personalization: person))
    }

    /// Equihash's per-counter hashing (mid-state + tail, one or two tail blocks when le32(g) straddles a block
    /// boundary) equals a plain BLAKE2b of input ‖ nonce ‖ le32(g), for prefix lengths around block boundaries.
    @Test func counterHashingMatchesPlainHash() throws {
        for p in [EquihashParameters.zcash200_9, .zcash48_5] {
            for length in [0, 1, 44, 123, 124, 125, 126, 127, 128, 129, 140, 252, 253, 255, 256, 300] {
                let prefix = patternBytes(length)
                for g: UInt32 in [0, 3, 0xFFFF_FFFF] {
                    let counter = withUnsafeBytes(of: g.littleEndian) { Array($0) }
                    let plain = Blake2b.hash(prefix + counter, digestLength: p.digestLength,
                                             personalization: p.blake2bPersonalization)
                    let split = min(length, 7)
                    #expect(Equihash.hashOutput(p, input: prefix[0..<split], nonce: prefix[split...], counter: g) == plain,
                            "\(p) prefix \(length) g \(g)")
                }
            }
        }
    }
}
