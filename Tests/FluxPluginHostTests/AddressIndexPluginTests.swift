import CFluxPlugin
import FluxChainFixtures
import FluxConsensus
import FluxPrimitives
import Foundation
import Logging
import Testing
@testable import FluxPluginHost

/// The Swift example plugin, loaded as a shared object and driven through the host table.
@Suite struct AddressIndexPluginTests {
    @Test func indexesReceivedAndSpentAmountsPerAddress() throws {
        let services = MemoryPluginServices()
        let image = try PluginImage.load(path: TestPlugins.builtProduct("FluxPluginAddressIndex"),
                                         imagesDirectory: TestPlugins.imagesDirectory())
        #expect(image.info.name == "addressindex")
        #expect(image.info.toolchain == PluginImage.hostToolchain)
        let plugin = try PluginInstance(image: image, configuration: Array(#"{"network":"regtest"}"#.utf8),
                                        services: services, logger: Logger(label: "test"))
        defer { plugin.unload() }
        #expect(plugin.rpcMethods.map(\.name) == ["getaddressbalance"])

        // 101 blocks to the builder's key, then one spending the first coinbase: 30 FLUX to another address.
        var builder = ChainBuilder(params: .regtest)
        var blocks = builder.chain(on: ChainParameters.regtest.genesisHash, count: 101)
        let coinbase = blocks[0].transactions[0]
        let other = Address.pubKeyHash([UInt8](repeating: 0x42, count: 20))
        let spend = builder.spend([(OutPoint(hash: coinbase.txid, index: 0), coinbase.outputs[0].value)],
                                  to: [TxOut(value: .coins(30), scriptPubKey: other.script),
                                       TxOut(value: coinbase.outputs[0].value - .coins(30) - Amount(units: 10_000),
                                             scriptPubKey: builder.minerScript)], height: 102)
        blocks.append(builder.block(on: blocks[100].hash, transactions: [spend], fees: Amount(units: 10_000)))

        for (i, block) in blocks.enumerated() {
            let txn = PluginKVTransaction(namespace: "plugin.addressindex") { (key) throws(PluginStoreError) in
                try services.storedValue(namespace: "plugin.addressindex", key: key)
            }
            let outcome = plugin.blockEvent(connected: true, height: Int64(i + 1), hash: Array(block.hash.bytes),
                                            block: block.serialized, transaction: txn)
            #expect(outcome == .ok)
            services.commit(txn)
        }
        let prefixes = ChainParameters.regtest.base58Prefixes
        let miner = try #require(Address(script: builder.minerScript))
        var received: Int64 = 0
        var outputs = 0
        for block in blocks {
            for tx in block.transactions {
                for o in tx.outputs where o.scriptPubKey == builder.minerScript {
                    received += o.value.units
                    outputs += 1
                }
            }
        }
        let balance = received - coinbase.outputs[0].value.units
        let reply = try plugin.rpcCall(method: "getaddressbalance",
                                       params: Array("[\"\(miner.encoded(prefixes: prefixes))\"]".utf8)).get()
        #expect(String(decoding: reply, as: UTF8.self) == "{\"balance\":\(balance),\"received\":\(received),\"outputs\":\(outputs)}")
        let otherReply = try plugin.rpcCall(method: "getaddressbalance",
                                            params: Array("[\"\(other.encoded(prefixes: prefixes))\"]".utf8)).get()
        #expect(String(decoding: otherReply, as: UTF8.self) == "{\"balance\":3000000000,\"received\":3000000000,\"outputs\":1}")
        // A mainnet address is refused on regtest.
        let mainnet = ChainParameters.mainnet.base58Prefixes
        switch plugin.rpcCall(method: "getaddressbalance", params: Array("[\"\(other.encoded(prefixes: mainnet))\"]".utf8)) {
        case .success: Issue.record("a mainnet address must be refused")
        case let .failure(error): #expect(error.status == FLUX_ERR_INVALID_ARGUMENT)
        }
        let addressed = blocks.flatMap(\.transactions).flatMap(\.outputs).filter { Address(script: $0.scriptPubKey) != nil }
        #expect(plugin.metrics["outputs_indexed"] == Double(addressed.count))
        #expect(plugin.metrics["height"] == 102)
    }

    @Test func refusesUnknownConfiguration() throws {
        let image = try PluginImage.load(path: TestPlugins.builtProduct("FluxPluginAddressIndex"),
                                         imagesDirectory: TestPlugins.imagesDirectory())
        do {
            _ = try PluginInstance(image: image, configuration: Array(#"{"netwrk":"regtest"}"#.utf8),
                                   services: MemoryPluginServices(), logger: Logger(label: "test"))
            Issue.record("a typo in the configuration must be refused")
        } catch {
            #expect(error.reason.contains("unknown config key \"netwrk\""))
        }
    }
}
