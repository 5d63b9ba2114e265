import CFluxPlugin

/// The node's services as a plugin sees them: a Swift face over the `flux_host_api` table the host passed to
/// `on_load`. Every call checks that this host offers the function (older hosts may lack newer entries) and turns
/// status codes into ``PluginError``. Safe to use from any thread; see the threading rules in `flux_plugin.h`.
///
/// ```swift
/// host.log(.info, "indexing from height \(try host.tip().height)")
/// try host.put(Array("last".utf8), value: hash, in: transaction)   // commits with the block
/// ```
public struct PluginHost: @unchecked Sendable {
    let api: UnsafePointer<flux_host_api>
    let handle: OpaquePointer

    /// Wraps the table and handle the host passed to `on_load` (the SDK does this for you).
    public init(api: UnsafePointer<flux_host_api>, handle: OpaquePointer) {
        self.api = api
        self.handle = handle
    }

    /// The host's ABI version (major, minor).
    public var abiVersion: (major: UInt16, minor: UInt16) { (api.pointee.abi_major, api.pointee.abi_minor) }

    /// Log levels of `log`.
    public enum LogLevel: Int32, Sendable {
        case trace = 0, debug, info, warning, error
    }

    /// Writes a line to the node's log, tagged with the plugin's name.
    public func log(_ level: LogLevel, _ message: String) {
        guard let log = api.pointee.log else { return }
        _ = try? PluginBytes.with(Array(message.utf8)) { (bytes) throws(PluginError) in log(handle, level.rawValue, bytes) }
    }

    /// The active tip: height and hash (internal order).
    public func tip() throws(PluginError) -> (height: Int64, hash: [UInt8]) {
        guard let f = api.pointee.chain_tip else { throw .unsupported("chain_tip") }
        var height: Int64 = 0
        var hash = [UInt8](repeating: 0, count: 32)
        let status = hash.withUnsafeMutableBufferPointer { f(handle, &height, $0.baseAddress!) }
        try check(status, "chain_tip")
        return (height, hash)
    }

    /// The hash of the active-chain block at `height`.
    public func blockHash(at height: Int64) throws(PluginError) -> [UInt8] {
        guard let f = api.pointee.block_hash else { throw .unsupported("block_hash") }
        var hash = [UInt8](repeating: 0, count: 32)
        let status = hash.withUnsafeMutableBufferPointer { f(handle, height, $0.baseAddress!) }
        try check(status, "block_hash at \(height)")
        return hash
    }

    /// The serialized header of a known block and its height.
    public func header(_ hash: [UInt8]) throws(PluginError) -> (header: [UInt8], height: Int64) {
        guard let f = api.pointee.header else { throw .unsupported("header") }
        var height: Int64 = -1
        let sink = ByteSink()
        let status = withHash(hash) { h in f(handle, h, &height, ByteSink.callback, sink.context) }
        try check(status, "header")
        return (sink.bytes, height)
    }

    /// The serialized block with `hash`.
    public func block(_ hash: [UInt8]) throws(PluginError) -> [UInt8] {
        guard let f = api.pointee.block else { throw .unsupported("block") }
        let sink = ByteSink()
        let status = withHash(hash) { h in f(handle, h, ByteSink.callback, sink.context) }
        try check(status, "block")
        return sink.bytes
    }

