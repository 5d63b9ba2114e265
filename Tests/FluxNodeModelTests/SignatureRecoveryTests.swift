@testable import FluxNodeModel
import FluxPrimitives
import FluxScript
import Testing

@Suite struct SignatureRecoveryTests {
    /// A block of ten CONFIRMs has its keys recovered in a batch; the verdicts are those of the ordered checks,
    /// including a refusal for a CONFIRM signed by the wrong operator key.
    @Test func aBlockOfManyConfirmsIsJudgedWithKeysRecoveredInABatch() throws {
        let h = Harness()
        let nodes = (1...10).map { h.newNode(UInt8($0), value: 1_000 * coin) }
        try h.connect(nodes.map { h.startTx($0) })

        var confirms = nodes.map { h.confirmTx($0) }
        let impostor = TestNode(collateralKey: nodes[6].collateralKey, operatorKey: testKey(99), collateral: nodes[6].collateral)
        confirms[6] = h.confirmTx(impostor)
        let batch = h.ledger.withRecoveredSignatures(of: block( confirms))
        #expect(batch.recoveries != nil, "20 signatures are recovered in a batch")
        #expect(rejectionCode { try h.connect(confirms) } == "bad-txns-fluxnode-tx-invalid-signature")
        #expect(try h.ledger.counts(store: h.store).started == 10, "the refused block changed nothing")

        // A recovery that fails (a signature with a bad header byte) is a failed check, not a crash or a pass.
        var garbled = nodes.map { h.confirmTx($0) }
        if case var .confirm(cf)? = garbled[3].fluxNode {
            cf.sig[0] = 0
            garbled[3].fluxNode = .confirm(cf)
        }
        #expect(rejectionCode { try h.connect(garbled) } == "bad-txns-fluxnode-tx-invalid-signature")

        try h.connect(nodes.map { h.confirmTx($0) })
        #expect(try h.ledger.counts(store: h.store).cumulus == 10)

        // Few signatures are not worth threads; CONFIRMs already in the signature cache are skipped.
        #expect(h.ledger.withRecoveredSignatures(of: block( Array(confirms.prefix(3)))).recoveries == nil)
        let cached = FluxNodeLedger(network: h.network, signatureCache: FluxNodeSignatureCache())
        for tx in confirms { _ = try? cached.check(tx, height: h.height, store: h.store, utxo: { h.coins[$0] }) }
        #expect(cached.withRecoveredSignatures(of: block( confirms)).recoveries == nil)
    }

    private func block(_ transactions: [Transaction]) -> Block {
        Block(header: BlockHeader(version: 4, previousBlockHash: .zero, merkleRoot: .zero, time: 0, bits: 0,
                                  proof: .work(nonce: .zero, solution: [])),
              transactions: transactions)
    }
}
