import FluxPrimitives
import FluxScript
import Testing
@testable import FluxNodeModel

@Suite struct LifecycleTests {
    @Test func startThenInitialConfirmMakesConfirmedNodeWithTierFromAmount() throws {
        let h = Harness()
        let node = h.newNode(1, value: 1_000 * coin)
        try h.connect([h.startTx(node)])  // height 100
        var r = try #require(try h.record(node))
        #expect(r.status == .started && r.tier == .cumulus && r.addedHeight == 100 && r.collateralValue == 1_000 * coin)
        #expect(try h.ledger.counts(store: h.store) == FluxNodeCounts(cumulus: 0, nimbus: 0, stratus: 0, started: 1, dos: 0))
        // Not yet confirmed: no operator key.
        #expect(try h.ledger.operatorKey(node.collateral, store: h.store) == nil)
        try h.connect([h.confirmTx(node, tier: 1)])  // height 101
        r = try #require(try h.record(node))
        #expect(r.status == .confirmed && r.confirmedHeight == 101 && r.lastConfirmedHeight == 101 && r.lastPaidHeight == 0)
        #expect(r.ip == "203.0.113.5:16125")
        #expect(try h.ledger.operatorKey(node.collateral, store: h.store) == node.operatorKey.publicKey().bytes)
        #expect(try h.list(.cumulus) == [node.collateral])
        #expect(try h.ledger.counts(store: h.store).cumulus == 1)
        #expect(try h.ledger.started(store: h.store).isEmpty)
    }

    @Test func collateralAmountsFollowTheTransitionWindows() throws {
        // Regtest windows: Cumulus and Nimbus [0, 1000), Stratus [0, 100).
        let h = Harness(height: 149)
        let stratusV1 = h.newNode(1, value: 100_000 * coin)
        let stratusV2 = h.newNode(2, value: 40_000 * coin)
        let cumulusV1 = h.newNode(3, value: 10_000 * coin)
        let nimbusV2 = h.newNode(4, value: 12_500 * coin)
        let odd = h.newNode(5, value: 999 * coin)
        #expect(rejectionCode { try h.check(h.startTx(stratusV1)) } == "bad-txns-fluxnode-tx-inputs-missingorspent-Couldn't get coin tier from amount")
        #expect(rejectionCode { try h.check(h.startTx(odd)) } == "bad-txns-fluxnode-tx-inputs-missingorspent-Couldn't get coin tier from amount")
        try h.connect([h.startTx(stratusV2), h.startTx(cumulusV1), h.startTx(nimbusV2)])
        #expect(try h.record(stratusV2)?.tier == .stratus)
        #expect(try h.record(cumulusV1)?.tier == .cumulus)
        #expect(try h.record(nimbusV2)?.tier == .nimbus)
        // Past the Cumulus window only V2 is valid.
        let h2 = Harness(height: 1_199)
        let late = h2.newNode(6, value: 10_000 * coin)
        #expect(rejectionCode { try h2.check(h2.startTx(late)) } == "bad-txns-fluxnode-tx-inputs-missingorspent-Couldn't get coin tier from amount")
        // And the table itself.
        #expect(h.network.collateralAmounts(.stratus, at: 99) == [100_000 * coin, 40_000 * coin])
        #expect(h.network.collateralAmounts(.stratus, at: 100) == [40_000 * coin])
        #expect(FluxNodeNetwork.mainnet.collateralAmounts(.cumulus, at: 1_076_531) == [10_000 * coin])
        #expect(FluxNodeNetwork.mainnet.collateralAmounts(.cumulus, at: 1_086_612) == [1_000 * coin])
    }

