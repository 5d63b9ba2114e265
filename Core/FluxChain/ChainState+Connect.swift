import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage
import Foundation

extension ChainState {
    /// One input whose script must be checked.
    struct ScriptJob: Sendable {
        let transaction: Int
        let input: Int
        let coin: Coin
    }

    func loadBlock(_ hash: Hash256) throws(ChainError) -> Block {
        let block: Block?
        do { block = try store.block(hash) } catch { throw .storage(error) }
        guard let block else { throw .storage(StorageError("block \(hash) is indexed as stored but missing")) }
        return block
    }

    /// Connects `entry` (a child of the tip) to the active chain: consensus checks against the UTXO set,
    /// scripts, judges, then the UTXO changes and undo data go into the pending batch.
    func connect(_ entry: BlockIndexEntry) throws(ChainError) {
        precondition(entry.parent === active[active.count - 1], "connect must extend the tip")
        let started = DispatchTime.now().uptimeNanoseconds
        let block = try loadBlock(entry.hash)
        var overlay = CoinsOverlay(base: cache)
        var undo = BlockUndo(spent: [])
        var txids: [Hash256] = []
        do {
            try validate(block, entry: entry, overlay: &overlay, undo: &undo, txids: &txids)
        } catch {
            statistics.blocksRejected += 1
            throw error
        }
        var writes = PluginWrites()
        for judge in judges where entry.height >= judge.activationHeight {
            try judge.connect(block, height: entry.height, writes: &writes)
        }
        do { try overlay.apply() } catch { throw .storage(error) }
        entry.status.insert([.haveUndo, .scriptsValid])
        pending.putUndo(undo, hash: entry.hash)
        pendingUndo[entry.hash] = undo
        pending.putIndex(entry.record)
        recordIndexes(block, entry: entry, undo: undo, txids: txids)
        apply(writes)
        active.append(entry)
        pendingEvents.append(.connected(block, entry))
        pendingBlocks += 1
        let elapsed = DispatchTime.now().uptimeNanoseconds &- started
        statistics.blocksConnected += 1
        statistics.transactionsConnected += block.transactions.count
        statistics.scriptChecks += block.transactions.dropFirst().reduce(0) { $0 + $1.inputs.count }
        statistics.connectNanoseconds &+= elapsed
        statistics.lastConnectNanoseconds = elapsed
        try commitIfDue()
    }

    /// Disconnects the tip, restoring the coins it spent from its undo data.
    func disconnectTip() throws(ChainError) {
        let entry = active[active.count - 1]
        precondition(entry.height > 0, "genesis is never disconnected")
        statistics.blocksDisconnected += 1
        let block = try loadBlock(entry.hash)
        var undo = pendingUndo[entry.hash]
        if undo == nil {
            do { undo = try store.undo(entry.hash) } catch { throw .storage(error) }
        }
        guard let undo, undo.spent.count == block.transactions.count else {
            throw .storage(StorageError("undo data of \(entry.hash) is missing or does not match the block"))
        }
        var overlay = CoinsOverlay(base: cache)
        do throws(StorageError) {
            for (i, tx) in block.transactions.enumerated().reversed() {
                let txid = tx.txid
                for (n, output) in tx.outputs.enumerated() where !output.scriptPubKey.isUnspendable {
                    if try overlay.spend(OutPoint(hash: txid, index: UInt32(n))) == nil {
                        throw StorageError("UTXO set lacks output \(n) of \(txid) while disconnecting \(entry.hash)")
                    }
                }
                let spent = undo.spent[i]
                guard spent.count == (tx.isCoinbase || tx.isFluxNode ? 0 : tx.inputs.count) else {
                    throw StorageError("undo data of \(entry.hash) does not match transaction \(txid)")
                }
                for (k, coin) in spent.enumerated() { overlay.add(coin, at: tx.inputs[k].prevout) }
            }
        } catch { throw .storage(error) }
        var writes = PluginWrites()
        for judge in judges.reversed() where entry.height >= judge.activationHeight {
            try judge.disconnect(block, height: entry.height, writes: &writes)
        }
        do { try overlay.apply() } catch { throw .storage(error) }
        eraseIndexes(block, entry: entry, undo: undo)
        apply(writes)
        active.removeLast()
        pendingEvents.append(.disconnected(block, entry))
        candidates.insert(entry.hash)
        pendingBlocks += 1
        try commitIfDue()
    }

    func apply(_ writes: PluginWrites) {
        if !writes.operations.isEmpty { pendingPluginWrites = true }
        for op in writes.operations {
            if let value = op.value {
                pending.putPlugin(namespace: op.namespace, key: op.key, value: value)
            } else {
                pending.deletePlugin(namespace: op.namespace, key: op.key)
            }
        }
    }

