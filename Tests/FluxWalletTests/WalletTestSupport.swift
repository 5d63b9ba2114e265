import Foundation
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage
@testable import FluxWallet

/// A regtest chain of 102 blocks whose rewards pay `ChainBuilder`'s key (seed 1), mined once per test run.
enum SharedChain {
    nonisolated(unsafe) static let value: (builder: ChainBuilder, blocks: [Block]) = {
        var builder = ChainBuilder()
        let blocks = builder.chain(on: ChainParameters.regtest.genesisHash, count: 102)
        return (builder, blocks)
    }()

    /// The builder's key as regtest WIF.
    static var minerWIF: String {
        WIF(secret: value.builder.key.bytes, compressed: true).encoded(prefixes: ChainParameters.regtest.base58Prefixes)
    }
}

/// Opens a chain at `path` with unsynced writes (tests).
func openChain(_ path: String, params: ChainParameters = .regtest) throws -> ChainState {
    var storage = DatabaseOptions()
    storage.syncWrites = false
    return try ChainState(params: params, path: path, storage: storage)
}

/// The sum of a block's coinbase outputs paying `script`.
func reward(_ block: Block, to script: Script) -> Amount {
    Amount(units: block.transactions[0].outputs.filter { $0.scriptPubKey == script }.reduce(0) { $0 + $1.value.units })
}

/// Total of `coins`.
func total(_ coins: [WalletCoin]) -> Amount {
    Amount(units: coins.reduce(0) { $0 + $1.output.value.units })
}

/// A chain and a wallet holding the builder's key, with the first `count` shared blocks connected.
func minedWallet(blocks count: Int = 102) throws -> (chain: ChainState, wallet: Wallet, builder: ChainBuilder) {
    let chain = try openChain(ChainBuilder.temporaryDirectory())
    let wallet = try Wallet(chain: chain)
    _ = try wallet.importPrivateKey(SharedChain.minerWIF, rescan: false)
    for b in SharedChain.value.blocks.prefix(count) { try chain.acceptBlock(b) }
    return (chain, wallet, SharedChain.value.builder)
}

/// An address no wallet in these tests holds.
let foreignAddress = Address.pubKeyHash([UInt8](repeating: 0x42, count: 20))