    @Test func startNotConfirmedInTimeGoesToDosThenLeaves() throws {
        let h = Harness()
        let node = h.newNode(1, value: 1_000 * coin)
        try h.connect([h.startTx(node)])  // 100
        try h.mine(to: 159)
        #expect(try h.record(node)?.status == .started)
        try h.connect()  // 160 = 100 + 60
        #expect(try h.record(node)?.status == .dos)
        #expect(try h.ledger.dos(store: h.store).map(\.collateral) == [node.collateral])
        #expect(try h.ledger.counts(store: h.store) == FluxNodeCounts(cumulus: 0, nimbus: 0, stratus: 0, started: 0, dos: 1))
        #expect(rejectionCode { try h.check(h.startTx(node, sigTime: 1_700_000_500)) } == "fluxnode-tx-already-in-chain-or-waiting-for-dos-unban")
        #expect(rejectionCode { try h.check(h.confirmTx(node)) } == "fluxnode-tx-invalid-confirm-outpoint-not-started")
        try h.mine(to: 279)
        #expect(try h.record(node)?.status == .dos)
        try h.connect()  // 280 = 100 + 180
        #expect(try h.record(node) == nil)
        #expect(try h.ledger.counts(store: h.store).dos == 0)
        try h.connect([h.startTx(node, sigTime: 1_700_000_500)])
        #expect(try h.record(node)?.status == .started)
    }

    @Test func confirmOnTheLastAllowedBlockKeepsTheStart() throws {
        let h = Harness()
        let node = h.newNode(1, value: 1_000 * coin)
        try h.connect([h.startTx(node)])  // 100
        try h.mine(to: 159)
        try h.connect([h.confirmTx(node)])  // 160: confirmed in the block that would DoS it
        #expect(try h.record(node)?.status == .confirmed)
    }

    @Test func confirmedNodeThatStopsConfirmingExpires() throws {
        let h = Harness()  // no Flux upgrade: expiry after more than 60 blocks
        let node = h.newNode(1, value: 1_000 * coin)
        try h.startAndConfirm([node])  // confirmed at 101
        try h.mine(to: 161)
        #expect(try h.record(node)?.status == .confirmed)  // 101 < 161 - 60 is false
        try h.connect()  // 162
        #expect(try h.record(node) == nil)
        #expect(try h.list(.cumulus).isEmpty)
        #expect(try h.ledger.counts(store: h.store).cumulus == 0)
    }

    @Test func expiryWalkStartsAtTheFloorAndSurvivesAWiderWindow() throws {
        // Flux from 200 widens the window from 60 to 80 blocks; the floor left by earlier blocks stays higher than
        // the new threshold, and nodes still expire exactly when the wider window says.
        let h = Harness(upgrades: ["kamata": 0, "flux": 200])
        func floor() throws -> [UInt8]? { try h.store.get([0x09]) }
        let a = h.newNode(1, value: 1_000 * coin), b = h.newNode(2, value: 1_000 * coin)
        try h.startAndConfirm([a])  // confirmed at 101
        try h.mine(to: 161)
        #expect(try floor() == [0, 0, 0, 101])
        try h.connect()  // 162: 101 < 102
        #expect(try h.record(a) == nil)
        #expect(try floor() == [0, 0, 0, 102])
        try h.mine(to: 169)
        try h.startAndConfirm([b])  // confirmed at 171
        try h.mine(to: 200)  // 200: threshold 120, below the floor 139 the block before left
        #expect(try floor() == [0, 0, 0, 139])
        try h.mine(to: 251)  // the old window would have expired b at 232
        #expect(try h.record(b)?.status == .confirmed)
        try h.connect()  // 252: 171 < 172
        #expect(try h.record(b) == nil)
        #expect(try floor() == [0, 0, 0, 172])
        // A node confirmed below the floor cannot exist: every confirm is at the block's height.
        #expect(try h.ledger.counts(store: h.store).cumulus == 0)
    }

    @Test func expiryWindowsByEra() {
        let n = FluxNodeNetwork.mainnet
        #expect(n.confirmExpiration(at: 835_553) == 60 && n.confirmExpiration(at: 835_554) == 80)
        #expect(n.confirmExpiration(at: 1_076_532) == 160 && n.confirmExpiration(at: 2_020_000) == 640)
        #expect(n.startExpiration(at: 2_019_999) == 60 && n.startExpiration(at: 2_020_000) == 240)
        #expect(n.dosRemoval(at: 2_019_999) == 180 && n.dosRemoval(at: 2_020_000) == 720)
        #expect(n.updateMinDistance(at: 1_076_531) == 40 && n.updateMinDistance(at: 1_076_532) == 120)
        #expect(n.updateMinDistance(at: 2_020_000) == 500)
    }

    @Test func spendingTheCollateralRemovesTheNode() throws {
        let h = Harness()
        let a = h.newNode(1, value: 1_000 * coin), b = h.newNode(2, value: 1_000 * coin)
        try h.startAndConfirm([a, b])
        try h.connect(spends: [a.collateral])
        #expect(try h.record(a) == nil)
        #expect(try h.list(.cumulus) == [b.collateral])
    }

