import FluxJSON
import FluxNodeModel
import FluxPluginSDK
import FluxPrimitives
import FluxScript
#if canImport(Glibc)
import Glibc
#endif

/// fluxd's FluxNode RPCs with fluxd's result shapes and errors: under fluxd's own names (``globalMethods``, ABI 1.2)
/// and as `fluxnodes.METHOD` (``methods``); both reach the same answers.
extension FluxNodesPlugin {
    static let methods: [(String, String)] = [
        ("getfluxnodecount", "getfluxnodecount\nConfirmed FluxNodes per tier and per network kind."),
        ("viewdeterministicfluxnodelist", "viewdeterministicfluxnodelist ( \"filter\" )\nThe confirmed nodes of each tier in payment order (rank 0 is paid next)."),
        ("listfluxnodes", "listfluxnodes ( \"filter\" )\nThe same list as viewdeterministicfluxnodelist."),
        ("getfluxnodestatus", "getfluxnodestatus\nThis node's FluxNode entry (config.collateral)."),
        ("fluxnodecurrentwinner", "fluxnodecurrentwinner\nThe node of each tier the next block must pay."),
        ("getstartlist", "getstartlist\nStarted nodes waiting for their first confirmation."),
        ("getdoslist", "getdoslist\nStarts that were not confirmed in time, and when their collateral may start again."),
        ("createfluxnodekey", "createfluxnodekey\nA new operator private key (WIF)."),
        ("startdeterministicfluxnode", "startdeterministicfluxnode \"txid\" index ( \"operatorpubkey\" )\nBroadcasts a START for a wallet collateral; the operator key defaults to this node's."),
        ("sendconfirmation", "sendconfirmation\nBroadcasts this node's INITIAL_CONFIRM or UPDATE_CONFIRM now, if one is due."),
        ("gettierrequirements", "gettierrequirements ( cores memory_mb disk_gb )\nCollateral and hardware minimums per tier, and which tiers this machine (or the given one) meets."),
    ]

    /// fluxd's names (ABI 1.2 global RPC names), both spellings, with fluxd's help synopses. The `zel` spellings
    /// answer exactly as the `flux` ones (see ``canonical(_:)``).
    static let globalMethods: [(String, String)] = {
        let pairs: [(String, String?, String)] = [
            ("getfluxnodestatus", "getzelnodestatus", "\nPrint fluxnode status (this node's entry in the list)."),
            ("viewdeterministicfluxnodelist", "viewdeterministiczelnodelist", " ( \"filter\" )\nView the list of deterministic fluxnode(s)."),
            ("listfluxnodes", "listzelnodes", " ( \"filter\" )\nThe same list as viewdeterministicfluxnodelist."),
            ("getfluxnodecount", "getzelnodecount", "\nGet fluxnode count values."),
            ("fluxnodecurrentwinner", "zelnodecurrentwinner", "\nThe node of each tier the next block pays."),
            ("createfluxnodekey", "createzelnodekey", "\nCreate a new fluxnode private key (WIF)."),
            ("startdeterministicfluxnode", "startdeterministiczelnode", " \"txid\" index ( \"operatorpubkey\" )\nBroadcasts a START for a wallet collateral; also fluxd's form \"alias\" lockwallet for this node's own collateral (alias as listfluxnodeconf shows it)."),
            ("getfluxnodeoutputs", "getzelnodeoutputs", "\nPrint all fluxnode transaction outputs (wallet outputs of a collateral amount)."),
            ("listfluxnodeconf", "listzelnodeconf", " ( \"filter\" )\nThis node's own FluxNode entry (its collateral from flux.conf or the plugin's config) as fluxd shows fluxnode.conf."),
            ("getdoslist", nil, "\nGet a list of all fluxnodes in the DOS list."),
            ("getstartlist", nil, "\nGet a list of all fluxnodes in the start list."),
            ("createconfirmationtransaction", nil, "\nCreate a new confirmation transaction for this node and broadcast it."),
            ("getbenchmarks", nil, "\nfluxd asks fluxbenchd; this node runs none: \"Benchmark not running\"."),
            ("getbenchstatus", nil, "\nfluxd asks fluxbenchd for its status; this node runs none: \"Benchmark not running\"."),
            ("startfluxbenchd", "startzelbenchd", "\nfluxd starts fluxbenchd; this node has none to start."),
            ("stopfluxbenchd", "stopzelbenchd", "\nfluxd stops fluxbenchd; this node runs none: \"Not running\"."),
        ]
        var out: [(String, String)] = []
        for (flux, zel, help) in pairs {
            out.append((flux, flux + help))
            if let zel { out.append((zel, zel + help)) }
        }
        return out
    }()

