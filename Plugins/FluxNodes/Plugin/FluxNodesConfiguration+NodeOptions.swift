import FluxNodeModel
import FluxPrimitives
import FluxScript

/// A FluxNode's keys in flux.conf, as fluxd reads them, merged into the plugin's own table.
///
/// | flux.conf | plugin config | meaning |
/// |---|---|---|
/// | `zelnode=1` + `zelnodeprivkey` | `operator_key` | this node's operator key (WIF) |
/// | `zelnodeoutpoint` + `zelnodeindex` | `collateral` | this node's collateral (txid, output index) |
/// | `externalip` (the first one) | `ip` | the address this node's CONFIRM transactions announce (its node record's `ip`) |
///
/// The precedence rule, the same for each row: a value given in only one place is used; given in both places, the
/// two must be equal, else loading is refused with an error naming both. As in fluxd, `zelnodeprivkey`,
/// `zelnodeoutpoint` and `zelnodeindex` count only with `zelnode=1` (without it they are ignored and logged);
/// `zelnode=1` needs an operator key in one of the two places, and `zelnodeoutpoint` and `zelnodeindex` go together.
struct FluxNodeOptions: Sendable, Equatable {
    /// `zelnode` is 1.
    var zelnode = false
    /// `zelnodeprivkey`.
    var privateKey: String?
    /// `zelnodeoutpoint`.
    var outpoint: String?
    /// `zelnodeindex`.
    var index: String?
    /// `externalip`, every value.
    var externalIP: [String] = []

    /// Whether any FluxNode key of flux.conf but `zelnode` is set.
    var hasNodeKeys: Bool { privateKey != nil || outpoint != nil || index != nil }
}

extension FluxNodesConfiguration {
    /// Applies `options` (flux.conf and command line) by the precedence rule above; returns notes for the log.
    mutating func merge(_ options: FluxNodeOptions, network: FluxNodeNetwork.Kind) throws(FluxNodesConfigurationError) -> [String] {
        var notes: [String] = []
        if let text = options.externalIP.first {
            guard !text.isEmpty, text.utf8.count <= 60 else {
                throw FluxNodesConfigurationError("flux.conf externalip \"\(text)\" must be a non-empty string of at most 60 bytes")
            }
            if ipGiven, ip != text {
                throw FluxNodesConfigurationError("config.ip (\"\(ip)\") and flux.conf externalip (\"\(text)\") differ; "
                                                  + "set one of them, or the same address in both")
            }
            ip = text
            ipGiven = true
        }
        guard options.zelnode else {
            if options.hasNodeKeys {
                notes.append("flux.conf has zelnodeprivkey/zelnodeoutpoint/zelnodeindex but not zelnode=1: ignored, as fluxd does")
            }
            return notes
        }
        let prefixes = FluxNodesPlugin.prefixes(network)
        if let text = options.privateKey {
            guard let wif = WIF(text, prefixes: prefixes), let key = PrivateKey(bytes: wif.secret) else {
                throw FluxNodesConfigurationError("flux.conf zelnodeprivkey is not a private key (WIF) of the \(network.rawValue) network")
            }
            if let mine = operatorKey {
                guard mine.bytes == key.bytes, operatorCompressed == wif.compressed else {
                    throw FluxNodesConfigurationError("config.operator_key and flux.conf zelnodeprivkey are different keys; "
                                                      + "set one of them, or the same key in both")
                }
            }
            operatorKey = key
            operatorCompressed = wif.compressed
        } else if operatorKey == nil {
            throw FluxNodesConfigurationError("zelnode=1 needs zelnodeprivkey in flux.conf (or operator_key in [plugins.fluxnodes.config])")
        }
        switch (options.outpoint, options.index) {
        case (nil, nil): break
        case let (text?, index?):
            guard let hash = Hash256(displayHex: text), let n = UInt32(index) else {
                throw FluxNodesConfigurationError("flux.conf zelnodeoutpoint must be a transaction id (64 hex digits) and zelnodeindex an output index")
            }
            let outpoint = OutPoint(hash: hash, index: n)
            if let mine = collateral, mine != outpoint {
                throw FluxNodesConfigurationError("config.collateral (\(mine.hash):\(mine.index)) and flux.conf zelnodeoutpoint/zelnodeindex "
                                                  + "(\(hash):\(n)) name different collaterals; set one of them, or the same in both")
            }
            collateral = outpoint
        default:
            throw FluxNodesConfigurationError("flux.conf zelnodeoutpoint and zelnodeindex go together: set both or neither")
        }
        return notes
    }
}
