import FluxChain
import FluxPrimitives
import Foundation
import Logging

/// fluxd's ZeroMQ notifications (`-zmqpubhashblock`, `-zmqpubhashtx`, `-zmqpubrawblock`, `-zmqpubrawtx`) and
/// bitcoind's `-zmqpubsequence`, published from the node's chain and mempool events.
///
/// When each topic fires, as in fluxd:
/// - `hashblock`, `rawblock`: the new tip, once per tip change (fluxd's `UpdatedBlockTip`), not while the node is
///   in initial download (tip older than 24 hours; once the tip has been recent it stays off, as fluxd's latch).
/// - `hashtx`, `rawtx`: every transaction the mempool accepts, and every transaction of each block connected to
///   or disconnected from the active chain (fluxd's `SyncTransaction`), coinbase included.
/// - `sequence`: `C` for each block connected, `D` for each block disconnected, `A` for each transaction the
///   mempool accepts, `R` for each one that leaves it other than by being mined (bitcoind's format; fluxd has no
///   such topic). `A` and `R` carry a mempool sequence number counted by this publisher from 0.
/// Each topic counts its own messages from 0 (the third frame). Topics given the same address share a socket.
///
/// Chain events arrive with the chain's lock held: they are only queued here, and a serial queue encodes and
/// sends them, so publishing never delays block connection. A slow or absent subscriber loses messages at the
/// socket's high-water mark as in fluxd; past ``maxPending`` queued events new ones are dropped and counted in
/// ``droppedEvents``.
public final class ZMQNotifier: ChainObserver, @unchecked Sendable {
    /// Events waiting for the publishing queue before new ones are dropped.
    public static let maxPending = 10_000
    /// fluxd's `nMaxTipAge`: a tip older than this (seconds) means initial download, when tips are not published.
    public static let maxTipAge: Int64 = 24 * 60 * 60

    /// The endpoint each topic was actually bound to (a `*` port resolved), for logs and tests.
    public let boundEndpoints: [ZMQTopic: String]

    private let endpoints: [ZMQTopic: ZMQEndpoint]
    private let queue = DispatchQueue(label: "flux.zmq")
    private let loadBlock: @Sendable (Hash256) -> Block?
    private let now: @Sendable () -> Int64
    private let logger: Logger

    // Touched only on `queue`.
    private let publisher: ZMQPublisher
    private var counters: [ZMQTopic: UInt32] = [:]
    private var mempoolSequence: UInt64 = 0

    // Guarded by `lock`.
    private let lock = NSLock()
    private var pending = 0
    private var dropped = 0
    private var closed = false
    private var lastConnected: Block?
    private var caughtUp = false

    /// Binds every configured topic's address and starts publishing. `loadBlock` reads a stored block (for a
    /// `rawblock` of a tip that was not just connected, e.g. after `invalidateblock`); `now` is the clock in unix
    /// seconds. Throws a ``ZMQError`` naming the option when an address cannot be bound (nothing stays bound).
    public init(endpoints: [ZMQTopic: ZMQEndpoint], loadBlock: @escaping @Sendable (Hash256) -> Block?,
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                logger: Logger = Logger(label: "flux.zmq")) throws(ZMQError) {
        self.endpoints = endpoints
        self.loadBlock = loadBlock
        self.now = now
        self.logger = logger
        let publisher = try ZMQPublisher()
        var bound: [ZMQTopic: String] = [:]
        do {
            for (topic, endpoint) in endpoints.sorted(by: { $0.key < $1.key }) {
                bound[topic] = try publisher.bind(endpoint.address, highWaterMark: endpoint.highWaterMark,
                                                  option: topic.optionName)
            }
        } catch {
            publisher.close()
            throw error
        }
        self.publisher = publisher
        self.boundEndpoints = bound
    }

    deinit { publisher.close() }

    /// Events dropped because the publishing queue was full.
    public var droppedEvents: Int { lock.withLock { dropped } }

    /// Stops publishing: queued events are sent, later ones ignored, then the sockets and the context close.
    public func close() {
        let first = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        queue.sync { publisher.close() }
    }

    /// Waits until every event queued so far has been sent (for tests and orderly shutdown).
    public func flush() { queue.sync {} }

    // MARK: Events

