import Foundation

/// No loopback port could be bound (the system ran out of ports or descriptors).
public struct LoopbackPortError: Error, CustomStringConvertible {
    /// What failed, with errno.
    public let description: String
}

/// A TCP port on 127.0.0.1 that nothing listens on now (bound, read and released), for tests that need a port
/// before the process or node that will use it exists.
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Bool in
            bind(fd, p, length) == 0 && getsockname(fd, p, &length) == 0
        }
    }
    guard bound else { throw LoopbackPortError(description: "cannot bind a loopback port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}