    @Test func updateConfirmDistanceRules() throws {
        // Before Flux: an UPDATE_CONFIRM needs distance > 40, ip changes included.
        let h = Harness()
        let node = h.newNode(1, value: 1_000 * coin)
        try h.startAndConfirm([node])  // 101
        try h.mine(to: 140)
        #expect(rejectionCode { try h.check(h.confirmTx(node, update: 1, sigTime: 1_700_000_200)) } == "fluxnode-tx-invalid-update-confirm-outpoint-not-confirmed-or-too-soon")
        #expect(rejectionCode { try h.check(h.confirmTx(node, update: 1, ip: "198.51.100.7:16125")) } == "fluxnode-tx-invalid-update-confirm-outpoint-not-confirmed-or-too-soon")
        try h.connect()  // 141
        try h.connect([h.confirmTx(node, update: 1, sigTime: 1_700_000_200)])  // 142: distance 41
        #expect(try h.record(node)?.lastConfirmedHeight == 142)
        #expect(try h.record(node)?.confirmedHeight == 101)

        // Flux and Halving: distance > 120, or ≥ 5 with a changed ip.
        let f = Harness(upgrades: ["kamata": 0, "flux": 0, "halving": 0])
        let n2 = f.newNode(2, value: 1_000 * coin)
        try f.startAndConfirm([n2])  // 101
        try f.mine(to: 104)
        #expect(rejectionCode { try f.check(f.confirmTx(n2, update: 1, ip: "198.51.100.7:16125")) } == "fluxnode-tx-invalid-update-confirm-outpoint-not-confirmed-or-too-soon")
        try f.connect()  // 105
        try f.connect([f.confirmTx(n2, update: 1, ip: "198.51.100.7:16125")])  // 106: distance 5 with new ip
        #expect(try f.record(n2)?.ip == "198.51.100.7:16125")
        try f.mine(to: 225)
        #expect(rejectionCode { try f.check(f.confirmTx(n2, update: 1, ip: "198.51.100.7:16125")) } == "fluxnode-tx-invalid-update-confirm-outpoint-not-confirmed-or-too-soon")
        try f.connect()  // 226
        try f.connect([f.confirmTx(n2, update: 1, ip: "198.51.100.7:16125")])  // 227: distance 121
        #expect(try f.record(n2)?.lastConfirmedHeight == 227)
        // An UPDATE_CONFIRM for a node that is only STARTED is rejected.
        let n3 = f.newNode(3, value: 1_000 * coin)
        try f.connect([f.startTx(n3)])
        #expect(rejectionCode { try f.check(f.confirmTx(n3, update: 1)) } == "fluxnode-tx-invalid-update-confirm-outpoint-not-confirmed")
    }

    @Test func nodeUpdatedInTheExpiryBlockIsKept() throws {
        let h = Harness()
        let node = h.newNode(1, value: 1_000 * coin)
        try h.startAndConfirm([node])  // 101
        try h.mine(to: 161)
        try h.connect([h.confirmTx(node, update: 1, sigTime: 1_700_000_300)])  // 162 would expire it
        #expect(try h.record(node)?.lastConfirmedHeight == 162)
    }

