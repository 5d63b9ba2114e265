import Foundation
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage
import Testing
@testable import FluxWallet

/// The wallet's transaction history: recorded from blocks and sends, placed in blocks, undone by reorgs
/// (also while the wallet is closed), kept across restarts; coin locks and the fee rate.
@Suite struct WalletHistoryTests {
    @Test func historyFollowsBlocksReorgsAndRestarts() throws {
        let path = ChainBuilder.temporaryDirectory()
        var chain = try openChain(path)
        var wallet = try Wallet(chain: chain)
        _ = try wallet.importPrivateKey(SharedChain.minerWIF, rescan: false)
        var builder = SharedChain.value.builder
        for b in SharedChain.value.blocks { try chain.acceptBlock(b) }
        #expect(wallet.transactionCount == 102)
        let coinbase = SharedChain.value.blocks[5].transactions[0]
        let place = try #require(wallet.transactionSummary(coinbase.txid, includeWatchOnly: false)?.transaction.block)
        #expect(place.height == 6 && place.index == 0 && place.hash == SharedChain.value.blocks[5].hash)

        let (tx, fee) = try wallet.createTransaction(paying: [(foreignAddress, .coins(2))])
        wallet.recordPending(tx)
        let pending = try #require(wallet.transactionSummary(tx.txid, includeWatchOnly: false))
        #expect(pending.transaction.block == nil && pending.isFromMe && pending.fee == fee)
        #expect(pending.sent.count == 1 && pending.sent[0].amount == .coins(2))
        #expect(pending.credit.units + fee.units + Amount.coins(2).units == pending.debit.units)

        let block = builder.block(on: chain.tip.hash, transactions: [tx], fees: fee)
        #expect(try chain.acceptBlock(block) == .connected)
        #expect(wallet.transactionSummary(tx.txid, includeWatchOnly: false)?.transaction.block?.index == 1)
        chain.store.close()

        // Disconnected while the wallet is closed: the catch-up at the next start clears its block.
        chain = try openChain(path)
        try chain.invalidateBlock(block.hash)
        chain.store.close()
        chain = try openChain(path)
        wallet = try Wallet(chain: chain)
        let reopened = try #require(wallet.transactionSummary(tx.txid, includeWatchOnly: false))
        #expect(reopened.transaction.block == nil)
        #expect(reopened.transaction.order == pending.transaction.order)
        // Recorded when sent, before the coinbase of the block that mined it.
        #expect(wallet.history(includeWatchOnly: false).suffix(2).map(\.transaction.txid) == [tx.txid, block.transactions[0].txid])
        // The block's coinbase stays in the history, unconfirmed (fluxd keeps orphaned coinbases).
        #expect(wallet.transactionSummary(block.transactions[0].txid, includeWatchOnly: false)?.transaction.block == nil)
    }

    @Test func lockedCoinsAreNotChosenAndFeeRateApplies() throws {
        let (_, wallet, _) = try minedWallet()
        let coins = wallet.listUnspent()
        #expect(coins.count == 2)
        wallet.lockCoins([coins[0].outpoint])
        #expect(wallet.listUnspent().map(\.outpoint) == [coins[1].outpoint])
        let (tx, _) = try wallet.createTransaction(paying: [(foreignAddress, .coins(1))])
        #expect(tx.inputs.map(\.prevout) == [coins[1].outpoint])
        wallet.lockCoins([coins[1].outpoint])
        #expect(throws: WalletError.self) { try wallet.createTransaction(paying: [(foreignAddress, .coins(1))]) }
        #expect(throws: WalletError.self) { try wallet.fund(Transaction(version: 1, inputs: [], outputs: [TxOut(value: .coins(1), scriptPubKey: foreignAddress.script)])) }
        wallet.unlockAllCoins()
        #expect(wallet.lockedCoins.isEmpty)

        wallet.payTxFee = Amount(units: 100_000)
        let (expensive, fee) = try wallet.createTransaction(paying: [(foreignAddress, .coins(1))])
        #expect(fee.units >= Int64(expensive.serializedSize) * 100)
    }
}
