import FluxChain
import FluxConsensus
import FluxOptions
import FluxPluginHost
import FluxPrimitives
import Logging

/// The chain's ``ProofOfNodeAuthority`` when a plugin declares `FLUX_CAP_PROOF_OF_NODE`: asks its
/// `pon_operator_key` who produced a PoN block. FLUX_ERR_NOT_FOUND is a verdict (no such node: the block is
/// rejected as `bad-pon-node`); a fault, an overrun, or the plugin no longer being the active PoN plugin (unloaded,
/// replaced, disabled) is no verdict: the block is not marked invalid and is retried.
final class PluginNodeAuthority: ProofOfNodeAuthority, @unchecked Sendable {
    let plugin: PluginInstance
    let manager: PluginManager

    init(plugin: PluginInstance, manager: PluginManager) {
        self.plugin = plugin
        self.manager = manager
    }

    /// 32-byte txid (internal order) ‖ LE32 index, as the ABI passes collaterals.
    static func bytes(_ collateral: OutPoint) -> [UInt8] {
        Array(collateral.hash.bytes) + withUnsafeBytes(of: collateral.index.littleEndian) { Array($0) }
    }

    /// The outpoint of 36 ABI bytes.
    static func outPoint(_ bytes: [UInt8]) -> OutPoint? {
        guard bytes.count == 36 else { return nil }
        let index = bytes[32..<36].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return OutPoint(hash: Hash256(Array(bytes[0..<32])), index: index)
    }

    func operatorKey(for collateral: OutPoint, parentHeight: Int, parentHash: Hash256) throws(ChainError) -> [UInt8]? {
        guard manager.proofOfNodePlugin === plugin else {
            throw .verdictUnavailable("Proof-of-Node plugin \(plugin.name) is no longer active")
        }
        switch plugin.ponOperatorKey(collateral: Self.bytes(collateral), parentHeight: Int64(parentHeight),
                                     parentHash: Array(parentHash.bytes)) {
        case let .found(key): return key
        case .notFound: return nil
        case let .fault(message):
            throw .verdictUnavailable("plugin \(plugin.name) gave no operator key for \(collateral.shortDescription): \(message)")
        }
    }
}

extension Node {
    /// Installs the active PoN plugin (if any) as the chain's Proof-of-Node authority, or removes the plugin
    /// authority when none is active. Called after plugins are loaded, reloaded or unloaded.
    func syncProofOfNodeAuthority() {
        let current = chain.proofOfNodeAuthority as? PluginNodeAuthority
        guard let plugin = plugins.proofOfNodePlugin else {
            if current != nil {
                logger.info("Proof of Node: no plugin provides the node list any more; PoN blocks wait")
                chain.setProofOfNodeAuthority(nil)
            }
            return
        }
        guard current?.plugin !== plugin else { return }
        chain.setProofOfNodeAuthority(PluginNodeAuthority(plugin: plugin, manager: plugins))
        let role = plugin.producesProofOfNode ? "and can produce PoN blocks" : "(validating only)"
        logger.info("Proof of Node: plugin \(plugin.name) \(plugin.image.info.version) judges PoN producers \(role)")
        // PoN blocks that got no verdict without a node list are candidates still: try them now.
        do { try chain.activateBestChain() } catch {
            logger.info("Proof of Node: waiting blocks still cannot be connected: \(error)")
        }
    }
}

extension OfflinePluginServices {
    /// The services `-checkplugins` offers on the network of `params`: its `chain_parameters`, `block_subsidy`
    /// and (when given) the node's `options` through `node_option`, nothing else.
    public static func forNetwork(_ params: ChainParameters, options: NodeOptions? = nil) -> OfflinePluginServices {
        var reader: (@Sendable (String) -> PluginNodeOption)?
        if let options {
            reader = { name in NodePluginServices.option(name, in: options) }
        }
        let subsidy: @Sendable (Int64) -> Int64? = { height in
            guard height >= 0, height <= Int64(Int32.max) else { return nil }
            return params.blockSubsidy(at: Int(height)).units
        }
        return OfflinePluginServices(chainParameters: NodePluginServices.chainParametersJSON(params), subsidy: subsidy,
                                     options: reader)
    }
}
