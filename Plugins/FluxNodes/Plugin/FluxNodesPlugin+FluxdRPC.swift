import FluxJSON
import FluxNodeModel
import FluxPluginSDK
import FluxPrimitives
import FluxScript
#if canImport(Glibc)
import Glibc
#endif

/// fluxd's FluxNode RPCs that need this node's own setup: its confirmation, its wallet's collateral outputs, its
/// "fluxnode.conf" entry and fluxd's `alias lockwallet` start.
extension FluxNodesPlugin {
    /// The alias listfluxnodeconf gives this node's own entry (this node has no fluxnode.conf).
    static let ownAlias = "fluxnode"

    /// createconfirmationtransaction: this node's CONFIRM (INITIAL while STARTED, UPDATE once CONFIRMED) built,
    /// signed and broadcast now, in fluxd's shape `{status, txid, raw}`; fluxd's -25 errors when it cannot be signed.
    func createConfirmation(tipHeight: Int64) throws -> JSONValue {
        guard let key = configuration.operatorKey else { throw Self.notAFluxNode(-32600) }
        guard let node = try ownNode(), node.status != .dos else {
            throw PluginError.rpc(code: -25, message: "Failed to sign new confirmation transaction: this node's collateral is not started or confirmed in the FluxNode list\n")
        }
        let now = UInt32(clamping: Int64(time(nil)))
        let tx: Transaction
        do {
            tx = try confirmation(for: node, updateType: node.status == .started ? 0 : 1, key: key, now: now)
        } catch let error as PluginError {
            throw PluginError.rpc(code: -25, message: "Benchmark failed to sign new confirmation transaction: \(error.message)\n")
        }
        var sent = true
        do { try host.submitTransaction(tx.serialized) } catch {
            sent = false
            host.log(.warning, "createconfirmationtransaction: the mempool refused \(tx.txid): \(error.message)")
        }
        if sent { lastConfirmSent.withLock { $0 = tipHeight } }
        return .object([("status", .string(sent ? "Successfully Sent" : "Fail to send")), ("txid", .string(tx.txid.description)),
                        ("raw", .string(Hex.encode(tx.serialized)))])
    }

    /// getfluxnodeoutputs: the wallet's confirmed unspent outputs whose value is a collateral amount of some tier at
    /// `nextHeight`, as fluxd lists them: txhash, outputidx, "Flux Amount" (whole FLUX), "Confirmations".
    func collateralOutputs(nextHeight: Int) throws -> JSONValue {
        let outputs: [WalletOutput]
        do { outputs = try host.walletUnspent() } catch {
            throw PluginError.rpc(code: -1, message: "the wallet's outputs are not available: \(error.message)")
        }
        var amounts = Set<Int64>()
        for tier in FluxNodeTier.allCases { amounts.formUnion(network.collateralAmounts(tier, at: nextHeight)) }
        return .array(outputs.filter { $0.confirmations >= 1 && amounts.contains($0.value) }.map { o in
            .object([("txhash", .string(Hash256(o.txid).description)), ("outputidx", .int(Int(o.index))),
                     ("Flux Amount", .int(Int(o.value / 100_000_000))), ("Confirmations", .int(Int(o.confirmations)))])
        })
    }

    /// listfluxnodeconf: fluxd prints fluxnode.conf; this node has none, so its one entry is its own collateral
    /// (zelnodeoutpoint/zelnodeindex or config.collateral), in fluxd's shape. Empty when the collateral is not known.
    func ownConfEntries() throws -> JSONValue {
        guard let key = configuration.operatorKey else { return .array([]) }
        let collateral: OutPoint
        if let configured = configuration.collateral {
            collateral = configured
        } else if let found = try ownNode()?.collateral {
            collateral = found
        } else {
            return .array([])
        }
        let node = try ledger.node(collateral, store: committed)
        var fields: [(String, JSONValue)] = [
            ("alias", .string(Self.ownAlias)), ("status", .string(node.map { Self.statusName($0.status) } ?? "OFFLINE")),
            ("collateral", .string(Self.full(collateral))), ("txHash", .string(collateral.hash.description)),
            ("outputIndex", .string(String(collateral.index))),
            ("privateKey", .string(WIF(secret: key.bytes, compressed: configuration.operatorCompressed).encoded(prefixes: prefixes))),
            ("address", .string(configuration.ip)),
        ]
        if let node {
            fields += [("ip", .string(node.ip)), ("network", .string(Self.networkKind(node.ip))),
                       ("added_height", .int(node.addedHeight)), ("confirmed_height", .int(node.confirmedHeight)),
                       ("last_confirmed_height", .int(node.lastConfirmedHeight)), ("last_paid_height", .int(node.lastPaidHeight)),
                       ("tier", .string(node.tier.name)), ("payment_address", .string(address(node.payeeScript))),
                       ("activesince", .string(String(blockTime(node.addedHeight)))),
                       ("lastpaid", .string(String(blockTime(node.lastPaidHeight))))]
        } else {
            fields += [("ip", "UNKNOWN"), ("network", "UNKOWN"), ("added_height", 0), ("confirmed_height", 0),
                       ("last_confirmed_height", 0), ("last_paid_height", 0), ("tier", "UNKNOWN"),
                       ("payment_address", "UNKNOWN"), ("activesince", 0), ("lastpaid", 0)]
        }
        return .array([.object(fields)])
    }

    /// fluxd's `startdeterministicfluxnode "alias" lockwallet`: starts this node's own collateral (the alias
    /// listfluxnodeconf shows), in fluxd's result shape. The wallet is never locked (this node's wallet has no
    /// passphrase), so lockwallet is accepted and ignored.
    func startAlias(_ alias: String, tipHeight: Int64) throws -> JSONValue {
        var status: [(String, JSONValue)] = [("alias", .string(alias))]
        var successful = 0
        let entry = try ownConfEntries().arrayValue?.first
        if alias == Self.ownAlias, let entry, let txid = entry["txHash"]?.stringValue, let index = entry["outputIndex"]?.stringValue,
           let n = Int64(index) {
            do {
                _ = try start([.string(txid), .int(n)], tipHeight: tipHeight)
                status.append(("result", "successful"))
                successful = 1
            } catch let error as PluginError {
                status += [("result", "failed"), ("errorMessage", .string(error.message))]
            }
        } else {
            status += [("result", "failed"), ("error", "could not find alias in config. Verify with listfluxnodeconf.")]
        }
        let failed = 1 - successful
        return .object([("overall", .string("Successfully started \(successful) fluxnodes, failed to start \(failed), total 1")),
                        ("detail", .array([.object(status)]))])
    }
}
