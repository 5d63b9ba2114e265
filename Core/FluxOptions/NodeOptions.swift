/// fluxd's options, from the command line and `flux.conf`, spelled as fluxd spells them.
///
/// Command line: `-name`, `-name=value`, `--name=value` and `-noname` (= `-name=0`); parsing stops at the first
/// argument that does not start with `-`. Configuration file: `name=value` lines, `#` comments, blank lines.
/// The command line wins over the file for single-valued options; repeatable options (`-addnode`, `-connect`,
/// `-rpcallowip`, `-rpcbind`, `-debug`, `-upgradeheight`) collect values from both. Unknown options and
/// malformed values are errors naming the option and where it was given.
public struct NodeOptions: Sendable {
    /// Every option this node understands, with whether it may repeat and how its value is checked.
    public static let known: [String: OptionKind] = [
        "datadir": .path, "conf": .path, "regtest": .flag, "testnet": .flag, "port": .port, "rpcport": .port,
        "rpcuser": .text, "rpcpassword": .text, "rpcbind": .repeated, "rpcallowip": .repeated, "whitelist": .repeated,
        "connect": .repeated, "addnode": .repeated, "listen": .flag, "maxconnections": .count,
        "reindex": .flag, "debug": .repeated, "upgradeheight": .repeated, "plugins": .path,
        "checkplugins": .flag, "printtoconsole": .flag, "gen": .flag, "genproclimit": .integer,
        "stopatheight": .count, "mineraddress": .text, "help": .flag, "version": .flag,
        "loadblock": .repeated, "dbbatchblocks": .count, "bind": .text, "metricsport": .port, "dbcache": .count,
        "rpcthreads": .count, "blockinterval": .count, "rpcconnect": .text, "rpcclienttimeout": .count,
        "stdin": .flag, "maxreorgdepth": .count, "par": .count, "peertimeout": .count,
        "rpcservertimeout": .count, "rpcworkqueue": .count, "rpcmaxconnections": .count,
        "maxsendbuffer": .count, "timeout": .count,
        // A FluxNode's keys in a stock flux.conf (fluxd spells them zelnode*; read by the fluxnodes plugin and the wallet).
        "zelnode": .flag, "zelnodeprivkey": .text, "zelnodeoutpoint": .text, "zelnodeindex": .count,
        "externalip": .repeated,
        // fluxd's ZeroMQ notifications (an address each, e.g. tcp://127.0.0.1:28332) and bitcoind's sequence topic
        // and high-water marks.
        "zmqpubhashblock": .text, "zmqpubhashtx": .text, "zmqpubrawblock": .text, "zmqpubrawtx": .text,
        "zmqpubsequence": .text, "zmqpubhashblockhwm": .count, "zmqpubhashtxhwm": .count, "zmqpubrawblockhwm": .count,
        "zmqpubrawtxhwm": .count, "zmqpubsequencehwm": .count,
        // fluxd's process and logging switches: -server (RPC server, default 1 in fluxd), -daemon (fork into the
        // background), -logtimestamps (default 1), -experimentalfeatures (gate of fluxd's experimental options).
        "server": .flag, "daemon": .flag, "logtimestamps": .flag, "experimentalfeatures": .flag,
        // Wallet: fluxd's lock of fluxnode.conf collaterals (default on) and backupwallet's folder.
        "znconflock": .flag, "exportdir": .path,
        // The optional indexes (fluxd's -txindex and -insightexplorer; each insight index also on its own).
        "txindex": .flag, "insightexplorer": .flag, "addressindex": .flag, "spentindex": .flag, "timestampindex": .flag,
    ]

    /// How an option's value is read.
    public enum OptionKind: Sendable {
        case flag, text, path, port, count, integer, repeated
    }

    private var values: [String: [(value: String, source: String)]] = [:]

    /// Creates empty options.
    public init() {}

    /// Parses command-line arguments (without the program name).
    public init(arguments: [String]) throws(OptionError) {
        for arg in arguments {
            guard arg.hasPrefix("-") else { break }
            var body = String(arg.dropFirst())
            if body.hasPrefix("-") { body.removeFirst() }
            let (name, value) = NodeOptions.split(body)
            try set(name, value, source: "command line", overwrite: true)
        }
    }

    /// Adds the settings of a `flux.conf` text; `path` is used in error messages. Options already given on the
    /// command line keep their command-line value (repeatable options gain the file's values).
    public mutating func merge(configuration text: String, path: String) throws(OptionError) {
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters()
            if trimmed.isEmpty { continue }
            let source = "\(path):\(number + 1)"
            guard trimmed.contains("=") else {
                throw OptionError(option: trimmed, source: source, problem: "expected name=value")
            }
            let (name, value) = NodeOptions.split(trimmed)
            try set(name, value, source: source, overwrite: false)
        }
    }

    private static func split(_ body: String) -> (String, String?) {
        guard let eq = body.firstIndex(of: "=") else { return (body, nil) }
        return (String(body[..<eq]), String(body[body.index(after: eq)...]))
    }

    private mutating func set(_ rawName: String, _ rawValue: String?, source: String,
                              overwrite: Bool) throws(OptionError) {
        var name = rawName.lowercased()
        var value = rawValue
        if name.hasPrefix("no"), NodeOptions.known[name] == nil, let kind = NodeOptions.known[String(name.dropFirst(2))],
           kind == .flag {
            name = String(name.dropFirst(2))
            value = (value == nil || value == "1") ? "0" : "1"
        }
        guard let kind = NodeOptions.known[name] else {
            throw OptionError(option: rawName, source: source, problem: "unknown option")
        }
        let text = value ?? (kind == .flag ? "1" : "")
        try NodeOptions.check(name, text, kind: kind, source: source)
        if kind == .repeated {
            values[name, default: []].append((text, source))
        } else if overwrite || values[name] == nil {
            values[name] = [(text, source)]
        }
    }

    private static func check(_ name: String, _ value: String, kind: OptionKind, source: String) throws(OptionError) {
        func fail(_ problem: String) -> OptionError { OptionError(option: name, source: source, problem: problem) }
        switch kind {
        case .flag:
            guard value == "0" || value == "1" else { throw fail("expected 0 or 1, got \"\(value)\"") }
        case .port:
            // 0 asks the system for a free port (the bound port is logged); useful for tests and scripts.
            guard let p = Int(value), (0...65535).contains(p) else { throw fail("\"\(value)\" is not a TCP port (0-65535)") }
        case .count:
            guard let n = Int(value), n >= 0 else { throw fail("\"\(value)\" is not a non-negative integer") }
        case .integer:
            guard Int(value) != nil else { throw fail("\"\(value)\" is not an integer") }
        case .path, .text:
            guard !value.isEmpty else { throw fail("needs a value") }
        case .repeated:
            guard !value.isEmpty else { throw fail("needs a value") }
        }
    }

    /// The value of a single-valued option, if given.
    public func string(_ name: String) -> String? { values[name]?.last?.value }
    /// All values of a repeatable option, command line first.
    public func all(_ name: String) -> [String] { values[name]?.map(\.value) ?? [] }
    /// True when a flag is set to 1.
    public func flag(_ name: String) -> Bool { values[name]?.last?.value == "1" }
    /// An integer option's value (already validated when parsed).
    public func int(_ name: String) -> Int? { string(name).flatMap { Int($0) } }
    /// Where an option's (last) value came from.
    public func source(_ name: String) -> String? { values[name]?.last?.source }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
