import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus

/// Serves Prometheus's text format on `GET /metrics` (`-metricsport`). Values are read from the node when a scrape
/// arrives (`refresh`), so nothing is computed between scrapes.
final class MetricsServer: Sendable {
    let registry: PrometheusCollectorRegistry
    let refresh: @Sendable () -> Void
    let logger: Logger
    private let channel = NIOLockedBox<(any Channel)?>(nil)

    init(registry: PrometheusCollectorRegistry, logger: Logger, refresh: @escaping @Sendable () -> Void) {
        self.registry = registry
        self.refresh = refresh
        self.logger = logger
    }

    /// Listens on `host:port` (port 0 = any free port) and returns the bound port.
    func start(host: String, port: Int, group: any EventLoopGroup) async throws -> Int {
        let server = self
        let bound = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try child.pipeline.syncOperations.addHandler(MetricsHTTPHandler(server: server))
                }
            }
            .bind(host: host, port: port).get()
        channel.set(bound)
        return bound.localAddress?.port ?? port
    }

    func stop() async {
        if let c = channel.take() { try? await c.close() }
    }

    /// The exposition text after refreshing the gauges.
    func render() -> [UInt8] {
        refresh()
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// A value behind a lock (for the bound channel).
final class NIOLockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ v: Value) { lock.lock(); value = v; lock.unlock() }
}

extension NIOLockedBox {
    func take<T>() -> T? where Value == T? {
        lock.lock(); defer { lock.unlock() }
        let v = value
        value = nil
        return v
    }
}

/// One HTTP connection of the metrics server: `GET /metrics` answers 200 with the text format, anything else 404
/// (or 405 for other methods).
final class MetricsHTTPHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let server: MetricsServer

    init(server: MetricsServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case let .head(head) = unwrapInboundIn(data) else { return }
        let status: HTTPResponseStatus
        let body: [UInt8]
        if head.method != .GET {
            status = .methodNotAllowed
            body = Array("only GET is served\n".utf8)
        } else if head.uri == "/metrics" || head.uri.hasPrefix("/metrics?") {
            status = .ok
            body = server.render()
        } else {
            status = .notFound
            body = Array("metrics are at /metrics\n".utf8)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: status == .ok ? "text/plain; version=0.0.4" : "text/plain")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
