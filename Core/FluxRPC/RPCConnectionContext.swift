import FluxPrimitives
import Foundation
import Logging
import NIOCore

/// What every connection of one server shares: who may call, the dispatcher, the limits (open connections,
/// requests admitted, request timeout), and the switch that stops replies from being scheduled on event loops
/// that are shutting down.
final class RPCConnectionContext: Sendable {
    let dispatcher: RPCDispatcher
    let subnets: [IPSubnet]
    /// Accepted `user:password` pairs as UTF-8 bytes.
    let credentials: [[UInt8]]
    let maxBodyBytes: Int
    let authFailureDelay: TimeAmount
    /// How long a connection may take to deliver a complete request.
    let requestTimeout: TimeAmount
    /// Connections open at once; more are refused with HTTP 503.
    let maxConnections: Int
    /// Requests admitted at once (being handled or waiting for a worker); more are answered HTTP 503.
    let maxAdmitted: Int
    let logger: Logger

    private struct Counters {
        /// Requests admitted and not yet answered.
        var inFlight = 0
        var stopped = false
        /// Connections open (refused ones are not counted).
        var connections = 0
        /// Whether connections are being refused (for one log line when that starts and one when it ends).
        var refusingConnections = false
        /// Connections refused since refusing started.
        var refusedConnections = 0
        /// Requests answered "Work queue depth exceeded" since the last log line about it.
        var refusedRequests = 0
        var lastQueueWarning: ContinuousClock.Instant?
    }

    private let state = LockedValue(Counters())

    init(dispatcher: RPCDispatcher, subnets: [IPSubnet], credentials: [String], maxBodyBytes: Int,
         authFailureDelay: TimeAmount, requestTimeout: TimeAmount = .seconds(30), maxConnections: Int = 512,
         maxAdmitted: Int = 20, logger: Logger) {
        self.dispatcher = dispatcher
        self.subnets = subnets
        self.credentials = credentials.map { Array($0.utf8) }
        self.maxBodyBytes = maxBodyBytes
        self.authFailureDelay = authFailureDelay
        self.requestTimeout = requestTimeout
        self.maxConnections = max(1, maxConnections)
        self.maxAdmitted = max(1, maxAdmitted)
        self.logger = logger
    }

    /// Loopback, or inside one of the `-rpcallowip` subnets.
    func allows(peer: String) -> Bool {
        IPSubnet.isLoopback(peer) || subnets.contains { $0.contains(peer) }
    }

    enum Authorization { case missing, wrong, accepted }

    /// Checks an `Authorization: Basic …` header against every accepted pair in constant time per pair.
    func authorize(_ header: String?) -> Authorization {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic " else { return .missing }
        guard let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces))
        else { return .wrong }
        let given = [UInt8](decoded)
        var matched = false
        for expected in credentials where RPCConnectionContext.constantTimeEqual(given, expected) { matched = true }
        return matched ? .accepted : .wrong
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    // MARK: Connections

    /// Counts a new connection; false (and a warning when refusing starts) when ``maxConnections`` are open.
    func openConnection() -> Bool {
        let (accepted, startedRefusing) = state.withLock { s -> (Bool, Bool) in
            guard s.connections < maxConnections else {
                s.refusedConnections += 1
                defer { s.refusingConnections = true }
                return (false, !s.refusingConnections)
            }
            s.connections += 1
            return (true, false)
        }
        if startedRefusing {
            logger.warning("rpc: \(maxConnections) connections are open (the RPC connection limit, -rpcmaxconnections); refusing new ones with HTTP 503")
        }
        return accepted
    }

    /// A counted connection closed.
    func closeConnection() {
        let refused = state.withLock { s -> Int? in
            s.connections -= 1
            guard s.refusingConnections else { return nil }
            s.refusingConnections = false
            defer { s.refusedConnections = 0 }
            return s.refusedConnections
        }
        if let refused {
            logger.warning("rpc: accepting connections again; \(refused) were refused while \(maxConnections) were open")
        }
    }

    /// Connections open now.
    var openConnections: Int { state.withLock { $0.connections } }

    // MARK: Requests

    enum Admission { case admitted, queueFull, stopped }

    /// Admits a request (counts it as in flight) unless the server has stopped or ``maxAdmitted`` requests are
    /// being handled or waiting for a worker.
    func begin() -> Admission {
        let (admission, warn) = state.withLock { s -> (Admission, Int?) in
            if s.stopped { return (.stopped, nil) }
            guard s.inFlight < maxAdmitted else {
                s.refusedRequests += 1
                let now = ContinuousClock.now
                guard s.lastQueueWarning.map({ now - $0 > .seconds(10) }) ?? true else { return (.queueFull, nil) }
                s.lastQueueWarning = now
                defer { s.refusedRequests = 0 }
                return (.queueFull, s.refusedRequests)
            }
            s.inFlight += 1
            return (.admitted, nil)
        }
        if let warn {
            logger.warning("rpc: work queue depth exceeded (\(maxAdmitted) requests handled or waiting, -rpcthreads plus -rpcworkqueue); \(warn) request(s) answered HTTP 503")
        }
        return admission
    }

    /// Ends an in-flight request, running `schedule` (which hands the reply to the event loop) only if the server
    /// has not stopped; the lock makes this atomic with ``stop()``.
    func finish(_ schedule: () -> Void) {
        state.withLock { s in
            s.inFlight -= 1
            if !s.stopped { schedule() }
        }
    }

    var inFlight: Int { state.withLock { $0.inFlight } }

    /// After this no reply is scheduled on an event loop.
    func stop() { state.withLock { $0.stopped = true } }
}
