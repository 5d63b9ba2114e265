import FluxPrimitives
import FluxTestSupport
import Testing
@testable import FluxScript

@Suite struct KeyTests {
    /// The secret 1: its public key is the generator G.
    static let one = PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [1])!

    @Test func secretOneGivesTheGenerator() {
        #expect(hexString(Self.one.publicKey(compressed: true).bytes)
                == "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
        let uncompressed = Self.one.publicKey(compressed: false)
        #expect(uncompressed.bytes.count == 65 && !uncompressed.isCompressed && uncompressed.isFullyValid)
        #expect(uncompressed.serialized(compressed: true) == Self.one.publicKey().bytes)
    }

    @Test func rejectsInvalidSecrets() {
        #expect(PrivateKey(bytes: [UInt8](repeating: 0, count: 32)) == nil)
        #expect(PrivateKey(bytes: [UInt8](repeating: 0xff, count: 32)) == nil)
        #expect(PrivateKey(bytes: [1, 2, 3]) == nil)
    }

    @Test func publicKeyValidity() {
        let g = Self.one.publicKey()
        #expect(g.isValid && g.isFullyValid && g.isCompressed)
        #expect(!PublicKey([]).isValid)
        #expect(!PublicKey([0x02] + [UInt8](repeating: 0, count: 31)).isValid)
        var offCurve = g.bytes
        offCurve[1] ^= 0xff
        offCurve[32] ^= 0x55
        #expect(PublicKey(offCurve).isValid)
        #expect(PublicKey(parsing: [0x05] + [UInt8](repeating: 1, count: 32)) == nil)
        #expect(g.hash160 == Hashing.hash160(g.bytes))
    }

    @Test(arguments: [true, false])
    func signThenVerify(compressed: Bool) {
        let key = PrivateKey.generate()
        let pub = key.publicKey(compressed: compressed)
        let digest = Hashing.sha256d(Array("flux".utf8))
        let sig = key.sign(digest32: digest)
        #expect(SignatureEncoding.isStrictDER(sig + [1]))
        #expect(PublicKey.isLowS(signatureDER: sig))
        #expect(pub.verify(signatureDER: sig, digest32: digest, lowS: true))
        #expect(!pub.verify(signatureDER: sig, digest32: Hashing.sha256d(Array("flux!".utf8))))
        #expect(!PrivateKey.generate().publicKey().verify(signatureDER: sig, digest32: digest))
        // RFC 6979: deterministic.
        #expect(key.sign(digest32: digest) == sig)
    }

    @Test func highSVerifiesOnlyWithoutLowSRequirement() throws {
        let key = PrivateKey.generate()
        let digest = Hashing.sha256d([1, 2, 3])
        let sig = key.sign(digest32: digest)
        let high = try #require(Self.negateS(sig))
        #expect(SignatureEncoding.isStrictDER(high + [1]))
        #expect(!PublicKey.isLowS(signatureDER: high))
        #expect(key.publicKey().verify(signatureDER: high, digest32: digest, lowS: false))
        #expect(!key.publicKey().verify(signatureDER: high, digest32: digest, lowS: true))
    }

    @Test(arguments: [true, false])
    func compactSignatureRecoversTheKey(compressed: Bool) throws {
        let key = PrivateKey.generate()
        let digest = Hashing.sha256d(Array("recover me".utf8))
        let sig = key.signCompact(digest32: digest, compressed: compressed)
        #expect(sig.count == 65)
        #expect((27...34).contains(sig[0]) && (sig[0] >= 31) == compressed)
        let recovered = try #require(PublicKey.recover(compactSignature65: sig, digest32: digest))
        #expect(recovered == key.publicKey(compressed: compressed))
        #expect(PublicKey.recover(compactSignature65: Array(sig.dropLast()), digest32: digest) == nil)
    }

    @Test func messageSignerDigestLayout() {
        var expected: [UInt8] = [24] + Array("Zelcash Signed Message:\n".utf8) + [5] + Array("hello".utf8)
        #expect(MessageSigner.digest("hello") == Hashing.sha256d(expected))
        expected = [24] + Array("Zelcash Signed Message:\n".utf8) + [0]
        #expect(MessageSigner.digest([]) == Hashing.sha256d(expected))
    }

    @Test func fluxNodeConfirmMessageRoundTrip() throws {
        let collateral = OutPoint(hash: try #require(Hash256(displayHex: String(repeating: "1a2b3c4d5e", count: 6)
                                                                    + "abcd")), index: 0)
        let message = collateral.shortDescription + "0" + "1" + "1700000000"
        #expect(message == "COutPoint(1a2b3c4d5e, 0)011700000000")
        let key = PrivateKey.generate()
        let sig = MessageSigner.sign(message, with: key, compressed: true)
        #expect(MessageSigner.verify(message, signature: sig, key: key.publicKey(compressed: true)))
        // The key id of the other form differs, so it must not verify.
        #expect(!MessageSigner.verify(message, signature: sig, key: key.publicKey(compressed: false)))
        #expect(!MessageSigner.verify(message + "0", signature: sig, key: key.publicKey(compressed: true)))
        let uncompressedSig = MessageSigner.sign(message, with: key, compressed: false)
        #expect(MessageSigner.verify(message, signature: uncompressedSig, key: key.publicKey(compressed: false)))
    }

    @Test func concurrentVerificationAgrees() async {
        let key = PrivateKey.generate()
        let pub = key.publicKey()
        let cases = (0..<64).map { i -> (Hash256, [UInt8]) in
            let d = Hashing.sha256d([UInt8(i)])
            return (d, key.sign(digest32: d))
        }
        let results = await withTaskGroup(of: Bool.self) { group in
            for (d, s) in cases { group.addTask { pub.verify(signatureDER: s, digest32: d) } }
            var all: [Bool] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 64 && results.allSatisfy { $0 })
    }

    /// Replaces S by n − S in a DER signature (re-encoding its length).
    static func negateS(_ der: [UInt8]) -> [UInt8]? {
        let order: [UInt8] = hexBytes("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        let lenR = Int(der[3])
        let r = Array(der[4..<(4 + lenR)])
        let lenS = Int(der[5 + lenR])
        var s = Array(der[(6 + lenR)..<(6 + lenR + lenS)])
        while s.count > 32 { s.removeFirst() }
        s = [UInt8](repeating: 0, count: 32 - s.count) + s
        var out = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            var v = Int(order[i]) - Int(s[i]) - borrow
            borrow = v < 0 ? 1 : 0
            if v < 0 { v += 256 }
            out[i] = UInt8(v)
        }
        while out.count > 1 && out[0] == 0 && out[1] & 0x80 == 0 { out.removeFirst() }
        if out[0] & 0x80 != 0 { out.insert(0, at: 0) }
        let body = [0x02, UInt8(r.count)] + r + [0x02, UInt8(out.count)] + out
        return [0x30, UInt8(body.count)] + body
    }
}
