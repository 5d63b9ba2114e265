import FluxChain
import FluxConsensus
import FluxMempool
import FluxP2P
import FluxPrimitives
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The node's P2P side: listens, connects, handshakes, syncs headers first and then blocks from several peers
/// in parallel, relays new blocks and transactions, scores misbehaviour and bans.
///
/// All peer state lives on one serial queue; NIO handlers hop onto it. Chain and mempool calls happen there.
public final class NetworkNode: ChainObserver, @unchecked Sendable {
    /// The configuration.
    public let configuration: NetworkConfiguration
    let chain: ChainState
    let mempool: Mempool
    let group: any EventLoopGroup
    let logger: Logger
    let queue = DispatchQueue(label: "flux.network")
    let p2p: P2PConfiguration
    let nonce = UInt64.random(in: 1...UInt64.max)
    let bans: BanList
    let addresses: AddressManager
    var peers: [Int: Peer] = [:]
    /// The next peer id (handed out on event loops, hence the lock).
    let peerIds = NIOLockedValueBox(1)
    /// The number of connections, readable from any thread (metrics).
    let connected = NIOLockedValueBox(0)
    /// Ids of open connections, readable from any thread (plugin sends).
    let connectedIds = NIOLockedValueBox(Set<Int>())
    /// Bytes received from and written to all peers (`getnettotals`).
    public let totals = NetworkTotals()
    /// Receives plugin P2P commands: (peer id, "PLUGIN:command", payload) → accepted. Set by the node.
    public let pluginMessageHandler = NIOLockedValueBox<(@Sendable (Int, String, [UInt8]) -> Bool)?>(nil)

    /// The number of open connections (handshake complete or not), without waiting for the network's queue.
    public var connectionCountNow: Int { connected.withLockedValue { $0 } }
    var serverChannel: (any Channel)?
    var timer: (any DispatchSourceTimer)?
    /// Outbound connections being dialled ("host:port"), so the reconnect loop does not dial twice.
    var dialling: Set<String> = []
    /// `-addnode` / `-connect` peers ("host:port") waiting to be dialled again: when, and the wait after that.
    var manualRetries: [String: (next: Date, delay: TimeInterval)] = [:]
    /// fluxd's added-node list: the `-addnode` peers, then what `addnode NODE add` added (as given, e.g. "host:port").
    lazy var addedNodes: [String] = configuration.addNodes
    var stopped = false
    /// Blocks requested from some peer.
    var inFlight: [Hash256: Int] = [:]
    /// Sync progress bookkeeping.
    var lastProgressAt = Date()
    var lastProgressHeight = 0
    var bestHeaderEntry: BlockIndexEntry?
    /// Messages received per command, over all peers.
    var receivedByCommand: [String: Int] = [:]

    /// Creates the network side for `chain` and `mempool`.
    public init(configuration: NetworkConfiguration, chain: ChainState, mempool: Mempool,
                group: any EventLoopGroup, logger: Logger = Logger(label: "flux.net")) {
        self.configuration = configuration
        self.chain = chain
        self.mempool = mempool
        self.group = group
        self.logger = logger
        p2p = P2PConfiguration(magic: chain.params.messageStart)
        bans = BanList(file: configuration.dataDirectory?.appendingPathComponent("banlist.json"))
        var limits = AddressManager.Limits()
        limits.retryDelay = configuration.addressRetryDelay
        addresses = AddressManager(file: configuration.dataDirectory?.appendingPathComponent("peers.json"), limits: limits)
        chain.addObserver(self)
        let previous = mempool.onAccepted
        mempool.onAccepted = { [weak self] entry in
            previous?(entry)
            guard let self else { return }
            self.queue.async { self.announceTransaction(entry.txid) }
        }
    }

    // MARK: Lifecycle

    /// Starts listening (if configured) and connecting. Returns the listening port (0 when not listening).
    public func start() async throws -> Int {
        var port = 0
        if configuration.listen {
            let bootstrap = ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { [weak self] channel in
                    guard let self else { return channel.eventLoop.makeSucceededVoidFuture() }
                    return self.setUp(channel, outbound: false)
                }
            let channel = try await bootstrap.bind(host: configuration.bindHost, port: configuration.port).get()
            serverChannel = channel
            port = channel.localAddress?.port ?? 0
            logger.info("listening for peers on \(configuration.bindHost):\(port)")
        }
        queue.async {
            for node in self.configuration.connectOnly + self.configuration.addNodes { self.connect(to: node) }
            self.startTimer()
        }
        return port
    }

