/// A libzmq call that failed, with the address and the option that configured it.
public struct ZMQError: Error, CustomStringConvertible, Sendable {
    /// What was being done, e.g. `bind tcp://127.0.0.1:28332 for -zmqpubhashblock`.
    public let operation: String
    /// libzmq's message for the error (`zmq_strerror`).
    public let reason: String

    /// Creates an error naming the operation and libzmq's reason.
    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "ZeroMQ: cannot \(operation): \(reason)" }
}