    /// fluxd's `ConnectBlock` checks, recording the UTXO changes in `overlay`.
    /// `txids` receives each transaction's id, in block order (empty for the genesis block).
    func validate(_ block: Block, entry: BlockIndexEntry, overlay: inout CoinsOverlay,
                  undo: inout BlockUndo, txids: inout [Hash256]) throws(ChainError) {
        let height = entry.height
        guard height > 0 else { return }   // the genesis coinbase is never spendable
        do { try BlockRules.checkContextual(block, height: height, params: params) } catch { throw .rejected(error) }
        if block.header.isProofOfNode, let parent = entry.parent {
            try checkNodeSignature(block.header, parent: parent)
        }
        var fees: Int64 = 0
        var sigops = 0
        var jobs: [ScriptJob] = []
        let maturity = ConsensusConstants.coinbaseMaturity
        let protectCoinbase = params.coinbaseMustBeProtected && !params.upgrades.isActive(.flux, at: height)
        func reject(_ code: String, _ message: String) -> ChainError { .rejected(RejectReason(code, message)) }
        do {
            txids.reserveCapacity(block.transactions.count)
            for (i, tx) in block.transactions.enumerated() {
                let txid = tx.txid
                txids.append(txid)
                sigops += tx.inputs.reduce(0) { $0 + $1.scriptSig.legacySigOpCount(accurate: false) }
                sigops += tx.outputs.reduce(0) { $0 + $1.scriptPubKey.legacySigOpCount(accurate: false) }
                var spent: [Coin] = []
                if !tx.isCoinbase && !tx.isFluxNode {
                    var valueIn: Int64 = 0
                    for (k, input) in tx.inputs.enumerated() {
                        guard let coin = try overlay.spend(input.prevout) else {
                            throw reject("bad-txns-inputs-missingorspent", "tx \(txid) input \(k) spends \(input.prevout), which is not unspent")
                        }
                        if coin.isCoinbase {
                            if height - coin.height < maturity {
                                throw reject("bad-txns-premature-spend-of-coinbase",
                                             "tx \(txid) spends a coinbase from height \(coin.height) at height \(height)")
                            }
                            if protectCoinbase && !tx.outputs.isEmpty {
                                throw reject("bad-txns-coinbase-spend-has-transparent-outputs",
                                             "tx \(txid) spends a coinbase into transparent outputs")
                            }
                        }
                        valueIn += coin.output.value.units
                        if !coin.output.value.isInMoneyRange || !Amount(units: valueIn).isInMoneyRange {
                            throw reject("bad-txns-inputvalues-outofrange", "tx \(txid) input values out of range")
                        }
                        if coin.output.scriptPubKey.scriptHash != nil {
                            sigops += coin.output.scriptPubKey.p2shSigOpCount(scriptSig: input.scriptSig)
                        }
                        spent.append(coin)
                        jobs.append(ScriptJob(transaction: i, input: k, coin: coin))
                    }
                    let shieldedIn = tx.joinSplits.reduce(0) { $0 + $1.vpubNew.units } + max(tx.valueBalance.units, 0)
                    let valueOut = tx.transparentValueOut + tx.joinSplits.reduce(0) { $0 + $1.vpubOld.units }
                        + max(-tx.valueBalance.units, 0)
                    if valueIn + shieldedIn < valueOut {
                        throw reject("bad-txns-in-belowout", "tx \(txid) spends \(Amount(units: valueIn + shieldedIn)) but pays \(Amount(units: valueOut))")
                    }
                    let fee = valueIn + shieldedIn - valueOut
                    fees += fee
                    if !Amount(units: fee).isInMoneyRange || !Amount(units: fees).isInMoneyRange {
                        throw reject("bad-txns-fee-outofrange", "tx \(txid) fee out of range")
                    }
                }
                if sigops > ConsensusConstants.maxBlockSigops {
                    throw reject("bad-blk-sigops", "block has more than \(ConsensusConstants.maxBlockSigops) signature operations")
                }
                for (n, output) in tx.outputs.enumerated() where !output.scriptPubKey.isUnspendable {
                    let outpoint = OutPoint(hash: txid, index: UInt32(n))
                    if try overlay.coin(outpoint) != nil {
                        throw reject("bad-txns-BIP30", "tx \(txid) would overwrite an unspent output")
                    }
                    overlay.add(Coin(output: output, height: height, isCoinbase: tx.isCoinbase), at: outpoint)
                }
                undo.spent.append(spent)
            }
        } catch let error as ChainError {
            throw error
        } catch let error as StorageError {
            throw .storage(error)
        } catch {
            throw .storage(StorageError("\(error)"))
        }
        let coinbaseOut = block.transactions[0].transparentValueOut
        let allowed = fees + params.blockSubsidy(at: height).units + params.fundingTotal(at: height).units
        if coinbaseOut > allowed {
            throw reject("bad-cb-amount", "coinbase pays \(Amount(units: coinbaseOut)), limit \(Amount(units: allowed))")
        }
        let belowCheckpoint = params.lastCheckpoint.map { height <= $0.height } ?? false
        if !jobs.isEmpty && (!belowCheckpoint || options.checkScriptsBelowCheckpoints) {
            if let failure = verifyScripts(jobs, block: block, height: height) { throw .rejected(failure) }
        }
    }

