import FluxJSON
import Logging
import NIOHTTP1

/// Turns a request body into bitcoind's reply: JSON-RPC parsing, single and batch calls, status codes, logging and
/// the limit on handlers running at once. Independent of sockets, so it can be tested in memory.
final class RPCDispatcher: Sendable {
    let registry: RPCMethodRegistry
    let limiter: RPCWorkLimiter
    let logger: Logger

    init(registry: RPCMethodRegistry, workers: Int, logger: Logger) {
        self.registry = registry
        self.limiter = RPCWorkLimiter(permits: max(1, workers))
        self.logger = logger
    }

    /// The HTTP status and body for a POSTed body, as bitcoind's `HTTPReq_JSONRPC` gives them: a single call
    /// answers 200 on success, 400 for an invalid request object, 404 for an unknown method and 500 for any
    /// other error (parse errors included); a batch (JSON array) always answers 200 with one reply per element.
    func respond(to body: [UInt8], peer: String) async -> (status: HTTPResponseStatus, body: String) {
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONValue(parsing: body)
        } catch {
            logger.debug("rpc parse error", metadata: ["peer": "\(peer)", "error": "\(error)"])
            return (.internalServerError, RPCReply.failure(.parseError(), id: .null).serialized() + "\n")
        }
        switch value {
        case .object:
            var id = JSONValue.null
            do throws(RPCError) {
                let envelope = try RPCEnvelope.parse(value, id: &id)
                switch await execute(envelope, peer: peer) {
                case let .success(result):
                    return (.ok, RPCReply.success(result, id: envelope.id).serialized() + "\n")
                case let .failure(error):
                    return (RPCDispatcher.status(for: error), RPCReply.failure(error, id: envelope.id).serialized() + "\n")
                }
            } catch {
                return (RPCDispatcher.status(for: error), RPCReply.failure(error, id: id).serialized() + "\n")
            }
        case let .array(items):
            var replies: [JSONValue] = []
            replies.reserveCapacity(items.count)
            for item in items {
                var id = JSONValue.null
                do throws(RPCError) {
                    let envelope = try RPCEnvelope.parse(item, id: &id)
                    switch await execute(envelope, peer: peer) {
                    case let .success(result): replies.append(RPCReply.success(result, id: envelope.id))
                    case let .failure(error): replies.append(RPCReply.failure(error, id: envelope.id))
                    }
                } catch {
                    replies.append(RPCReply.failure(error, id: id))
                }
            }
            return (.ok, JSONValue.array(replies).serialized() + "\n")
        default:
            let error = RPCError.parseError("Top-level object parse error")
            return (.internalServerError, RPCReply.failure(error, id: .null).serialized() + "\n")
        }
    }

    /// bitcoind's `JSONErrorReply` status for an error of a single call.
    static func status(for error: RPCError) -> HTTPResponseStatus {
        switch error.code {
        case RPCError.Code.invalidRequest: return .badRequest
        case RPCError.Code.methodNotFound: return .notFound
        default: return .internalServerError
        }
    }

    private func execute(_ envelope: RPCEnvelope, peer: String) async -> Result<JSONValue, RPCError> {
        await limiter.acquire()
        let start = ContinuousClock.now
        let result = await registry.call(method: envelope.method, params: envelope.params, id: envelope.id)
        let elapsed = ContinuousClock.now - start
        await limiter.release()
        if logger.logLevel <= .debug {
            var metadata: Logger.Metadata = [
                "method": "\(envelope.method)", "peer": "\(peer)",
                "ms": "\(Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000 + Double(elapsed.components.seconds) * 1000)",
            ]
            if case let .failure(error) = result { metadata["error"] = "\(error.code)" }
            logger.debug("rpc call", metadata: metadata)
        }
        return result
    }
}

/// A counting semaphore for tasks: at most `permits` holders at once, the rest wait in arrival order.
actor RPCWorkLimiter {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) { available = permits }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
