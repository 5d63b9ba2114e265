import FluxChain
import FluxConsensus
import FluxJSON
import FluxMempool
import FluxMining
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxStorage
import FluxWallet
import Foundation

/// The node's built-in RPC calls: one `register<Category>Methods()` per fluxd `help` category (fluxd's tables in
/// `src/rpc/*.cpp`, `src/wallet/rpcwallet.cpp`, `rpcdump.cpp`), each in `Node+<Category>RPC.swift`.
extension Node {
    /// Registers every built-in RPC method.
    func registerMethods() {
        registerBlockchainMethods()
        registerAddressIndexMethods()
        registerControlMethods()
        registerGeneratingMethods()
        registerHiddenMethods()
        registerMiningMethods()
        registerNetworkMethods()
        registerRawTransactionsMethods()
        registerUtilMethods()
        registerWalletMethods()
    }

    /// Registers `name` with a synchronous body run under bitcoind-style error mapping.
    func method(_ name: String, _ category: String, _ help: String,
                _ body: @escaping @Sendable (RPCParams) throws(RPCError) -> JSONValue) {
        registry.register(name, category: category, help: help) { request throws(RPCError) in
            try body(RPCParams(request))
        }
    }
}