    /// Checks every input script, spread over all cores. Returns the first failure found.
    func verifyScripts(_ jobs: [ScriptJob], block: Block, height: Int) -> RejectReason? {
        let branchId = params.upgrades.currentBranchId(at: height)
        let threads = options.scriptThreads > 0 ? options.scriptThreads : ProcessInfo.processInfo.activeProcessorCount
        // One strided share of the inputs per thread: concurrentPerform runs up to one iteration per core, so the
        // iteration count is what bounds the threads used (`-par`, `ChainOptions.scriptThreads`).
        let chunks = min(max(threads, 1), jobs.count)
        let failure = FailureSlot()
        let txs = block.transactions
        let caches = txs.map { SighashCache(tx: $0) }
        let work: @Sendable (Int) -> Void = { chunk in
            var i = chunk
            while i < jobs.count {
                if failure.isSet { return }
                let job = jobs[i]
                let tx = txs[job.transaction]
                let checker = TransactionSignatureChecker(tx: tx, inputIndex: job.input, amount: job.coin.output.value,
                                                          branchId: branchId, cache: caches[job.transaction])
                do {
                    try ScriptInterpreter.verify(scriptSig: tx.inputs[job.input].scriptSig,
                                                 scriptPubKey: job.coin.output.scriptPubKey,
                                                 flags: .consensus, checker: checker)
                } catch {
                    failure.set(RejectReason("mandatory-script-verify-flag-failed",
                                             "tx \(tx.txid) input \(job.input): \(error)"))
                    return
                }
                i += chunks
            }
        }
        if chunks <= 1 {
            if !jobs.isEmpty { work(0) }
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
        }
        return failure.value
    }

    /// The producer's signature of a Proof-of-Node header.
    func checkNodeSignature(_ header: BlockHeader, parent: BlockIndexEntry) throws(ChainError) {
        guard case let .node(collateral, signature) = header.proof else { return }
        if params.network != .mainnet && collateral == ChainState.testCollateral { return }
        if collateral.hash == params.emergency.collateralHash && collateral.index == params.emergency.collateralIndex {
            try checkEmergencySignatures(header, signature: signature)
            return
        }
        guard let authority = nodeAuthority else {
            throw .verdictUnavailable("no FluxNode list to check the producer of PoN block \(header.hash)")
        }
        guard let keyBytes = try authority.operatorKey(for: collateral, parentHeight: parent.height, parentHash: parent.hash) else {
            throw .rejected(RejectReason("bad-pon-node", "\(collateral.shortDescription) is not an eligible FluxNode"))
        }
        guard let key = PublicKey(parsing: keyBytes),
              key.verify(signatureDER: signature, digest32: header.hash) else {
            throw .rejected(RejectReason("bad-pon-signature", "block signature does not verify with the node's operator key"))
        }
    }

    /// Emergency blocks: CompactSize count ‖ count × (CompactSize length ‖ DER signature); enough distinct
    /// emergency keys must have signed the block hash (regtest: not checked, as fluxd).
    func checkEmergencySignatures(_ header: BlockHeader, signature: [UInt8]) throws(ChainError) {
        if params.network == .regtest { return }
        var reader = ByteReader(signature)
        var signers = Set<Int>()
        do {
            let count = try reader.readCount("emergency.count", limit: 16, minElementSize: 9)
            for _ in 0..<count {
                let sig = try reader.readVarBytes("emergency.sig", limit: 73)
                for (i, keyBytes) in params.emergency.publicKeys.enumerated() where !signers.contains(i) {
                    if let key = PublicKey(parsing: keyBytes), key.verify(signatureDER: sig, digest32: header.hash) {
                        signers.insert(i)
                        break
                    }
                }
            }
        } catch {
            throw .rejected(RejectReason("bad-emergency-signature", "\(error)"))
        }
        if signers.count < params.emergency.minimumSignatures {
            throw .rejected(RejectReason("bad-emergency-signature",
                                         "\(signers.count) valid emergency signatures, \(params.emergency.minimumSignatures) needed"))
        }
    }

    /// fluxd's test collateral ("TESTNOD", 0) that bypasses the node list on testnet and regtest.
    public static let testCollateral = OutPoint(hash: Hash256(displayHex:
        "544553544e4f4400000000000000000000000000000000000000000000000000")!, index: 0)
}

/// The first failure reported by parallel workers.
final class FailureSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: RejectReason?
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return stored != nil }
    var value: RejectReason? { lock.lock(); defer { lock.unlock() }; return stored }
    func set(_ r: RejectReason) { lock.lock(); if stored == nil { stored = r }; lock.unlock() }
}

