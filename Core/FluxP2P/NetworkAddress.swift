import FluxPrimitives
import NIOCore

/// A peer address as the protocol carries it (`CService` with services, without the time field): LE64 services ‖
/// 16-byte IPv6 address (IPv4 as `::ffff:a.b.c.d`) ‖ **big-endian** 16-bit port, 26 bytes.
public struct NetworkAddress: Hashable, Sendable, CustomStringConvertible {
    /// Service bits (`ServiceFlags`) the node at this address advertises.
    public var services: UInt64
    /// The 16 address bytes in network order; IPv4 addresses are IPv4-mapped (`00…00 ff ff a b c d`).
    public var ip: [UInt8]
    /// The TCP port (host order here; big-endian on the wire).
    public var port: UInt16

    /// Serialized size.
    public static let size = 26
    /// The prefix of an IPv4-mapped IPv6 address.
    static let ipv4MappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]

    /// Creates an address from 16 IPv6 bytes.
    public init(services: UInt64 = 0, ip: [UInt8], port: UInt16) {
        precondition(ip.count == 16, "an IP address is 16 bytes (IPv4-mapped for IPv4)")
        self.services = services
        self.ip = ip
        self.port = port
    }

    /// Creates an IPv4-mapped address from 4 bytes, e.g. `[127, 0, 0, 1]`.
    public init(ipv4: [UInt8], port: UInt16, services: UInt64 = 0) {
        precondition(ipv4.count == 4, "an IPv4 address is 4 bytes")
        self.init(services: services, ip: Self.ipv4MappedPrefix + ipv4, port: port)
    }

    /// `[::]:0` without services (`CAddress()`): all 16 address bytes zero, for an address not known.
    public static let unspecified = NetworkAddress(ip: [UInt8](repeating: 0, count: 16), port: 0)

    /// Parses `"1.2.3.4:16125"` or `"[::1]:16125"`. Without a port, `defaultPort` is used if given (a bare IPv6
    /// address needs no brackets then). Host names are not resolved: nil for anything but a literal address.
    public init?(string: String, defaultPort: UInt16? = nil, services: UInt64 = 0) {
        var host = Substring(string)
        var port = defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Self.parsePort(rest.dropFirst()) else { return nil }
                port = p
            }
        } else if let colon = host.firstIndex(of: ":"), host[host.index(after: colon)...].firstIndex(of: ":") == nil {
            guard let p = Self.parsePort(host[host.index(after: colon)...]) else { return nil }
            port = p
            host = host[..<colon]
        }
        guard let port, let ip = Self.parseIP(host) else { return nil }
        self.init(services: services, ip: ip, port: port)
    }

    /// Creates an address from a NIO socket address (IPv4 or IPv6; nil for Unix domain sockets).
    public init?(_ socketAddress: SocketAddress, services: UInt64 = 0) {
        guard let host = socketAddress.ipAddress, let port = socketAddress.port,
              let p = UInt16(exactly: port), let ip = Self.parseIP(Substring(host)) else { return nil }
        self.init(services: services, ip: ip, port: p)
    }

    /// The address as a NIO socket address (IPv4 for IPv4-mapped addresses), for connecting.
    public func socketAddress() throws -> SocketAddress {
        try SocketAddress(ipAddress: host, port: Int(port))
    }

    /// True for an IPv4-mapped address.
    public var isIPv4: Bool { Array(ip[0..<12]) == Self.ipv4MappedPrefix }

    /// The address without the port: `"1.2.3.4"` for IPv4, RFC 5952 text (`"2001:db8::1"`) for IPv6.
    public var host: String {
        if isIPv4 { return ip[12...].map { String($0) }.joined(separator: ".") }
        let groups = (0..<8).map { UInt16(ip[2 * $0]) << 8 | UInt16(ip[2 * $0 + 1]) }
        // The longest run of at least two zero groups (the first of equal runs) becomes "::".
        var best = (start: -1, length: 0)
        var i = 0
        while i < 8 {
            guard groups[i] == 0 else { i += 1; continue }
            var j = i
            while j < 8 && groups[j] == 0 { j += 1 }
            if j - i > best.length && j - i >= 2 { best = (i, j - i) }
            i = j
        }
        func text(_ range: Range<Int>) -> String {
            range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
        }
        if best.start < 0 { return text(0..<8) }
        return text(0..<best.start) + "::" + text(best.start + best.length..<8)
    }

    /// `"1.2.3.4:16125"` or `"[2001:db8::1]:16125"`.
    public var description: String { isIPv4 ? "\(host):\(port)" : "[\(host)]:\(port)" }

    static func parsePort(_ text: Substring) -> UInt16? {
        guard !text.isEmpty, text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return UInt16(text)
    }

    /// 16 bytes for a literal IPv4 (mapped) or IPv6 address.
    static func parseIP(_ text: Substring) -> [UInt8]? {
        if !text.contains(":") {
            guard let v4 = parseIPv4(text) else { return nil }
            return ipv4MappedPrefix + v4
        }
        return parseIPv6(text)
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.utf8.count <= 3, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let v = UInt8(part) else { return nil }
            out.append(v)
        }
        return out
    }

    static func parseIPv6(_ text: Substring) -> [UInt8]? {
        // Groups of 1–4 hex digits; the last group may be a dotted IPv4 address (two groups' worth).
        func groups(_ part: Substring, allowIPv4Tail: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            var out: [UInt8] = []
            for (n, field) in fields.enumerated() {
                if allowIPv4Tail && n == fields.count - 1 && field.contains(".") {
                    guard let v4 = parseIPv4(field) else { return nil }
                    out += v4
                    continue
                }
                guard !field.isEmpty, field.utf8.count <= 4, let v = UInt16(field, radix: 16),
                      field.utf8.allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") }) else {
                    return nil
                }
                out += [UInt8(v >> 8), UInt8(v & 0xFF)]
            }
            return out
        }
        let halves = text.components(separatedByString: "::")
        switch halves.count {
        case 1:
            guard let all = groups(halves[0], allowIPv4Tail: true), all.count == 16 else { return nil }
            return all
        case 2:
            guard let head = groups(halves[0], allowIPv4Tail: false),
                  let tail = groups(halves[1], allowIPv4Tail: true),
                  head.count + tail.count <= 14 else { return nil }
            return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
        default:
            return nil
        }
    }
}

