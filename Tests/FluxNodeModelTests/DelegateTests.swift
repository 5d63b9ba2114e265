import FluxPrimitives
import FluxScript
import Testing
@testable import FluxNodeModel

@Suite struct DelegateTests {
    static let pon = ["kamata": 0, "flux": 0, "halving": 0, "p2shnodes": 0, "pon": 0]

    @Test func startStoresDelegatesAndADelegateMaySignALaterStart() throws {
        let h = Harness(upgrades: Self.pon, subsidy: 14 * coin)
        let node = h.newNode(1, value: 1_000 * coin)
        let delegate = testKey(60)
        let update = FluxNodeDelegates(version: 1, type: 1, keys: [delegate.publicKey().bytes])
        let start = FluxNodeTransactions.signStart(
            FluxNodeTransactions.unsignedStart(collateral: node.collateral, collateralPubKey: node.collateralKey.publicKey().bytes,
                                               operatorPubKey: node.operatorKey.publicKey().bytes, sigTime: 1, delegates: update),
            with: node.collateralKey)
        // Before PoN the delegates bit is not a valid nFluxTxVersion.
        let early = Harness(upgrades: ["kamata": 0, "p2shnodes": 0])
        let earlyNode = early.newNode(1, value: 1_000 * coin)
        #expect(earlyNode.collateral == node.collateral)
        #expect(rejectionCode { try early.check(start) } == "tx-bit-features-not-active")
        // Too many or uncompressed delegate keys are rejected.
        for bad in [FluxNodeDelegates(version: 1, type: 1, keys: (61...65).map { testKey(UInt8($0)).publicKey().bytes }),
                    FluxNodeDelegates(version: 1, type: 1, keys: [delegate.publicKey(compressed: false).bytes]),
                    FluxNodeDelegates(version: 2, type: 1, keys: [])] {
            let tx = FluxNodeTransactions.signStart(
                FluxNodeTransactions.unsignedStart(collateral: node.collateral, collateralPubKey: node.collateralKey.publicKey().bytes,
                                                   operatorPubKey: node.operatorKey.publicKey().bytes, sigTime: 1, delegates: bad),
                with: node.collateralKey)
            #expect(rejectionCode { try h.check(tx) } == "bad-txns-fluxnode-tx-delegate-data-invalid")
        }
        try h.connect([start])  // 100
        #expect(try h.ledger.delegateKeys(node.collateral, h.store) == [delegate.publicKey().bytes])
        // Unconfirmed: DoS at 100 + 240, released at 340 + 720 - ... (PoN: added ≤ H − 720).
        try h.mine(to: 340)
        #expect(try h.record(node)?.status == .dos)
        try h.mine(to: 820)
        #expect(try h.record(node) == nil)
        // A START signed by the delegate (SIGNING) is accepted; the same START signed by a stranger is not.
        let signing = FluxNodeDelegates(version: 1, type: 2, keys: [])
        let unsigned = FluxNodeTransactions.unsignedStart(collateral: node.collateral,
                                                          collateralPubKey: node.collateralKey.publicKey().bytes,
                                                          operatorPubKey: testKey(70).publicKey().bytes, sigTime: 2,
                                                          delegates: signing)
        #expect(rejectionCode { try h.check(FluxNodeTransactions.signStart(unsigned, with: testKey(71))) }
                == "bad-txns-fluxnode-tx-invalid-signature")
        try h.connect([FluxNodeTransactions.signStart(unsigned, with: delegate)])
        #expect(try h.record(node)?.status == .started)
        #expect(try h.record(node)?.operatorPubKey == testKey(70).publicKey().bytes)
    }
}
