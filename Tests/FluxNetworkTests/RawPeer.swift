import FluxP2P
import FluxTestSupport
import Foundation
import NIOCore

/// A scripted P2P peer over a blocking loopback socket. Every blocking call runs on the peer's own dispatch
/// queue, never on Swift's concurrency pool (the node under test needs that pool).
final class RawPeer: @unchecked Sendable {
    let fd: Int32
    let configuration: P2PConfiguration
    /// Received bytes not yet decoded; touched only on `queue`.
    private var buffer = ByteBuffer()
    private let queue = DispatchQueue(label: "raw-peer")

    /// Connects to 127.0.0.1:`port`; reads time out after `timeout` seconds. `receiveBuffer` (bytes) shrinks
    /// the socket's receive buffer, for a peer that reads nothing.
    init(port: Int, magic: [UInt8], timeout: Int = 10, receiveBuffer: Int32? = nil) throws {
        configuration = P2PConfiguration(magic: magic)
        fd = try connectLoopback(port: port, receiveTimeout: timeout, receiveBuffer: receiveBuffer)
    }

    deinit { close(fd) }

    /// Sends one framed message.
    func send(_ message: P2PMessage) throws {
        let bytes = try P2PFrame.encode(message, configuration: configuration)
        _ = bytes.withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends `bytes` as they are (a hand-made frame).
    func sendRaw(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends version (with protocol `version`) and verack.
    func handshake(version: Int32 = ProtocolVersion.current, height: Int32 = 0) throws {
        let message = VersionMessage(version: version, services: 1, timestamp: Int64(Date().timeIntervalSince1970),
                                     receiver: .unspecified, sender: .unspecified,
                                     nonce: UInt64.random(in: 1...UInt64.max), userAgent: "/raw-test-peer/",
                                     startHeight: height, relay: true)
        try send(.version(message))
        try send(.verack)
    }

    /// Reads messages until `match` returns a value, which is returned; nil when the connection closes or a
    /// read times out first.
    func receive<T: Sendable>(_ match: @escaping @Sendable (P2PMessage) -> T?) async -> T? {
        await withCheckedContinuation { done in
            queue.async {
                while let message = self.readMessage() {
                    if let value = match(message) { done.resume(returning: value); return }
                }
                done.resume(returning: nil)
            }
        }
    }

    /// Every message read up to and including the first one `last` accepts; nil when the connection closes or a
    /// read times out first.
    func messages(through last: @escaping @Sendable (P2PMessage) -> Bool) async -> [P2PMessage]? {
        await withCheckedContinuation { done in
            queue.async {
                var read: [P2PMessage] = []
                while let message = self.readMessage() {
                    read.append(message)
                    if last(message) { done.resume(returning: read); return }
                }
                done.resume(returning: nil)
            }
        }
    }

    /// Reads until the node closes the connection; true when it did before a read timed out.
    func waitForClose() async -> Bool {
        await withCheckedContinuation { done in
            queue.async {
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
                    if n == 0 { done.resume(returning: true); return }
                    if n < 0 { done.resume(returning: errno == ECONNRESET); return }
                }
            }
        }
    }

    /// The next whole message (blocking, on `queue`), or nil on close, timeout or an undecodable stream.
    private func readMessage() -> P2PMessage? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            do {
                if let message = try P2PFrame.read(from: &buffer, configuration: configuration) { return message }
            } catch { return nil }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            buffer.writeBytes(chunk[0..<n])
        }
    }
}

/// A failure of the raw peer's socket setup.
struct RawPeerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
