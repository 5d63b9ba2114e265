import FluxChain
import FluxPrimitives
import FluxZMQ
import Logging

extension Node {
    /// The address each ZeroMQ topic is bound to (a `*` port resolved), empty without `-zmqpub*`.
    public var zmqEndpoints: [ZMQTopic: String] { zmq.withLockedValue { $0 }?.boundEndpoints ?? [:] }

    /// Binds the `-zmqpub*` addresses and follows the chain and the mempool (see ``ZMQNotifier``). Throws a
    /// ``ZMQError`` naming the option whose address cannot be bound.
    func startZMQ() throws {
        let endpoints = configuration.zmqEndpoints
        guard !endpoints.isEmpty else { return }
        let chain = self.chain
        let notifier = try ZMQNotifier(endpoints: endpoints, loadBlock: { hash in (try? chain.block(hash)) ?? nil },
                                       logger: Node.logger("flux.zmq", like: logger))
        zmq.withLockedValue { $0 = notifier }
        chain.addObserver(notifier)
        let previous = mempool.onAccepted
        mempool.onAccepted = { entry in
            previous?(entry)
            notifier.transactionAccepted(entry.transaction)
        }
        let previousRemoved = mempool.onRemoved
        mempool.onRemoved = { txid in
            previousRemoved?(txid)
            notifier.transactionRemoved(txid)
        }
        for (topic, address) in notifier.boundEndpoints.sorted(by: { $0.key < $1.key }) {
            logger.info("zmq: publishing \(topic.rawValue) on \(address)")
        }
    }
}
