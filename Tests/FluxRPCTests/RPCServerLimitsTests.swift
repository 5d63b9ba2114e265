import FluxJSON
import FluxTestSupport
import Foundation
import Logging
import Testing
@testable import FluxRPC

/// The RPC server's limits over real loopback sockets: connections that never complete a request are closed after
/// the request timeout, connections past the cap are answered 503 while the server keeps working, and requests
/// past the work queue are answered 503 "Work queue depth exceeded".
@Suite(.serialized) struct RPCServerLimitsTests {
    /// A server on a free loopback port answering `echo`, and `hold` (which waits until `gate` opens).
    static func makeServer(_ adjust: (inout RPCServerConfiguration) -> Void) async throws
        -> (server: RPCServer, port: Int, gate: Gate) {
        let registry = RPCMethodRegistry()
        let gate = Gate()
        registry.register("echo", category: "test", help: "echo") { request throws(RPCError) in .array(request.params) }
        registry.register("hold", category: "test", help: "hold") { _ throws(RPCError) in
            await gate.pass()
            return .string("released")
        }
        var configuration = RPCServerConfiguration()
        configuration.bind = [("127.0.0.1", 0)]
        adjust(&configuration)
        var logger = Logger(label: "rpc-limits-test")
        logger.logLevel = .critical
        let server = RPCServer(configuration: configuration, registry: registry, logger: logger)
        let port = try await server.start()[0]
        return (server, port, gate)
    }

