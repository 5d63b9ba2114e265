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

/// fluxd's "generating" calls (`src/rpc/mining.cpp`): blocks mined on demand on test networks.
extension Node {
    func registerGeneratingMethods() {
        method("generate", "Generating", "generate numblocks\nMines blocks now (test networks) paying a new wallet address.") { p throws(RPCError) in
            try p.check(max: 2, min: 1)
            guard self.params.network != .mainnet else { throw RPCError(code: -32601, message: "generate is for test networks") }
            let address: Address
            do { address = try self.wallet.newAddress() } catch { throw RPCError(code: -4, message: "\(error)") }
            return try self.generate(try p.int(0), to: address.script)
        }
        method("generatetoaddress", "Generating", "generatetoaddress numblocks \"address\"\nMines blocks now paying address.") { p throws(RPCError) in
            try p.check(max: 3, min: 2)
            guard self.params.network != .mainnet else { throw RPCError(code: -32601, message: "generate is for test networks") }
            let text = try p.string(1)
            guard let address = Address(text, prefixes: self.params.base58Prefixes) else {
                throw RPCError(code: -5, message: "Invalid address \(text)")
            }
            return try self.generate(try p.int(0), to: address.script)
        }
    }

    func generate(_ count: Int, to script: Script) throws(RPCError) -> JSONValue {
        guard count >= 0, count <= 10_000 else { throw RPCError(code: -8, message: "numblocks out of range") }
        do {
            return .array(try mineBlocks(count, to: script).map { .string($0.description) })
        } catch let e as ChainError {
            throw Self.rpcError(e)
        } catch {
            throw RPCError(code: -1, message: "\(error)")
        }
    }
}
