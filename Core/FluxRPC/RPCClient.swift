import FluxJSON
import Foundation

/// Where an ``RPCClient`` connects and which credentials it sends.
public struct RPCClientConfiguration: Sendable {
    /// Server host name or address (`-rpcconnect`).
    public var host = "127.0.0.1"
    /// Server port (`-rpcport`).
    public var port = 16124
    /// User name for HTTP Basic authentication; when nil the cookie file is read.
    public var user: String?
    /// Password for HTTP Basic authentication.
    public var password: String?
    /// The node's cookie file, used when no password is configured.
    public var cookieFile: String?
    /// Seconds to wait for the connection and for the reply (`-rpcclienttimeout`); 0 waits forever.
    public var timeoutSeconds = 900

    /// The defaults: 127.0.0.1 on mainnet's RPC port, no credentials.
    public init() {}
}

/// A blocking JSON-RPC client for bitcoind-style servers, as `flux-cli` uses it: one HTTP/1.1 POST per call on a
/// fresh connection, HTTP Basic authentication from a user/password pair or the node's cookie file.
///
/// ```swift
/// var configuration = RPCClientConfiguration()
/// configuration.port = 18232
/// configuration.cookieFile = "/var/lib/flux/regtest/.cookie"
/// let count = try RPCClient(configuration: configuration).call("getblockcount")
/// ```
public struct RPCClient: Sendable {
    /// Where and how to connect.
    public let configuration: RPCClientConfiguration

    /// Creates a client; nothing connects until ``call(_:params:)``.
    public init(configuration: RPCClientConfiguration) { self.configuration = configuration }

    /// Calls `method` with positional `params` and returns its `result`. Throws ``RPCClientError/rpc(_:)`` when the
    /// server reports an error, and the other cases when the call could not be made or the reply is not JSON-RPC.
    public func call(_ method: String, params: [JSONValue] = []) throws(RPCClientError) -> JSONValue {
        try perform(method, params: params)
    }

    /// The same call for async code: the blocking socket work runs on a Dispatch queue, never on the Swift
    /// concurrency pool (blocking its few threads could starve the tasks that serve the reply in the same process).
    public func call(_ method: String, params: [JSONValue] = []) async throws(RPCClientError) -> JSONValue {
        let result = await withCheckedContinuation { (done: CheckedContinuation<Result<JSONValue, RPCClientError>, Never>) in
            DispatchQueue.global().async {
                do throws(RPCClientError) {
                    done.resume(returning: .success(try self.perform(method, params: params)))
                } catch {
                    done.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    private func perform(_ method: String, params: [JSONValue]) throws(RPCClientError) -> JSONValue {
        let request = JSONValue.object([("jsonrpc", "1.0"), ("id", "flux-cli"), ("method", .string(method)),
                                        ("params", .array(params))])
        let (status, body) = try post(Array(request.serialized().utf8))
        let reply: JSONValue
        do throws(JSONParseError) {
            reply = try JSONValue(parsing: body)
        } catch {
            if status != 200 { throw .http(status: status, body: String(decoding: body, as: UTF8.self)) }
            throw .malformedReply("\(error)")
        }
        guard case .object = reply else {
            if status != 200 { throw .http(status: status, body: String(decoding: body, as: UTF8.self)) }
            throw .malformedReply("expected a JSON object")
        }
        if let error = reply["error"], !error.isNull {
            let code = error["code"]?.intValue.map(Int.init) ?? RPCError.Code.miscError
            throw .rpc(RPCError(code: code, message: error["message"]?.stringValue ?? error.serialized()))
        }
        guard let result = reply["result"] else { throw .malformedReply("no result member") }
        return result
    }

    /// The `user:password` pair to send: configured, or read from the cookie file.
    func credentials() throws(RPCClientError) -> String {
        if let user = configuration.user, let password = configuration.password, !password.isEmpty {
            return user + ":" + password
        }
        guard let path = configuration.cookieFile else {
            throw .cookieUnreadable(path: "(no cookie file and no -rpcpassword)")
        }
        let cookie = try RPCCookie.read(from: path)
        return cookie.user + ":" + cookie.password
    }

    /// Sends one POST and returns the status and body.
    func post(_ body: [UInt8]) throws(RPCClientError) -> (status: Int, body: [UInt8]) {
        let auth = Data(try credentials().utf8).base64EncodedString()
        let hostHeader = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let head = "POST / HTTP/1.1\r\nHost: \(hostHeader):\(configuration.port)\r\nConnection: close\r\n"
            + "Authorization: Basic \(auth)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        let socket = try connect()
        defer { close(socket) }
        try send(socket, Array(head.utf8) + body)
        let raw = try receiveAll(socket)
        return try RPCClient.parseResponse(raw)
    }

    private func connect() throws(RPCClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(configuration.host, String(configuration.port), &hints, &list)
        guard status == 0, let first = list else {
            throw .connectionFailed(host: configuration.host, port: configuration.port,
                                    reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd < 0 { lastError = String(cString: strerror(errno)); continue }
            if configuration.timeoutSeconds > 0 {
                var tv = timeval(tv_sec: configuration.timeoutSeconds, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            }
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            lastError = String(cString: strerror(errno))
            close(fd)
        }
        throw .connectionFailed(host: configuration.host, port: configuration.port, reason: lastError)
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) throws(RPCClientError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .transport("sending the request: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    private func receiveAll(_ fd: Int32) throws(RPCClientError) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return result }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .transport("timed out waiting for the reply") }
                throw .transport("reading the reply: \(String(cString: strerror(errno)))")
            }
            result += buffer[0..<n]
        }
    }

    /// Splits a whole HTTP/1.1 response (read until the server closed) into status and body, honouring
    /// `Content-Length` and chunked transfer coding.
    static func parseResponse(_ raw: [UInt8]) throws(RPCClientError) -> (status: Int, body: [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = raw.firstRange(of: separator) else {
            throw .malformedReply(raw.isEmpty ? "the server closed the connection without a reply"
                                              : "incomplete HTTP header")
        }
        let headText = String(decoding: raw[..<end.lowerBound], as: UTF8.self)
        let lines = headText.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/"), let status = Int(statusParts[1]) else {
            throw .malformedReply("bad status line \"\(lines[0])\"")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[end.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            body = try dechunk(body)
        } else if let length = headers["content-length"].flatMap(Int.init) {
            guard body.count >= length else { throw .malformedReply("body shorter than Content-Length") }
            body = Array(body[0..<length])
        }
        return (status, body)
    }

    private static func dechunk(_ bytes: [UInt8]) throws(RPCClientError) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while true {
            guard let lineEnd = bytes[i...].firstRange(of: [13, 10]) else { throw .malformedReply("bad chunk") }
            let sizeText = String(decoding: bytes[i..<lineEnd.lowerBound], as: UTF8.self)
                .split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw .malformedReply("bad chunk size")
            }
            i = lineEnd.upperBound
            if size == 0 { return out }
            guard i + size <= bytes.count else { throw .malformedReply("truncated chunk") }
            out += bytes[i..<i + size]
            i += size + 2
        }
    }
}
