import FluxChain
import FluxConsensus
import FluxJSON
import FluxMempool
import FluxMining
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxStorage
import FluxWallet
import Foundation

/// fluxd's "network" calls (`src/rpc/net.cpp`, and `getdeprecationinfo` of `src/rpc/misc.cpp`).
extension Node {
    /// fluxd's deprecation schedule for the release whose version this node reports (`fluxdClientVersion`,
    /// 9.0.6): shut down 104 weeks of blocks after the approximate release height, warn 4 weeks before.
    /// Mainnet only, as in fluxd.
    static let deprecationHeight = 2_127_000 + 104 * 7 * 24 * 120
    static let deprecationWarningBlocks = 28 * 24 * 120

    func registerNetworkMethods() {
        registry.register("getpeerinfo", category: "Network", help: "getpeerinfo\nConnected peers.") { _ throws(RPCError) in
            let peers = await self.network.peerInfo()
            return .array(peers.map { p in
                .object([("id", .int(p.id)), ("addr", .string(p.address)), ("services", .string(String(format: "%016llx", p.services))),
                         ("conntime", .int(Int(p.connectedAt.timeIntervalSince1970))),
                         ("pingtime", p.pingTime.map { .double($0) } ?? .null), ("version", .int(p.version)),
                         ("subver", .string(p.userAgent)), ("inbound", .bool(p.inbound)),
                         ("startingheight", .int(p.startHeight)), ("banscore", .int(p.banScore)),
                         ("inflight", .int(p.blocksInFlight)), ("sendqueuebytes", .int(p.sendQueueBytes))])
            })
        }
        registry.register("getconnectioncount", category: "Network", help: "getconnectioncount\nNumber of connections.") { _ throws(RPCError) in
            .int(await self.network.connectionCount())
        }
        registry.register("getnetworkinfo", category: "Network", help: "getnetworkinfo\nP2P state.") { _ throws(RPCError) in
            let count = await self.network.connectionCount()
            return .object([("version", .int(1)), ("subversion", .string(self.network.configuration.userAgent)),
                            ("protocolversion", .int(ProtocolConstants.protocolVersion)),
                            ("localservices", .string("0000000000000001")), ("timeoffset", .int(0)),
                            ("connections", .int(count)), ("networks", .array([])),
                            ("relayfee", TransactionJSON.amount(self.mempool.policy.minRelayFeePerKB)), ("localaddresses", .array([])),
                            ("warnings", .string(""))])
        }
        registry.register("addnode", category: "Network", help: """
            addnode "node" "add|remove|onetry"
            Adds a peer to the added-node list (kept connected, as -addnode), removes it from the list, or dials it once.
            """) { request throws(RPCError) in
            let p = RPCParams(request)
            let command = request.params.count == 2 ? try p.string(1) : ""
            guard request.params.count == 2, ["add", "remove", "onetry"].contains(command) else {
                throw .miscError("addnode \"node\" \"add|remove|onetry\"")
            }
            let node = try p.string(0)
            switch command {
            case "onetry": self.network.connectOnce(node)
            case "add": guard await self.network.addNode(node) else { throw .clientNodeAlreadyAdded() }
            default: guard await self.network.removeAddedNode(node) else { throw .clientNodeNotAdded() }
            }
            return .null
        }
        registry.register("getaddednodeinfo", category: "Network", help: """
            getaddednodeinfo dns ( "node" )
            The added-node list (-addnode and addnode add); with dns true also each node's address and whether it is
            connected (inbound, outbound or false).
            """) { request throws(RPCError) in
            let p = RPCParams(request)
            try p.check(max: 2, min: 1)
            let dns = try p.bool(0, default: false)
            var info = await self.network.addedNodeInfo()
            if request.params.count == 2 {
                let node = try p.string(1)
                info = info.filter { $0.node == node }
                guard !info.isEmpty else { throw .clientNodeNotAdded() }
            }
            return .array(info.map { entry in
                guard dns else { return .object([("addednode", .string(entry.node))]) }
                return .object([("addednode", .string(entry.node)), ("connected", .bool(entry.connected != "false")),
                                ("addresses", .array([.object([("address", .string(entry.address)),
                                                               ("connected", .string(entry.connected))])]))])
            })
        }
        registry.register("setban", category: "Network", help: """
            setban "ip(/netmask)" "add|remove" ( bantime ) ( absolute )
            Adds an address or subnet to the ban list (disconnecting the peers it covers) or removes it. bantime:
            seconds (default 24 h), or with absolute true the end as a Unix time.
            """) { request throws(RPCError) in
            let p = RPCParams(request)
            let command = request.params.count >= 2 ? try p.string(1) : ""
            guard request.params.count >= 2, request.params.count <= 4, command == "add" || command == "remove" else {
                throw .miscError("setban \"ip(/netmask)\" \"add|remove\" ( bantime ) ( absolute )")
            }
            let key = try p.string(0)
            guard IPSubnet(key) != nil else { throw .clientNodeAlreadyAdded("Error: Invalid IP/Subnet") }
            if command == "remove" {
                guard self.network.unban(key) else { throw .miscError("Error: Unban failed") }
                return .null
            }
            guard !self.network.isBanEntry(key) else { throw .clientNodeAlreadyAdded("Error: IP/Subnet already banned") }
            let seconds = request.params.count >= 3 && request.params[2] != .null ? try p.int(2) : 0
            let absolute = request.params.count == 4 && request.params[3] == .bool(true)
            let until = absolute && seconds > 0 ? Date(timeIntervalSince1970: TimeInterval(seconds))
                : Date().addingTimeInterval(seconds > 0 ? TimeInterval(seconds) : self.network.configuration.banDuration)
            _ = await self.network.ban(key, until: until)
            return .null
        }
        method("getnettotals", "Network", """
            getnettotals
            Bytes received from and sent to all peers since the node started (framing included), and the time.
            """) { p throws(RPCError) in
            try p.check(max: 0)
            return .object([("totalbytesrecv", .int(self.network.totals.bytesReceived)),
                            ("totalbytessent", .int(self.network.totals.bytesSent)),
                            ("timemillis", .int(Int(Date().timeIntervalSince1970 * 1000)))])
        }
        method("clearbanned", "Network", "clearbanned\nClears the ban list.") { p throws(RPCError) in
            try p.check(max: 0)
            self.network.clearBans()
            return .null
        }
        registry.register("disconnectnode", category: "Network", help: """
            disconnectnode "node"
            Disconnects the peer at "node" (its address as getpeerinfo's addr shows it).
            """) { request throws(RPCError) in
            let p = RPCParams(request)
            try p.check(max: 1, min: 1)
            guard await self.network.disconnectPeer(address: try p.string(0), id: nil) else { throw .clientNodeNotConnected() }
            return .null
        }
        registry.register("ping", category: "Network", help: """
            ping
            Sends a ping to every peer; the round trips show in getpeerinfo's pingtime.
            """) { request throws(RPCError) in
            try RPCParams(request).check(max: 0)
            await self.network.pingAll()
            return .null
        }
        method("listbanned", "Network", "listbanned\nBanned addresses.") { _ throws(RPCError) in
            .array(self.network.banned.map { .object([("address", .string($0.host)), ("banned_until", .int(Int($0.until.timeIntervalSince1970)))]) })
        }
        method("getdeprecationinfo", "Network", """
            getdeprecationinfo
            The version, subversion and the block height at which this version deprecates (mainnet only; the
            node logs a warning 4 weeks of blocks before and shuts down there, as fluxd).
            """) { p throws(RPCError) in
            guard p.count == 0, self.params.network == .mainnet else {
                throw RPCError(code: RPCError.Code.miscError, message: """
                    getdeprecationinfo
                    Returns an object containing current version and deprecation block height. Applicable only on mainnet.
                    """)
            }
            return .object([("version", .int(ProtocolConstants.fluxdClientVersion)),
                            ("subversion", .string(self.network.configuration.userAgent)),
                            ("deprecationheight", .int(Self.deprecationHeight))])
        }
    }
}
