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

/// fluxd's "hidden" calls (defined in `src/rpc/blockchain.cpp`): served, and described by `help NAME`, but left
/// out of the `help` listing, as fluxd does.
extension Node {
    func registerHiddenMethods() {
        method("invalidateblock", "Hidden", "invalidateblock \"hash\"\nMarks a block and its descendants invalid.") { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let hash = try p.hash(0)
            do throws(ChainError) { try self.chain.invalidateBlock(hash) } catch { throw Self.rpcError(error) }
            return .null
        }
        method("reconsiderblock", "Hidden", "reconsiderblock \"hash\"\nRemoves invalidity marks set by invalidateblock.") { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let hash = try p.hash(0)
            do throws(ChainError) { try self.chain.reconsiderBlock(hash) } catch { throw Self.rpcError(error) }
            return .null
        }
    }
}
