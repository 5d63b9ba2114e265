import FluxJSON
import Foundation

/// An RPC method's implementation. It runs in a Swift task (never on a NIO event loop), so it may suspend; long
/// CPU-bound or blocking work should still be kept short or moved to a dedicated thread, because the number of
/// handlers running at once is limited by ``RPCServerConfiguration/workerThreads``.
public typealias RPCHandler = @Sendable (RPCRequest) async throws(RPCError) -> JSONValue

/// The methods a server answers, by name. Thread-safe: methods may be registered, replaced and removed while the
/// server runs (plugins register namespaced methods such as `tiers.list` after start).
///
/// A built-in `help` method lists every method by category as bitcoind does, and `help NAME` returns that
/// method's help text. Re-registering `help` replaces it like any other method. As in fluxd, methods of the
/// category "Hidden" are served and have `help NAME`, but the listing leaves them out.
public final class RPCMethodRegistry: Sendable {
    private struct Entry: Sendable {
        let name: String
        let category: String
        let help: String
        let argumentNames: [String]
        let handler: RPCHandler
    }

    private let entries = LockedValue<[String: Entry]>([:])

    /// Creates a registry holding only `help`.
    public init() {
        register("help", category: "Control", help: """
            help ( "command" )

            List all commands, or get help for a specified command.

            Arguments:
            1. "command"     (string, optional) The command to get help on

            Result:
            "text"     (string) The help text
            """, arguments: ["command"]) { [weak self] request throws(RPCError) in
            guard let self else { throw .internalError("registry released") }
            return .string(try self.help(request))
        }
    }

    /// Registers `handler` as `name`, replacing any method of that name.
    ///
    /// - Parameters:
    ///   - category: the section of `help` it is listed under (fluxd's capitalised titles:
    ///     `"Blockchain"`, `"Control"`, `"Network"`…; `"Hidden"` is served but not listed).
    ///   - help: the text `help name` returns; its first line is the synopsis shown in the listing
    ///     (`getblock "hash|height" ( verbosity )`).
    ///   - arguments: parameter names, in position order, for callers that send named parameters (a JSON object);
    ///     empty means named parameters are refused with -32602.
    public func register(_ name: String, category: String, help: String, arguments: [String] = [],
                         _ handler: @escaping RPCHandler) {
        let entry = Entry(name: name, category: category, help: help, argumentNames: arguments, handler: handler)
        entries.withLock { $0[name] = entry }
    }

    /// Removes a method; returns whether it was registered.
    @discardableResult
    public func unregister(_ name: String) -> Bool {
        entries.withLock { $0.removeValue(forKey: name) != nil }
    }

    /// Every method, sorted by category then name.
    public var methods: [(name: String, category: String, help: String)] {
        entries.withLock { Array($0.values) }
            .sorted { ($0.category, $0.name) < ($1.category, $1.name) }
            .map { ($0.name, $0.category, $0.help) }
    }

    /// Runs one call. Unknown methods give -32601; errors thrown by the handler are returned as they are.
    public func call(_ request: RPCRequest) async -> Result<JSONValue, RPCError> {
        guard let entry = entries.withLock({ $0[request.method] }) else { return .failure(.methodNotFound()) }
        do throws(RPCError) {
            return .success(try await entry.handler(request))
        } catch {
            return .failure(error)
        }
    }

    /// Runs a call whose parameters are as sent: an array, an object (named parameters) or `null`.
    func call(method: String, params: JSONValue, id: JSONValue) async -> Result<JSONValue, RPCError> {
        switch params {
        case let .array(values):
            return await call(RPCRequest(method: method, params: values, id: id))
        case let .object(pairs):
            guard let entry = entries.withLock({ $0[method] }) else { return .failure(.methodNotFound()) }
            if pairs.isEmpty { return await call(RPCRequest(method: method, params: [], id: id)) }
            guard !entry.argumentNames.isEmpty else {
                return .failure(.invalidParams("Method \(method) does not accept named parameters"))
            }
            var positional = [JSONValue?](repeating: nil, count: entry.argumentNames.count)
            for (key, value) in pairs {
                guard let index = entry.argumentNames.firstIndex(of: key) else {
                    return .failure(.invalidParameter("Unknown named parameter \(key)"))
                }
                guard positional[index] == nil else {
                    return .failure(.invalidParameter("Parameter \(key) specified twice"))
                }
                positional[index] = value
            }
            while let last = positional.last, last == nil { positional.removeLast() }
            return await call(RPCRequest(method: method, params: positional.map { $0 ?? .null }, id: id))
        default:
            return await call(RPCRequest(method: method, params: [], id: id))
        }
    }

    /// The text `help` returns for `request`.
    private func help(_ request: RPCRequest) throws(RPCError) -> String {
        guard request.params.count <= 1 else { throw .miscError(methodHelp("help")) }
        // fluxd lists every command for `help`, `help null` and `help ""` (what FluxOS's default sends).
        if let first = request.params.first, first != .null, first != .string("") {
            guard case let .string(name) = first else { throw .typeError("Expected type string, got \(first)") }
            guard let entry = entries.withLock({ $0[name] }) else { return "help: unknown command: \(name)" }
            return entry.help
        }
        return listing()
    }

    private func methodHelp(_ name: String) -> String { entries.withLock { $0[name]?.help } ?? name }

    /// bitcoind's listing: `== Category ==` sections in category order, one synopsis line per method.
    func listing() -> String {
        var lines: [String] = []
        var category: String?
        for method in methods where method.category.lowercased() != "hidden" {
            if method.category != category {
                if category != nil { lines.append("") }
                category = method.category
                lines.append("== \(method.category.prefix(1).uppercased() + method.category.dropFirst()) ==")
            }
            let synopsis = method.help.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first
                .map(String.init) ?? ""
            lines.append(synopsis.hasPrefix(method.name) ? synopsis : method.name)
        }
        return lines.joined(separator: "\n")
    }
}