    @Test func rejectionsHaveSpecificCodes() throws {
        let h = Harness()
        let node = h.newNode(1, value: 40_000 * coin)
        // START signed by another key.
        var forged = h.startTx(node)
        forged = FluxNodeTransactions.signStart(forged, with: testKey(77))
        #expect(rejectionCode { try h.check(forged) } == "bad-txns-fluxnode-tx-invalid-signature")
        // START whose collateral key does not own the output.
        let wrongOwner = FluxNodeTransactions.start(collateral: node.collateral, collateralKey: testKey(78),
                                                    operatorPubKey: node.operatorKey.publicKey().bytes, sigTime: 1)
        #expect(rejectionCode { try h.check(wrongOwner) } == "fluxnode-tx-destinations-didn't-match")
        // Immature and missing collateral.
        let young = h.newNode(2, value: 1_000 * coin, coinHeight: 50)
        #expect(rejectionCode { try h.check(h.startTx(young)) } == "bad-txns-fluxnode-tx-inputs-missingorspent-Minimum height requirement not met")
        let ghost = TestNode(collateralKey: testKey(3), operatorKey: testKey(4),
                             collateral: OutPoint(hash: Hashing.sha256d([1, 2, 3]), index: 0))
        #expect(rejectionCode { try h.check(h.startTx(ghost)) } == "fluxnode-tx-coins-not-found")
        // CONFIRM for an unknown node.
        #expect(rejectionCode { try h.check(h.confirmTx(node)) } == "fluxnode-tx-unknown-collateral")
        // Replayed START.
        try h.connect([h.startTx(node)])
        #expect(rejectionCode { try h.check(h.startTx(node)) } == "fluxnode-tx-already-in-chain-or-waiting-for-dos-unban")
        #expect(rejectionCode { try h.connect([h.startTx(node)]) } == "fluxnode-tx-already-in-chain-or-waiting-for-dos-unban")
        // Benchmark tier below the collateral tier (a Stratus collateral benchmarked as Nimbus).
        #expect(rejectionCode { try h.check(h.confirmTx(node, tier: 2)) } == "fluxnode-tx-benchmark-tier-to-low-for-collateral")
        #expect(rejectionCode { try h.check(h.confirmTx(node, tier: 4)) } == "bad-txns-fluxnode-tx-invalid-benchmark-tier")
        // CONFIRM signed by the wrong operator key, and a benchmark signed by the wrong key.
        let badOperator = TestNode(collateralKey: node.collateralKey, operatorKey: testKey(90), collateral: node.collateral)
        #expect(rejectionCode { try h.check(h.confirmTx(badOperator)) } == "bad-txns-fluxnode-tx-invalid-signature")
        let badBench = FluxNodeTransactions.confirm(collateral: node.collateral, updateType: 0, sigTime: 5, benchmarkTier: 3,
                                                    benchmarkSigTime: 6, ip: "1.2.3.4", operatorKey: node.operatorKey,
                                                    benchmarkKey: testKey(91))
        #expect(rejectionCode { try h.check(badBench) } == "bad-txns-fluxnode-tx-invalid-signature")
        // Same block START + CONFIRM is impossible; a proper CONFIRM in the next block works.
        try h.connect([h.confirmTx(node)])
        #expect(try h.record(node)?.status == .confirmed)
        #expect(rejectionCode { try h.check(h.startTx(node, sigTime: 3)) } == "fluxnode-tx-already-in-confirm-chain")
        // Two transactions for one collateral in a block (a failed connect leaves the store unusable: fresh chain).
        let dup = Harness()
        let n1 = dup.newNode(8, value: 1_000 * coin)
        try dup.connect([dup.startTx(n1)])
        #expect(rejectionCode { try dup.connect([dup.confirmTx(n1), dup.confirmTx(n1, sigTime: 9)]) } == "bad-fluxnode-tx-multiple")
        // FluxNode transactions before Kamata, and v6 before P2SHNodes.
        let pre = Harness(upgrades: [:])
        let n2 = pre.newNode(5, value: 1_000 * coin)
        #expect(rejectionCode { try pre.check(pre.startTx(n2)) } == "tx-fluxnodes-not-active")
        let h6 = Harness()
        let n3 = h6.newNode(6, value: 1_000 * coin)
        #expect(rejectionCode { try h6.check(h6.startTx(n3, version: 6)) } == "tx-p2shnodes-not-active")
        let ok6 = Harness(upgrades: ["kamata": 0, "p2shnodes": 0])
        let n4 = ok6.newNode(7, value: 1_000 * coin)
        try ok6.check(ok6.startTx(n4, version: 6))
    }

    @Test func uncompressedCollateralKeyMustMatchItsForm() throws {
        let h = Harness()
        let node = h.newNode(1, value: 1_000 * coin, compressed: false)
        let good = FluxNodeTransactions.start(collateral: node.collateral, collateralKey: node.collateralKey, compressed: false,
                                              operatorPubKey: node.operatorKey.publicKey().bytes, sigTime: 1)
        try h.check(good)
        // Same key, signed with the compressed flag: the recovered key id differs.
        let tx = FluxNodeTransactions.unsignedStart(collateral: node.collateral,
                                                    collateralPubKey: node.collateralKey.publicKey(compressed: false).bytes,
                                                    operatorPubKey: node.operatorKey.publicKey().bytes, sigTime: 1)
        let mismatched = FluxNodeTransactions.signStart(tx, with: node.collateralKey, compressed: true)
        #expect(rejectionCode { try h.check(mismatched) } == "bad-txns-fluxnode-tx-invalid-signature")
    }

