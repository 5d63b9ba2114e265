import FluxChainFixtures
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxTestSupport
import FluxZMQ
import Foundation
import Testing

/// `-zmqpub*` with a real ZeroMQ subscriber (pyzmq, Tests/Python/zmq_subscriber.py) against a regtest node:
/// every block and transaction arrives, in order, with consecutive per-topic sequence numbers.
@Suite(.serialized) struct ZMQNotificationTests {
    @Test func pythonSubscriberReceivesEveryBlockAndTransactionInOrder() async throws {
        let sharedPort = try freeLoopbackPort()
        try await withTestNodes { nodes in
            // hashblock and hashtx share a socket on a port ZeroMQ picks; the raw topics and sequence share another.
            let node = try await nodes.start([
                "-zmqpubhashblock=tcp://127.0.0.1:*", "-zmqpubhashtx=tcp://127.0.0.1:*",
                "-zmqpubrawblock=tcp://127.0.0.1:\(sharedPort)", "-zmqpubrawtx=tcp://127.0.0.1:\(sharedPort)",
                "-zmqpubsequence=tcp://127.0.0.1:\(sharedPort)", "-zmqpubrawblockhwm=5000",
            ])
            let endpoints = node.zmqEndpoints
            #expect(endpoints.count == 5)
            #expect(endpoints[.hashblock] == endpoints[.hashtx])
            #expect(endpoints[.rawblock] == "tcp://127.0.0.1:\(sharedPort)")
            let subscriber = try PythonScript("zmq_subscriber.py", Array(Set(endpoints.values)).sorted())
            defer { if subscriber.process.isRunning { subscriber.process.terminate() } }
            #expect(await eventually(30) { subscriber.objects.contains { $0["ready"] != nil } }, "\(subscriber.standardError)")
            let rpc = rpcClient(node)

            // Subscriptions take effect asynchronously: mine until both sockets deliver the tip, then cut there.
            var warmTip = ""
            var cut = 0
            for _ in 0..<60 {
                warmTip = try await rpc.call("generate", params: [1]).arrayValue?.first?.stringValue ?? ""
                let arrived = await eventually(1) {
                    let got = subscriber.objects
                    return got.contains { $0["topic"] as? String == "hashblock" && $0["body"] as? String == warmTip }
                        && got.contains { $0["topic"] as? String == "sequence" && ($0["body"] as? String)?.hasPrefix(warmTip) == true }
                }
                if arrived {
                    cut = subscriber.lines.count
                    break
                }
            }
            #expect(cut > 0, "the subscriber received nothing: \(subscriber.standardError)")

            // The test network's events: 101 blocks, a payment accepted to the mempool and mined, the block
            // invalidated (disconnected) and reconsidered (connected again).
            let address = try await rpc.call("getnewaddress").stringValue ?? ""
            let mined = try await rpc.call("generatetoaddress", params: [101, .string(address)]).arrayValue?
                .compactMap(\.stringValue) ?? []
            let txid = try await rpc.call("sendtoaddress", params: [.string(address), .double(2.5)]).stringValue ?? ""
            let last = try await rpc.call("generate", params: [1]).arrayValue?.first?.stringValue ?? ""
            _ = try await rpc.call("invalidateblock", params: [.string(last)])
            _ = try await rpc.call("reconsiderblock", params: [.string(last)])
            #expect(try await rpc.call("getbestblockhash").stringValue == last)

            func block(_ hex: String) throws -> Block {
                let hash = try #require(Hash256(displayHex: hex))
                return try #require(try node.chain.block(hash))
            }
            let lastBlock = try block(last)
            let lastTxids = lastBlock.transactions.map(\.txid.description)
            #expect(lastTxids.contains(txid))
            let tipBeforeLast = mined[mined.count - 1]

            let hashblock = mined + [last, tipBeforeLast, last]
            var hashtx: [String] = []
            for hash in mined { hashtx += try block(hash).transactions.map(\.txid.description) }
            hashtx += [txid] + lastTxids + lastTxids + lastTxids
            var sequence = mined.map { $0 + "43" }
            sequence.append(txid + "41")
            sequence += [last + "43", last + "44", last + "43"]
            var rawtx = try mined.flatMap { try block($0).transactions.map { hexString($0.serialized) } }
            let rawLast = lastBlock.transactions.map { hexString($0.serialized) }
            let rawPayment = hexString(try #require(lastBlock.transactions.first { $0.txid.description == txid }).serialized)
            rawtx += [rawPayment] + rawLast + rawLast + rawLast
            var rawblock = try mined.map { hexString(try block($0).serialized) }
            rawblock += [hexString(lastBlock.serialized), hexString(try block(tipBeforeLast).serialized),
                         hexString(lastBlock.serialized)]

            #expect(await eventually(60) {
                subscriber.objects.filter { $0["topic"] as? String == "hashblock" }.last?["body"] as? String == last
                    && Self.bodies(subscriber, "sequence", after: cut).count >= sequence.count
                    && Self.bodies(subscriber, "hashtx", after: cut).count >= hashtx.count
                    && Self.bodies(subscriber, "rawtx", after: cut).count >= rawtx.count
                    && Self.bodies(subscriber, "hashblock", after: cut).count >= hashblock.count
                    && Self.bodies(subscriber, "rawblock", after: cut).count >= rawblock.count
            })
            subscriber.closeInput()
            #expect(await subscriber.waitForExit() == 0, "\(subscriber.standardError)")

            // hashes in display order, as RPC prints them; raw bodies equal to the node's serialization.
            #expect(Self.bodies(subscriber, "hashblock", after: cut) == hashblock)
            #expect(Self.bodies(subscriber, "hashtx", after: cut) == hashtx)
            #expect(Self.bodies(subscriber, "rawtx", after: cut) == rawtx)
            #expect(Self.bodies(subscriber, "rawblock", after: cut) == rawblock)
            // sequence: hash then label (C 0x43, D 0x44, A 0x41 with an 8-byte mempool sequence).
            let sequenceBodies = Self.bodies(subscriber, "sequence", after: cut)
            #expect(sequenceBodies.map { String($0.prefix(66)) } == sequence)
            #expect(sequenceBodies.filter { $0.hasPrefix(txid) }.allSatisfy { $0.count == 66 + 16 })
            // Every message has three frames; sequence numbers are consecutive per topic from the first received.
            let all = subscriber.objects.filter { $0["topic"] != nil }
            #expect(all.allSatisfy { $0["frames"] as? Int == 3 })
            for topic in ZMQTopic.allCases {
                let numbers = all.filter { $0["topic"] as? String == topic.rawValue }.compactMap { $0["seq"] as? Int }
                #expect(!numbers.isEmpty)
                #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 }, "\(topic): \(numbers)")
            }
            #expect(warmTip != "")
        }
    }

    @Test func unusableZMQAddressStopsStartUpNamingTheOption() async throws {
        let dir = ChainBuilder.temporaryDirectory()
        let noPlugins = dir + "/no-plugins.toml"
        try "".write(toFile: noPlugins, atomically: true, encoding: .utf8)
        let result = try await runTool("fluxd", ["-regtest", "-datadir=\(dir)", "-port=0", "-rpcport=0", "-listen=0",
                                                 "-plugins=\(noPlugins)", "-zmqpubrawtx=nonsense"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("zmqpubrawtx") && result.stderr.contains("nonsense"), "\(result.stderr)")
    }

    /// Bodies (hex) of `topic`'s messages among the lines after the first `after` lines.
    static func bodies(_ subscriber: PythonScript, _ topic: String, after: Int) -> [String] {
        subscriber.lines.dropFirst(after).compactMap { line in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  object["topic"] as? String == topic else { return nil }
            return object["body"] as? String
        }
    }
}