    /// An unspent output of the active chain, or nil when spent or unknown.
    public func unspentOutput(txid: [UInt8], index: UInt32)
        throws(PluginError) -> (value: Int64, height: UInt32, coinbase: Bool, script: [UInt8])? {
        guard let f = api.pointee.utxo else { throw .unsupported("utxo") }
        let sink = ByteSink()
        let status = withHash(txid) { h in f(handle, h, index, ByteSink.callback, sink.context) }
        if status == FLUX_ERR_NOT_FOUND { return nil }
        try check(status, "utxo")
        let b = sink.bytes
        guard b.count >= 13 else { throw .failed("utxo: \(b.count)-byte record from the host") }
        let value = b[0..<8].reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let height = b[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return (value, height, b[12] != 0, Array(b[13...]))
    }

    /// A transaction in the mempool, or nil.
    public func mempoolTransaction(_ txid: [UInt8]) throws(PluginError) -> [UInt8]? {
        guard let f = api.pointee.mempool_transaction else { throw .unsupported("mempool_transaction") }
        let sink = ByteSink()
        let status = withHash(txid) { h in f(handle, h, ByteSink.callback, sink.context) }
        if status == FLUX_ERR_NOT_FOUND { return nil }
        try check(status, "mempool_transaction")
        return sink.bytes
    }

    // MARK: Key-value store

    /// The value of `key` in the plugin's namespace (seen through `transaction` when given), or nil.
    public func get(_ key: [UInt8], in transaction: KVTransaction? = nil) throws(PluginError) -> [UInt8]? {
        guard let f = api.pointee.kv_get else { throw .unsupported("kv_get") }
        let sink = ByteSink()
        let status = try PluginBytes.with(key) { (k) throws(PluginError) in
            f(handle, transaction?.handle, k, ByteSink.callback, sink.context)
        }
        if status == FLUX_ERR_NOT_FOUND { return nil }
        try check(status, "kv_get")
        return sink.bytes
    }

    /// Stores `value` under `key`: with the block when `transaction` is given, at once otherwise.
    public func put(_ key: [UInt8], value: [UInt8], in transaction: KVTransaction? = nil) throws(PluginError) {
        guard let f = api.pointee.kv_put else { throw .unsupported("kv_put") }
        let status = try PluginBytes.with(key) { (k) throws(PluginError) in
            try PluginBytes.with(value) { (v) throws(PluginError) in f(handle, transaction?.handle, k, v) }
        }
        try check(status, "kv_put")
    }

    /// Deletes `key` (no error when absent).
    public func delete(_ key: [UInt8], in transaction: KVTransaction? = nil) throws(PluginError) {
        guard let f = api.pointee.kv_delete else { throw .unsupported("kv_delete") }
        let status = try PluginBytes.with(key) { (k) throws(PluginError) in f(handle, transaction?.handle, k) }
        try check(status, "kv_delete")
    }

    /// (ABI 1.1) The first entry of the plugin's namespace whose key starts with `prefix` and is ≥ `from`
    /// (unsigned byte order; empty `from` means the prefix itself), seen through `transaction` when given; nil
    /// when there is none. Iterate with `from` = the last key + [0].
    public func seek(prefix: [UInt8], from: [UInt8] = [], in transaction: KVTransaction? = nil)
        throws(PluginError) -> (key: [UInt8], value: [UInt8])? {
        guard hasEntry(\.kv_seek), let f = api.pointee.kv_seek else { throw .unsupported("kv_seek") }
        let sink = ByteSink()
        let status = try PluginBytes.with(prefix) { (p) throws(PluginError) in
            try PluginBytes.with(from) { (k) throws(PluginError) in
                f(handle, transaction?.handle, p, k, ByteSink.callback, sink.context)
            }
        }
        if status == FLUX_ERR_NOT_FOUND { return nil }
        try check(status, "kv_seek")
        let b = sink.bytes
        guard b.count >= 4 else { throw .failed("kv_seek: \(b.count)-byte record from the host") }
        let length = Int(b[0..<4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard b.count >= 4 + length else { throw .failed("kv_seek: key length \(length) beyond the record") }
        return (Array(b[4..<(4 + length)]), Array(b[(4 + length)...]))
    }

    /// (ABI 1.1) Up to `limit` (1…4,096) entries in key order from the first key ≥ `from` under `prefix`, in one
    /// host call: what repeated ``seek(prefix:from:in:)`` calls would return. Empty when there are none.
    public func scan(prefix: [UInt8], from: [UInt8] = [], limit: Int, in transaction: KVTransaction? = nil)
        throws(PluginError) -> [(key: [UInt8], value: [UInt8])] {
        guard hasEntry(\.kv_scan), let f = api.pointee.kv_scan else { throw .unsupported("kv_scan") }
        guard (1...4_096).contains(limit) else { throw .limit("kv_scan: limit \(limit) is not 1…4096") }
        let sink = ByteSink()
        let status = try PluginBytes.with(prefix) { (p) throws(PluginError) in
            try PluginBytes.with(from) { (k) throws(PluginError) in
                f(handle, transaction?.handle, p, k, UInt32(limit), ByteSink.callback, sink.context)
            }
        }
        try check(status, "kv_scan")
        let b = sink.bytes
        var entries: [(key: [UInt8], value: [UInt8])] = []
        var i = 0
        func length(at offset: Int) -> Int {
            Int(b[offset..<(offset + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        while i < b.count {
            guard i + 4 <= b.count else { throw .failed("kv_scan: truncated record from the host") }
            let keyLength = length(at: i)
            guard i + 4 + keyLength + 4 <= b.count else { throw .failed("kv_scan: truncated key from the host") }
            let key = Array(b[(i + 4)..<(i + 4 + keyLength)])
            let valueLength = length(at: i + 4 + keyLength)
            let start = i + 8 + keyLength
            guard start + valueLength <= b.count else { throw .failed("kv_scan: truncated value from the host") }
            entries.append((key, Array(b[start..<(start + valueLength)])))
            i = start + valueLength
        }
        return entries
    }

    // MARK: Chain parameters and wallet (ABI 1.1)

    /// The chain's parameters as UTF-8 JSON text (network, genesis, spacings, upgrades: see `flux_plugin.h`).
    public func chainParameters() throws(PluginError) -> [UInt8] {
        guard hasEntry(\.chain_parameters), let f = api.pointee.chain_parameters else { throw .unsupported("chain_parameters") }
        let sink = ByteSink()
        try check(f(handle, ByteSink.callback, sink.context), "chain_parameters")
        return sink.bytes
    }

    /// The block subsidy at `height` in units, as the node's consensus computes it.
    public func blockSubsidy(at height: Int64) throws(PluginError) -> Int64 {
        guard hasEntry(\.block_subsidy), let f = api.pointee.block_subsidy else { throw .unsupported("block_subsidy") }
        var value: Int64 = 0
        try check(f(handle, height, &value), "block_subsidy at \(height)")
        return value
    }

    /// Signs the 32-byte `digest` with the wallet key whose HASH160 is `keyID` (20 bytes): its public key and a
    /// 65-byte compact recoverable signature. Throws `.notFound` without such a key, `.state` without a wallet.
    public func walletSignCompact(keyID: [UInt8], digest: [UInt8]) throws(PluginError) -> (publicKey: [UInt8], signature: [UInt8]) {
        guard hasEntry(\.wallet_sign_compact), let f = api.pointee.wallet_sign_compact else {
            throw .unsupported("wallet_sign_compact")
        }
        guard keyID.count == 20, digest.count == 32 else { throw .invalidArgument("keyID is 20 bytes, digest 32") }
        let sink = ByteSink()
        let status = keyID.withUnsafeBufferPointer { k in
            digest.withUnsafeBufferPointer { d in f(handle, k.baseAddress!, d.baseAddress!, ByteSink.callback, sink.context) }
        }
        try check(status, "wallet_sign_compact")
        let b = sink.bytes
        guard let length = b.first, b.count == 1 + Int(length) + 65 else {
            throw .failed("wallet_sign_compact: \(b.count)-byte record from the host")
        }
        return (Array(b[1..<(1 + Int(length))]), Array(b[(1 + Int(length))...]))
    }

    // MARK: Global RPC names, node options, wallet outputs (ABI 1.2)

    /// Claims the global, unprefixed RPC method `name` (call from the plugin's initialiser; needs `.rpc`): the node
    /// serves it under that name and calls ``FluxPlugin/rpcCall(method:params:)`` with `name`. Throws the host's
    /// reason when the name is a core method or another plugin's (`FLUX_ERR_REJECTED`), and `.unsupported` on a
    /// host older than ABI 1.2.
    public func registerGlobalRPC(_ name: String, help: String) throws(PluginError) {
        guard hasEntry(\.register_global_rpc), let f = api.pointee.register_global_rpc else {
            throw .unsupported("register_global_rpc (ABI 1.2)")
        }
        let sink = ByteSink()
        let status = try PluginBytes.with(Array(name.utf8)) { (n) throws(PluginError) in
            try PluginBytes.with(Array(help.utf8)) { (h) throws(PluginError) in f(handle, n, h, ByteSink.callback, sink.context) }
        }
        guard status == FLUX_OK else {
            throw PluginError(status: status, message: sink.bytes.isEmpty ? "register_global_rpc \(name) failed"
                                                                           : String(decoding: sink.bytes, as: UTF8.self))
        }
    }

    /// The values of the node's option `name` (flux.conf and command line, as fluxd spells it: "zelnodeprivkey"),
    /// in order; nil when it is not set. Throws `.invalidArgument` for an option the node does not have,
    /// `.unsupported` for the RPC credentials and on a host older than ABI 1.2.
    public func nodeOption(_ name: String) throws(PluginError) -> [String]? {
        guard hasEntry(\.node_option), let f = api.pointee.node_option else { throw .unsupported("node_option (ABI 1.2)") }
        let sink = ValuesSink()
        let status = try PluginBytes.with(Array(name.utf8)) { (n) throws(PluginError) in f(handle, n, ValuesSink.callback, sink.context) }
        if status == FLUX_ERR_NOT_FOUND { return nil }
        try check(status, "node_option \(name)")
        return sink.values.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The wallet's unspent outputs. Throws `.state` when the node runs without a wallet, `.unsupported` on a host
    /// older than ABI 1.2.
    public func walletUnspent() throws(PluginError) -> [WalletOutput] {
        guard hasEntry(\.wallet_unspent), let f = api.pointee.wallet_unspent else { throw .unsupported("wallet_unspent (ABI 1.2)") }
        let sink = ByteSink()
        try check(f(handle, ByteSink.callback, sink.context), "wallet_unspent")
        return try WalletOutput.parse(sink.bytes)
    }

    /// Whether the host's table (as large as its `struct_size` says) contains the entry at `field`: entries
    /// appended in a later minor are absent from older hosts' tables.
    private func hasEntry<T>(_ field: KeyPath<flux_host_api, T>) -> Bool {
        guard let offset = MemoryLayout<flux_host_api>.offset(of: field) else { return false }
        return Int(api.pointee.struct_size) >= offset + MemoryLayout<T>.size
    }

    // MARK: Network, RPC, metrics

    /// Submits a serialized transaction to the mempool; a refusal throws with the node's reason.
    public func submitTransaction(_ transaction: [UInt8]) throws(PluginError) {
        guard let f = api.pointee.submit_transaction else { throw .unsupported("submit_transaction") }
        let sink = ByteSink()
        let status = try PluginBytes.with(transaction) { (t) throws(PluginError) in f(handle, t, ByteSink.callback, sink.context) }
        if status != FLUX_OK { throw PluginError(status: status, message: String(decoding: sink.bytes, as: UTF8.self)) }
    }

    /// Registers RPC method `name` (call from the plugin's initialiser); it is exposed as `PLUGIN.name`.
    public func registerRPC(_ name: String, help: String) throws(PluginError) {
        guard let f = api.pointee.register_rpc else { throw .unsupported("register_rpc") }
        let status = try PluginBytes.with(Array(name.utf8)) { (n) throws(PluginError) in
            try PluginBytes.with(Array(help.utf8)) { (h) throws(PluginError) in f(handle, n, h) }
        }
        try check(status, "register_rpc \(name)")
    }

    /// Registers P2P command `command` (call from the initialiser).
    public func registerP2P(_ command: String) throws(PluginError) {
        guard let f = api.pointee.register_p2p else { throw .unsupported("register_p2p") }
        let status = try PluginBytes.with(Array(command.utf8)) { (c) throws(PluginError) in f(handle, c) }
        try check(status, "register_p2p \(command)")
    }

    /// Sends a registered command to `peer`, or to every peer when `peer` is 0.
    public func sendP2P(_ command: String, payload: [UInt8], to peer: UInt64 = 0) throws(PluginError) {
        guard let f = api.pointee.send_p2p else { throw .unsupported("send_p2p") }
        let status = try PluginBytes.with(Array(command.utf8)) { (c) throws(PluginError) in
            try PluginBytes.with(payload) { (p) throws(PluginError) in f(handle, peer, c, p) }
        }
        try check(status, "send_p2p \(command)")
    }

    /// Sets gauge `name`.
    public func setGauge(_ name: String, _ value: Double) {
        guard let f = api.pointee.metric_set else { return }
        _ = try? PluginBytes.with(Array(name.utf8)) { (n) throws(PluginError) in f(handle, n, value) }
    }

    /// Adds to counter `name`.
    public func addToCounter(_ name: String, _ delta: Double = 1) {
        guard let f = api.pointee.metric_add else { return }
        _ = try? PluginBytes.with(Array(name.utf8)) { (n) throws(PluginError) in f(handle, n, delta) }
    }

    private func check(_ status: Int32, _ what: String) throws(PluginError) {
        if status != FLUX_OK { throw PluginError(status: status, message: "\(what) failed") }
    }

    private func withHash(_ hash: [UInt8], _ body: (UnsafePointer<UInt8>) -> Int32) -> Int32 {
        guard hash.count == 32 else { return FLUX_ERR_INVALID_ARGUMENT }
        return hash.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// Collects each call of a host query's sink as one value (`node_option`).
final class ValuesSink {
    var values: [[UInt8]] = []
    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static let callback: flux_sink = { context, data, length in
        guard let context else { return }
        let sink = Unmanaged<ValuesSink>.fromOpaque(context).takeUnretainedValue()
        sink.values.append(data.map { Array(UnsafeBufferPointer(start: $0, count: Int(length))) } ?? [])
    }
}

/// Collects the bytes a host query hands to its sink.
final class ByteSink {
    var bytes: [UInt8] = []
    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static let callback: flux_sink = { context, data, length in
        guard let context else { return }
        let sink = Unmanaged<ByteSink>.fromOpaque(context).takeUnretainedValue()
        if let data, length > 0 { sink.bytes += UnsafeBufferPointer(start: data, count: Int(length)) }
    }
}
