import CZeroMQ
import FluxPrimitives
import FluxZMQ
import Foundation
import Testing

/// The publisher over libzmq with a real SUB socket: frames, per-topic counters, shared sockets, bind errors.
@Suite struct ZMQNotifierTests {
    @Test func hashBodiesAreInDisplayOrderAndCountersAreLittleEndian() {
        let hash = Hash256([UInt8](0..<32))
        #expect(ZMQMessage.hash(.hashtx, hash).body == [UInt8](0..<32).reversed())
        #expect(ZMQMessage.hash(.hashblock, hash).body.map { String(format: "%02x", $0) }.joined() == hash.description)
        let frames = ZMQMessage.hash(.hashblock, hash).frames(sequence: 0x0403_0201)
        #expect(frames.count == 3)
        #expect(frames[0] == Array("hashblock".utf8))
        #expect(frames[2] == [1, 2, 3, 4])
    }

    @Test func sequenceBodiesFollowBitcoind() {
        let hash = Hash256([UInt8](repeating: 7, count: 31) + [9])
        let connected = ZMQMessage.sequence(hash, label: "C").body
        #expect(connected.count == 33)
        #expect(connected.first == 9 && connected.last == UInt8(ascii: "C"))
        let added = ZMQMessage.sequence(hash, label: "A", mempoolSequence: 0x0102).body
        #expect(added.count == 41)
        #expect(Array(added[32...]) == [UInt8(ascii: "A"), 2, 1, 0, 0, 0, 0, 0, 0])
    }

    @Test func acceptedTransactionsArePublishedWithPerTopicSequenceNumbersOnASharedSocket() throws {
        let notifier = try ZMQNotifier(endpoints: [
            .hashtx: ZMQEndpoint(address: "tcp://127.0.0.1:*"),
            .rawtx: ZMQEndpoint(address: "tcp://127.0.0.1:*"),
            .sequence: ZMQEndpoint(address: "tcp://127.0.0.1:*"),
        ], loadBlock: { _ in nil })
        defer { notifier.close() }
        let endpoint = try #require(notifier.boundEndpoints[.hashtx])
        #expect(notifier.boundEndpoints[.rawtx] == endpoint, "topics with the same address share one socket")
        #expect(notifier.boundEndpoints[.sequence] == endpoint)
        #expect(!endpoint.hasSuffix("*"))

        let subscriber = try TestSubscriber(endpoint: endpoint)
        defer { subscriber.close() }
        // ZeroMQ subscriptions take effect asynchronously: publish until the first message arrives.
        let warmUp = Transaction(outputs: [TxOut(value: .coins(1), scriptPubKey: Script([0x51]))])
        var first: [[UInt8]]?
        for _ in 0..<100 where first == nil {
            notifier.transactionAccepted(warmUp)
            notifier.flush()
            first = subscriber.receive(timeoutMilliseconds: 50)
        }
        #expect(first != nil, "the subscriber never received a message")
        while subscriber.receive(timeoutMilliseconds: 200) != nil {}

        let txs = (2...4).map { Transaction(outputs: [TxOut(value: .coins(Int64($0)), scriptPubKey: Script([0x51]))]) }
        for tx in txs { notifier.transactionAccepted(tx) }
        notifier.flush()
        var received: [String: [([UInt8], UInt32)]] = [:]
        while let frames = subscriber.receive(timeoutMilliseconds: 500) {
            #expect(frames.count == 3)
            let seq = frames[2].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
            received[String(decoding: frames[0], as: UTF8.self), default: []].append((frames[1], seq))
            if received["sequence"]?.count == 3 && received["rawtx"]?.count == 3 && received["hashtx"]?.count == 3 { break }
        }
        let hashtx = try #require(received["hashtx"])
        let rawtx = try #require(received["rawtx"])
        let sequence = try #require(received["sequence"])
        #expect(hashtx.map(\.0) == txs.map { $0.txid.bytes.reversed() })
        #expect(rawtx.map(\.0) == txs.map(\.serialized))
        #expect(sequence.map { Array($0.0[0..<32]) } == txs.map { $0.txid.bytes.reversed() })
        #expect(sequence.allSatisfy { $0.0[32] == UInt8(ascii: "A") && $0.0.count == 41 })
        for topic in [hashtx, rawtx, sequence] {
            // Consecutive per topic, continuing the warm-up's numbers.
            #expect(zip(topic, topic.dropFirst()).allSatisfy { $1.1 == $0.1 + 1 })
        }
        #expect(sequence.map { $0.0[33] } == [sequence[0].0[33], sequence[0].0[33] + 1, sequence[0].0[33] + 2],
                "mempool sequence numbers count up")

        // A removal other than by a block: sequence R with the next mempool sequence number, nothing else.
        notifier.transactionRemoved(txs[0].txid)
        notifier.flush()
        let removal = try #require(subscriber.receive(timeoutMilliseconds: 2000))
        #expect(removal[0] == Array("sequence".utf8))
        #expect(Array(removal[1][0..<32]) == txs[0].txid.bytes.reversed())
        #expect(removal[1][32] == UInt8(ascii: "R") && removal[1][33] == sequence[2].0[33] + 1)
        #expect(subscriber.receive(timeoutMilliseconds: 200) == nil)
    }

    @Test func unusableAddressesAreRefusedNamingTheOption() throws {
        #expect {
            _ = try ZMQNotifier(endpoints: [.hashblock: ZMQEndpoint(address: "not-an-address")], loadBlock: { _ in nil })
        } throws: { error in
            "\(error)".contains("zmqpubhashblock") && "\(error)".contains("not-an-address")
        }
        let taken = try ZMQNotifier(endpoints: [.rawtx: ZMQEndpoint(address: "tcp://127.0.0.1:*")], loadBlock: { _ in nil })
        defer { taken.close() }
        let address = try #require(taken.boundEndpoints[.rawtx])
        #expect {
            _ = try ZMQNotifier(endpoints: [.hashtx: ZMQEndpoint(address: "tcp://127.0.0.1:*"),
                                            .sequence: ZMQEndpoint(address: address)], loadBlock: { _ in nil })
        } throws: { error in
            "\(error)".contains("zmqpubsequence") && "\(error)".contains("Address already in use")
        }
    }
}

/// A ZeroMQ SUB socket subscribed to every topic.
final class TestSubscriber {
    private let context: UnsafeMutableRawPointer
    private let socket: UnsafeMutableRawPointer

    init(endpoint: String) throws {
        context = zmq_ctx_new()
        socket = zmq_socket(context, ZMQ_SUB)
        guard zmq_setsockopt(socket, ZMQ_SUBSCRIBE, nil, 0) == 0, zmq_connect(socket, endpoint) == 0 else {
            throw ZMQError(operation: "subscribe to \(endpoint)", reason: String(cString: zmq_strerror(zmq_errno())))
        }
    }

    /// The next multipart message, or nil when none arrives in time.
    func receive(timeoutMilliseconds: Int32) -> [[UInt8]]? {
        var timeout = timeoutMilliseconds
        zmq_setsockopt(socket, ZMQ_RCVTIMEO, &timeout, MemoryLayout<Int32>.size)
        var frames: [[UInt8]] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            guard zmq_msg_recv(&message, socket, 0) >= 0 else { return frames.isEmpty ? nil : frames }
            let size = zmq_msg_size(&message)
            let data = zmq_msg_data(&message)
            frames.append(size == 0 ? [] : Array(UnsafeRawBufferPointer(start: data, count: size)))
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    func close() {
        var linger: Int32 = 0
        zmq_setsockopt(socket, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        zmq_close(socket)
        zmq_ctx_term(context)
    }
}
