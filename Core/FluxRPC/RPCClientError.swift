/// Why a call made with ``RPCClient`` did not produce a result.
public enum RPCClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The cookie file is missing, unreadable or has no `user:password` line.
    case cookieUnreadable(path: String)
    /// No TCP connection could be made to the server.
    case connectionFailed(host: String, port: Int, reason: String)
    /// The connection broke or timed out while sending the request or reading the reply.
    case transport(String)
    /// The server answered with an HTTP status and no JSON-RPC reply (401 wrong credentials, 403 forbidden, ...).
    case http(status: Int, body: String)
    /// The reply is not a JSON-RPC reply object.
    case malformedReply(String)
    /// The server ran the call and reported an error.
    case rpc(RPCError)

    public var description: String {
        switch self {
        case .cookieUnreadable(let path):
            return "Could not read the RPC cookie file \(path) (is the node running, and is -datadir right?)"
        case .connectionFailed(let host, let port, let reason):
            return "Could not connect to the server \(host):\(port): \(reason)\n\n"
                + "Make sure the node is running and that the RPC port and address are right."
        case .transport(let reason): return "RPC connection failed: \(reason)"
        case .http(401, _): return "Incorrect rpcuser or rpcpassword (authorization failed)"
        case .http(let status, let body):
            return "Server returned HTTP status \(status)" + (body.isEmpty ? "" : ": \(body)")
        case .malformedReply(let reason): return "Malformed reply from the server: \(reason)"
        case .rpc(let error): return "error code: \(error.code)\nerror message:\n\(error.message)"
        }
    }
}
