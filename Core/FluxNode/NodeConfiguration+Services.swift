import FluxNetwork
import FluxOptions
import FluxPrimitives
import FluxRPC
import FluxStorage
import FluxZMQ
import Foundation

extension NodeConfiguration {
    /// The optional indexes the options ask for: `-txindex`; `-insightexplorer` turns on the address, spent and
    /// timestamp indexes together (fluxd), and `-addressindex`, `-spentindex`, `-timestampindex` each turn on
    /// their own.
    public var indexes: ChainIndexes {
        var set = ChainIndexes()
        if options.flag("txindex") { set.insert(.transactions) }
        if options.flag("insightexplorer") { set.formUnion(.insight) }
        if options.flag("addressindex") { set.insert(.addresses) }
        if options.flag("spentindex") { set.insert(.spent) }
        if options.flag("timestampindex") { set.insert(.timestamps) }
        return set
    }

    /// P2P settings from fluxd's options: `-port`, `-listen`, `-connect`, `-addnode`, `-maxconnections`,
    /// `-bind` (HOST or HOST:PORT), `-peertimeout`, `-maxsendbuffer` (kilobytes of 1,000 bytes, as fluxd) and
    /// `-timeout` (milliseconds).
    public var networkConfiguration: NetworkConfiguration {
        var n = NetworkConfiguration(port: options.int("port") ?? params.defaultPort)
        n.listen = options.string("listen").map { $0 == "1" } ?? options.all("connect").isEmpty
        n.connectOnly = options.all("connect")
        n.addNodes = options.all("addnode")
        if let m = options.int("maxconnections") {
            // As bitcoind: outbound slots are min(8, maxconnections); the rest take inbound connections.
            n.maxConnections = m
            n.maxOutbound = min(n.maxOutbound, m)
        }
        // bitcoind's -peertimeout: seconds a peer may take to complete the handshake or to answer a ping or a
        // block request before it is dropped.
        if let t = options.int("peertimeout") {
            n.handshakeTimeout = TimeInterval(max(t, 1))
            n.stallTimeout = TimeInterval(max(t, 1))
            n.sendBufferTimeout = TimeInterval(max(t, 1))
        }
        if let kb = options.int("maxsendbuffer") { n.sendBufferLimit = max(kb, 1) * 1000 }
        if let ms = options.int("timeout") { n.connectTimeout = TimeInterval(max(ms, 1)) / 1000 }
        // fluxd's -bind=ADDR[:PORT] ([IPV6]:PORT too): a port given there is the one listened on.
        if let bind = options.string("bind") {
            (n.bindHost, n.port) = Self.splitHostPort(bind, defaultPort: n.port)
        } else {
            n.bindHost = "0.0.0.0"
        }
        n.whitelist = options.all("whitelist").compactMap(IPSubnet.init)
        n.dataDirectory = dataDirectory
        return n
    }

    /// RPC settings: `-rpcport`, `-rpcbind` (loopback by default), `-rpcallowip`, `-rpcuser`/`-rpcpassword`, a
    /// cookie file in the data folder (always written, as bitcoind does when no password is configured), and the
    /// limits `-rpcthreads`, `-rpcworkqueue`, `-rpcservertimeout` and `-rpcmaxconnections` (default: see
    /// `defaultRPCConnectionLimit`).
    public var rpcConfiguration: RPCServerConfiguration {
        var r = RPCServerConfiguration()
        let port = options.int("rpcport") ?? params.defaultRPCPort
        // As fluxd's HTTPBindAddresses: loopback unless -rpcallowip lets others in; then -rpcbind's addresses
        // (HOST or HOST:PORT), or every IPv4 interface without -rpcbind. -rpcbind alone is ignored (with a warning).
        let binds = options.all("rpcbind")
        if options.all("rpcallowip").isEmpty {
            r.bind = [("127.0.0.1", port)]
        } else if binds.isEmpty {
            r.bind = [("0.0.0.0", port)]
        } else {
            r.bind = binds.map { Self.splitHostPort($0, defaultPort: port) }
        }
        r.allowIPs = options.all("rpcallowip")
        r.user = options.string("rpcuser")
        r.password = options.string("rpcpassword")
        r.cookieFile = dataDirectory.appendingPathComponent(".cookie").path
        if let threads = options.int("rpcthreads") { r.workerThreads = max(threads, 1) }
        if let seconds = options.int("rpcservertimeout") { r.requestTimeout = .seconds(max(seconds, 1)) }
        if let depth = options.int("rpcworkqueue") { r.workQueueDepth = depth }
        r.maxConnections = options.int("rpcmaxconnections").map { max($0, 1) }
            ?? Self.defaultRPCConnectionLimit(openFiles: OpenFileLimit.current,
                                              p2pConnections: networkConfiguration.maxConnections)
        return r
    }

    /// Whether the JSON-RPC server runs: fluxd sets `-server` to 1 unless it is given (`-server=0` turns RPC off).
    public var rpcServerEnabled: Bool { options.string("server") != "0" }

    /// Whether `-rpcbind` is given but ignored because no `-rpcallowip` is (fluxd logs a warning and binds loopback).
    public var rpcBindIgnored: Bool { !options.all("rpcbind").isEmpty && options.all("rpcallowip").isEmpty }

    /// `HOST`, `HOST:PORT`, `[IPV6]` or `[IPV6]:PORT` (fluxd's SplitHostPort); a bare IPv6 address keeps the default.
    static func splitHostPort(_ text: String, defaultPort: Int) -> (host: String, port: Int) {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":"), let p = Int(rest.dropFirst()), (0...65535).contains(p) { return (host, p) }
            return (host, defaultPort)
        }
        if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon,
           let p = Int(text[text.index(after: colon)...]), (0...65535).contains(p) {
            return (String(text[..<colon]), p)
        }
        return (text, defaultPort)
    }

    /// The ZeroMQ topics configured with `-zmqpub<topic>=ADDRESS`, with `-zmqpub<topic>hwm` (default 1000).
    public var zmqEndpoints: [ZMQTopic: ZMQEndpoint] {
        var endpoints: [ZMQTopic: ZMQEndpoint] = [:]
        for topic in ZMQTopic.allCases {
            guard let address = options.string(topic.optionName) else { continue }
            endpoints[topic] = ZMQEndpoint(address: address, highWaterMark: options.int(topic.highWaterMarkOptionName)
                                           ?? ZMQEndpoint.defaultHighWaterMark)
        }
        return endpoints
    }

    /// The default cap on RPC connections: what the descriptor limit leaves after P2P connections, the database's
    /// open files and ``OpenFileLimit/coreReserve``, between 16 and 512.
    public static func defaultRPCConnectionLimit(openFiles: Int, p2pConnections: Int) -> Int {
        let reserve = p2pConnections + DatabaseOptions().maxOpenFiles + OpenFileLimit.coreReserve
        return min(512, max(16, openFiles - reserve))
    }
}