    @Test func connectionsWithoutACompleteRequestAreClosedAfterTheTimeout() async throws {
        let (server, port, _) = try await Self.makeServer { $0.requestTimeout = .milliseconds(400) }
        let cookie = try #require(server.cookie)
        // Silent connections, connections stuck inside their headers, and one stuck inside its body.
        var hogs: [RawConnection] = []
        for _ in 0..<10 { hogs.append(try RawConnection(port: port)) }
        for _ in 0..<10 {
            let c = try RawConnection(port: port)
            c.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic ")
            hogs.append(c)
        }
        let body = try RawConnection(port: port)
        body.send("POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \(Data(cookie.utf8).base64EncodedString())\r\n"
                  + "Content-Length: 100\r\n\r\n{\"method\":")
        hogs.append(body)
        let closed = await withTaskGroup(of: Bool.self) { group in
            for hog in hogs { group.addTask { await hog.waitForClose() } }
            var all = true
            for await result in group { all = all && result }
            return all
        }
        #expect(closed, "every connection without a complete request is closed")
        #expect(await eventually(5) { server.openConnections == 0 })

        // A kept-alive connection is answered, then closed once it stays idle for the timeout.
        let idle = try RawConnection(port: port)
        idle.send(RawConnection.request(#"{"method":"echo","params":[7]}"#, cookie: cookie, keepAlive: true))
        let reply = await idle.readResponse()
        #expect(reply.status == 200)
        #expect(reply.body.contains("[7]"))
        #expect(await idle.waitForClose(), "an idle kept-alive connection is closed after the timeout")

        // The server still answers.
        let after = try await RawConnection.call(port: port, cookie: cookie, #"{"method":"echo","params":[1]}"#)
        #expect(after.status == 200)
        await server.stop()
    }

    @Test func connectionsPastTheCapAreRefusedAndTheServerRecovers() async throws {
        let (server, port, _) = try await Self.makeServer {
            $0.maxConnections = 8
            $0.requestTimeout = .seconds(60)
        }
        let cookie = try #require(server.cookie)
        var hogs: [RawConnection] = []
        for _ in 0..<8 { hogs.append(try RawConnection(port: port)) }
        #expect(await eventually(5) { server.openConnections == 8 })
        // Past the cap: refused at once with 503, whether the client sends a request or not.
        for _ in 0..<20 {
            let extra = try RawConnection(port: port)
            let reply = await extra.readResponse()
            #expect(reply.status == 503)
            #expect(reply.body.contains("Too many RPC connections"))
        }
        let refusedCall = try await RawConnection.call(port: port, cookie: cookie, #"{"method":"echo","params":[2]}"#)
        #expect(refusedCall.status == 503)
        #expect(server.openConnections == 8, "refused connections are not counted")
        hogs.removeAll()  // closes them
        #expect(await eventually(5) { server.openConnections == 0 })
        let call = try await RawConnection.call(port: port, cookie: cookie, #"{"method":"echo","params":[3]}"#)
        #expect(call.status == 200)
        #expect(call.body.contains("[3]"))
        await server.stop()
    }

    @Test func requestsPastTheWorkQueueGet503() async throws {
        let (server, port, gate) = try await Self.makeServer {
            $0.workerThreads = 1
            $0.workQueueDepth = 2
        }
        let cookie = try #require(server.cookie)
        // One request runs (and holds), two wait: the queue is full.
        let held = (0..<3).map { _ in
            Task { try await RawConnection.call(port: port, cookie: cookie, #"{"method":"hold"}"#) }
        }
        #expect(await eventually(5) { server.requestsInFlight == 3 && gate.waiting == 1 })
        for _ in 0..<3 {
            let refused = try await RawConnection.call(port: port, cookie: cookie, #"{"method":"echo","params":[4]}"#)
            #expect(refused.status == 503)
            #expect(refused.body == "Work queue depth exceeded")
        }
        gate.open()
        for task in held {
            let reply = try await task.value
            #expect(reply.status == 200)
            #expect(reply.body.contains("released"))
        }
        let after = try await RawConnection.call(port: port, cookie: cookie, #"{"method":"echo","params":[5]}"#)
        #expect(after.status == 200)
        await server.stop()
    }
}

/// Holds callers of ``pass()`` until ``open()``.
final class Gate: Sendable {
    private let state = LockedValue<(open: Bool, waiting: Int)>((false, 0))

    /// Callers waiting now.
    var waiting: Int { state.withLock { $0.waiting } }

    func open() { state.withLock { $0.open = true } }

    func pass() async {
        state.withLock { $0.waiting += 1 }
        while !state.withLock({ $0.open }) { try? await Task.sleep(for: .milliseconds(5)) }
        state.withLock { $0.waiting -= 1 }
    }
}

/// A blocking loopback TCP connection speaking just enough HTTP/1.1; closed when released. Blocking reads run on
/// a thread of their own: on Linux, Dispatch's global queues and the Swift concurrency pool share a few worker
/// threads, and readers blocked there would starve the handlers of the server under test.
final class RawConnection: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = try connectLoopback(port: port, receiveTimeout: 15)
    }

    deinit { close(fd) }

    static func request(_ body: String, cookie: String, keepAlive: Bool) -> String {
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic \(Data(cookie.utf8).base64EncodedString())\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n" + body
    }

    /// One request on a new connection.
    static func call(port: Int, cookie: String, _ body: String) async throws -> (status: Int, body: String) {
        let c = try RawConnection(port: port)
        c.send(request(body, cookie: cookie, keepAlive: false))
        return await c.readResponse()
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads one response (status 0 when none arrives): headers, then Content-Length bytes of body.
    func readResponse() async -> (status: Int, body: String) {
        let fd = self.fd
        return await onOwnThread { RawConnection.readResponse(fd) }
    }

    private static func readResponse(_ fd: Int32) -> (status: Int, body: String) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self)
                let lines = head.split(separator: "\r\n")
                let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
                let length = lines.dropFirst().compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
                if data.count - end.upperBound >= length {
                    return (status, String(decoding: data[end.upperBound..<(end.upperBound + length)], as: UTF8.self))
                }
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return (0, String(decoding: data, as: UTF8.self)) }
            data += buffer[0..<n]
        }
    }

    /// True when the server closes the connection within the 15-second receive timeout (input is discarded).
    func waitForClose() async -> Bool {
        let fd = self.fd
        return await onOwnThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n == 0 { return true }
                if n < 0 { return errno == ECONNRESET }
            }
        }
    }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
func eventually(_ seconds: Double, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

