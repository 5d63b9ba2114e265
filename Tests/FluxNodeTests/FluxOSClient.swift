@testable import FluxRPC
import FluxJSON
import FluxTestSupport
import Foundation

/// A JSON-RPC client that talks to the node exactly as FluxOS's `FluxRpc` (ZelBack/src/services/utils/fluxRpc.js)
/// talks to fluxd: credentials read from flux.conf's `rpcuser`/`rpcpassword` lines, one POST to `/` per call with
/// `{"jsonrpc":"2.0","id":N,"method":m,"params":[…]}`, ids counting from 0 and wrapping after 999, method names
/// lower-cased first, and FluxOS's reading of replies: a non-2xx status must carry a JSON body with an `error`
/// object (anything else would raise a TypeError inside FluxOS), a 2xx body is `{result, error}`.
final class FluxOSClient: @unchecked Sendable {
    /// One reply as FluxOS sees it.
    struct Reply: Sendable {
        let status: Int
        let id: JSONValue?
        let result: JSONValue
        let error: RPCError?
    }

    /// FluxOS could not read the reply at all.
    struct Unreadable: Error, CustomStringConvertible {
        let description: String
    }

    let client: RPCClient
    private let lock = NSLock()
    private var nextId = 0

    /// Reads the credentials from `fluxConf` as FluxOS's `daemonConfig.js` does (last `key=value` wins).
    init(fluxConf path: String, port: Int) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq]).trimmingCharacters(in: .whitespaces)] =
                String(line[line.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        }
        var c = RPCClientConfiguration()
        c.port = port
        c.user = values["rpcuser"] ?? "rpcuser"
        c.password = values["rpcpassword"] ?? "rpcpassword"
        c.timeoutSeconds = 40
        client = RPCClient(configuration: c)
    }

    private func takeId() -> Int {
        lock.lock(); defer { lock.unlock() }
        let id = nextId
        nextId = (nextId + 1) % 1000
        return id
    }

    private func post(_ body: JSONValue) async throws -> (Int, JSONValue) {
        let client = self.client
        let bytes = Array(body.serialized().utf8)
        let outcome: Result<(Int, [UInt8]), RPCClientError> = await onOwnThread {
            do throws(RPCClientError) { return .success(try client.post(bytes)) } catch { return .failure(error) }
        }
        let (status, raw) = try outcome.get()
        guard let json = try? JSONValue(parsing: raw) else {
            throw Unreadable(description: "HTTP \(status) with a body that is not JSON: \(String(decoding: raw.prefix(200), as: UTF8.self))")
        }
        return (status, json)
    }

    static func reply(status: Int, _ json: JSONValue) throws -> Reply {
        var error: RPCError?
        if let e = json["error"], e != .null {
            guard let code = e["code"]?.intValue, let message = e["message"]?.stringValue else {
                throw Unreadable(description: "error without code and message: \(e.serialized())")
            }
            error = RPCError(code: Int(code), message: message)
        }
        if !(200..<300).contains(status) && error == nil {
            throw Unreadable(description: "HTTP \(status) without an error object: \(json.serialized())")
        }
        return Reply(status: status, id: json["id"], result: json["result"] ?? .null, error: error)
    }

    /// One call as FluxOS makes it.
    func call(_ method: String, _ params: [JSONValue] = []) async throws -> Reply {
        let body = JSONValue.object([("jsonrpc", "2.0"), ("id", .int(takeId())), ("method", .string(method.lowercased())),
                                     ("params", .array(params))])
        let (status, json) = try await post(body)
        return try Self.reply(status: status, json)
    }

    /// The result of a call that must succeed.
    func result(_ method: String, _ params: [JSONValue] = []) async throws -> JSONValue {
        let r = try await call(method, params)
        if let e = r.error { throw e }
        return r.result
    }

    /// A batch as FluxOS's `runBatch` sends it: ids 0…n-1, HTTP 200 and an array back, sorted by id.
    func batch(_ calls: [(String, [JSONValue])]) async throws -> [Reply] {
        let body = JSONValue.array(calls.enumerated().map { i, c in
            .object([("jsonrpc", "2.0"), ("id", .int(i)), ("method", .string(c.0.lowercased())), ("params", .array(c.1))])
        })
        let (status, json) = try await post(body)
        guard status == 200, let items = json.arrayValue else {
            throw Unreadable(description: "batch answered HTTP \(status): \(json.serialized().prefix(200))")
        }
        let replies = try items.map { try Self.reply(status: 200, $0) }
        return replies.sorted { ($0.id?.intValue ?? -1) < ($1.id?.intValue ?? -1) }
    }
}
