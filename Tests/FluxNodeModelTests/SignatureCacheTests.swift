@testable import FluxNodeModel
import FluxPrimitives
import FluxScript
import Testing

@Suite struct SignatureCacheTests {
    @Test func onlySuccessesAreRememberedAndTheKeyIsPartOfTheEntry() {
        let cache = FluxNodeSignatureCache(capacity: 2)
        let ledger = FluxNodeLedger(network: .regtest(), signatureCache: cache)
        let key = PrivateKey.generate(), other = PrivateKey.generate()
        let message = Array("COutPoint(1a2b3c4d5e, 0)011700000000".utf8)
        let signature = MessageSigner.sign(message, with: key)
        #expect(ledger.verifyMessage(message, signature: signature, key: key.publicKey().bytes))
        #expect(cache.count == 1)
        #expect(ledger.verifyMessage(message, signature: signature, key: key.publicKey().bytes))
        // The same signature does not pass for another key, cached or not, and a failure is not stored.
        #expect(!ledger.verifyMessage(message, signature: signature, key: other.publicKey().bytes))
        #expect(!ledger.verifyMessage(message, signature: [UInt8](repeating: 7, count: 65), key: key.publicKey().bytes))
        #expect(cache.count == 1)
        // Bounded: the oldest entries make room.
        for i in 0..<3 {
            let m = Array("message \(i)".utf8)
            #expect(ledger.verifyMessage(m, signature: MessageSigner.sign(m, with: key), key: key.publicKey().bytes))
        }
        #expect(cache.count == 2)
    }
}
