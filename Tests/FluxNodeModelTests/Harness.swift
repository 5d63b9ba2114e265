import FluxPrimitives
import FluxScript
@testable import FluxNodeModel

let coin: Int64 = 100_000_000

/// A deterministic secp256k1 key.
func testKey(_ i: UInt8) -> PrivateKey { PrivateKey(bytes: [UInt8](repeating: 0x11, count: 31) + [i])! }

/// The reject code `body` throws, or nil if it succeeds.
func rejectionCode(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let e as FluxNodeRejection {
        return e.code
    } catch {
        return "unexpected error: \(error)"
    }
}

/// One node's keys and collateral.
struct TestNode {
    let collateralKey: PrivateKey
    let operatorKey: PrivateKey
    let collateral: OutPoint
}

/// A chain of hand-built blocks over an ``InMemoryFluxNodeStore`` and a fake UTXO set.
final class Harness {
    let network: FluxNodeNetwork
    let ledger: FluxNodeLedger
    let store = InMemoryFluxNodeStore()
    let benchmark = testKey(200)
    var coins: [OutPoint: (value: Int64, height: Int, script: [UInt8])] = [:]
    /// Height of the last connected block.
    var height: Int
    var subsidy: Int64
    var lastDue: [FluxNodePayout] = []
    var previousHash = Hash256.zero
    private var coinCounter: UInt32 = 0
    let minerScript = Script.payToPubKeyHash([UInt8](repeating: 9, count: 20)).bytes

    init(upgrades: [String: Int] = ["kamata": 0], height: Int = 99, subsidy: Int64 = 150 * coin,
         kind: FluxNodeNetwork.Kind = .regtest) {
        var n = FluxNodeNetwork.regtest(upgrades: upgrades, benchmarkKeyOverride: nil)
        n.kind = kind
        n.benchmarkKeyOverride = benchmark.publicKey(compressed: false).bytes
        network = n
        ledger = FluxNodeLedger(network: n)
        self.height = height
        self.subsidy = subsidy
    }

    /// A new coin in the fake UTXO set.
    func addCoin(value: Int64, script: [UInt8], height: Int = 0) -> OutPoint {
        coinCounter += 1
        let op = OutPoint(hash: Hashing.sha256d(Array("coin \(coinCounter)".utf8)), index: coinCounter % 3)
        coins[op] = (value, height, script)
        return op
    }

    /// A node with a P2PKH collateral of `value` created at `coinHeight`.
    func newNode(_ seed: UInt8, value: Int64, coinHeight: Int = 0, compressed: Bool = true) -> TestNode {
        let ck = testKey(seed), ok = testKey(seed &+ 100)
        let script = Script.payToPubKeyHash(ck.publicKey(compressed: compressed).hash160).bytes
        return TestNode(collateralKey: ck, operatorKey: ok, collateral: addCoin(value: value, script: script, height: coinHeight))
    }

    func startTx(_ n: TestNode, sigTime: UInt32 = 1_700_000_000, version: Int32 = 5) -> Transaction {
        FluxNodeTransactions.start(collateral: n.collateral, collateralKey: n.collateralKey,
                                   operatorPubKey: n.operatorKey.publicKey().bytes, sigTime: sigTime, version: version)
    }

    func confirmTx(_ n: TestNode, update: Int8 = 0, tier: Int8 = 3, ip: String = "203.0.113.5:16125",
                   sigTime: UInt32 = 1_700_000_100) -> Transaction {
        FluxNodeTransactions.confirm(collateral: n.collateral, updateType: update, sigTime: sigTime, benchmarkTier: tier,
                                     benchmarkSigTime: 1_700_000_050, ip: ip, operatorKey: n.operatorKey,
                                     benchmarkKey: benchmark)
    }

    func check(_ tx: Transaction) throws(FluxNodeRejection) {
        try ledger.check(tx, height: height + 1, store: store, utxo: { coins[$0] })
    }

    /// Connects the next block: a coinbase paying what the ledger expects (unless `coinbaseOutputs` is given),
    /// then `txs`, then one transaction spending `spends`.
    func connect(_ txs: [Transaction] = [], spends: [OutPoint] = [], coinbaseOutputs: [TxOut]? = nil) throws(FluxNodeRejection) {
        let h = height + 1
        let due = try ledger.payouts(height: h, subsidy: subsidy, store: store)
        let paid = due.reduce(0) { $0 + $1.amount }
        let outputs = coinbaseOutputs
            ?? [TxOut(value: Amount(units: subsidy - paid), scriptPubKey: Script(minerScript))]
            + due.map { TxOut(value: Amount(units: $0.amount), scriptPubKey: Script($0.script)) }
        let coinbase = Transaction(version: 1, inputs: [TxIn(prevout: .null, scriptSig: Script([2, UInt8(h & 0xff), UInt8(h >> 8)]))],
                                   outputs: outputs)
        var all = [coinbase] + txs
        if !spends.isEmpty {
            all.append(Transaction(version: 1, inputs: spends.map { TxIn(prevout: $0, scriptSig: Script([])) },
                                   outputs: [TxOut(value: 1, scriptPubKey: Script(minerScript))]))
        }
        let header = BlockHeader(version: 4, previousBlockHash: previousHash, merkleRoot: .zero,
                                 time: UInt32(1_600_000_000 + h * 120), bits: 0x200f_0f0f,
                                 proof: .work(nonce: .zero, solution: []))
        let block = Block(header: header, transactions: all)
        try ledger.connect(block, height: h, subsidy: subsidy, store: store, utxo: { coins[$0] })
        height = h
        previousHash = block.hash
        lastDue = due
        for s in spends { coins[s] = nil }
    }

    /// Connects empty blocks until `target` is the last connected height.
    func mine(to target: Int) throws(FluxNodeRejection) {
        while height < target { try connect() }
    }

    /// STARTs `nodes` in one block and INITIAL_CONFIRMs them in the next.
    func startAndConfirm(_ nodes: [TestNode], tier: Int8 = 3) throws(FluxNodeRejection) {
        try connect(nodes.map { startTx($0) })
        try connect(nodes.map { confirmTx($0, tier: tier) })
    }

    func record(_ n: TestNode) throws(FluxNodeRejection) -> FluxNodeRecord? { try ledger.node(n.collateral, store: store) }

    func list(_ tier: FluxNodeTier) throws(FluxNodeRejection) -> [OutPoint] {
        try ledger.confirmedList(tier: tier, store: store).map(\.collateral)
    }
}

/// fluxd's outpoint order: txid internal bytes compared with memcmp, then n.
func fluxdOutpointLess(_ a: OutPoint, _ b: OutPoint) -> Bool {
    if a.hash.bytes != b.hash.bytes { return a.hash.bytes.lexicographicallyPrecedes(b.hash.bytes) }
    return a.index < b.index
}