    /// The `flux` spelling of a `zel` method name (other names unchanged).
    static func canonical(_ method: String) -> String {
        switch method {
        case "getzelnodestatus": "getfluxnodestatus"
        case "viewdeterministiczelnodelist": "viewdeterministicfluxnodelist"
        case "listzelnodes": "listfluxnodes"
        case "getzelnodecount": "getfluxnodecount"
        case "zelnodecurrentwinner": "fluxnodecurrentwinner"
        case "createzelnodekey": "createfluxnodekey"
        case "startdeterministiczelnode": "startdeterministicfluxnode"
        case "getzelnodeoutputs": "getfluxnodeoutputs"
        case "listzelnodeconf": "listfluxnodeconf"
        case "startzelbenchd": "startfluxbenchd"
        case "stopzelbenchd": "stopfluxbenchd"
        default: method
        }
    }

    /// fluxd's answer on a node that is not a FluxNode: `code` (-1, or -32600 for createconfirmationtransaction).
    static func notAFluxNode(_ code: Int = -1) -> PluginError { .rpc(code: code, message: "This is not a Flux Node") }

    /// Whether this node is a FluxNode: it has an operator key (config.operator_key, or zelnode=1 and zelnodeprivkey).
    var isFluxNode: Bool { configuration.operatorKey != nil }

    public func rpcCall(method: String, params: [UInt8]) throws(PluginError) -> [UInt8] {
        let list: [JSONValue]
        if params.isEmpty { list = [] } else {
            guard let value = try? JSONValue(parsing: params), let array = value.arrayValue else {
                throw .invalidArgument("params must be a JSON array")
            }
            list = array
        }
        let result: JSONValue
        do {
            result = try answer(Self.canonical(method), list, called: method)
        } catch let error as PluginError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
        return Array(result.serialized().utf8)
    }

    /// fluxd refuses extra parameters with the help of the method as called (`zel` or `flux` spelling) as a -1 error.
    func expect(_ params: [JSONValue], max: Int, _ method: String) throws {
        guard params.count <= max else {
            let help = Self.globalMethods.first { $0.0 == method }?.1 ?? method
            throw PluginError.rpc(code: -1, message: help)
        }
    }

