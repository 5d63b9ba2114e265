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

/// fluxd's "control" calls (`stop`, `uptime`, `getinfo`; `help` is the registry's own).
extension Node {
    func registerControlMethods() {
        method("stop", "Control", "stop\nStops the node.") { p throws(RPCError) in
            try p.check(max: 0)
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { self.requestShutdown() }
            return .string("Flux server stopping")
        }
        method("uptime", "Control", "uptime\nSeconds since the node started.") { _ throws(RPCError) in
            .int(Int(Date().timeIntervalSince(self.startedAt)))
        }
        method("getinfo", "Control", "getinfo\nA summary of the node's state.") { p throws(RPCError) in
            try p.check(max: 0)
            return .object([("version", .int(ProtocolConstants.fluxdClientVersion)),
                            ("protocolversion", .int(ProtocolConstants.protocolVersion)),
                            ("balance", TransactionJSON.amount(self.wallet.balance())),
                            ("blocks", .int(self.chain.height)), ("timeoffset", .int(0)),
                            ("connections", .int(self.network.connectionCountNow)), ("proxy", .string("")),
                            ("difficulty", .double(self.difficulty)),
                            ("testnet", .bool(self.params.network == .testnet)),
                            ("relayfee", TransactionJSON.amount(self.mempool.policy.minRelayFeePerKB)),
                            ("errors", .string(""))])
        }
    }
}
