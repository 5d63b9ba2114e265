import FluxConsensus
import FluxPrimitives
import Foundation

/// What the options mean for this node: which network, its parameters (with `-upgradeheight` applied) and the
/// data folder.
public struct NodeConfiguration: Sendable {
    /// The chain parameters in force.
    public let params: ChainParameters
    /// The data folder for this network (`-datadir`, default `~/.flux`, plus `regtest`/`testnet3`-style suffix).
    public let dataDirectory: URL
    /// The parsed options.
    public let options: NodeOptions

    /// Resolves `options`. Reads `flux.conf` from `-conf` or the base data folder when it exists (a missing
    /// default file is fine; a missing `-conf` file is an error).
    public init(options commandLine: NodeOptions) throws(OptionError) {
        var options = commandLine
        let base = options.string("datadir").map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".flux")
        let confPath = options.string("conf").map { path in
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
        }
        let conf = confPath ?? base.appendingPathComponent("flux.conf")
        if let text = try? String(contentsOf: conf, encoding: .utf8) {
            try options.merge(configuration: text, path: conf.path)
        } else if confPath != nil {
            throw OptionError(option: "conf", source: options.source("conf") ?? "command line",
                              problem: "cannot read \(conf.path)")
        }
        if options.flag("regtest") && options.flag("testnet") {
            throw OptionError(option: "testnet", source: options.source("testnet") ?? "command line",
                              problem: "-regtest and -testnet cannot be combined")
        }
        var params: ChainParameters = options.flag("regtest") ? .regtest : options.flag("testnet") ? .testnet : .mainnet
        let overrides = options.all("upgradeheight")
        if !overrides.isEmpty {
            guard params.network == .regtest else {
                throw OptionError(option: "upgradeheight", source: options.source("upgradeheight") ?? "command line",
                                  problem: "only allowed with -regtest")
            }
            do {
                params = try params.withUpgradeHeights(try UpgradeOverride.parseAll(overrides))
            } catch {
                throw OptionError(option: "upgradeheight", source: options.source("upgradeheight") ?? "command line",
                                  problem: error.description)
            }
        }
        for text in options.all("whitelist") where IPSubnet(text) == nil {
            throw OptionError(option: "whitelist", source: options.source("whitelist") ?? "command line",
                              problem: "\"\(text)\" is not an IP address or subnet (e.g. 127.0.0.1, 10.0.0.0/8, ::1)")
        }
        if !options.flag("experimentalfeatures") {
            for (name, feature) in NodeConfiguration.experimentalOptions where options.string(name) != nil || !options.all(name).isEmpty {
                throw OptionError(option: name, source: options.source(name) ?? "command line",
                                  problem: "\(feature) requires -experimentalfeatures.")
            }
        }
        // fluxd's rule: -insightexplorer, when on, needs -txindex.
        if options.flag("insightexplorer") && !options.flag("txindex") {
            throw OptionError(option: "insightexplorer", source: options.source("insightexplorer") ?? "command line",
                              problem: "-insightexplorer requires -txindex.")
        }
        for name in ["rpcservertimeout", "rpcmaxconnections"] where options.int(name) == 0 {
            throw OptionError(option: name, source: options.source(name) ?? "command line", problem: "must be at least 1")
        }
        self.params = params
        self.options = options
        self.dataDirectory = params.dataDirectorySuffix.map { base.appendingPathComponent($0) } ?? base
    }

    /// fluxd's options that start only with `-experimentalfeatures` (fluxd refuses them without it, whatever their
    /// value), with fluxd's name for the feature. Only those this node knows can be given at all; the others are
    /// refused as unknown options first.
    public static let experimentalOptions: [(option: String, feature: String)] = [
        ("developerencryptwallet", "Wallet encryption"),
        ("developersetpoolsizezero", "Setting the size of shielded pools to zero"),
        ("paymentdisclosure", "Payment disclosure"),
        ("zmergetoaddress", "RPC method z_mergetoaddress"),
        ("insightexplorer", "Insight explorer"),
    ]
}