    /// Answers `method` (the `flux` spelling); `called` is the name the caller used, which fluxd's help texts show.
    private func answer(_ method: String, _ params: [JSONValue], called: String) throws -> JSONValue {
        let store = committed
        let tip = try host.tip()
        switch method {
        case "getfluxnodecount":
            try expect(params, max: 0, called)
            var perTier: [FluxNodeTier: Int] = [:]
            var ipv4 = 0, ipv6 = 0, onion = 0
            for tier in FluxNodeTier.allCases {
                let nodes = try ledger.confirmedList(tier: tier, store: store)
                perTier[tier] = nodes.count
                for node in nodes {
                    switch Self.networkKind(node.ip) {
                    case "ipv6": ipv6 += 1
                    case "onion": onion += 1
                    default: ipv4 += 1
                    }
                }
            }
            let total = perTier.values.reduce(0, +)
            let c = perTier[.cumulus] ?? 0, n = perTier[.nimbus] ?? 0, s = perTier[.stratus] ?? 0
            return .object([("total", .int(total)), ("stable", .int(total)),
                            ("basic-enabled", .int(c)), ("super-enabled", .int(n)), ("bamf-enabled", .int(s)),
                            ("cumulus-enabled", .int(c)), ("nimbus-enabled", .int(n)), ("stratus-enabled", .int(s)),
                            ("ipv4", .int(ipv4)), ("ipv6", .int(ipv6)), ("onion", .int(onion))])
        case "viewdeterministicfluxnodelist", "listfluxnodes":
            try expect(params, max: 1, called)
            let filter = params.first?.stringValue ?? ""
            var out: [JSONValue] = []
            for tier in FluxNodeTier.allCases {
                for (rank, node) in try ledger.confirmedList(tier: tier, store: store).enumerated() {
                    // fluxd's filter: a substring of the txid, the operator key (hex), the ip or the payment address.
                    if !filter.isEmpty && ![node.collateral.hash.description, Hex.encode(node.operatorPubKey), node.ip,
                                            address(node.payeeScript)].contains(where: { $0.contains(filter) }) { continue }
                    out.append(describe(node, rank: rank))
                }
            }
            return .array(out)
        case "getfluxnodestatus":
            guard isFluxNode else { throw Self.notAFluxNode() }
            try expect(params, max: 0, called)
            guard let node = try ownNode() else {
                // fluxd: "expired" and the configured collateral only.
                guard let collateral = configuration.collateral else { return .object([("status", "expired")]) }
                return .object([("status", "expired"), ("collateral", .string(Self.full(collateral)))])
            }
            guard case let .object(fields) = describe(node, rank: nil) else { return .null }
            return .object([("status", .string(Self.statusName(node.status)))] + fields)
        case "fluxnodecurrentwinner":
            try expect(params, max: 0, called)
            var out: [(String, JSONValue)] = []
            for tier in FluxNodeTier.allCases {
                guard let node = try ledger.confirmedList(tier: tier, store: store).first else { continue }
                out.append(("\(tier.name) Winner", .object([
                    ("collateral", .string(Self.full(node.collateral))), ("ip", .string(node.ip)),
                    ("added_height", .int(node.addedHeight)), ("confirmed_height", .int(node.confirmedHeight)),
                    ("last_confirmed_height", .int(node.lastConfirmedHeight)), ("last_paid_height", .int(node.lastPaidHeight)),
                    ("tier", .string(tier.name)), ("payment_address", .string(address(node.payeeScript)))])))
            }
            return .object(out)
        case "getstartlist", "getdoslist":
            try expect(params, max: 0, called)
            let dos = method == "getdoslist"
            let nodes = dos ? try ledger.dos(store: store) : try ledger.started(store: store)
            let next = Int(tip.height) + 1
            let window = dos ? network.dosRemoval(at: next) : network.startExpiration(at: next)
            // fluxd orders them by blocks left (eligible_in / expires_in), fewest first.
            let ordered = nodes.map { ($0, $0.addedHeight + window - Int(tip.height)) }.enumerated()
                .sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element)
            return .array(ordered.map { node, left in
                var fields: [(String, JSONValue)] = [
                    ("collateral", .string(Self.full(node.collateral))), ("added_height", .int(node.addedHeight)),
                    ("payment_address", .string(address(node.payeeScript))), (dos ? "eligible_in" : "expires_in", .int(left))]
                if node.collateralValue > 0 { fields.append(("amount", .string(Self.formatMoney(node.collateralValue)))) }
                return .object(fields)
            })
        case "createfluxnodekey":
            try expect(params, max: 0, called)
            let key = PrivateKey.generate()
            return .string(WIF(secret: key.bytes, compressed: true).encoded(prefixes: prefixes))
        case "startdeterministicfluxnode":
            return try start(params, tipHeight: tip.height)
        case "sendconfirmation":
            guard configuration.operatorKey != nil else { throw PluginError.notFound("this node is not a FluxNode (no config.operator_key)") }
            let now = UInt32(clamping: Int64(time(nil)))
            guard let tx = try confirmationDue(nextHeight: tip.height + 1, now: now) else {
                throw PluginError.state("no confirmation is due for this node at height \(tip.height + 1)")
            }
            try host.submitTransaction(tx.serialized)
            lastConfirmSent.withLock { $0 = tip.height }
            return .string(tx.txid.description)
        case "createconfirmationtransaction":
            guard isFluxNode else { throw Self.notAFluxNode(-32600) }
            try expect(params, max: 0, called)
            return try createConfirmation(tipHeight: tip.height)
        case "getfluxnodeoutputs":
            try expect(params, max: 0, called)
            return try collateralOutputs(nextHeight: Int(tip.height) + 1)
        case "listfluxnodeconf":
            try expect(params, max: 1, called)
            return try ownConfEntries()
        case "getbenchmarks", "getbenchstatus":
            guard isFluxNode else { throw Self.notAFluxNode() }
            try expect(params, max: 0, called)
            return .string("Benchmark not running")   // fluxd's answer while fluxbenchd is not running
        case "stopfluxbenchd":
            guard isFluxNode else { throw Self.notAFluxNode() }
            try expect(params, max: 0, called)
            return .string("Not running")
        case "startfluxbenchd":
            guard isFluxNode else { throw Self.notAFluxNode() }
            try expect(params, max: 0, called)
            throw PluginError.rpc(code: -1, message: "fluxbenchd is not available: this node does not run the benchmark daemon")
        case "gettierrequirements":
            return try requirements(params, nextHeight: Int(tip.height) + 1)
        default:
            throw PluginError.notFound("no method \(method)")
        }
    }

    /// fluxd's FluxnodeLocationToString.
    static func statusName(_ status: FluxNodeStatus) -> String {
        switch status {
        case .started: "STARTED"
        case .dos: "DOS"
        case .confirmed: "CONFIRMED"
        }
    }

    /// One node as fluxd's list (with `rank`) and getfluxnodestatus (without) show it: `outidx`, `activesince`
    /// (the time of the block that added it) and `lastpaid` (the time of its last paid block; the genesis time
    /// before the first payment, as fluxd) are strings; `amount` is fluxd's FormatMoney.
    func describe(_ node: FluxNodeRecord, rank: Int?) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("collateral", .string(Self.full(node.collateral))),
            ("txhash", .string(node.collateral.hash.description)),
            ("outidx", .string(String(node.collateral.index))),
            ("ip", .string(node.ip)),
            ("network", .string(Self.networkKind(node.ip))),
            ("added_height", .int(node.addedHeight)),
            ("confirmed_height", .int(node.confirmedHeight)),
            ("last_confirmed_height", .int(node.lastConfirmedHeight)),
            ("last_paid_height", .int(node.lastPaidHeight)),
            ("tier", .string(node.tier.name)),
            ("payment_address", .string(address(node.payeeScript))),
            ("pubkey", .string(Hex.encode(node.operatorPubKey))),
            ("activesince", .string(String(blockTime(node.addedHeight)))),
            ("lastpaid", .string(String(blockTime(node.lastPaidHeight)))),
        ]
        if node.collateralValue > 0 { fields.append(("amount", .string(Self.formatMoney(node.collateralValue)))) }
        if let rank { fields.append(("rank", .int(rank))) }
        return .object(fields)
    }

    /// The time of the active-chain block at `height` (genesis at 0; 0 when unknown).
    func blockTime(_ height: Int) -> UInt32 {
        guard height >= 0, let hash = try? host.blockHash(at: Int64(height)), let header = try? host.header(hash).header,
              header.count >= 104 else { return 0 }
        return UInt32(header[100]) | UInt32(header[101]) << 8 | UInt32(header[102]) << 16 | UInt32(header[103]) << 24
    }

    /// fluxd's FormatMoney: at least two decimals, trailing zeros trimmed ("1000.00", "0.5", "12.3456").
    static func formatMoney(_ units: Int64) -> String {
        var text = coins(abs(units))
        while text.hasSuffix("0"), text.split(separator: ".").last.map({ $0.count > 2 }) == true { text.removeLast() }
        return (units < 0 ? "-" : "") + text
    }

    func address(_ script: [UInt8]) -> String {
        Address(script: Script(script))?.encoded(prefixes: prefixes) ?? Hex.encode(script)
    }

    static func full(_ outpoint: OutPoint) -> String { "COutPoint(\(outpoint.hash.description), \(outpoint.index))" }

    static func coins(_ units: Int64) -> String {
        let whole = units / 100_000_000, fraction = units % 100_000_000
        var f = String(fraction)
        f = String(repeating: "0", count: 8 - f.count) + f
        return "\(whole).\(f)"
    }

    static func networkKind(_ ip: String) -> String {
        if ip.hasSuffix(".onion") || ip.contains(".onion:") { return "onion" }
        if ip.hasPrefix("[") || ip.filter({ $0 == ":" }).count > 1 { return "ipv6" }
        return "ipv4"
    }

    // MARK: START and CONFIRM

    /// startdeterministicfluxnode "txid" index ( "operatorpubkey" ): a START for a collateral the wallet holds.
    func start(_ params: [JSONValue], tipHeight: Int64) throws -> JSONValue {
        if params.count == 2, let alias = params[0].stringValue, Hash256(displayHex: alias) == nil {
            return try startAlias(alias, tipHeight: tipHeight)
        }
        guard params.count >= 2, let txid = params[0].stringValue.flatMap({ Hash256(displayHex: $0) }),
              let index = params[1].intValue, let n = UInt32(exactly: index) else {
            throw PluginError.invalidArgument("expected \"txid\" index ( \"operatorpubkey\" )")
        }
        let collateral = OutPoint(hash: txid, index: n)
        let operatorKey: [UInt8]
        if params.count >= 3 {
            guard let text = params[2].stringValue, let bytes = Hex.decode(text), PublicKey(parsing: bytes) != nil else {
                throw PluginError.invalidArgument("operatorpubkey is not a public key in hex")
            }
            operatorKey = bytes
        } else if let mine = configuration.operatorPublicKey {
            operatorKey = mine
        } else {
            throw PluginError.invalidArgument("no operatorpubkey given and this node has no config.operator_key")
        }
        guard let coin = try CollateralCoins.coin(collateral, in: committed) else {
            throw PluginError.notFound("\(collateral.shortDescription) is not an unspent output of a collateral amount")
        }
        let script = coin.script
        guard script.count == 25, script[0] == 0x76, script[1] == 0xa9, script[2] == 0x14, script[23] == 0x88, script[24] == 0xac else {
            throw PluginError.invalidArgument("\(collateral.shortDescription) is not paid to a public-key hash (use a P2SH start for multisig collateral)")
        }
        let keyID = Array(script[3..<23])
        // The first signature only reveals the wallet's public key, which the START must name before it is signed.
        let collateralKey = try host.walletSignCompact(keyID: keyID, digest: [UInt8](repeating: 1, count: 32)).publicKey
        let next = Int(tipHeight) + 1
        let upgraded = network.isActive("p2shnodes", at: next)
        var body = FluxNodeStart(fluxTxVersion: upgraded ? FluxNodeStart.normalBit : nil, collateral: collateral,
                                 collateralPubKey: collateralKey, pubKey: operatorKey, redeemScript: nil,
                                 sigTime: UInt32(clamping: Int64(time(nil))), sig: [])
        let version = upgraded ? Transaction.fluxNodeUpgradeableVersion : Transaction.fluxNodeVersion
        let unsigned = Transaction.fluxNode(.start(body), version: version)
        let digest = MessageSigner.digest(unsigned.txid.description)
        body.sig = try host.walletSignCompact(keyID: keyID, digest: Array(digest.bytes)).signature
        let tx = Transaction.fluxNode(.start(body), version: version)
        try host.submitTransaction(tx.serialized)
        host.log(.info, "sent a START for \(collateral.shortDescription): \(tx.txid)")
        return .object([("result", "successful"), ("txid", .string(tx.txid.description)),
                        ("collateral", .string(Self.full(collateral)))])
    }

    /// This node's CONFIRM if one is due at `nextHeight`: INITIAL once started, UPDATE once the last confirmation
    /// is old enough. Needs the operator key and, for the benchmark signature, config.benchmark_key (regtest).
    func confirmationDue(nextHeight: Int64, now: UInt32) throws -> Transaction? {
        guard let key = configuration.operatorKey, let node = try ownNode() else { return nil }
        let updateType: Int8
        switch node.status {
        case .started where node.addedHeight < Int(nextHeight): updateType = 0
        case .confirmed where Int(nextHeight) - node.lastConfirmedHeight > network.updateMinDistance(at: Int(nextHeight)):
            updateType = 1
        default: return nil
        }
        return try confirmation(for: node, updateType: updateType, key: key, now: now)
    }

    /// A signed CONFIRM of `node` (INITIAL with update type 0, UPDATE with 1) announcing this node's ip, with the
    /// benchmark signature of config.benchmark_key (regtest); throws `.unsupported` without one.
    func confirmation(for node: FluxNodeRecord, updateType: Int8, key: PrivateKey, now: UInt32) throws -> Transaction {
        let collateral = node.collateral
        guard let benchmark = configuration.benchmarkKey else {
            throw PluginError.unsupported("no benchmark signer: fluxbenchd is not supported; on regtest set config.benchmark_key")
        }
        let ip = Array(configuration.ip.utf8)
        let tier = Int8(node.tier.rawValue)
        let message = FluxNodeTransactions.confirmMessage(collateral: collateral, updateType: updateType, sigTime: now)
        let sig = MessageSigner.sign(message, with: key, compressed: configuration.operatorCompressed)
        let benchMessage = FluxNodeTransactions.benchmarkMessage(sig: sig, benchmarkTier: tier, benchmarkSigTime: now, ip: ip)
        let benchSig = MessageSigner.sign(benchMessage, with: benchmark, compressed: configuration.benchmarkCompressed)
        let body = FluxNodeConfirm(collateral: collateral, sigTime: now, benchmarkTier: tier, benchmarkSigTime: now,
                                   updateType: updateType, ip: ip, sig: sig, benchmarkSig: benchSig)
        return Transaction.fluxNode(.confirm(body), version: Transaction.fluxNodeVersion)
    }

    // MARK: Hardware

    /// gettierrequirements ( cores memory_mb disk_gb ): each tier's collateral at the next height and its hardware
    /// minimums, and whether this machine (or the given figures) meets them.
    func requirements(_ params: [JSONValue], nextHeight: Int) throws -> JSONValue {
        let machine: Machine
        if params.isEmpty {
            machine = Self.thisMachine()
        } else {
            guard params.count == 3, let c = params[0].intValue, let m = params[1].intValue, let d = params[2].intValue else {
                throw PluginError.invalidArgument("expected no parameters, or cores memory_mb disk_gb")
            }
            machine = Machine(cores: Int(c), memoryMB: Int(m), diskGB: Int(d))
        }
        var tiers: [JSONValue] = []
        for tier in FluxNodeTier.allCases {
            let need = FluxNodeHardware.minimum(for: tier)
            let amounts = network.collateralAmounts(tier, at: nextHeight).sorted().map { JSONValue.string(Self.coins($0)) }
            tiers.append(.object([
                ("tier", .string(tier.name)), ("collateral", .array(amounts)),
                ("cores", .int(need.cores)), ("memory_mb", .int(need.memoryMB)), ("disk_gb", .int(need.diskGB)),
                ("meets", .bool(machine.cores >= need.cores && machine.memoryMB >= need.memoryMB && machine.diskGB >= need.diskGB)),
            ]))
        }
        return .object([("machine", .object([("cores", .int(machine.cores)), ("memory_mb", .int(machine.memoryMB)),
                                             ("disk_gb", .int(machine.diskGB))])),
                        ("tiers", .array(tiers))])
    }

    /// Cores, memory and the free disk of the file system holding the working directory.
    /// A machine's resources, as gettierrequirements compares them.
    struct Machine { var cores: Int; var memoryMB: Int; var diskGB: Int }

    static func thisMachine() -> Machine {
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let memory = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE))) / (1024 * 1024)
        var fs = statvfs()
        let disk = statvfs(".", &fs) == 0 ? Int(fs.f_blocks) * Int(fs.f_frsize) / (1024 * 1024 * 1024) : 0
        return Machine(cores: cores, memoryMB: memory, diskGB: disk)
    }
}
