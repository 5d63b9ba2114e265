import FluxJSON

/// One JSON-RPC call as a handler sees it.
public struct RPCRequest: Sendable {
    /// The method name, e.g. `"getblockcount"`.
    public let method: String
    /// Positional parameters. Named parameters (a JSON object) are mapped to positions by the registry for methods
    /// registered with argument names, with `null` filling gaps; other methods refuse them with -32602.
    public let params: [JSONValue]
    /// The caller's id, echoed in the reply (`null` when absent).
    public let id: JSONValue

    /// Creates a request.
    public init(method: String, params: [JSONValue] = [], id: JSONValue = .null) {
        self.method = method
        self.params = params
        self.id = id
    }
}

/// A request object as read from the wire, before named parameters are mapped (internal to the server).
struct RPCEnvelope: Sendable {
    /// Method name.
    let method: String
    /// `.array`, `.object` or `.null` as sent.
    let params: JSONValue
    /// The id (`null` when absent).
    let id: JSONValue

    /// Checks a request object the way bitcoind's `JSONRPCRequest::parse` does. `id` is read first so that errors
    /// about the rest can still echo it; it is returned through `id` even when parsing fails.
    static func parse(_ value: JSONValue, id: inout JSONValue) throws(RPCError) -> RPCEnvelope {
        guard case let .object(pairs) = value else { throw .invalidRequest("Invalid Request object") }
        id = value["id"] ?? .null
        _ = pairs
        guard let methodValue = value["method"] else { throw .invalidRequest("Missing method") }
        guard case let .string(method) = methodValue else { throw .invalidRequest("Method must be a string") }
        let params = value["params"] ?? .null
        switch params {
        case .array, .object, .null: break
        default: throw .invalidRequest("Params must be an array or object")
        }
        return RPCEnvelope(method: method, params: params, id: id)
    }
}

/// Builders of bitcoind's reply objects: `{"result":…,"error":…,"id":…}` in that key order.
enum RPCReply {
    static func success(_ result: JSONValue, id: JSONValue) -> JSONValue {
        .object([("result", result), ("error", .null), ("id", id)])
    }

    static func failure(_ error: RPCError, id: JSONValue) -> JSONValue {
        .object([("result", .null), ("error", error.json), ("id", id)])
    }
}
