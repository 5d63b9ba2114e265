import FluxJSON
import FluxNodeModel
import FluxPrimitives
import FluxScript

/// The plugin's table in plugins.toml (`[plugins.fluxnodes.config]`), checked at load. Every key is optional: a node
/// without `operator_key` validates and serves the list but is not itself a FluxNode.
///
/// | key | meaning |
/// |---|---|
/// | `operator_key` | this node's operator private key (WIF): the node whose START names its public key is this one |
/// | `collateral` | this node's collateral, `"txid:index"` (display hex), when several STARTs name the same key |
/// | `ip` | the address CONFIRM transactions announce (default `127.0.0.1`) |
/// | `auto_confirm` | send INITIAL_CONFIRM / UPDATE_CONFIRM by itself when due (default true) |
/// | `benchmark_key` | regtest only: a private key (WIF) that signs this node's benchmarks, standing in for fluxbenchd |
/// | `benchmark_public_key` | regtest only: the benchmark public key (hex) every node of the local network accepts |
struct FluxNodesConfiguration: Sendable {
    var collateral: OutPoint?
    var operatorKey: PrivateKey?
    var operatorCompressed = true
    var ip = "127.0.0.1"
    /// Whether `ip` was given (not the default).
    var ipGiven = false
    var autoConfirm = true
    var benchmarkKey: PrivateKey?
    var benchmarkCompressed = true
    var benchmarkPublicKey: [UInt8]?

    static let keys = ["collateral", "operator_key", "ip", "auto_confirm", "benchmark_key", "benchmark_public_key"]

    /// Parses the JSON the host made of the TOML table; `network` decides the WIF prefix and whether the regtest
    /// keys are allowed.
    init(json: [UInt8], network: FluxNodeNetwork.Kind) throws(FluxNodesConfigurationError) {
        guard !json.isEmpty else { return }
        guard let value = try? JSONValue(parsing: json), case let .object(pairs) = value else {
            throw FluxNodesConfigurationError("configuration is not a table")
        }
        let prefixes = FluxNodesPlugin.prefixes(network)
        for (key, value) in pairs {
            switch key {
            case "collateral":
                guard let text = value.stringValue, let outpoint = Self.outpoint(text) else {
                    throw FluxNodesConfigurationError("config.collateral must be \"txid:index\" (64 hex digits, a colon, a number)")
                }
                collateral = outpoint
            case "operator_key":
                guard let text = value.stringValue, let wif = WIF(text, prefixes: prefixes), let key = PrivateKey(bytes: wif.secret) else {
                    throw FluxNodesConfigurationError("config.operator_key is not a private key (WIF) of the \(network.rawValue) network")
                }
                operatorKey = key
                operatorCompressed = wif.compressed
            case "ip":
                guard let text = value.stringValue, !text.isEmpty, text.utf8.count <= 60 else {
                    throw FluxNodesConfigurationError("config.ip must be a non-empty string of at most 60 bytes")
                }
                ip = text
                ipGiven = true
            case "auto_confirm":
                guard case let .bool(flag) = value else { throw FluxNodesConfigurationError("config.auto_confirm must be true or false") }
                autoConfirm = flag
            case "benchmark_key":
                guard network == .regtest else {
                    throw FluxNodesConfigurationError("config.benchmark_key is only allowed on regtest (benchmarks are signed by fluxbenchd's key elsewhere)")
                }
                guard let text = value.stringValue, let wif = WIF(text, prefixes: prefixes), let key = PrivateKey(bytes: wif.secret) else {
                    throw FluxNodesConfigurationError("config.benchmark_key is not a private key (WIF) of the regtest network")
                }
                benchmarkKey = key
                benchmarkCompressed = wif.compressed
            case "benchmark_public_key":
                guard network == .regtest else {
                    throw FluxNodesConfigurationError("config.benchmark_public_key is only allowed on regtest")
                }
                guard let text = value.stringValue, let bytes = Hex.decode(text), PublicKey(parsing: bytes) != nil else {
                    throw FluxNodesConfigurationError("config.benchmark_public_key is not a public key in hex")
                }
                benchmarkPublicKey = bytes
            default:
                throw FluxNodesConfigurationError("unknown config key \"\(key)\" (known: \(Self.keys.joined(separator: ", ")))")
            }
        }
        if let key = benchmarkKey {
            let derived = key.publicKey(compressed: benchmarkCompressed).bytes
            if let given = benchmarkPublicKey, given != derived {
                throw FluxNodesConfigurationError("config.benchmark_public_key does not belong to config.benchmark_key")
            }
            benchmarkPublicKey = derived
        }
    }

    /// The checks that need the whole picture (the plugin's table merged with flux.conf).
    func validate() throws(FluxNodesConfigurationError) {
        if collateral != nil && operatorKey == nil {
            throw FluxNodesConfigurationError("config.collateral needs config.operator_key (or zelnode=1 and zelnodeprivkey in flux.conf)")
        }
    }

    /// This node's operator public key, as its START must name it.
    var operatorPublicKey: [UInt8]? { operatorKey?.publicKey(compressed: operatorCompressed).bytes }

    /// `"txid:index"` with the txid in display hex.
    static func outpoint(_ text: String) -> OutPoint? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hash = Hash256(displayHex: parts[0]), let index = UInt32(parts[1]) else { return nil }
        return OutPoint(hash: hash, index: index)
    }
}

/// A configuration the plugin refuses, with the reason.
struct FluxNodesConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
