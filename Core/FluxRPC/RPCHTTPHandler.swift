import FluxPrimitives
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One HTTP connection of the RPC server, after NIO's HTTP/1.1 codec and pipelining handler (so requests arrive
/// one at a time and replies go out in order).
///
/// Checks run in bitcoind's order: allowed address (403), POST (405), path `/` or `/wallet/…` (404), credentials
/// (401), body size (413, connection closed), work queue (503 "Work queue depth exceeded"). The JSON-RPC work is
/// done in a task; the reply is written back on the connection's event loop. A connection that does not deliver a
/// complete request within the request timeout (from when it opens, or from the end of the previous reply) is
/// closed.
final class RPCHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Waiting for a request head.
        case idle
        /// Reading an accepted request's body.
        case receiving(keepAlive: Bool, body: ByteBuffer)
        /// The request was refused at its head; the reply goes out when its body has been skipped.
        case refusing(keepAlive: Bool, status: HTTPResponseStatus, headers: [(String, String)], body: String,
                      delayed: Bool)
        /// A reply is being computed.
        case responding
        /// The connection is being closed; further input is dropped.
        case closing
    }

    private let shared: RPCConnectionContext
    private var state = State.idle
    private var peer = "?"
    /// Closes the connection when the request being awaited is not complete in time.
    private var requestDeadline: Scheduled<Void>?

    init(shared: RPCConnectionContext) { self.shared = shared }

    func channelActive(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.ipAddress ?? "?"
        armRequestDeadline(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        requestDeadline?.cancel()
        requestDeadline = nil
        context.fireChannelInactive()
    }

    /// Starts the wait for a complete request (see ``RPCServerConfiguration/requestTimeout``).
    private func armRequestDeadline(context: ChannelHandlerContext) {
        requestDeadline?.cancel()
        requestDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: shared.requestTimeout) { [self] in
            requestDeadline = nil
            switch state {
            case .idle, .receiving, .refusing:
                shared.logger.debug("rpc: closing the connection from \(peer): no complete request within the timeout (-rpcservertimeout)")
                state = .closing
                context.close(promise: nil)
            case .responding, .closing:
                break
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head): receivedHead(head, context: context)
        case var .body(chunk):
            guard case .receiving(let keepAlive, var body) = state else { return }
            guard body.readableBytes + chunk.readableBytes <= shared.maxBodyBytes else {
                tooLarge(context: context)
                return
            }
            state = .idle  // avoid a copy-on-write of the body while appending
            body.writeBuffer(&chunk)
            state = .receiving(keepAlive: keepAlive, body: body)
        case .end:
            requestDeadline?.cancel()
            requestDeadline = nil
            switch state {
            case let .receiving(keepAlive, body):
                state = .responding
                dispatch(Array(body.readableBytesView), keepAlive: keepAlive, context: context)
            case let .refusing(keepAlive, status, headers, body, delayed):
                state = .responding
                if delayed {
                    let delay = shared.authFailureDelay
                    context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
                        self.reply(status, headers: headers, body: body, keepAlive: keepAlive, context: context)
                    }
                } else {
                    reply(status, headers: headers, body: body, keepAlive: keepAlive, context: context)
                }
            case .idle, .responding, .closing:
                break
            }
        }
    }

    private func receivedHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard case .idle = state else { return }
        let keepAlive = head.isKeepAlive
        func refuse(_ status: HTTPResponseStatus, _ headers: [(String, String)] = [], _ body: String = "",
                    delayed: Bool = false) {
            state = .refusing(keepAlive: keepAlive, status: status, headers: headers, body: body, delayed: delayed)
        }
        guard shared.allows(peer: peer) else {
            shared.logger.info("rpc: refused connection from \(peer) (not in -rpcallowip)")
            return refuse(.forbidden)
        }
        guard head.method == .POST else {
            return refuse(.methodNotAllowed, [], "JSONRPC server handles only POST requests")
        }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path == "/" || path.hasPrefix("/wallet/") else { return refuse(.notFound) }
        switch shared.authorize(head.headers.first(name: "authorization")) {
        case .missing:
            return refuse(.unauthorized, [("WWW-Authenticate", "Basic realm=\"jsonrpc\"")])
        case .wrong:
            shared.logger.warning("rpc: incorrect password attempt from \(peer)")
            return refuse(.unauthorized, [("WWW-Authenticate", "Basic realm=\"jsonrpc\"")], delayed: true)
        case .accepted:
            break
        }
        if let length = head.headers.first(name: "content-length").flatMap({ Int($0) }), length > shared.maxBodyBytes {
            return tooLarge(context: context)
        }
        if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                                  promise: nil)
        }
        state = .receiving(keepAlive: keepAlive, body: context.channel.allocator.buffer(capacity: 0))
    }

    /// Answers 413 at once, stops writing, and closes the connection after a short grace period in which the
    /// rest of the upload is read and dropped (so the client sees the reply instead of a reset).
    private func tooLarge(context: ChannelHandlerContext) {
        state = .closing
        shared.logger.debug("rpc: request body from \(peer) exceeds \(shared.maxBodyBytes) bytes")
        var head = HTTPResponseHead(version: .http1_1, status: .payloadTooLarge)
        head.headers.add(name: "Content-Length", value: "0")
        head.headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
        }
    }

    private func dispatch(_ body: [UInt8], keepAlive: Bool, context: ChannelHandlerContext) {
        switch shared.begin() {
        case .admitted:
            break
        case .queueFull:
            reply(.serviceUnavailable, headers: [("Content-Type", "text/plain")], body: "Work queue depth exceeded",
                  keepAlive: keepAlive, context: context)
            return
        case .stopped:
            state = .closing
            context.close(promise: nil)
            return
        }
        let shared = self.shared
        let peer = self.peer
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: eventLoop)
        Task {
            let (status, text) = await shared.dispatcher.respond(to: body, peer: peer)
            shared.finish {
                eventLoop.execute {
                    let (handler, context) = bound.value
                    handler.reply(status, headers: [("Content-Type", "application/json")], body: text,
                                  keepAlive: keepAlive, context: context)
                }
            }
        }
    }

    private func reply(_ status: HTTPResponseStatus, headers: [(String, String)], body: String, keepAlive: Bool,
                       context: ChannelHandlerContext) {
        guard case .responding = state else { return }
        state = .idle
        var head = HTTPResponseHead(version: .http1_1, status: status)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let bytes = Array(body.utf8)
        head.headers.add(name: "Content-Length", value: String(bytes.count))
        head.headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !bytes.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))),
                          promise: nil)
        }
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            armRequestDeadline(context: context)
        } else {
            state = .closing
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        shared.logger.debug("rpc: connection from \(peer) failed: \(error)")
        state = .closing
        context.close(promise: nil)
    }
}