    /// Disconnects everyone and stops listening. Persists addresses.
    public func stop() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                self.stopped = true
                self.timer?.cancel()
                for p in self.peers.values { p.channel.close(promise: nil) }
                self.addresses.save()
                done.resume()
            }
        }
        try? await serverChannel?.close()
    }

    /// Installs the decoder and the peer handler (the peer frames what it sends itself, to count its send
    /// queue). Outbound channels are set up before they connect, so their address is the one dialled
    /// (`dialled`); inbound ones read it from the socket. An inbound peer is registered on the queue now, an
    /// outbound one once connected (`channelActive`): a dial that fails never registers, so it holds no slot.
    /// Either way the peer is registered before any of its messages can be queued there.
    func setUp(_ channel: any Channel, outbound: Bool, dialled: (host: String, port: Int)? = nil) -> EventLoopFuture<Void> {
        let remote = channel.remoteAddress
        let host = dialled?.host ?? remote?.ipAddress ?? "?"
        let port = dialled?.port ?? remote?.port ?? 0
        let id = peerIds.withLockedValue { next -> Int in
            defer { next += 1 }
            return next
        }
        let peer = Peer(id: id, host: host, port: port, isOutbound: outbound, channel: channel, p2p: p2p,
                        sendBufferLimit: configuration.sendBufferLimit, totals: totals) { [weak self] peer in
            guard let self else { return }
            self.queue.async { self.serveQueued(peer) }
        }
        let handler = PeerChannelHandler(node: self, peer: peer)
        let (p2p, totals) = (self.p2p, self.totals)
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers([
                InboundByteCounter(totals: totals),
                ByteToMessageHandler(P2PMessageDecoder(configuration: p2p)),
                handler,
            ])
            if !outbound { self.queue.async { self.attach(peer) } }
        }
    }

    /// Registers a new connection, or closes it when the host is banned or the connection limits are reached.
    func attach(_ peer: Peer) {
        if stopped { peer.channel.close(promise: nil); return }
        if bans.isBanned(peer.host) {
            logger.info("refusing banned peer \(peer.host)")
            peer.channel.close(promise: nil)
            return
        }
        let inboundCount = peers.values.filter { !$0.isOutbound }.count
        if !peer.isOutbound && (peers.count >= configuration.maxConnections
                                || inboundCount >= configuration.maxConnections - configuration.maxOutbound) {
            logger.info("refusing inbound peer \(peer.addressDescription): connection limit")
            peer.channel.close(promise: nil)
            return
        }
        peers[peer.id] = peer
        connected.withLockedValue { $0 = peers.count }
        connectedIds.withLockedValue { _ = $0.insert(peer.id) }
        logger.info("peer \(peer.id) connected \(peer.isOutbound ? "to" : "from") \(peer.addressDescription)")
    }

    /// An outbound connection is established: register it, and speak first.
    func outboundConnected(_ peer: Peer) {
        // Registered and no longer being dialled in one step, so no redial slips in between.
        dialling.remove("\(peer.host):\(peer.port)")
        attach(peer)
        guard peers[peer.id] != nil else { return }
        sendVersion(to: peer)
    }

    /// Opens an outbound connection to `address` ("host:port"). A dial that fails (refused, or no answer in
    /// `connectTimeout`) leaves nothing behind but an attempt in the address manager.
    public func connect(to address: String) {
        guard let (host, port) = Self.split(address, defaultPort: chain.params.defaultPort) else {
            logger.warning("bad peer address \(address)")
            return
        }
        if stopped || bans.isBanned(host) { return }
        if peers.values.contains(where: { $0.host == host && $0.port == port && $0.isOutbound }) { return }
        let key = "\(host):\(port)"
        guard !dialling.contains(key) else { return }
        dialling.insert(key)
        addresses.attempt(host: host, port: port)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(configuration.connectTimeout * 1000)))
            .channelInitializer { [weak self] channel in
                guard let self else { return channel.eventLoop.makeSucceededVoidFuture() }
                return self.setUp(channel, outbound: true, dialled: (host, port))
            }
        bootstrap.connect(host: host, port: port).whenComplete { [weak self] result in
            guard let self else { return }
            // A connection leaves `dialling` when it registers (`outboundConnected`), a failed dial here.
            guard case let .failure(error) = result else { return }
            self.queue.async {
                self.dialling.remove(key)
                self.logger.debug("cannot connect to \(host):\(port): \(error)")
            }
        }
    }

    static func split(_ address: String, defaultPort: Int) -> (String, Int)? {
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]") else { return nil }
            let host = String(address[address.index(after: address.startIndex)..<close])
            let rest = address[address.index(after: close)...]
            if rest.isEmpty { return (host, defaultPort) }
            guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()), (1...65535).contains(p) else { return nil }
            return (host, p)
        }
        let parts = address.split(separator: ":")
        if parts.count == 1 { return (address, defaultPort) }
        guard parts.count == 2, let p = Int(parts[1]), (1...65535).contains(p) else { return nil }
        return (String(parts[0]), p)
    }

    // MARK: Handshake

    func sendVersion(to peer: Peer) {
        guard !peer.sentVersion else { return }
        peer.sentVersion = true
        let me = NetworkAddress(string: "0.0.0.0:\(chain.params.defaultPort)") ?? NetworkAddress(string: "0.0.0.0:0")!
        let them = NetworkAddress(string: peer.addressDescription) ?? me
        let version = VersionMessage(version: ProtocolVersion.current, services: ServiceFlags.network,
                                     timestamp: Int64(Date().timeIntervalSince1970), receiver: them, sender: me,
                                     nonce: nonce, userAgent: configuration.userAgent, startHeight: Int32(chain.height),
                                     relay: true)
        peer.send(.version(version))
    }

    /// Called on the queue for every decoded message.
    func received(_ message: P2PMessage, from peer: Peer) {
        // Nothing is sent once stopping: the event loops may be gone, and a write handed to them would be lost.
        guard !stopped, peers[peer.id] != nil else { return }
        // Unknown commands share one counter, so peers cannot grow the table.
        if case .unknown = message { receivedByCommand["unknown", default: 0] += 1 } else {
            receivedByCommand[message.command, default: 0] += 1
        }
        if case let .version(v) = message {
            handleVersion(v, from: peer)
            return
        }
        guard peer.version != nil else {
            misbehaving(peer, 1, "\(message.command) before version")
            return
        }
        if case .verack = message {
            if !peer.receivedVerack {
                peer.receivedVerack = true
                handshakeCompleted(peer)
            }
            return
        }
        guard peer.isReady else { return }
        // As fluxd's ProcessMessages: while requests wait (the send queue is full, or getdata items are not
        // all served), later messages wait too, in order, and reading from the socket pauses.
        if peer.isSendBufferFull || !peer.pendingGetData.isEmpty || !peer.deferredMessages.isEmpty {
            peer.deferredMessages.append(message)
            peer.pauseReading(true)
            return
        }
        handle(message, from: peer)
        if !peer.pendingGetData.isEmpty { serveQueued(peer) }
    }

    /// Serves waiting `getdata` items, then handles the messages that waited behind them, while the peer's send
    /// queue is below `sendBufferLimit` (fluxd's ProcessGetData loop). Runs again when the queue drains.
    /// Reading from the peer resumes once nothing waits.
    func serveQueued(_ peer: Peer) {
        guard !stopped, peers[peer.id] != nil else { return }
        var missing: [InventoryItem] = []
        while !peer.isSendBufferFull {
            if let item = peer.pendingGetData.popFirst() {
                if !serve(item, to: peer) { missing.append(item) }
                continue
            }
            if !missing.isEmpty {
                peer.send(.notfound(missing))
                missing = []
            }
            guard let next = peer.deferredMessages.popFirst() else { break }
            handle(next, from: peer)
        }
        if !missing.isEmpty { peer.send(.notfound(missing)) }
        peer.pauseReading(!peer.pendingGetData.isEmpty || !peer.deferredMessages.isEmpty)
    }

    func handleVersion(_ v: VersionMessage, from peer: Peer) {
        if peer.version != nil { misbehaving(peer, 1, "duplicate version"); return }
        if v.nonce == nonce {
            logger.info("disconnecting peer \(peer.id): connected to ourselves")
            disconnect(peer)
            return
        }
        let minimum = max(chain.params.network == .mainnet ? ProtocolVersion.minimumPeer : ProtocolVersion.minimumPeerTestnet,
                          chain.params.upgrades.currentProtocolVersion(at: chain.height))
        if v.version < minimum {
            peer.send(.reject(RejectMessage(message: "version", code: 0x11, reason: "obsolete version \(v.version)", hash: nil)))
            logger.info("peer \(peer.id) uses obsolete protocol \(v.version) (need \(minimum))")
            disconnect(peer)
            return
        }
        peer.version = v
        peer.bestKnownHeight = v.startHeight
        if !peer.isOutbound { sendVersion(to: peer) }
        peer.send(.verack)
    }

    func handshakeCompleted(_ peer: Peer) {
        guard let v = peer.version else { return }
        logger.info("peer \(peer.id) \(peer.addressDescription) ready: \(v.userAgent) protocol \(v.version) height \(v.startHeight)")
        if peer.isOutbound {
            addresses.good(host: peer.host, port: peer.port, services: v.services)
            manualRetries["\(peer.host):\(peer.port)"] = nil
        }
        if v.version >= ProtocolVersion.sendHeaders { peer.send(.sendheaders) }
        if v.version >= ProtocolVersion.sendCompact { peer.send(.sendcmpct(announce: false, version: 1)) }
        if peer.isOutbound { peer.send(.getaddr) }
        requestHeaders(from: peer)
    }

    // MARK: Messages

    func handle(_ message: P2PMessage, from peer: Peer) {
        switch message {
        case let .ping(n): peer.send(.pong(nonce: n))
        case let .pong(n):
            if n == peer.pingNonce, let sent = peer.pingSentAt {
                peer.pingTime = Date().timeIntervalSince(sent)
                peer.pingNonce = nil
            }
        case .sendheaders: peer.prefersHeaders = true
        case .getaddr:
            let list = addresses.sample(limit: 1000).compactMap { e -> TimestampedAddress? in
                guard var a = NetworkAddress(string: e.host.contains(":") ? "[\(e.host)]:\(e.port)" : "\(e.host):\(e.port)")
                else { return nil }
                a.services = e.services
                return TimestampedAddress(time: UInt32(e.lastSeen), address: a)
            }
            if !list.isEmpty { peer.send(.addr(list)) }
        case let .addr(list):
            let source = AddressManager.group(of: peer.host)
            for entry in list.prefix(P2PLimits.maxAddresses) {
                let text = entry.address.description
                if let (host, port) = Self.split(text, defaultPort: chain.params.defaultPort) {
                    addresses.add(host: host, port: port, services: entry.address.services,
                                  seen: Date(timeIntervalSince1970: TimeInterval(entry.time)), source: source)
                }
            }
        case let .inv(items): handleInventory(items, from: peer)
        case let .getdata(items): peer.pendingGetData.append(contentsOf: items)
        case .notfound: break
        case let .getheaders(request): serveHeaders(request, to: peer)
        case let .getblocks(request): serveBlockInventory(request, to: peer)
        case let .headers(headers): handleHeaders(headers, from: peer)
        case let .cmpheaders(headers): handleCompactHeaders(headers, from: peer)
        case let .block(block): handleBlock(block, from: peer)
        case let .tx(tx): handleTransaction(tx, from: peer)
        case .mempool:
            let items = mempool.entries.map { InventoryItem(type: InventoryType.tx.rawValue, hash: $0.txid) }
            for chunk in stride(from: 0, to: items.count, by: P2PLimits.maxInventory) {
                peer.send(.inv(Array(items[chunk..<min(chunk + P2PLimits.maxInventory, items.count)])))
            }
        case let .reject(r): logger.debug("peer \(peer.id) rejected our \(r.message): \(r.reason)")
        case let .unknown(command, payload) where command.contains(":"):
            handlePluginMessage(command: command, payload: payload, from: peer)
        case .sendcmpct, .verack, .version, .unknown: break
        }
    }

    // MARK: Plugin messages

    /// Delivers a plugin command ("PLUGIN:command") off the network queue; a refusal (false) counts as misbehaviour
    /// (score 10), as does a command no plugin registered.
    func handlePluginMessage(command: String, payload: [UInt8], from peer: Peer) {
        guard let handler = pluginMessageHandler.withLockedValue({ $0 }) else { return }
        let id = peer.id
        DispatchQueue.global().async { [weak self] in
            guard !handler(id, command, payload) else { return }
            guard let self else { return }
            self.queue.async {
                if let p = self.peers[id] { self.misbehaving(p, 10, "plugin message \(command) refused") }
            }
        }
    }

    /// Sends a plugin command ("PLUGIN:command") to the ready peer `peerId`, or to every ready peer when it is 0.
    /// Returns false when there is no such peer (or, for 0, no peer at all).
    public func sendPluginMessage(to peerId: Int, command: String, payload: [UInt8]) -> Bool {
        let known = connectedIds.withLockedValue { ids in peerId == 0 ? !ids.isEmpty : ids.contains(peerId) }
        guard known else { return false }
        queue.async {
            guard !self.stopped else { return }
            for peer in self.peers.values where peer.isReady && (peerId == 0 || peer.id == peerId) {
                if peer.isSendBufferFull {
                    self.logger.debug("peer \(peer.id): send queue full, \(command) dropped")
                    continue
                }
                peer.send(.unknown(command: command, payload: payload))
            }
        }
        return true
    }

    func handleInventory(_ items: [InventoryItem], from peer: Peer) {
        var wanted: [InventoryItem] = []
        var announcedBlock = false
        for item in items {
            peer.remember(item.hash)
            if item.type == InventoryType.block.rawValue {
                if chain.entry(item.hash) == nil { announcedBlock = true }
            } else if item.type == InventoryType.tx.rawValue {
                if !mempool.contains(item.hash) { wanted.append(item) }
            }
        }
        if announcedBlock { requestHeaders(from: peer, force: true) }
        if !wanted.isEmpty { peer.send(.getdata(wanted)) }
    }

    /// Sends the block or transaction `item` names; false when this node does not have it.
    func serve(_ item: InventoryItem, to peer: Peer) -> Bool {
        if item.type == InventoryType.block.rawValue || item.type == InventoryType.compactBlock.rawValue {
            guard let block = try? chain.block(item.hash) else { return false }
            peer.send(.block(block))
            return true
        }
        if item.type == InventoryType.tx.rawValue, let entry = mempool.entry(item.hash) {
            peer.send(.tx(entry.transaction))
            return true
        }
        return false
    }

    /// Answers `getheaders`: up to 160 full headers after the fork point, or, as fluxd does for a peer at
    /// `ProtocolVersion.cmpHeaders` or later when the first header is below the last checkpoint, up to 2,000
    /// compact headers (`cmpheaders`), ending at the last checkpoint so the peer can trust every one.
    func serveHeaders(_ request: BlockLocatorMessage, to peer: Peer) {
        let fork = chain.findFork(request.locator)
        if let version = peer.version?.version, version >= ProtocolVersion.cmpHeaders,
           let last = chain.params.lastCheckpoint, fork.height + 1 < last.height, chain.entry(at: fork.height + 1) != nil {
            var compact: [CompactBlockHeader] = []
            var height = fork.height + 1
            while compact.count < P2PLimits.maxCompactHeaders, height <= last.height, let e = chain.entry(at: height) {
                compact.append(CompactBlockHeader(entry: e))
                if e.hash == request.stop { break }
                height += 1
            }
            peer.send(.cmpheaders(compact))
            return
        }
        var headers: [BlockHeader] = []
        var height = fork.height + 1
        while headers.count < P2PLimits.maxHeaders, let e = chain.entry(at: height) {
            headers.append(e.header)
            if e.hash == request.stop { break }
            height += 1
        }
        peer.send(.headers(headers))
    }

    func serveBlockInventory(_ request: BlockLocatorMessage, to peer: Peer) {
        let fork = chain.findFork(request.locator)
        var items: [InventoryItem] = []
        var height = fork.height + 1
        while items.count < 500, let e = chain.entry(at: height) {
            items.append(InventoryItem(type: InventoryType.block.rawValue, hash: e.hash))
            if e.hash == request.stop { break }
            height += 1
        }
        if !items.isEmpty { peer.send(.inv(items)) }
    }

    func requestHeaders(from peer: Peer, force: Bool = false) {
        if !force, let at = peer.headersRequestedAt, Date().timeIntervalSince(at) < configuration.stallTimeout { return }
        peer.headersRequestedAt = Date()
        var locator: [Hash256] = []
        if let best = bestHeaderEntry, best.chainWork > chain.tip.chainWork {
            locator = [best.hash] + chain.locator()
        } else {
            locator = chain.locator()
        }
        peer.send(.getheaders(BlockLocatorMessage(version: UInt32(ProtocolVersion.current), locator: locator, stop: .zero)))
    }

    func handleHeaders(_ headers: [BlockHeader], from peer: Peer) {
        peer.headersRequestedAt = nil
        guard !headers.isEmpty else {
            downloadBlocks()
            return
        }
        if headers.count > P2PLimits.maxHeaders {
            misbehaving(peer, 20, "\(headers.count) headers in one message")
            return
        }
        do {
            let entries = try chain.acceptHeaders(headers)
            if let last = entries.last { noteHeader(last, from: peer) }
        } catch {
            switch error {
            case let .rejected(reason) where reason.code == "prev-blk-not-found":
                requestHeaders(from: peer, force: true)
                return
            case let .rejected(reason):
                misbehaving(peer, 100, "invalid header: \(reason)")
                return
            default:
                logger.error("storing headers failed: \(error)")
                return
            }
        }
        if headers.count == P2PLimits.maxHeaders { requestHeaders(from: peer, force: true) }
        downloadBlocks()
    }

    /// Takes a `cmpheaders` answer: compact headers the peer vouches for by hash, acceptable only at or below
    /// the last checkpoint (see `ChainState.acceptTrustedHeaders`). Their blocks are then downloaded and fully
    /// checked. A header above the last checkpoint scores 20 (the ones before it are kept); any other invalid
    /// header 100. A full batch, or one that reaches the last checkpoint, asks for more.
    func handleCompactHeaders(_ compact: [CompactBlockHeader], from peer: Peer) {
        peer.headersRequestedAt = nil
        guard !compact.isEmpty else {
            downloadBlocks()
            return
        }
        if compact.count > P2PLimits.maxCompactHeaders {
            misbehaving(peer, 20, "\(compact.count) compact headers in one message")
            return
        }
        let trusted = compact.map(TrustedHeader.init(compact:))
        do {
            let entries = try chain.acceptTrustedHeaders(trusted)
            if let last = entries.last { noteHeader(last, from: peer) }
        } catch {
            if let known = trusted.last(where: { chain.entry($0.hash) != nil }).flatMap({ chain.entry($0.hash) }) {
                noteHeader(known, from: peer)
            }
            switch error {
            case let .rejected(reason) where reason.code == "prev-blk-not-found":
                requestHeaders(from: peer, force: true)
                return
            case let .rejected(reason) where reason.code == "cmpheader-above-checkpoint":
                misbehaving(peer, 20, "compact header above the last checkpoint: \(reason)")
                requestHeaders(from: peer, force: true)
                downloadBlocks()
                return
            case let .rejected(reason):
                misbehaving(peer, 100, "invalid compact header: \(reason)")
                return
            default:
                logger.error("storing compact headers failed: \(error)")
                return
            }
        }
        let lastCheckpoint = chain.params.lastCheckpoint?.height ?? 0
        if compact.count == P2PLimits.maxCompactHeaders || (bestHeaderEntry?.height ?? 0) >= lastCheckpoint {
            requestHeaders(from: peer, force: true)
        }
        downloadBlocks()
    }

    /// Records that `peer` has the header `entry` (and its ancestors), and whether it is the best known.
    func noteHeader(_ entry: BlockIndexEntry, from peer: Peer) {
        peer.remember(entry.hash)
        peer.bestKnownHeight = max(peer.bestKnownHeight, Int32(entry.height))
        if bestHeaderEntry == nil || bestHeaderEntry!.chainWork < entry.chainWork { bestHeaderEntry = entry }
    }

    /// Requests missing blocks of the best header chain, spread over ready peers.
    func downloadBlocks() {
        guard let best = bestHeaderEntry, chain.tip.chainWork < best.chainWork, !best.isFailed else { return }
        let tipHeight = chain.height
        var needed: [BlockIndexEntry] = []
        let top = min(best.height, tipHeight + configuration.downloadWindow)
        guard top > 0, var walk = best.ancestor(at: top) else { return }
        var path: [BlockIndexEntry] = []
        while walk.height > 0, !chain.isActive(walk) {
            path.append(walk)
            guard let p = walk.parent else { break }
            walk = p
        }
        for e in path.reversed() where !e.status.contains(.haveData) && inFlight[e.hash] == nil { needed.append(e) }
        guard !needed.isEmpty else { return }
        let ready = peers.values.filter { $0.isReady && $0.bestKnownHeight >= Int32(tipHeight) }
            .sorted { $0.blocksInFlight.count < $1.blocksInFlight.count }
        guard !ready.isEmpty else { return }
        var requests: [Int: [InventoryItem]] = [:]
        var index = 0
        for entry in needed {
            var assigned = false
            for offset in 0..<ready.count {
                let peer = ready[(index + offset) % ready.count]
                if peer.blocksInFlight.count + (requests[peer.id]?.count ?? 0) < configuration.maxBlocksInFlightPerPeer {
                    requests[peer.id, default: []].append(InventoryItem(type: InventoryType.block.rawValue, hash: entry.hash))
                    peer.blocksInFlight[entry.hash] = Date()
                    inFlight[entry.hash] = peer.id
                    index += 1
                    assigned = true
                    break
                }
            }
            if !assigned { break }
        }
        for (id, items) in requests { peers[id]?.send(.getdata(items)) }
    }

    func handleBlock(_ block: Block, from peer: Peer) {
        let hash = block.hash
        peer.remember(hash)
        peer.blocksInFlight[hash] = nil
        inFlight[hash] = nil
        do {
            try chain.acceptBlock(block)
            peer.bestKnownHeight = max(peer.bestKnownHeight, Int32(chain.entry(hash)?.height ?? 0))
        } catch {
            switch error {
            case let .rejected(reason) where reason.code == "prev-blk-not-found":
                requestHeaders(from: peer, force: true)
            case let .rejected(reason) where reason.code == "bad-txnmrklroot" || reason.code == "bad-txns-duplicate":
                misbehaving(peer, 100, "mutated block \(hash): \(reason)")
            case let .rejected(reason):
                peer.send(.reject(RejectMessage(message: "block", code: 0x10, reason: reason.code, hash: hash)))
                misbehaving(peer, 100, "invalid block \(hash): \(reason)")
            case let .verdictUnavailable(message):
                logger.warning("block \(hash) waits for a verdict: \(message)")
            case let .storage(error):
                logger.error("storage failure while accepting \(hash): \(error)")
            }
        }
        if bestHeaderEntry == nil, let e = chain.entry(hash) { bestHeaderEntry = e }
        // A block can replace a trusted entry whose compact header lied about its fields (and forget the entries
        // built on it): then find the best header again.
        if let best = bestHeaderEntry, chain.entry(best.hash) !== best { bestHeaderEntry = chain.bestHeader }
        downloadBlocks()
        reportProgress()
    }

    func handleTransaction(_ tx: Transaction, from peer: Peer) {
        let txid = tx.txid
        peer.remember(txid)
        do {
            try mempool.accept(tx)
        } catch {
            switch error {
            case .alreadyKnown, .missingInputs: break
            case let .rejected(reason):
                peer.send(.reject(RejectMessage(message: "tx", code: 0x10, reason: reason.code, hash: txid)))
                if reason.code.hasPrefix("mandatory-script-verify") || reason.code.hasPrefix("bad-txns") {
                    misbehaving(peer, 10, "invalid transaction \(txid): \(reason)")
                }
            }
        }
    }

    // MARK: Relay

    public func blockConnected(_ block: Block, entry: BlockIndexEntry) {}

    public func tipChanged(_ tip: BlockIndexEntry) {
        queue.async { self.announceBlock(tip) }
    }

    func announceBlock(_ tip: BlockIndexEntry) {
        guard !stopped else { return }
        if let best = bestHeaderEntry, best.chainWork < tip.chainWork { bestHeaderEntry = tip }
        if bestHeaderEntry == nil { bestHeaderEntry = tip }
        // Announce only once caught up, as fluxd does during initial download.
        if let best = bestHeaderEntry, tip.chainWork < best.chainWork { return }
        for peer in peers.values where peer.isReady && !peer.knownInventory.contains(tip.hash) {
            peer.remember(tip.hash)
            if peer.prefersHeaders {
                peer.send(.headers([tip.header]))
            } else {
                peer.send(.inv([InventoryItem(type: InventoryType.block.rawValue, hash: tip.hash)]))
            }
        }
    }

    func announceTransaction(_ txid: Hash256) {
        guard !stopped else { return }
        for peer in peers.values where peer.isReady && !peer.knownInventory.contains(txid) && (peer.version?.relay ?? true)
            && !peer.isSendBufferFull {
            peer.remember(txid)
            peer.send(.inv([InventoryItem(type: InventoryType.tx.rawValue, hash: txid)]))
        }
    }

    // MARK: Hygiene

    func misbehaving(_ peer: Peer, _ score: Int, _ why: String) {
        peer.misbehaviour += score
        logger.info("peer \(peer.id) \(peer.addressDescription) misbehaving (+\(score) = \(peer.misbehaviour)): \(why)")
        if peer.misbehaviour >= configuration.banThreshold {
            if configuration.whitelist.contains(where: { $0.contains(peer.host) }) {
                logger.warning("not banning whitelisted \(peer.host); closing the connection")
                disconnect(peer)
                return
            }
            bans.ban(peer.host, until: Date().addingTimeInterval(configuration.banDuration))
            logger.warning("banned \(peer.host) for \(Int(configuration.banDuration)) s")
            disconnect(peer)
        }
    }

    /// A decoding error ends the connection. Framing errors (bad magic, oversized length) score nothing, as in
    /// fluxd: the address is not banned, so one glitch behind a NAT does not lock out everyone behind it.
    /// Payload errors are charged their `banScore`.
    func protocolError(_ error: any Error, from peer: Peer) {
        if let p2pError = error as? P2PError, p2pError.banScore > 0 {
            misbehaving(peer, p2pError.banScore, "\(p2pError)")
        } else if let p2pError = error as? P2PError {
            logger.info("disconnecting peer \(peer.id) \(peer.addressDescription): \(p2pError)")
        } else {
            logger.debug("peer \(peer.id) error: \(error)")
        }
        disconnect(peer)
    }

    /// A frame skipped by the decoder (bad checksum or command) is only logged, as fluxd does.
    func skippedFrame(_ skipped: P2PSkippedFrame, from peer: Peer) {
        logger.info("peer \(peer.id) \(peer.addressDescription): skipped a \(skipped.size)-byte frame: \(skipped.error)")
    }

    func disconnect(_ peer: Peer) {
        peer.channel.close(promise: nil)
    }

    func disconnected(_ peer: Peer) {
        guard peers.removeValue(forKey: peer.id) != nil else { return }
        connected.withLockedValue { $0 = peers.count }
        connectedIds.withLockedValue { _ = $0.remove(peer.id) }
        for hash in peer.blocksInFlight.keys { inFlight[hash] = nil }
        peer.pendingGetData.removeAll()
        peer.deferredMessages.removeAll()
        logger.info("peer \(peer.id) \(peer.addressDescription) disconnected")
        downloadBlocks()
    }

    func startTimer() {
        let t = DispatchSource.makeTimerSource(queue: queue)
        t.schedule(deadline: .now() + 1, repeating: 1)
        t.setEventHandler { [weak self] in self?.tick() }
        t.resume()
        timer = t
    }

    /// Once a second: handshake and stall timeouts, pings, reconnects, progress.
    func tick() {
        let now = Date()
        for peer in peers.values {
            if !peer.isReady && now.timeIntervalSince(peer.connectedAt) > configuration.handshakeTimeout {
                logger.info("peer \(peer.id) did not complete the handshake in time")
                disconnect(peer)
                continue
            }
            if peer.isReady, peer.pingNonce == nil,
               now.timeIntervalSince(peer.pingSentAt ?? peer.connectedAt) > configuration.pingInterval {
                let n = UInt64.random(in: 1...UInt64.max)
                peer.pingNonce = n
                peer.pingSentAt = now
                peer.send(.ping(nonce: n))
            }
            if let sent = peer.pingSentAt, peer.pingNonce != nil, now.timeIntervalSince(sent) > configuration.stallTimeout {
                logger.info("peer \(peer.id) did not answer a ping")
                disconnect(peer)
                continue
            }
            if let oldest = peer.blocksInFlight.values.min(), now.timeIntervalSince(oldest) > configuration.stallTimeout {
                logger.info("peer \(peer.id) stalled block download")
                disconnect(peer)
                continue
            }
            if peer.isSendBufferFull {
                let since = peer.sendBufferFullSince ?? now
                peer.sendBufferFullSince = since
                if now.timeIntervalSince(since) > configuration.sendBufferTimeout {
                    logger.info("peer \(peer.id) \(peer.addressDescription) left \(peer.unsentBytes) bytes unread for \(Int(configuration.sendBufferTimeout)) s")
                    disconnect(peer)
                }
            } else {
                peer.sendBufferFullSince = nil
            }
        }
        redialManualPeers(now: now)
        fillOutboundSlots()
        downloadBlocks()
        reportProgress()
    }

    /// Dials the `-connect` / `-addnode` peers that are neither connected nor being dialled, each when its
    /// back-off has passed: `manualRetryDelay` after a loss, doubled after each further dial up to
    /// `manualRetryMaxDelay`. A completed handshake clears the back-off.
    func redialManualPeers(now: Date) {
        let connected = Set(peers.values.filter(\.isOutbound).map { "\($0.host):\($0.port)" })
        for node in configuration.connectOnly + addedNodes {
            guard let (host, port) = Self.split(node, defaultPort: chain.params.defaultPort) else { continue }
            let key = "\(host):\(port)"
            if connected.contains(key) || dialling.contains(key) { continue }
            let retry = manualRetries[key] ?? (now, configuration.manualRetryDelay)
            guard now >= retry.next else { continue }
            manualRetries[key] = (now.addingTimeInterval(retry.delay), min(retry.delay * 2, configuration.manualRetryMaxDelay))
            connect(to: node)
        }
    }

    /// Without `-connect`, dials addresses chosen by the address manager while fewer than `maxOutbound`
    /// outbound connections are open or being dialled.
    func fillOutboundSlots() {
        guard configuration.connectOnly.isEmpty else { return }
        var busy = Set(peers.values.filter(\.isOutbound).map { "\($0.host):\($0.port)" }).union(dialling)
        var free = configuration.maxOutbound - peers.values.filter(\.isOutbound).count - dialling.count
        while free > 0, let c = addresses.select(excluding: busy) {
            let key = "\(c.host):\(c.port)"
            busy.insert(key)
            // A banned address is skipped this round, not charged an attempt: it is dialled once the ban is lifted.
            if bans.isBanned(c.host) { continue }
            connect(to: c.host.contains(":") ? "[\(c.host)]:\(c.port)" : key)
            free -= 1
        }
    }

    func reportProgress() {
        guard configuration.progressInterval > 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastProgressAt) >= configuration.progressInterval else { return }
        let height = chain.height
        let target = max(bestHeaderEntry?.height ?? height, height)
        let rate = Double(height - lastProgressHeight) / now.timeIntervalSince(lastProgressAt)
        lastProgressAt = now
        lastProgressHeight = height
        guard target > height else { return }
        let percent = target > 0 ? Double(height) * 100 / Double(target) : 100
        let eta = rate > 0 ? Double(target - height) / rate : .infinity
        logger.info("\(String(format: "sync: height %d of %d (%.1f%%), %.1f blocks/s, about %@ left", height, target, percent, rate, eta.isFinite ? "\(Int(eta)) s" : "unknown time"))")
    }

    // MARK: Queries (for RPC)

    /// A snapshot of the connected peers.
    public func peerInfo() async -> [PeerSnapshot] {
        await withCheckedContinuation { done in
            queue.async {
                done.resume(returning: self.peers.values.sorted { $0.id < $1.id }.map { PeerSnapshot($0) })
            }
        }
    }

    /// The number of connections.
    public func connectionCount() async -> Int { await peerInfo().count }

    /// How many messages of each command (`headers`, `cmpheaders`, `block`, ...) arrived from all peers; commands
    /// this node does not know count as "unknown".
    public func receivedMessageCounts() async -> [String: Int] {
        await withCheckedContinuation { done in
            queue.async { done.resume(returning: self.receivedByCommand) }
        }
    }

    /// Banned hosts and until when.
    public var banned: [(host: String, until: Date)] { bans.entries }

    /// Whether `host` is banned now.
    public func isBanned(_ host: String) -> Bool { bans.isBanned(host) }

    /// Lifts the ban entry `key`, an address or subnet as `setban` took it (`setban KEY remove`); false when there
    /// was no such entry.
    @discardableResult
    public func unban(_ key: String) -> Bool { bans.unban(key) }

    /// Whether the entry `key` (an address or subnet as `setban` takes it) is in the ban list itself; for a single
    /// address, also whether a banned subnet contains it (fluxd's "already banned" check).
    public func isBanEntry(_ key: String) -> Bool {
        key.contains("/") ? bans.hasEntry(key) : bans.isBanned(key)
    }

    /// Bans `key` (an address or a subnet, already validated) until `until` and disconnects every peer it covers
    /// (`setban KEY add`). Returns how many peers were disconnected.
    public func ban(_ key: String, until: Date) async -> Int {
        bans.ban(key, until: until)
        let subnet = IPSubnet(key)
        return await withCheckedContinuation { done in
            queue.async {
                let covered = self.peers.values.filter { $0.host == key || subnet?.contains($0.host) == true }
                for peer in covered { self.disconnect(peer) }
                done.resume(returning: covered.count)
            }
        }
    }

    /// Removes every ban (`clearbanned`).
    public func clearBans() { bans.clear() }

    /// Sends a ping to every ready peer that has none outstanding (the `ping` RPC); the round trip shows in
    /// `getpeerinfo`'s `pingtime`.
    public func pingAll() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                let now = Date()
                for peer in self.peers.values where peer.isReady && peer.pingNonce == nil {
                    let n = UInt64.random(in: 1...UInt64.max)
                    peer.pingNonce = n
                    peer.pingSentAt = now
                    peer.send(.ping(nonce: n))
                }
                done.resume()
            }
        }
    }

    /// `addnode ADDR onetry`: one dial now, not retried.
    public func connectOnce(_ address: String) {
        queue.async { self.connect(to: address) }
    }

    /// `addnode ADDR add`: puts `address` in the added-node list, dialled now and kept connected with back-off like
    /// `-addnode`. False when it is already in the list.
    public func addNode(_ address: String) async -> Bool {
        await withCheckedContinuation { done in
            queue.async {
                guard !self.addedNodes.contains(address) else { return done.resume(returning: false) }
                self.addedNodes.append(address)
                self.connect(to: address)
                done.resume(returning: true)
            }
        }
    }

    /// `addnode ADDR remove`: takes `address` off the added-node list (its connection stays, as in fluxd). False
    /// when it was not in the list.
    public func removeAddedNode(_ address: String) async -> Bool {
        await withCheckedContinuation { done in
            queue.async {
                guard let i = self.addedNodes.firstIndex(of: address) else { return done.resume(returning: false) }
                self.addedNodes.remove(at: i)
                done.resume(returning: true)
            }
        }
    }

    /// The added-node list with, for each, the address it names and how it is connected now ("inbound",
    /// "outbound" or "false"), for `getaddednodeinfo`.
    public func addedNodeInfo() async -> [(node: String, address: String, connected: String)] {
        await withCheckedContinuation { done in
            queue.async {
                let info = self.addedNodes.map { node -> (node: String, address: String, connected: String) in
                    guard let (host, port) = Self.split(node, defaultPort: self.chain.params.defaultPort) else {
                        return (node, node, "false")
                    }
                    let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
                    let peer = self.peers.values.first { $0.host == host && $0.port == port }
                    return (node, address, peer.map { $0.isOutbound ? "outbound" : "inbound" } ?? "false")
                }
                done.resume(returning: info)
            }
        }
    }

    /// Disconnects the peer at `address` or with `id`.
    public func disconnectPeer(address: String?, id: Int?) async -> Bool {
        await withCheckedContinuation { done in
            queue.async {
                let target = self.peers.values.first { $0.id == id || $0.addressDescription == address }
                if let target { self.disconnect(target) }
                done.resume(returning: target != nil)
            }
        }
    }

    /// Sync state: our height, the best header height, and whether we are behind.
    public func syncState() async -> (height: Int, headers: Int, syncing: Bool) {
        await withCheckedContinuation { done in
            queue.async {
                let h = self.chain.height
                let best = max(self.bestHeaderEntry?.height ?? h, h)
                done.resume(returning: (h, best, best > h))
            }
        }
    }
}

/// What `getpeerinfo` reports about one peer.
public struct PeerSnapshot: Sendable {
    public let id: Int
    public let address: String
    public let inbound: Bool
    public let version: Int32
    public let userAgent: String
    public let startHeight: Int32
    public let services: UInt64
    public let connectedAt: Date
    public let pingTime: TimeInterval?
    public let banScore: Int
    public let blocksInFlight: Int
    public let ready: Bool
    /// Bytes queued for the peer and not yet written to its socket (bounded by `-maxsendbuffer` plus one message).
    public let sendQueueBytes: Int

    init(_ p: Peer) {
        id = p.id
        address = p.addressDescription
        inbound = !p.isOutbound
        version = p.version?.version ?? 0
        userAgent = p.version?.userAgent ?? ""
        startHeight = p.version?.startHeight ?? 0
        services = p.version?.services ?? 0
        connectedAt = p.connectedAt
        pingTime = p.pingTime
        banScore = p.misbehaviour
        blocksInFlight = p.blocksInFlight.count
        ready = p.isReady
        sendQueueBytes = p.unsentBytes
    }
}
