import Foundation
import Testing
import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import FluxScript
import FluxStorage
@testable import FluxWallet

@Suite(.serialized) struct WalletTests {
    let prefixes = ChainParameters.regtest.base58Prefixes

    @Test func newAddressIsCompressedRegtestP2PKH() throws {
        let wallet = try Wallet(chain: try openChain(ChainBuilder.temporaryDirectory()))
        let address = try wallet.newAddress()
        let text = address.encoded(prefixes: prefixes)
        #expect(text.hasPrefix("tm"))
        guard case let .pubKeyHash(hash) = address else { Issue.record("not P2PKH"); return }
        #expect(wallet.isMine(address.script))
        #expect(wallet.isMine(.payToPubKeyHash(hash)))
        #expect(!wallet.isMine(foreignAddress.script))
        #expect(wallet.addresses == [address])
        let wif = try #require(WIF(try wallet.dumpPrivateKey(text), prefixes: prefixes))
        #expect(wif.compressed)
        let key = try #require(PrivateKey(bytes: wif.secret))
        #expect(key.publicKey(compressed: true).hash160 == hash)
        #expect(wallet.isMine(Script([33] + key.publicKey(compressed: true).bytes + [Opcode.checkSig])))
        #expect(try wallet.newAddress() != address)
        #expect(wallet.addresses.count == 2)
    }

