/// Where one topic is published: the address given to `-zmqpub<topic>` and the send high-water mark.
public struct ZMQEndpoint: Sendable, Equatable {
    /// A ZeroMQ address to bind, e.g. `tcp://127.0.0.1:28332` (`tcp://127.0.0.1:*` picks a free port, which
    /// ``ZMQNotifier/boundEndpoints`` then tells).
    public var address: String
    /// Messages queued per subscriber before ZeroMQ drops new ones (ZMQ_SNDHWM; 0 means no limit).
    public var highWaterMark: Int

    /// ZeroMQ's default high-water mark, which bitcoind keeps by default.
    public static let defaultHighWaterMark = 1000

    /// Creates an endpoint.
    public init(address: String, highWaterMark: Int = ZMQEndpoint.defaultHighWaterMark) {
        self.address = address
        self.highWaterMark = highWaterMark
    }
}
