import FluxJSON
import FluxPluginSDK
import FluxPrimitives

/// addressindex — an example Flux node plugin in Swift, built against the SDK (and the wire-format module) only.
///
/// A stateful plugin: it follows the active chain block by block and keeps, per transparent address, the amount
/// received and the current balance, in its key-value namespace. Every write goes through the block's
/// transaction, so a reorganisation undoes it and a crash never splits it from the chain. RPC:
///
///     addressindex.getaddressbalance "t1…"   → {"balance": units, "received": units, "outputs": n}
///
/// Config (`[plugins.addressindex.config]`): `network = "mainnet" | "testnet" | "regtest"` for the address
/// prefixes; without it the network is recognised from the chain's genesis block. Unknown keys are refused.
///
/// Keys: `o` ‖ txid ‖ LE32 index → address key ‖ LE64 value (an indexed unspent output);
///       `b` ‖ address key → LE64 received ‖ LE64 balance ‖ LE64 outputs; address key = 1-byte kind ‖ 20-byte hash.
public final class AddressIndexPlugin: FluxPlugin {
    public static let manifest = PluginManifest(name: "addressindex", version: "1.0.0",
                                                capabilities: [.observeBlocks, .stateful, .rpc])
    let host: PluginHost
    let prefixes: Base58Prefixes

    public init(host: PluginHost, configuration: [UInt8]) throws(PluginError) {
        self.host = host
        var network: String?
        if !configuration.isEmpty {
            guard let config = try? JSONValue(parsing: configuration), case let .object(pairs) = config else {
                throw .invalidArgument("configuration is not a JSON object")
            }
            for (key, value) in pairs {
                switch key {
                case "network":
                    guard let text = value.stringValue, ["mainnet", "testnet", "regtest"].contains(text) else {
                        throw .invalidArgument("config.network must be \"mainnet\", \"testnet\" or \"regtest\"")
                    }
                    network = text
                default:
                    throw .invalidArgument("unknown config key \"\(key)\" (known: network)")
                }
            }
        }
        if network == nil {
            // No chain yet (`fluxd -checkplugins`): mainnet's prefixes until a chain says otherwise.
            let genesis = (try? host.blockHash(at: 0)).map { PluginHex.encode($0.reversed()) } ?? ""
            network = Self.genesisNetworks[genesis] ?? "mainnet"
        }
        prefixes = network == "mainnet"
            ? Base58Prefixes(pubKeyHash: [0x1c, 0xb8], scriptHash: [0x1c, 0xbd], secretKey: [0x80])
            : Base58Prefixes(pubKeyHash: [0x1d, 0x25], scriptHash: [0x1c, 0xba], secretKey: [0xef])
        try host.registerRPC("getaddressbalance",
                             help: "getaddressbalance \"address\"\nAmount received by a transparent address and its balance, in units.")
        host.log(.info, "address index for \(network ?? "mainnet")")
    }

    public func blockConnected(_ event: BlockEvent, transaction: KVTransaction?) throws(PluginError) {
        guard let transaction else { throw .state("addressindex is stateful: block events need a transaction") }
        let block: Block
        do { block = try Block(serialized: event.block) } catch {
            throw .invalidArgument("block \(event.displayHash) does not parse: \(error)")
        }
        var outputs = 0
        for tx in block.transactions {
            let txid = Array(tx.txid.bytes)
            if !tx.isCoinbase {
                for input in tx.inputs {
                    let key = Self.outputKey(Array(input.prevout.hash.bytes), input.prevout.index)
                    guard let record = try host.get(key, in: transaction), record.count == 29 else { continue }
                    let addressKey = Array(record[0..<21])
                    let value = Self.readLE(record, 21)
                    try update(addressKey, received: 0, balance: -value, outputs: 0, in: transaction)
                    try host.delete(key, in: transaction)
                }
            }
            for (index, output) in tx.outputs.enumerated() {
                guard let address = Address(script: output.scriptPubKey) else { continue }
                let addressKey = Self.addressKey(address)
                let value = output.value.units
                try host.put(Self.outputKey(txid, UInt32(index)), value: addressKey + Self.le(value), in: transaction)
                try update(addressKey, received: value, balance: value, outputs: 1, in: transaction)
                outputs += 1
            }
        }
        host.addToCounter("outputs_indexed", Double(outputs))
        host.setGauge("height", Double(event.height))
    }

    public func rpcCall(method: String, params: [UInt8]) throws(PluginError) -> [UInt8] {
        guard method == "getaddressbalance" else { throw .notFound("no method \(method)") }
        guard let value = try? JSONValue(parsing: params), let list = value.arrayValue, list.count == 1,
              let text = list[0].stringValue else {
            throw .invalidArgument("expected one parameter: an address")
        }
        guard let address = Address(text, prefixes: prefixes) else {
            throw .invalidArgument("\(text) is not a transparent address of this network")
        }
        let record = try host.get([UInt8(ascii: "b")] + Self.addressKey(address)) ?? [UInt8](repeating: 0, count: 24)
        let result = JSONValue.object([("balance", .int(Self.readLE(record, 8))), ("received", .int(Self.readLE(record, 0))),
                                       ("outputs", .int(Self.readLE(record, 16)))])
        return Array(result.serialized().utf8)
    }

    private func update(_ addressKey: [UInt8], received: Int64, balance: Int64, outputs: Int64,
                        in transaction: KVTransaction) throws(PluginError) {
        let key = [UInt8(ascii: "b")] + addressKey
        let old = try host.get(key, in: transaction) ?? [UInt8](repeating: 0, count: 24)
        guard old.count == 24 else { throw .failed("corrupt balance record for \(PluginHex.encode(addressKey))") }
        let new = Self.le(Self.readLE(old, 0) + received) + Self.le(Self.readLE(old, 8) + balance)
            + Self.le(Self.readLE(old, 16) + outputs)
        try host.put(key, value: new, in: transaction)
    }

    /// Flux's genesis block hashes (display order) and their networks.
    static let genesisNetworks = [
        "00052461a5006c2e3b74ce48992a08695607912d5604c3eb8da25749b0900444": "mainnet",
        "0042202a64a929fc25cc10e68615ddbe38007b1b40da08acd3f530f83c79b9d1": "testnet",
        "01998760a88dc2b5715f69d2f18c1d90e0b604612242d9099eaff3048dd1e0ce": "regtest",
    ]

    static func addressKey(_ address: Address) -> [UInt8] {
        switch address {
        case let .pubKeyHash(h): [0] + h
        case let .scriptHash(h): [1] + h
        }
    }

    static func outputKey(_ txid: [UInt8], _ index: UInt32) -> [UInt8] {
        [UInt8(ascii: "o")] + txid + withUnsafeBytes(of: index.littleEndian) { Array($0) }
    }

    static func le(_ v: Int64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    static func readLE(_ bytes: [UInt8], _ offset: Int) -> Int64 {
        guard bytes.count >= offset + 8 else { return 0 }
        return bytes[offset..<offset + 8].reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }
}

/// Lowercase hex for messages.
enum PluginHex {
    static func encode(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

/// The entry point the node looks up.
@_cdecl("flux_plugin_entry")
public func fluxPluginEntry() -> UnsafeRawPointer? { PluginExport.entry(for: AddressIndexPlugin.self) }
