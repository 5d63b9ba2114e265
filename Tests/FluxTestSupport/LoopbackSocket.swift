import Foundation

/// A loopback connection could not be opened.
public struct LoopbackSocketError: Error, CustomStringConvertible {
    /// What failed, with errno.
    public let description: String
}

/// A blocking TCP socket connected to 127.0.0.1:`port`, for tests that play a raw peer or client. Reads time out
/// after `receiveTimeout` seconds; `receiveBuffer` (bytes) shrinks the socket's receive buffer before connecting,
/// for a peer that reads nothing. The caller closes the descriptor.
public func connectLoopback(port: Int, receiveTimeout: Int = 10, receiveBuffer: Int32? = nil) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    if var size = receiveBuffer {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var tv = timeval(tv_sec: receiveTimeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard result == 0 else {
        let code = errno
        close(fd)
        throw LoopbackSocketError(description: "connect to 127.0.0.1:\(port) failed: errno \(code)")
    }
    return fd
}
