import FluxPrimitives

/// One notification before it is sent: topic and body. The sequence-number frame is added by ``ZMQNotifier``,
/// which counts per topic.
public struct ZMQMessage: Equatable, Sendable {
    /// The topic (first frame).
    public let topic: ZMQTopic
    /// The body (second frame).
    public let body: [UInt8]

    /// Creates a message.
    public init(topic: ZMQTopic, body: [UInt8]) {
        self.topic = topic
        self.body = body
    }

    /// `hashblock` or `hashtx`: the hash in display order (byte-reversed), as fluxd sends it.
    public static func hash(_ topic: ZMQTopic, _ hash: Hash256) -> ZMQMessage {
        ZMQMessage(topic: topic, body: hash.bytes.reversed())
    }

    /// bitcoind's `sequence` body: hash in display order, the label (`C`, `D`, `A`, `R`) and, for mempool
    /// events (`A`, `R`), the 8-byte little-endian mempool sequence number.
    public static func sequence(_ hash: Hash256, label: Character, mempoolSequence: UInt64? = nil) -> ZMQMessage {
        var body = hash.bytes.reversed() + [label.asciiValue ?? 0]
        if let n = mempoolSequence { withUnsafeBytes(of: n.littleEndian) { body.append(contentsOf: $0) } }
        return ZMQMessage(topic: .sequence, body: body)
    }

    /// The three frames as sent: topic, body, and `sequence` as 4 bytes little-endian.
    public func frames(sequence: UInt32) -> [[UInt8]] {
        [Array(topic.rawValue.utf8), body, withUnsafeBytes(of: sequence.littleEndian) { Array($0) }]
    }
}