    @Test func importAndDumpPrivateKeyRoundTrip() throws {
        let wallet = try Wallet(chain: try openChain(ChainBuilder.temporaryDirectory()))
        let key = PrivateKey(bytes: [UInt8](repeating: 0x11, count: 32))!
        for compressed in [true, false] {
            let wif = WIF(secret: key.bytes, compressed: compressed).encoded(prefixes: prefixes)
            #expect(Base58.decodeCheck(wif)?.first == 0xef)
            let address = try wallet.importPrivateKey(wif)
            #expect(address == .pubKeyHash(key.publicKey(compressed: compressed).hash160))
            #expect(try wallet.dumpPrivateKey(address.encoded(prefixes: prefixes)) == wif)
        }
        #expect(wallet.addresses.count == 2)
        // Importing again changes nothing.
        _ = try wallet.importPrivateKey(WIF(secret: key.bytes, compressed: true).encoded(prefixes: prefixes))
        #expect(wallet.addresses.count == 2)

        let mainnetWIF = WIF(secret: key.bytes, compressed: true).encoded(prefixes: ChainParameters.mainnet.base58Prefixes)
        #expect(throws: WalletError.invalidAddress("Invalid private key encoding")) {
            try wallet.importPrivateKey(mainnetWIF)
        }
        #expect(throws: WalletError.invalidAddress("Invalid private key encoding")) {
            try wallet.importPrivateKey("not a key")
        }
        let unknown = foreignAddress.encoded(prefixes: prefixes)
        #expect(throws: WalletError.unknownKey(unknown)) { try wallet.dumpPrivateKey(unknown) }
        #expect(throws: WalletError.invalidAddress("t1xyz")) { try wallet.dumpPrivateKey("t1xyz") }
        let p2sh = Address.scriptHash([UInt8](repeating: 1, count: 20)).encoded(prefixes: prefixes)
        #expect(throws: WalletError.unknownKey(p2sh)) { try wallet.dumpPrivateKey(p2sh) }
    }

    @Test func balanceCountsOnlyMatureCoinbase() throws {
        let (chain, wallet, builder) = try minedWallet(blocks: 100)
        let blocks = SharedChain.value.blocks
        // 100 confirmations are not enough for the wallet (fluxd's wallet wants 101).
        #expect(wallet.balance() == .zero)
        #expect(wallet.listUnspent().isEmpty)
        try chain.acceptBlock(blocks[100])
        #expect(wallet.balance() == reward(blocks[0], to: builder.minerScript))
        try chain.acceptBlock(blocks[101])
        let expected = reward(blocks[0], to: builder.minerScript) + reward(blocks[1], to: builder.minerScript)
        #expect(wallet.balance() == expected)
        let unspent = wallet.listUnspent()
        #expect(unspent.map(\.height) == [1, 2])
        #expect(unspent.allSatisfy { $0.isCoinbase && $0.isSpendable(tipHeight: 102) })
        #expect(unspent[0].confirmations(tipHeight: chain.height) == 102)
        #expect(wallet.listUnspent(minConfirmations: 102).count == 1)
        #expect(wallet.listUnspent(maxConfirmations: 101).map(\.height) == [2])
        #expect(wallet.listUnspent(addresses: [foreignAddress]).isEmpty)
        #expect(wallet.balance(minConfirmations: 102) == reward(blocks[0], to: builder.minerScript))
        #expect(wallet.unconfirmedBalance() == .zero)
    }

    @Test func importWithRescanFindsCoinsAndSpends() throws {
        let chain = try openChain(ChainBuilder.temporaryDirectory())
        for b in SharedChain.value.blocks { try chain.acceptBlock(b) }
        let wallet = try Wallet(chain: chain)
        #expect(wallet.balance() == .zero)
        _ = try wallet.importPrivateKey(SharedChain.minerWIF)
        let blocks = SharedChain.value.blocks
        let script = SharedChain.value.builder.minerScript
        #expect(wallet.balance() == reward(blocks[0], to: script) + reward(blocks[1], to: script))
    }

    @Test func createdTransactionConfirmsAndReorgRestoresCoins() throws {
        var (chain, wallet, builder) = try minedWallet()
        let before = wallet.balance()
        let spendable = wallet.listUnspent()
        let payment = Amount.coins(1)
        let (tx, fee) = try wallet.createTransaction(paying: [(foreignAddress, payment)])
        #expect(tx.version == 1 && !tx.overwintered)
        #expect(tx.inputs.count == 1 && tx.inputs[0].prevout == spendable[0].outpoint)
        #expect(tx.outputs.count == 2)
        #expect(fee >= Wallet.minimumFee)
        #expect(fee.units >= Int64(tx.serializedSize) * Wallet.defaultFeePerKB.units / 1_000)
        let change = try #require(tx.outputs.enumerated().first { wallet.isMine($0.element.scriptPubKey) })
        #expect(change.element.value == spendable[0].output.value - payment - fee)
        #expect(wallet.addresses.count == 2)   // the change key

        // Sent: the coin is no longer spendable, the change is unconfirmed.
        wallet.recordPending(tx)
        #expect(wallet.balance() == before - spendable[0].output.value)
        #expect(wallet.unconfirmedBalance() == change.element.value)
        #expect(wallet.balance(minConfirmations: 0) == before - payment - fee)

        let block = builder.block(on: chain.tip.hash, transactions: [tx], fees: fee)
        #expect(try chain.acceptBlock(block) == .connected)
        #expect(wallet.unconfirmedBalance() == .zero)
        let unspent = wallet.listUnspent()
        let changeOutpoint = OutPoint(hash: tx.txid, index: UInt32(change.offset))
        #expect(!unspent.contains { $0.outpoint == spendable[0].outpoint })
        #expect(unspent.contains { $0.outpoint == changeOutpoint && $0.height == 103 && !$0.isCoinbase })
        // Block 103 also matures the coinbase of block 3.
        let matured = reward(SharedChain.value.blocks[2], to: builder.minerScript)
        #expect(wallet.balance() == before - payment - fee + matured)

        // Reorganising the block away restores the spent coin and removes the change.
        try chain.invalidateBlock(block.hash)
        #expect(chain.height == 102)
        #expect(wallet.balance() == before)
        #expect(wallet.listUnspent().map(\.outpoint) == spendable.map(\.outpoint))
        #expect(wallet.listUnspent(minConfirmations: 0).count == spendable.count)
    }

    @Test func recordPendingIsDroppedWhenAConflictIsMined() throws {
        var (chain, wallet, builder) = try minedWallet()
        let coin = wallet.listUnspent()[0]
        let (tx, _) = try wallet.createTransaction(paying: [(foreignAddress, .coins(1))])
        wallet.recordPending(tx)
        #expect(wallet.unconfirmedBalance() > .zero)
        // Another transaction spending the same coin is mined instead.
        let conflict = builder.spend([(coin.outpoint, coin.output.value)],
                                     to: [TxOut(value: coin.output.value - Amount(units: 10_000),
                                                scriptPubKey: foreignAddress.script)], height: 103)
        try chain.acceptBlock(builder.block(on: chain.tip.hash, transactions: [conflict], fees: Amount(units: 10_000)))
        #expect(wallet.unconfirmedBalance() == .zero)
        #expect(wallet.pending.isEmpty)
        #expect(!wallet.listUnspent().contains { $0.outpoint == coin.outpoint })
    }

    @Test func subtractFeeFromAmountAndFeeRate() throws {
        let (_, wallet, _) = try minedWallet()
        // Paying the whole balance with the fee taken from it spends every coin and leaves no change.
        let balance = wallet.balance()
        let (tx, fee) = try wallet.createTransaction(paying: [(foreignAddress, balance)], subtractFeeFromAmount: true)
        #expect(tx.inputs.count == wallet.listUnspent().count)
        #expect(tx.outputs.count == 1)
        #expect(tx.outputs[0].value == balance - fee)
        let (big, bigFee) = try wallet.createTransaction(paying: [(foreignAddress, .coins(1))],
                                                         feePerKB: Amount(units: 100_000))
        #expect(bigFee.units >= Int64(big.serializedSize) * 100)
        #expect(throws: WalletError.invalidAmount("Transaction amount too small: 0.00000100 is below the dust threshold")) {
            try wallet.createTransaction(paying: [(foreignAddress, Amount(units: 100))])
        }
        #expect(throws: WalletError.invalidAmount("no outputs to pay")) { try wallet.createTransaction(paying: []) }
    }

    @Test func insufficientFunds() throws {
        let (_, wallet, _) = try minedWallet()
        let available = wallet.balance()
        let tooMuch = available + Amount.coins(1)
        #expect(throws: WalletError.insufficientFunds(needed: tooMuch + Wallet.minimumFee, available: available)) {
            try wallet.createTransaction(paying: [(foreignAddress, tooMuch)])
        }
        // Only immature coins: nothing is spendable.
        let (_, young, _) = try minedWallet(blocks: 50)
        #expect(throws: WalletError.insufficientFunds(needed: .coins(1) + Wallet.minimumFee, available: .zero)) {
            try young.createTransaction(paying: [(foreignAddress, .coins(1))])
        }
    }

    @Test func signRawTransactionSignsWalletInputsAndReportsMissingKeys() throws {
        let (chain, wallet, _) = try minedWallet()
        let coins = wallet.listUnspent()
        let outputs = [TxOut(value: coins[0].output.value - Amount(units: 10_000), scriptPubKey: foreignAddress.script)]
        let unsigned = Transaction(version: 1, inputs: [TxIn(prevout: coins[0].outpoint, scriptSig: [])], outputs: outputs)
        let result = wallet.signRawTransaction(unsigned)
        #expect(result.complete)
        #expect(result.errors.isEmpty)
        #expect(!result.transaction.inputs[0].scriptSig.bytes.isEmpty)
        // The chain accepts it.
        var builder = SharedChain.value.builder
        try chain.acceptBlock(builder.block(on: chain.tip.hash, transactions: [result.transaction],
                                            fees: Amount(units: 10_000)))
        #expect(try chain.coin(coins[0].outpoint) == nil)

        // An input paying a key the wallet lacks, given as a previous output.
        let stranger = PrivateKey(bytes: [UInt8](repeating: 0x33, count: 32))!
        let strangerScript = Script.payToPubKeyHash(stranger.publicKey(compressed: false).hash160)
        let foreignOutpoint = OutPoint(hash: Hash256([UInt8](repeating: 7, count: 32)), index: 1)
        let mixed = Transaction(version: 1, inputs: [TxIn(prevout: coins[1].outpoint, scriptSig: []),
                                                     TxIn(prevout: foreignOutpoint, scriptSig: [])], outputs: outputs)
        let prevouts = [foreignOutpoint: TxOut(value: .coins(2), scriptPubKey: strangerScript)]
        let partial = wallet.signRawTransaction(mixed, prevouts: prevouts)
        #expect(!partial.complete)
        #expect(partial.errors.map(\.input) == [1])
        #expect(partial.errors.first?.message == "Operation not valid with the current stack size")
        #expect(!partial.transaction.inputs[0].scriptSig.bytes.isEmpty)

        // With the stranger's key (uncompressed WIF) it completes; signing again keeps it complete.
        let strangerWIF = WIF(secret: stranger.bytes, compressed: false).encoded(prefixes: prefixes)
        let full = wallet.signRawTransaction(partial.transaction, prevouts: prevouts, extraKeys: [strangerWIF])
        #expect(full.complete && full.errors.isEmpty)

        // Unknown previous output.
        let missing = wallet.signRawTransaction(Transaction(version: 1, inputs: [TxIn(prevout: foreignOutpoint,
                                                                                      scriptSig: [])], outputs: outputs))
        #expect(!missing.complete)
        #expect(missing.errors.map(\.message) == ["Input not found or already spent"])
    }

    @Test func reopenedWalletKeepsKeysBalanceAndPending() throws {
        let path = ChainBuilder.temporaryDirectory()
        var chain = try openChain(path)
        var wallet = try Wallet(chain: chain)
        let address = try wallet.newAddress()
        var builder = ChainBuilder()
        let blocks = builder.chain(on: chain.tip.hash, count: 102, payTo: address.script)
        for b in blocks { try chain.acceptBlock(b) }
        #expect(wallet.balance() == reward(blocks[0], to: address.script) + reward(blocks[1], to: address.script))
        let (tx, _) = try wallet.createTransaction(paying: [(foreignAddress, .coins(1))])
        wallet.recordPending(tx)
        let afterSend = wallet.balance()
        let unconfirmed = wallet.unconfirmedBalance()
        let addresses = wallet.addresses
        chain.store.close()

        chain = try openChain(path)
        wallet = try Wallet(chain: chain)
        #expect(wallet.addresses == addresses)
        #expect(wallet.balance() == afterSend)
        #expect(wallet.unconfirmedBalance() == unconfirmed)
        #expect(try wallet.dumpPrivateKey(address.encoded(prefixes: prefixes)).hasPrefix("c"))
        // The pending transaction confirms after the reopen.
        try chain.acceptBlock(builder.block(on: chain.tip.hash, transactions: [tx], fees: Amount(units: 1_000)))
        #expect(wallet.unconfirmedBalance() == .zero)
        #expect(wallet.pending.isEmpty)
        #expect(wallet.balance() == afterSend + unconfirmed + reward(blocks[2], to: address.script))
    }

    @Test func catchesUpWithBlocksConnectedAndDisconnectedWhileClosed() throws {
        let path = ChainBuilder.temporaryDirectory()
        var chain = try openChain(path)
        let address = try Wallet(chain: chain).newAddress()
        chain.store.close()

        // Blocks arrive while no wallet is open.
        chain = try openChain(path)
        var builder = ChainBuilder()
        let blocks = builder.chain(on: chain.tip.hash, count: 102, payTo: address.script)
        for b in blocks { try chain.acceptBlock(b) }
        chain.store.close()

        chain = try openChain(path)
        var wallet = try Wallet(chain: chain)
        #expect(wallet.coins.count == 102)
        #expect(wallet.balance() == reward(blocks[0], to: address.script) + reward(blocks[1], to: address.script))
        #expect(wallet.synced?.hash == blocks[101].hash)
        chain.store.close()

        // The last two blocks leave the chain while no wallet is open.
        chain = try openChain(path)
        try chain.invalidateBlock(blocks[100].hash)
        #expect(chain.height == 100)
        chain.store.close()

        chain = try openChain(path)
        wallet = try Wallet(chain: chain)
        #expect(wallet.coins.count == 100)
        #expect(wallet.synced?.hash == blocks[99].hash)
        #expect(wallet.balance() == .zero)
    }

    @Test func acadiaTransactionsAreSaplingFormatWithExpiry() throws {
        let params = try ChainParameters.regtest(upgradeOverrides: [UpgradeOverride(upgrade: .acadia, height: 103)])
        let chain = try openChain(ChainBuilder.temporaryDirectory(), params: params)
        let wallet = try Wallet(chain: chain)
        _ = try wallet.importPrivateKey(SharedChain.minerWIF, rescan: false)
        for b in SharedChain.value.blocks { try chain.acceptBlock(b) }
        let before = wallet.balance()
        let (tx, fee) = try wallet.createTransaction(paying: [(foreignAddress, .coins(3))])
        #expect(tx.isSaplingV4)
        #expect(tx.expiryHeight == 103 + 20)
        var builder = ChainBuilder(params: params)
        builder.headers = SharedChain.value.builder.headers
        #expect(try chain.acceptBlock(builder.block(on: chain.tip.hash, transactions: [tx], fees: fee)) == .connected)
        let matured = reward(SharedChain.value.blocks[2], to: SharedChain.value.builder.minerScript)
        #expect(wallet.balance() == before - .coins(3) - fee + matured)
        let signed = wallet.signRawTransaction(Transaction.sapling(
            inputs: [TxIn(prevout: wallet.listUnspent()[0].outpoint, scriptSig: [])],
            outputs: [TxOut(value: .coins(1), scriptPubKey: foreignAddress.script)], expiryHeight: 200))
        #expect(signed.complete)
    }
}