    @Test func p2shStartWithTwoOfThreeMultisig() throws {
        let h = Harness(upgrades: ["kamata": 0, "flux": 0, "halving": 0, "p2shnodes": 0])
        let keys = [testKey(31), testKey(32), testKey(33)]
        let redeem = FluxNodeTransactions.multisigRedeemScript(required: 2, keys: keys.map { $0.publicKey().bytes })
        let p2sh = Script.payToScriptHash(Hashing.hash160(redeem)).bytes
        let collateral = h.addCoin(value: 12_500 * coin, script: p2sh)
        let op = testKey(34)
        let start = FluxNodeTransactions.p2shStart(collateral: collateral, redeemScript: redeem, signer: keys[1],
                                                   operatorPubKey: op.publicKey().bytes, sigTime: 1_700_000_000)
        // Signed by a key outside the script: rejected.
        let outsider = FluxNodeTransactions.p2shStart(collateral: collateral, redeemScript: redeem, signer: testKey(35),
                                                      operatorPubKey: op.publicKey().bytes, sigTime: 1_700_000_000)
        #expect(rejectionCode { try h.check(outsider) } == "bad-txns-fluxnode-tx-invalid-signature")
        // A redeem script that does not hash to the collateral script: rejected.
        let otherRedeem = FluxNodeTransactions.multisigRedeemScript(required: 1, keys: keys.map { $0.publicKey().bytes })
        let wrongScript = FluxNodeTransactions.p2shStart(collateral: collateral, redeemScript: otherRedeem, signer: keys[0],
                                                         operatorPubKey: op.publicKey().bytes, sigTime: 1_700_000_000)
        #expect(rejectionCode { try h.check(wrongScript) } == "fluxnode-tx-p2shnodes-destinations-didn't-match")
        // Not a multisig script at all.
        let notMultisig = FluxNodeTransactions.p2shStart(collateral: collateral, redeemScript: [0x51], signer: keys[0],
                                                         operatorPubKey: op.publicKey().bytes, sigTime: 1_700_000_000)
        #expect(rejectionCode { try h.check(notMultisig) } == "bad-txns-fluxnode-tx-redeemscript-not-multisig")

        try h.connect([start])
        let node = TestNode(collateralKey: keys[1], operatorKey: op, collateral: collateral)
        try h.connect([h.confirmTx(node, tier: 2)])
        let r = try #require(try h.record(node))
        #expect(r.status == .confirmed && r.tier == .nimbus && r.isP2SH && r.redeemScript == redeem)
        #expect(r.fluxTxVersion == 2 && r.txVersion == 6)
        try h.connect()
        #expect(h.lastDue.map(\.script) == [p2sh])
        #expect(h.lastDue.map(\.tier) == [.nimbus])
    }

