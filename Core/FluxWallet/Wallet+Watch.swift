import FluxChain
import FluxPrimitives
import FluxScript
import FluxStorage

/// Watch-only scripts, redeem scripts and rescans (fluxd's `importaddress`, `addmultisigaddress`,
/// `rescanblockchain`).
extension Wallet {
    /// Watches `script` (fluxd's `importaddress`): its coins and transactions become the wallet's, watch-only
    /// (counted with `includeWatchOnly`, never spent). A script already watched only gets the new label. With
    /// `rescan` the active chain is scanned from height 1 for its coins.
    ///
    /// - Throws: `.alreadySpendable` when the wallet can already spend what it pays; `.storage`.
    public func importWatchOnly(_ script: Script, label: String, rescan: Bool) throws(WalletError) {
        try locked { () throws(WalletError) in
            if canSpend(script, depth: 0) { throw .alreadySpendable }
            let known = watchScripts[script.bytes] != nil
            var batch = ChainBatch()
            batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.watch(script), value: Array(label.utf8))
            do { try chain.store.commit(batch, sync: true) } catch { throw .storage("\(error)") }
            watchScripts[script.bytes] = label
            guard !known else { return }
            rebuildPendingIndex()
            if rescan { try rescanLocked(from: 1) }
        }
    }

    /// Stores a redeem script (fluxd's `AddCScript`, for `addmultisigaddress`) and returns its P2SH address.
    /// Outputs paying that address are the wallet's from the next block on when the wallet holds every key of
    /// the script (fluxd's `IsMine`); `signRawTransaction` signs them with the keys it holds either way.
    ///
    /// - Throws: `.invalidAmount` for a script over 520 bytes (it could never be spent); `.storage`.
    public func addRedeemScript(_ script: Script) throws(WalletError) -> Address {
        guard script.bytes.count <= 520 else {
            throw .invalidAmount("redeemScript exceeds size limit: \(script.bytes.count) > 520")
        }
        let hash = Hashing.hash160(script.bytes)
        try locked { () throws(WalletError) in
            guard redeemScripts[hash] == nil else { return }
            var batch = ChainBatch()
            batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.redeem(hash), value: script.bytes)
            do { try chain.store.commit(batch, sync: true) } catch { throw .storage("\(error)") }
            redeemScripts[hash] = script
            rebuildPendingIndex()
        }
        return .scriptHash(hash)
    }

    /// Scans the active chain from `height` (at least 1) to the tip for the wallet's coins, spends and
    /// transactions (fluxd's `rescanblockchain`). Idempotent: what is already recorded stays.
    public func rescan(from height: Int) throws(WalletError) {
        try locked { () throws(WalletError) in try rescanLocked(from: height) }
    }

    /// `rescan` with both locks held.
    func rescanLocked(from height: Int) throws(WalletError) {
        var batch = ChainBatch()
        try connectActiveBlocks(from: max(height, 1), batch: &batch)
        try commit(batch)
    }
}

/// One address of `Wallet.addressGroupings`.
public struct WalletAddressGrouping: Sendable, Hashable {
    /// The address.
    public let address: Address
    /// Its unspent coins (mature, locked ones and watch-only ones included).
    public let balance: Amount
    /// Its label when it is a receiving (address book) address: "" or the watch-only label; nil for change.
    public let label: String?
}

extension Wallet {
    /// fluxd's `GetAddressGroupings`: addresses whose coins a wallet transaction spent together are one group,
    /// with the change outputs of that transaction; every other wallet output's address is a group of its own;
    /// groups sharing an address are merged. Groups in the order their first transaction was recorded.
    public func addressGroupings() -> [[WalletAddressGrouping]] {
        lockedQuery {
            var groups: [[Address]] = []
            for wtx in transactions.values.sorted(by: { $0.order < $1.order }) {
                let tx = wtx.transaction
                if !tx.isCoinbase {
                    var group: [Address] = []
                    for input in tx.inputs {
                        guard let previous = knownOutput(input.prevout), ownership(of: previous.scriptPubKey) != nil,
                              let address = Self.destination(of: previous.scriptPubKey) else { continue }
                        group.append(address)
                    }
                    if !group.isEmpty {
                        for output in tx.outputs {
                            guard let owned = ownership(of: output.scriptPubKey), !owned.watchOnly,
                                  case let .pubKeyHash(h)? = owned.address, changeKeys.contains(h) else { continue }
                            group.append(.pubKeyHash(h))
                        }
                        groups.append(group)
                    }
                }
                for output in tx.outputs {
                    if ownership(of: output.scriptPubKey) != nil, let address = Self.destination(of: output.scriptPubKey) {
                        groups.append([address])
                    }
                }
            }
            // Merge groups sharing an address, keeping first-seen order.
            var merged: [[Address]] = []
            var groupOf: [Address: Int] = [:]
            for group in groups {
                let hits = Set(group.compactMap { groupOf[$0] }).sorted()
                var combined: [Address] = []
                for index in hits { combined += merged[index] }
                combined += group
                var seen = Set<Address>()
                combined = combined.filter { seen.insert($0).inserted }
                let target = hits.first ?? merged.count
                if target == merged.count { merged.append([]) }
                merged[target] = combined
                for index in hits.dropFirst() { merged[index] = [] }
                for address in combined { groupOf[address] = target }
            }
            var balances: [Address: Int64] = [:]
            for coin in unspentCoins(tipHeight: chain.height, includeLocked: true) {
                balances[coin.address, default: 0] += coin.output.value.units
            }
            return merged.filter { !$0.isEmpty }.map { group in
                group.map { address in
                    var label: String?
                    if case let .pubKeyHash(h) = address, changeKeys.contains(h) { label = nil } else {
                        label = watchScripts[address.script.bytes] ?? ""
                    }
                    return WalletAddressGrouping(address: address, balance: Amount(units: balances[address] ?? 0),
                                                 label: label)
                }
            }
        }
    }
}