extension Substring {
    /// Splits at every occurrence of `separator` (a multi-character string).
    fileprivate func components(separatedByString separator: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = self[...]
        while let range = rest.firstRange(of: separator) {
            parts.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        parts.append(rest)
        return parts
    }
}

extension NetworkAddress: WireCodable {
    /// Writes LE64 services ‖ 16 address bytes ‖ BE16 port.
    public func encode(to writer: inout ByteWriter) {
        writer.writeLE(services)
        writer.writeBytes(ip)
        writer.writeBE(port)
    }

    /// Reads LE64 services ‖ 16 address bytes ‖ BE16 port.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        services = try reader.readLE(UInt64.self, "addr.services")
        ip = try reader.readBytes(16, "addr.ip")
        port = try reader.readBE(UInt16.self, "addr.port")
    }
}

/// An address with the time it was last seen, as `addr` carries it: LE32 time ‖ `NetworkAddress`, 30 bytes.
public struct TimestampedAddress: Hashable, Sendable {
    /// When the node was last seen (unix seconds).
    public var time: UInt32
    /// The address.
    public var address: NetworkAddress

    /// Serialized size.
    public static let size = 30

    /// Creates an entry.
    public init(time: UInt32, address: NetworkAddress) {
        self.time = time
        self.address = address
    }
}

extension TimestampedAddress: WireCodable {
    /// Writes LE32 time ‖ address.
    public func encode(to writer: inout ByteWriter) {
        writer.writeLE(time)
        address.encode(to: &writer)
    }

    /// Reads LE32 time ‖ address.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        time = try reader.readLE(UInt32.self, "addr.time")
        address = try NetworkAddress(from: &reader)
    }
}