    @Test func legacyFoundationKeyIsOnlyAcceptedFromHalvingUntilP2SHNodes() throws {
        // We hold no foundation private key, so the contextual part is called directly (the signature check,
        // which comes first in fluxd's order, is what an unsigned START fails).
        let script = Script.payToScriptHash([UInt8](repeating: 5, count: 20)).bytes
        func contextual(_ upgrades: [String: Int], key: [UInt8]? = nil) -> String? {
            let h = Harness(upgrades: upgrades)
            let foundation = key ?? h.network.p2shKeys[0].key
            let collateral = h.addCoin(value: 1_000 * coin, script: script)
            let tx = FluxNodeTransactions.unsignedStart(collateral: collateral, collateralPubKey: foundation,
                                                        operatorPubKey: testKey(1).publicKey().bytes, sigTime: 1)
            guard case let .start(s) = tx.fluxNode else { return "not a start" }
            if rejectionCode({ try h.check(tx) }) != "bad-txns-fluxnode-tx-invalid-signature" { return "signature not checked first" }
            return rejectionCode {
                let payee = try h.ledger.startContextual(tx, s, signers: [], height: h.height + 1, store: h.store, utxo: { h.coins[$0] })
                #expect(payee == script)
                let input = try h.ledger.checkInput(tx, height: h.height + 1, coins: { h.coins[$0] })
                #expect(input.tier == .cumulus)
            }
        }
        #expect(contextual(["kamata": 0]) == "bad-txns-fluxnode-tx-inputs-missingorspent-Using P2SH collateral key before it is active")
        #expect(contextual(["kamata": 0, "halving": 0, "p2shnodes": 0])
                == "bad-txns-fluxnode-tx-inputs-missingorspent-Old Style P2SH Nodes is no longer available. Please use new transaction version 6 style.")
        #expect(contextual(["kamata": 0, "halving": 0]) == nil)
        // Another key on a P2SH collateral is refused.
        #expect(contextual(["kamata": 0, "halving": 0], key: testKey(3).publicKey(compressed: false).bytes)
                == "fluxnode-tx-p2sh-publickeys-didn't-match")
    }

    @Test func collateralTransitionExpiresNodesWithRetiredAmounts() throws {
        // Testnet tables: every tier's window is [420, 520); the rule runs in [420, 530).
        let h = Harness(upgrades: ["kamata": 0, "flux": 0, "halving": 0], height: 518, kind: .testnet)
        var counts = FluxNodeLedger.Counts()
        let old = FluxNodeRecord(collateral: OutPoint(hash: Hashing.sha256d([1]), index: 0), tier: .cumulus,
                                 collateralValue: 10_000 * coin, status: .confirmed, addedHeight: 500, confirmedHeight: 501,
                                 lastConfirmedHeight: 501, collateralPubKey: [], operatorPubKey: [], redeemScript: nil,
                                 payeeScript: [0x51], startTxid: .zero, txVersion: 5, fluxTxVersion: nil, startSigTime: 0)
        var new = old
        new.collateral = OutPoint(hash: Hashing.sha256d([2]), index: 0)
        new.collateralValue = 1_000 * coin
        try h.ledger.write(old: nil, new: old, counts: &counts, h.store)
        try h.ledger.write(old: nil, new: new, counts: &counts, h.store)
        try h.store.put([0x08], counts.encoded)
        try h.connect()  // 519: both amounts still valid
        #expect(try h.list(.cumulus).count == 2)
        try h.connect()  // 520: V1 Cumulus retired
        #expect(try h.list(.cumulus) == [new.collateral])
        #expect(try h.ledger.node(old.collateral, store: h.store) == nil)
        #expect(try h.ledger.counts(store: h.store).cumulus == 1)
    }

    @Test func confirmNeedsItsCollateralUnspentAndValid() throws {
        let h = Harness()
        let a = h.newNode(1, value: 1_000 * coin), b = h.newNode(2, value: 1_000 * coin)
        try h.connect([h.startTx(a), h.startTx(b)])  // 100
        // a's collateral is spent: a stays STARTED (only confirmed nodes are removed on spend), but cannot confirm.
        try h.connect(spends: [a.collateral])  // 101
        #expect(try h.record(a)?.status == .started)
        #expect(rejectionCode { try h.check(h.confirmTx(a)) } == "bad-txns-fluxnode-tx-inputs-missingorspent-Coins not available")
        // A transaction earlier in the same block spending b's collateral makes b's CONFIRM fail too.
        let spender = Transaction(version: 1, inputs: [TxIn(prevout: b.collateral, scriptSig: Script([]))],
                                  outputs: [TxOut(value: 1, scriptPubKey: Script(h.minerScript))])
        #expect(rejectionCode { try h.connect([spender, h.confirmTx(b)]) } == "bad-txns-fluxnode-tx-inputs-missingorspent-Coins not available")
        // After it in the block, the CONFIRM is judged on the coin as it was: accepted, and the node (confirmed in
        // this block, not in the parent's list) is not removed by the spend.
        let h2 = Harness()
        let c = h2.newNode(3, value: 1_000 * coin)
        try h2.connect([h2.startTx(c)])
        let spender2 = Transaction(version: 1, inputs: [TxIn(prevout: c.collateral, scriptSig: Script([]))],
                                   outputs: [TxOut(value: 1, scriptPubKey: Script(h2.minerScript))])
        try h2.connect([h2.confirmTx(c), spender2])
        #expect(try h2.record(c)?.status == .confirmed)
    }
}