    /// A transaction the mempool accepted: `hashtx`, `rawtx`, and `sequence` `A` with the mempool sequence.
    public func transactionAccepted(_ transaction: Transaction) {
        submit { notifier in
            var messages = notifier.transactionMessages(transaction)
            if notifier.endpoints[.sequence] != nil {
                let n = notifier.mempoolSequence
                notifier.mempoolSequence += 1
                messages.append(.sequence(transaction.txid, label: "A", mempoolSequence: n))
            }
            return messages
        }
    }

    /// A transaction that left the mempool other than by being mined (conflict, expiry, eviction, replacement):
    /// `sequence` `R` with the mempool sequence (bitcoind's; nothing else is published for it).
    public func transactionRemoved(_ txid: Hash256) {
        guard endpoints[.sequence] != nil else { return }
        submit { notifier in
            let n = notifier.mempoolSequence
            notifier.mempoolSequence += 1
            return [.sequence(txid, label: "R", mempoolSequence: n)]
        }
    }

    public func blockConnected(_ block: Block, entry: BlockIndexEntry) {
        lock.withLock { lastConnected = block }
        submit { notifier in
            notifier.blockTransactionMessages(block) + notifier.optional(.sequence) { .sequence(entry.hash, label: "C") }
        }
    }

    public func blockDisconnected(_ block: Block, entry: BlockIndexEntry) {
        submit { notifier in
            notifier.blockTransactionMessages(block) + notifier.optional(.sequence) { .sequence(entry.hash, label: "D") }
        }
    }

    public func tipChanged(_ tip: BlockIndexEntry) {
        guard endpoints[.hashblock] != nil || endpoints[.rawblock] != nil else { return }
        let hash = tip.hash
        let time = Int64(tip.header.time)
        let (publish, known) = lock.withLock { () -> (Bool, Block?) in
            if !caughtUp && time >= now() - ZMQNotifier.maxTipAge { caughtUp = true }
            let block = lastConnected?.hash == hash ? lastConnected : nil
            lastConnected = nil
            return (caughtUp, block)
        }
        guard publish else { return }
        submit { notifier in
            var messages = notifier.optional(.hashblock) { .hash(.hashblock, hash) }
            if notifier.endpoints[.rawblock] != nil {
                if let block = known ?? notifier.loadBlock(hash) {
                    messages.append(ZMQMessage(topic: .rawblock, body: block.serialized))
                } else {
                    notifier.logger.warning("zmq: cannot read block \(hash) for rawblock")
                }
            }
            return messages
        }
    }

    // MARK: Queue

    /// Queues `make`, run on the publishing queue; its messages are sent in order.
    private func submit(_ make: @escaping @Sendable (ZMQNotifier) -> [ZMQMessage]) {
        let admitted = lock.withLock { () -> Bool in
            if closed { return false }
            guard pending < ZMQNotifier.maxPending else {
                dropped += 1
                return false
            }
            pending += 1
            return true
        }
        guard admitted else { return }
        queue.async { [self] in
            let messages = make(self)
            lock.withLock { pending -= 1 }
            for message in messages { publish(message) }
        }
    }

    /// Sends one message with its topic's next sequence number (the number is used up only when sent).
    private func publish(_ message: ZMQMessage) {
        guard let endpoint = endpoints[message.topic] else { return }
        let sequence = counters[message.topic] ?? 0
        if publisher.send(message.frames(sequence: sequence), to: endpoint.address) {
            counters[message.topic] = sequence &+ 1
        }
    }

    private func optional(_ topic: ZMQTopic, _ make: () -> ZMQMessage) -> [ZMQMessage] {
        endpoints[topic] != nil ? [make()] : []
    }

    private func transactionMessages(_ transaction: Transaction) -> [ZMQMessage] {
        var messages: [ZMQMessage] = []
        if endpoints[.hashtx] != nil { messages.append(.hash(.hashtx, transaction.txid)) }
        if endpoints[.rawtx] != nil { messages.append(ZMQMessage(topic: .rawtx, body: transaction.serialized)) }
        return messages
    }

    private func blockTransactionMessages(_ block: Block) -> [ZMQMessage] {
        guard endpoints[.hashtx] != nil || endpoints[.rawtx] != nil else { return [] }
        return block.transactions.flatMap(transactionMessages)
    }
}
