#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 network as `-rpcallowip` spells it: a single address (`192.168.1.5`, `::1`), a prefix length
/// (`10.0.0.0/8`, `fd00::/8`) or an IPv4 netmask (`192.168.0.0/255.255.0.0`).
public struct IPSubnet: Hashable, Sendable, CustomStringConvertible {
    /// The network address: 4 bytes for IPv4, 16 for IPv6, with host bits cleared.
    public let network: [UInt8]
    /// Number of leading bits that must match.
    public let prefixLength: Int

    /// Parses a subnet; nil when malformed (bitcoind refuses to start on an invalid `-rpcallowip`).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let address = IPSubnet.parseAddress(parts[0]) else { return nil }
        var prefix = address.count * 8
        if parts.count == 2 {
            if let n = Int(parts[1]), parts[1].allSatisfy(\.isNumber) {
                guard n >= 0 && n <= address.count * 8 else { return nil }
                prefix = n
            } else if address.count == 4, let mask = IPSubnet.parseAddress(parts[1]), mask.count == 4 {
                let bits = mask.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                let ones = bits.leadingZeroBitCount == 0 ? (~bits).leadingZeroBitCount : 0
                // A netmask must be contiguous ones followed by zeros.
                guard ones == 32 || bits << UInt32(ones) == 0 else { return nil }
                prefix = ones
            } else {
                return nil
            }
        }
        self.network = IPSubnet.masked(address, prefix)
        self.prefixLength = prefix
    }

    /// Whether `address` (textual IPv4 or IPv6; IPv4-mapped IPv6 addresses count as IPv4) lies in this subnet.
    public func contains(_ address: String) -> Bool {
        guard let bytes = IPSubnet.parseAddress(address).map(IPSubnet.unmapped), bytes.count == network.count else {
            return false
        }
        return IPSubnet.masked(bytes, prefixLength) == network
    }

    /// Whether `address` is a loopback address (127.0.0.0/8 or ::1), which is always allowed.
    public static func isLoopback(_ address: String) -> Bool {
        guard let bytes = parseAddress(address).map(unmapped) else { return false }
        return bytes.count == 4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    public var description: String {
        if network.count == 4 { return network.map(String.init).joined(separator: ".") + "/\(prefixLength)" }
        var words: [String] = []
        for i in stride(from: 0, to: 16, by: 2) { words.append(String(UInt16(network[i]) << 8 | UInt16(network[i + 1]), radix: 16)) }
        return words.joined(separator: ":") + "/\(prefixLength)"
    }

    private static func masked(_ bytes: [UInt8], _ prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(max(prefix - index * 8, 0), 8)
            return keep == 8 ? byte : byte & ~(UInt8(0xFF) >> UInt8(keep))
        }
    }

    private static func unmapped(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return Array(bytes[12...])
        }
        return bytes
    }

    /// Parses a textual IPv4 or IPv6 address with `inet_pton`; zone suffixes (`%eth0`) are ignored.
    static func parseAddress(_ text: String) -> [UInt8]? {
        let host = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
