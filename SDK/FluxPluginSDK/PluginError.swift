import CFluxPlugin

/// A failure a plugin reports to the host, or the host reports to a plugin: a status code (`FLUX_ERR_*`) and a
/// message. Thrown by ``FluxPlugin`` methods and by ``PluginHost`` calls.
///
/// ```swift
/// guard let limit = config["limit"] else { throw .invalidArgument("config.limit is required") }
/// throw PluginError.rejected("bad-index-entry: output 3 pays a reserved address")   // a judge's verdict
/// ```
public struct PluginError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The ABI status code (negative).
    public let status: Int32
    /// What went wrong, for logs, RPC errors and reject reasons.
    public let message: String

    /// An error with any status code.
    public init(status: Int32, message: String) {
        self.status = status
        self.message = message
    }

    /// `FLUX_ERR_FAILED`.
    public static func failed(_ message: String) -> PluginError { PluginError(status: FLUX_ERR_FAILED, message: message) }
    /// `FLUX_ERR_INVALID_ARGUMENT`: malformed input or configuration (RPC code -8).
    public static func invalidArgument(_ message: String) -> PluginError {
        PluginError(status: FLUX_ERR_INVALID_ARGUMENT, message: message)
    }
    /// `FLUX_ERR_NOT_FOUND` (RPC code -5).
    public static func notFound(_ message: String) -> PluginError { PluginError(status: FLUX_ERR_NOT_FOUND, message: message) }
    /// `FLUX_ERR_UNSUPPORTED`: the function is not offered.
    public static func unsupported(_ message: String) -> PluginError {
        PluginError(status: FLUX_ERR_UNSUPPORTED, message: message)
    }
    /// `FLUX_ERR_REJECTED`: a judge's verdict that a block or transaction is invalid; the message is the reason.
    public static func rejected(_ reason: String) -> PluginError { PluginError(status: FLUX_ERR_REJECTED, message: reason) }
    /// `FLUX_ERR_STATE`: called at the wrong time.
    public static func state(_ message: String) -> PluginError { PluginError(status: FLUX_ERR_STATE, message: message) }
    /// `FLUX_ERR_LIMIT`: over a size or count limit.
    public static func limit(_ message: String) -> PluginError { PluginError(status: FLUX_ERR_LIMIT, message: message) }

    /// `FLUX_ERR_RPC` (ABI 1.2, from `rpcCall` only): the node answers the call with JSON-RPC error `code` and
    /// `message` as they are, e.g. fluxd's `.rpc(code: -1, message: "This is not a Flux Node")`. An older host
    /// answers -1 with the JSON text as the message.
    public static func rpc(code: Int, message: String) -> PluginError {
        var escaped = ""
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return PluginError(status: FLUX_ERR_RPC, message: "{\"code\":\(code),\"message\":\"\(escaped)\"}")
    }

    public var description: String { "\(PluginError.name(of: status)): \(message)" }

    /// The `FLUX_ERR_*` name of a status code.
    public static func name(of status: Int32) -> String {
        switch status {
        case FLUX_OK: "FLUX_OK"
        case FLUX_ERR_FAILED: "FLUX_ERR_FAILED"
        case FLUX_ERR_INVALID_ARGUMENT: "FLUX_ERR_INVALID_ARGUMENT"
        case FLUX_ERR_NOT_FOUND: "FLUX_ERR_NOT_FOUND"
        case FLUX_ERR_UNSUPPORTED: "FLUX_ERR_UNSUPPORTED"
        case FLUX_ERR_REJECTED: "FLUX_ERR_REJECTED"
        case FLUX_ERR_STATE: "FLUX_ERR_STATE"
        case FLUX_ERR_LIMIT: "FLUX_ERR_LIMIT"
        case FLUX_ERR_RPC: "FLUX_ERR_RPC"
        default: "status \(status)"
        }
    }
}
