import CZeroMQ

/// ZeroMQ PUB sockets over libzmq: one context, one socket per distinct address (topics given the same address
/// share its socket, as in fluxd).
///
/// Not thread-safe: ``ZMQNotifier`` calls it from its one serial queue only. Sends never block: a PUB socket
/// drops a message for a subscriber whose queue holds the high-water mark, and `ZMQ_DONTWAIT` is set.
final class ZMQPublisher {
    private var context: UnsafeMutableRawPointer?
    /// Open sockets by the address they were bound with.
    private var sockets: [String: UnsafeMutableRawPointer] = [:]

    init() throws(ZMQError) {
        guard let context = zmq_ctx_new() else {
            throw ZMQError(operation: "create a context", reason: ZMQPublisher.lastError())
        }
        self.context = context
    }

    deinit { close() }

    /// Binds `address` (once; later calls for the same address reuse the socket) and returns the endpoint
    /// actually bound (the port a `*` resolved to). `option` names the setting in errors.
    func bind(_ address: String, highWaterMark: Int, option: String) throws(ZMQError) -> String {
        let socket: UnsafeMutableRawPointer
        if let existing = sockets[address] {
            socket = existing
        } else {
            guard let context, let created = zmq_socket(context, ZMQ_PUB) else {
                throw ZMQError(operation: "create a socket for -\(option)", reason: ZMQPublisher.lastError())
            }
            var hwm = Int32(clamping: highWaterMark)
            var linger: Int32 = 0
            guard zmq_setsockopt(created, ZMQ_SNDHWM, &hwm, MemoryLayout<Int32>.size) == 0,
                  zmq_setsockopt(created, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size) == 0 else {
                let reason = ZMQPublisher.lastError()
                zmq_close(created)
                throw ZMQError(operation: "set the options of -\(option)", reason: reason)
            }
            guard zmq_bind(created, address) == 0 else {
                let reason = ZMQPublisher.lastError()
                zmq_close(created)
                throw ZMQError(operation: "bind \(address) for -\(option)", reason: reason)
            }
            sockets[address] = created
            socket = created
        }
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        guard zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return address }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sends `frames` as one multipart message on the socket bound to `address`. Returns false when libzmq
    /// refused it (the socket is closing, or the message could not be queued).
    func send(_ frames: [[UInt8]], to address: String) -> Bool {
        guard let socket = sockets[address] else { return false }
        for (index, frame) in frames.enumerated() {
            let flags = ZMQ_DONTWAIT | (index < frames.count - 1 ? ZMQ_SNDMORE : 0)
            let sent = frame.withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, flags) }
            if sent < 0 { return false }
        }
        return true
    }

    /// Closes every socket (pending messages are dropped: linger 0) and the context.
    func close() {
        for socket in sockets.values { zmq_close(socket) }
        sockets = [:]
        if let context { zmq_ctx_term(context) }
        context = nil
    }

    private static func lastError() -> String { String(cString: zmq_strerror(zmq_errno())) }
}
