import FluxChain
import FluxConsensus
import FluxJSON
import FluxMempool
import FluxNetwork
import FluxOptions
import FluxPluginHost
import FluxPrimitives
import FluxStorage
import FluxWallet
import NIOConcurrencyHelpers

/// The node's services as plugins see them (``PluginServices`` over the chain, the mempool and the store).
final class NodePluginServices: PluginServices, @unchecked Sendable {
    let chain: ChainState
    let mempool: Mempool
    /// The node's wallet (`wallet_sign_compact`); nil for a node without one.
    let wallet: Wallet?
    /// Submits a transaction as `sendrawtransaction` does; nil when accepted, else the reason.
    let submit: @Sendable (Transaction) -> String?
    /// `chain_parameters`, built once.
    let parametersJSON: [UInt8]
    /// The node's options (`node_option`).
    let options: NodeOptions

    init(chain: ChainState, mempool: Mempool, wallet: Wallet?, options: NodeOptions = NodeOptions(),
         submit: @escaping @Sendable (Transaction) -> String?) {
        self.chain = chain
        self.mempool = mempool
        self.wallet = wallet
        self.options = options
        self.submit = submit
        parametersJSON = Self.chainParametersJSON(chain.params)
    }

    /// Options plugins may not read: the RPC credentials.
    static let withheldOptions: Set<String> = ["rpcuser", "rpcpassword"]

    func nodeOption(_ name: String) -> PluginNodeOption {
        Self.option(name, in: options)
    }

    /// `node_option` over `options`: every option the node knows but the RPC credentials.
    static func option(_ name: String, in options: NodeOptions) -> PluginNodeOption {
        guard let kind = NodeOptions.known[name] else { return .unknown }
        guard !withheldOptions.contains(name) else { return .withheld }
        let values = kind == .repeated ? options.all(name) : options.string(name).map { [$0] } ?? []
        return values.isEmpty ? .notSet : .values(values)
    }

    func walletUnspent() -> [PluginWalletCoin]? {
        guard let wallet else { return nil }
        let tip = chain.height
        return wallet.listUnspent(minConfirmations: 0).map { c in
            PluginWalletCoin(txid: Array(c.outpoint.hash.bytes), index: c.outpoint.index, value: c.output.value.units,
                             confirmations: UInt32(clamping: c.confirmations(tipHeight: tip)), coinbase: c.isCoinbase,
                             script: c.output.scriptPubKey.bytes)
        }
    }

    /// The `chain_parameters` object of `params` (flux_plugin.h): network, genesis hash (display hex) and time,
    /// block spacings, whether PoN header hashes are checked against the target, coinbase maturity, and the
    /// activation height of every upgrade that activates, by its lower-case fluxd name (`-upgradeheight`
    /// overrides included).
    static func chainParametersJSON(_ params: ChainParameters) -> [UInt8] {
        var upgrades: [(String, JSONValue)] = []
        for upgrade in NetworkUpgrade.allCases {
            guard let name = upgrade.optionName, let height = params.upgrades.activationHeight(of: upgrade) else { continue }
            upgrades.append((name, .int(height)))
        }
        let object: JSONValue = .object([
            ("network", .string(params.network.networkId)),
            ("genesis_hash", .string(params.genesisHash.description)),
            ("genesis_time", .int(Int(GenesisBlock.block(for: params.network).header.time))),
            ("pow_spacing", .int(params.powTargetSpacing)),
            ("pon_spacing", .int(params.ponTargetSpacing)),
            ("checks_pon_hash", .bool(!params.skipsProofOfWorkTargetCheck)),
            ("coinbase_maturity", .int(ConsensusConstants.coinbaseMaturity)),
            ("upgrades", .object(upgrades)),
        ])
        return Array(object.serialized().utf8)
    }

    func chainParameters() -> [UInt8]? { parametersJSON }

    func blockSubsidy(at height: Int64) -> Int64? {
        guard height >= 0, height <= Int64(Int32.max) else { return nil }
        return chain.params.blockSubsidy(at: Int(height)).units
    }

    func scanStored(namespace: String, prefix: [UInt8], from: [UInt8],
                    _ body: ([UInt8], [UInt8]) -> Bool) throws(PluginStoreError) {
        do { try chain.store.pluginScan(namespace: namespace, prefix: prefix, from: from) { key, value in body(key, value) } } catch {
            throw PluginStoreError("\(error)")
        }
    }

    func walletSignCompact(keyID: [UInt8], digest: [UInt8]) -> PluginWalletSignature {
        guard let wallet else { return .noWallet }
        guard keyID.count == 20, digest.count == 32,
              let signed = wallet.signCompact(keyID: keyID, digest: Hash256(digest)) else { return .noSuchKey }
        return .signed(publicKey: signed.publicKey, signature: signed.signature)
    }

    private func hash(_ bytes: [UInt8]) -> Hash256? { bytes.count == 32 ? Hash256(bytes) : nil }

    func tip() -> (height: Int64, hash: [UInt8]) {
        let t = chain.tip
        return (Int64(t.height), Array(t.hash.bytes))
    }

    func blockHash(at height: Int64) -> [UInt8]? {
        guard height >= 0, height <= Int64(Int.max) else { return nil }
        return chain.entry(at: Int(height)).map { Array($0.hash.bytes) }
    }

    func header(_ bytes: [UInt8]) -> (header: [UInt8], height: Int64)? {
        guard let h = hash(bytes), let e = chain.entry(h) else { return nil }
        return (e.header.serialized, Int64(e.height))
    }

    func block(_ bytes: [UInt8]) -> [UInt8]? {
        guard let h = hash(bytes), let b = try? chain.block(h) else { return nil }
        return b.serialized
    }

    func unspentOutput(txid: [UInt8], index: UInt32) -> (value: Int64, height: UInt32, coinbase: Bool, script: [UInt8])? {
        guard let h = hash(txid), let coin = try? chain.coin(OutPoint(hash: h, index: index)) else { return nil }
        return (coin.output.value.units, UInt32(clamping: coin.height), coin.isCoinbase, coin.output.scriptPubKey.bytes)
    }

    func mempoolTransaction(_ txid: [UInt8]) -> [UInt8]? {
        guard let h = hash(txid) else { return nil }
        return mempool.entry(h)?.transaction.serialized
    }

    func storedValue(namespace: String, key: [UInt8]) throws(PluginStoreError) -> [UInt8]? {
        do { return try chain.store.pluginValue(namespace: namespace, key: key) } catch {
            throw PluginStoreError("\(error)")
        }
    }

    func storeNow(namespace: String, writes: [(key: [UInt8], value: [UInt8]?)]) throws(PluginStoreError) {
        var batch = ChainBatch()
        for (key, value) in writes {
            if let value { batch.putPlugin(namespace: namespace, key: key, value: value) } else {
                batch.deletePlugin(namespace: namespace, key: key)
            }
        }
        do { try chain.store.commit(batch) } catch { throw PluginStoreError("\(error)") }
    }

    func submitTransaction(_ bytes: [UInt8]) -> String? {
        guard let tx = try? Transaction(serialized: bytes) else { return "TX decode failed" }
        return submit(tx)
    }

    /// The network, set once the node has built it (plugins load after it).
    let network = NIOLockedValueBox<NetworkNode?>(nil)

    func sendP2P(peer: UInt64, command: String, payload: [UInt8]) -> Bool {
        guard let network = network.withLockedValue({ $0 }), peer <= UInt64(Int.max) else { return false }
        return network.sendPluginMessage(to: Int(peer), command: command, payload: payload)
    }
}
