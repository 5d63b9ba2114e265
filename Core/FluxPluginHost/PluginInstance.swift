import CFluxPlugin
import Foundation
import Logging

/// One loaded plugin: its image, its instance (created by `on_load`), the services it may use, and its counters.
///
/// Calls into the plugin go through ``call(_:_:)``-style methods that copy event data into ABI structs, time the
/// call against the plugin's budget, release the buffers the plugin returns with its own `free_buffer`, and count
/// errors and overruns as faults. After ``unload()`` nothing calls the plugin again; the image stays mapped.
public final class PluginInstance: @unchecked Sendable {
    /// The checked image.
    public let image: PluginImage
    /// The plugin's name (from the descriptor).
    public var name: String { image.info.name }
    /// Time budget per in-line callback.
    public let budget: Duration
    /// RPC methods the plugin registered: (name, help).
    public private(set) var rpcMethods: [(name: String, help: String)] = []
    /// Global, unprefixed RPC methods the plugin claimed (ABI 1.2 `register_global_rpc`): (name, help).
    public private(set) var globalRPCMethods: [(name: String, help: String)] = []
    /// P2P commands the plugin registered.
    public private(set) var p2pCommands: [String] = []
    /// Gauges and counters the plugin reported, by name.
    public var metrics: [String: Double] { lock.withLock { metricValues } }

    let services: any PluginServices
    /// The owners of global RPC names, shared by every plugin of the node.
    let globalMethods: PluginGlobalMethods
    let logger: Logger
    private var handle: OpaquePointer?
    private var isUnloaded = false
    /// Calls into the plugin in progress; `unload` waits for them to finish before `on_unload`.
    private let flight = NSCondition()
    private var inFlight = 0
    private let lock = NSLock()
    private var metricValues: [String: Double] = [:]
    private var loading = true
    private var counters = Counters()
    /// The C handle the plugin sees (`flux_host *`), pointing back at this instance.
    private var hostHandle: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    /// What the host counts per plugin (`listplugins`).
    public struct Counters: Sendable, Hashable {
        /// Callbacks made.
        public var calls = 0
        /// Callbacks that returned an error (other than a judge's rejection) or overran the budget.
        public var faults = 0
        /// Callbacks that overran the budget.
        public var overruns = 0
        /// Events dropped because the observer queue was full.
        public var dropped = 0
        /// The last fault's message.
        public var lastFault: String?
        /// Wall-clock nanoseconds spent inside the plugin's callbacks (including the host services they call).
        public var nanoseconds: UInt64 = 0
    }

    /// The counters so far.
    public var counterSnapshot: Counters { lock.withLock { counters } }

    /// Creates the instance: calls the plugin's `on_load` with the host table and `configuration` (JSON). Throws
    /// the plugin's own message when it refuses. `globalMethods` decides which global RPC names it may claim
    /// (claims are only checked here; the manager commits them).
    public init(image: PluginImage, configuration: [UInt8], services: any PluginServices,
                budget: Duration = .milliseconds(250), globalMethods: PluginGlobalMethods = PluginGlobalMethods(),
                logger: Logger) throws(PluginLoadError) {
        self.image = image
        self.services = services
        self.globalMethods = globalMethods
        self.budget = budget
        var l = logger
        l[metadataKey: "plugin"] = "\(image.info.name)"
        self.logger = l
        guard let onLoad = image.callbacks.pointee.on_load else {
            throw PluginLoadError(path: image.sourcePath, reason: "callbacks.on_load is NULL")
        }
        var created: OpaquePointer?
        var message = flux_buffer(data: nil, len: 0)
        let status = configuration.withUnsafeBufferPointer { config in
            onLoad(PluginHostTable.shared, hostHandle, flux_bytes(data: config.baseAddress, len: UInt64(config.count)),
                   &created, &message)
        }
        let text = takeMessage(&message)
        lock.withLock { loading = false }
        guard status == FLUX_OK else {
            throw PluginLoadError(path: image.sourcePath,
                                  reason: "on_load refused (\(PluginInstance.statusName(status))): \(text ?? "no message")")
        }
        handle = created
    }

    /// Calls `on_unload`; the instance is never called again. Safe to call more than once.
    public func unload() {
        let (first, h): (Bool, OpaquePointer?) = lock.withLock {
            defer {
                isUnloaded = true
                handle = nil
            }
            return (!isUnloaded, handle)
        }
        guard first else { return }
        // Drain: calls that entered before the flag was set finish before the instance is released.
        flight.lock()
        while inFlight > 0 { flight.wait() }
        flight.unlock()
        guard let onUnload = image.callbacks.pointee.on_unload else { return }
        onUnload(h)
    }

    // MARK: Callbacks

    /// The result of one callback.
    public enum Outcome: Sendable, Equatable {
        /// FLUX_OK.
        case ok
        /// FLUX_ERR_REJECTED with the reason (a judge's verdict).
        case rejected(String)
        /// Any other status, an overrun, or no instance.
        case fault(String)
    }

    /// Delivers a connected (or disconnected) block; `transaction` for stateful plugins.
    public func blockEvent(connected: Bool, height: Int64, hash: [UInt8], block: [UInt8], replay: Bool = false,
                           transaction: PluginKVTransaction?) -> Outcome {
        let f = connected ? image.callbacks.pointee.block_connected : image.callbacks.pointee.block_disconnected
        guard let f else { return .ok }
        return withBlockEvent(height: height, hash: hash, block: block, replay: replay) { event in
            withTransaction(transaction) { txn in
                invoke("block_\(connected ? "connected" : "disconnected") \(height)") { h, message in f(h, event, txn, message) }
            }
        }
    }

    /// Asks a judge about a block.
    public func checkBlock(height: Int64, hash: [UInt8], block: [UInt8]) -> Outcome {
        guard let f = image.callbacks.pointee.check_block else { return .ok }
        return withBlockEvent(height: height, hash: hash, block: block, replay: false) { event in
            invoke("check_block \(height)") { h, message in f(h, event, message) }
        }
    }

    /// Asks a judge about a transaction entering the mempool, for the block at `nextHeight` (`check_transaction`).
    public func checkTransaction(txid: [UInt8], fee: Int64, transaction: [UInt8], nextHeight: Int64) -> Outcome {
        guard let f = image.callbacks.pointee.check_transaction else { return .ok }
        return transaction.withUnsafeBufferPointer { bytes in
            var event = flux_tx_event()
            event.struct_size = UInt32(MemoryLayout<flux_tx_event>.size)
            event.fee = fee
            withUnsafeMutableBytes(of: &event.txid) { $0.copyBytes(from: txid.prefix(32)) }
            event.transaction = flux_bytes(data: bytes.baseAddress, len: UInt64(bytes.count))
            return withUnsafePointer(to: &event) { e in
                invoke("check_transaction \(nextHeight)") { h, m in f(h, e, nextHeight, m) }
            }
        }
    }

    /// Asks for the outputs the coinbase of the block at `height` must pay (`coinbase_outputs`): on ``Outcome/ok``
    /// the raw bytes the plugin returned (CompactSize count ‖ outputs; empty when it returned nothing), unparsed.
    /// A rejection is not a verdict here and is reported as a fault.
    public func coinbaseOutputs(height: Int64) -> (outcome: Outcome, outputs: [UInt8]) {
        guard let f = image.callbacks.pointee.coinbase_outputs else { return (.ok, []) }
        var outputs = flux_buffer(data: nil, len: 0)
        var outcome = invoke("coinbase_outputs \(height)") { h, m in f(h, height, &outputs, m) }
        let bytes = takeBuffer(&outputs)
        if case let .rejected(message) = outcome {
            outcome = .fault("coinbase_outputs \(height): FLUX_ERR_REJECTED: \(message)")
            count { c in
                c.faults += 1
                c.lastFault = "coinbase_outputs \(height): FLUX_ERR_REJECTED: \(message)"
            }
        }
        return (outcome, outcome == .ok ? bytes : [])
    }

    /// Tells an observer about a mempool transaction.
    public func transactionAccepted(txid: [UInt8], fee: Int64, transaction: [UInt8]) -> Outcome {
        guard let f = image.callbacks.pointee.transaction_accepted else { return .ok }
        return transaction.withUnsafeBufferPointer { bytes in
            var event = flux_tx_event()
            event.struct_size = UInt32(MemoryLayout<flux_tx_event>.size)
            event.fee = fee
            withUnsafeMutableBytes(of: &event.txid) { $0.copyBytes(from: txid.prefix(32)) }
            event.transaction = flux_bytes(data: bytes.baseAddress, len: UInt64(bytes.count))
            return withUnsafePointer(to: &event) { e in invoke("transaction_accepted") { h, m in f(h, e, m) } }
        }
    }

    /// Tells an observer about a new tip.
    public func tipChanged(height: Int64, hash: [UInt8]) -> Outcome {
        guard let f = image.callbacks.pointee.tip_changed else { return .ok }
        var event = flux_tip_event()
        event.struct_size = UInt32(MemoryLayout<flux_tip_event>.size)
        event.height = height
        withUnsafeMutableBytes(of: &event.hash) { $0.copyBytes(from: hash.prefix(32)) }
        return withUnsafePointer(to: &event) { e in invoke("tip_changed") { h, m in f(h, e, m) } }
    }

    /// The periodic tick.
    public func tick(unixMillis: Int64) -> Outcome {
        guard let f = image.callbacks.pointee.tick else { return .ok }
        return invoke("tick") { h, m in f(h, unixMillis, m) }
    }

    /// Calls a registered RPC method: the JSON result, or the error status and message.
    public func rpcCall(method: String, params: [UInt8]) -> Result<[UInt8], PluginCallError> {
        guard let f = image.callbacks.pointee.rpc_call else { return .failure(PluginCallError(status: FLUX_ERR_UNSUPPORTED, message: "no rpc_call")) }
        var result = flux_buffer(data: nil, len: 0)
        var message = flux_buffer(data: nil, len: 0)
        let methodBytes = Array(method.utf8)
        let status: Int32 = methodBytes.withUnsafeBufferPointer { m in
            params.withUnsafeBufferPointer { p in
                guard let h = enter() else { return FLUX_ERR_STATE }
                defer { leave() }
                count { $0.calls += 1 }
                return f(h, flux_bytes(data: m.baseAddress, len: UInt64(m.count)),
                         flux_bytes(data: p.baseAddress, len: UInt64(p.count)), &result, &message)
            }
        }
        let output = takeBuffer(&result)
        let text = takeMessage(&message)
        guard status == FLUX_OK else {
            return .failure(PluginCallError(status: status, message: text ?? PluginInstance.statusName(status)))
        }
        return .success(output)
    }

    /// Delivers a registered P2P command (without the plugin prefix) from `peer`.
    public func p2pMessage(peer: UInt64, command: String, payload: [UInt8]) -> Outcome {
        guard let f = image.callbacks.pointee.p2p_message, p2pCommands.contains(command) else {
            return .fault("\(name) has no P2P command \(command)")
        }
        let commandBytes = Array(command.utf8)
        return commandBytes.withUnsafeBufferPointer { c in
            payload.withUnsafeBufferPointer { p in
                invoke("p2p_message \(command)") { h, m in
                    f(h, peer, flux_bytes(data: c.baseAddress, len: UInt64(c.count)),
                      flux_bytes(data: p.baseAddress, len: UInt64(p.count)), m)
                }
            }
        }
    }

    /// Asks the old build for its state (hot upgrade).
    public func exportState() -> Result<(version: UInt32, state: [UInt8]), PluginCallError> {
        guard let f = image.callbacks.pointee.export_state else { return .success((0, [])) }
        var version: UInt32 = 0
        var state = flux_buffer(data: nil, len: 0)
        var message = flux_buffer(data: nil, len: 0)
        guard let h = enter() else { return .failure(PluginCallError(status: FLUX_ERR_STATE, message: "unloaded")) }
        let status = f(h, &version, &state, &message)
        leave()
        let bytes = takeBuffer(&state)
        let text = takeMessage(&message)
        guard status == FLUX_OK else { return .failure(PluginCallError(status: status, message: text ?? "export_state failed")) }
        return .success((version, bytes))
    }

    /// Hands the old build's state to this one (hot upgrade).
    public func importState(version: UInt32, state: [UInt8]) -> Result<Void, PluginCallError> {
        guard let f = image.callbacks.pointee.import_state else { return .success(()) }
        var message = flux_buffer(data: nil, len: 0)
        guard let h = enter() else { return .failure(PluginCallError(status: FLUX_ERR_STATE, message: "unloaded")) }
        let status = state.withUnsafeBufferPointer { s in
            f(h, version, flux_bytes(data: s.baseAddress, len: UInt64(s.count)), &message)
        }
        leave()
        let text = takeMessage(&message)
        guard status == FLUX_OK else { return .failure(PluginCallError(status: status, message: text ?? "import_state failed")) }
        return .success(())
    }

    // MARK: Proof of Node (ABI 1.1)

    /// Whether the plugin can produce PoN blocks (it has `pon_propose` and `pon_sign`), not only judge them.
    public var producesProofOfNode: Bool {
        image.callbacks.pointee.pon_propose != nil && image.callbacks.pointee.pon_sign != nil
    }

    /// `pon_operator_key`: the operator key of the node named by `collateral` (36 bytes: txid ‖ LE32 index) for
    /// the block after `parentHash` at `parentHeight`; `.notFound` when no such node may produce it.
    public func ponOperatorKey(collateral: [UInt8], parentHeight: Int64, parentHash: [UInt8]) -> ProofOfNodeAnswer<[UInt8]> {
        guard let f = image.callbacks.pointee.pon_operator_key else { return .fault("\(name) has no pon_operator_key") }
        guard collateral.count == 36, parentHash.count == 32 else { return .fault("pon_operator_key: malformed arguments") }
        let sink = HostSink()
        let (status, outcome) = call("pon_operator_key \(parentHeight + 1)", allowing: FLUX_ERR_NOT_FOUND) { h, m in
            collateral.withUnsafeBufferPointer { c in
                parentHash.withUnsafeBufferPointer { ph in
                    f(h, c.baseAddress!, parentHeight, ph.baseAddress!, HostSink.callback, sink.context, m)
                }
            }
        }
        switch outcome {
        case .ok where status == FLUX_ERR_NOT_FOUND: return .notFound
        case .ok: return .found(sink.bytes)
        case let .rejected(message), let .fault(message): return .fault(message)
        }
    }

    /// `pon_propose`: whether this node produces the block at `height` on `parentHash` with `time` and `bits`:
    /// the collateral to name (36 bytes) and the delay into the slot, or `.notFound`.
    public func ponPropose(height: Int64, parentHash: [UInt8], time: UInt32, bits: UInt32)
        -> ProofOfNodeAnswer<(collateral: [UInt8], delayMilliseconds: UInt32)> {
        guard let f = image.callbacks.pointee.pon_propose else { return .fault("\(name) has no pon_propose") }
        guard parentHash.count == 32 else { return .fault("pon_propose: malformed parent hash") }
        var collateral = [UInt8](repeating: 0, count: 36)
        var delay: UInt32 = 0
        let (status, outcome) = call("pon_propose \(height)", allowing: FLUX_ERR_NOT_FOUND) { h, m in
            parentHash.withUnsafeBufferPointer { ph in
                collateral.withUnsafeMutableBufferPointer { c in f(h, height, ph.baseAddress!, time, bits, c.baseAddress!, &delay, m) }
            }
        }
        switch outcome {
        case .ok where status == FLUX_ERR_NOT_FOUND: return .notFound
        case .ok: return .found((collateral, delay))
        case let .rejected(message), let .fault(message): return .fault(message)
        }
    }

    /// `pon_sign`: the DER signature of `blockHash` (internal order) by the operator key of `collateral`.
    public func ponSign(collateral: [UInt8], blockHash: [UInt8]) -> Result<[UInt8], PluginCallError> {
        guard let f = image.callbacks.pointee.pon_sign else {
            return .failure(PluginCallError(status: FLUX_ERR_UNSUPPORTED, message: "\(name) has no pon_sign"))
        }
        guard collateral.count == 36, blockHash.count == 32 else {
            return .failure(PluginCallError(status: FLUX_ERR_INVALID_ARGUMENT, message: "pon_sign: malformed arguments"))
        }
        var signature = flux_buffer(data: nil, len: 0)
        let (status, outcome) = call("pon_sign", allowing: nil) { h, m in
            collateral.withUnsafeBufferPointer { c in
                blockHash.withUnsafeBufferPointer { b in f(h, c.baseAddress!, b.baseAddress!, &signature, m) }
            }
        }
        let bytes = takeBuffer(&signature)
        switch outcome {
        case .ok: return .success(bytes)
        case let .rejected(message), let .fault(message):
            return .failure(PluginCallError(status: status == FLUX_OK ? FLUX_ERR_FAILED : status, message: message))
        }
    }

    /// Counts an event dropped from a full observer queue.
    public func countDrop() { count { $0.dropped += 1 } }

    // MARK: Plumbing

    /// Enters a call: the instance handle (which may be NULL for a plugin without instance state), or nil once
    /// unloaded. Every successful `enter` is paired with `leave`.
    private func enter() -> OpaquePointer?? {
        flight.lock()
        defer { flight.unlock() }
        guard let h = lock.withLock({ isUnloaded ? nil : Optional(handle) }) else { return nil }
        inFlight += 1
        return .some(h)
    }

    private func leave() {
        flight.lock()
        inFlight -= 1
        if inFlight == 0 { flight.broadcast() }
        flight.unlock()
    }

    private func count(_ body: (inout Counters) -> Void) { lock.withLock { body(&counters) } }

    /// Calls `body` with the live handle and a message buffer, timing it and classifying the status.
    private func invoke(_ what: String, _ body: (OpaquePointer?, UnsafeMutablePointer<flux_buffer>) -> Int32) -> Outcome {
        call(what, allowing: nil, body).outcome
    }

    /// ``invoke(_:_:)`` that also returns the status; `allowed` (e.g. FLUX_ERR_NOT_FOUND, an answer of the PoN
    /// callbacks) counts as ``Outcome/ok`` rather than a fault.
    private func call(_ what: String, allowing allowed: Int32?,
                      _ body: (OpaquePointer?, UnsafeMutablePointer<flux_buffer>) -> Int32) -> (status: Int32, outcome: Outcome) {
        guard let h = enter() else { return (FLUX_ERR_STATE, .fault("\(name) is unloaded")) }
        defer { leave() }
        var message = flux_buffer(data: nil, len: 0)
        let started = ContinuousClock.now
        let status = body(h, &message)
        let elapsed = ContinuousClock.now - started
        let text = takeMessage(&message)
        var outcome: Outcome
        switch status {
        case FLUX_OK: outcome = .ok
        case let s where s == allowed: outcome = .ok
        case FLUX_ERR_REJECTED: outcome = .rejected(text ?? "rejected by \(name)")
        default: outcome = .fault("\(what): \(PluginInstance.statusName(status))\(text.map { ": \($0)" } ?? "")")
        }
        if elapsed > budget, case .ok = outcome {
            outcome = .fault("\(what) took \(elapsed), over the budget of \(budget)")
            count { $0.overruns += 1 }
        }
        count { c in
            c.calls += 1
            c.nanoseconds &+= UInt64(elapsed.components.seconds) &* 1_000_000_000
                &+ UInt64(elapsed.components.attoseconds / 1_000_000_000)
            if case let .fault(m) = outcome {
                c.faults += 1
                c.lastFault = m
            }
        }
        if case let .fault(m) = outcome { logger.warning("plugin fault: \(m)") }
        return (status, outcome)
    }

    private func withBlockEvent<T>(height: Int64, hash: [UInt8], block: [UInt8], replay: Bool,
                                   _ body: (UnsafePointer<flux_block_event>) -> T) -> T {
        block.withUnsafeBufferPointer { bytes in
            var event = flux_block_event()
            event.struct_size = UInt32(MemoryLayout<flux_block_event>.size)
            event.flags = replay ? UInt32(FLUX_EVENT_REPLAY) : 0
            event.height = height
            withUnsafeMutableBytes(of: &event.hash) { $0.copyBytes(from: hash.prefix(32)) }
            event.block = flux_bytes(data: bytes.baseAddress, len: UInt64(bytes.count))
            return withUnsafePointer(to: &event) { body($0) }
        }
    }

    private func withTransaction<T>(_ transaction: PluginKVTransaction?, _ body: (OpaquePointer?) -> T) -> T {
        guard let transaction else { return body(nil) }
        transaction.isOpen = true
        defer { transaction.isOpen = false }
        return withExtendedLifetime(transaction) {
            body(OpaquePointer(Unmanaged.passUnretained(transaction).toOpaque()))
        }
    }

    /// Copies and releases a buffer the plugin returned.
    private func takeBuffer(_ buffer: inout flux_buffer) -> [UInt8] {
        defer { buffer = flux_buffer(data: nil, len: 0) }
        guard let data = buffer.data else { return [] }
        let bytes = Array(UnsafeBufferPointer(start: data, count: Int(min(buffer.len, 64 << 20))))
        image.callbacks.pointee.free_buffer?(buffer)
        return bytes
    }

    private func takeMessage(_ buffer: inout flux_buffer) -> String? {
        let bytes = takeBuffer(&buffer)
        return bytes.isEmpty ? nil : String(decoding: bytes.prefix(4096), as: UTF8.self)
    }

    static func statusName(_ status: Int32) -> String {
        switch status {
        case FLUX_OK: "FLUX_OK"
        case FLUX_ERR_FAILED: "FLUX_ERR_FAILED"
        case FLUX_ERR_INVALID_ARGUMENT: "FLUX_ERR_INVALID_ARGUMENT"
        case FLUX_ERR_NOT_FOUND: "FLUX_ERR_NOT_FOUND"
        case FLUX_ERR_UNSUPPORTED: "FLUX_ERR_UNSUPPORTED"
        case FLUX_ERR_REJECTED: "FLUX_ERR_REJECTED"
        case FLUX_ERR_STATE: "FLUX_ERR_STATE"
        case FLUX_ERR_LIMIT: "FLUX_ERR_LIMIT"
        default: "status \(status)"
        }
    }

    // MARK: Host side of the table (called from PluginHostTable)

    static func from(_ host: OpaquePointer?) -> PluginInstance? {
        guard let host else { return nil }
        return Unmanaged<PluginInstance>.fromOpaque(UnsafeRawPointer(host)).takeUnretainedValue()
    }

    func registerRPC(_ name: String, help: String) -> Int32 {
        lock.withLock {
            guard loading else { return FLUX_ERR_STATE }
            guard PluginImage.isValidName(name) else { return FLUX_ERR_INVALID_ARGUMENT }
            guard !rpcMethods.contains(where: { $0.name == name }) else { return FLUX_ERR_INVALID_ARGUMENT }
            rpcMethods.append((name, help))
            return FLUX_OK
        }
    }

    /// `register_global_rpc`: the status, and the reason of a refusal.
    func registerGlobalRPC(_ method: String, help: String) -> (status: Int32, reason: String?) {
        lock.withLock {
            guard loading else { return (FLUX_ERR_STATE, "register_global_rpc is allowed during on_load only") }
            guard image.info.has(FLUX_CAP_RPC) else {
                return (FLUX_ERR_UNSUPPORTED, "register_global_rpc needs FLUX_CAP_RPC in descriptor.capabilities")
            }
            guard PluginGlobalMethods.isValidName(method) else {
                return (FLUX_ERR_INVALID_ARGUMENT, "global RPC name \"\(method)\" is not [a-z][a-z0-9_]{0,63}")
            }
            guard !globalRPCMethods.contains(where: { $0.name == method }) else {
                return (FLUX_ERR_INVALID_ARGUMENT, "global RPC name \"\(method)\" is registered twice by plugin \(name)")
            }
            if let reason = globalMethods.refusal(method, plugin: name) {
                return (FLUX_ERR_REJECTED, reason)
            }
            globalRPCMethods.append((method, help))
            return (FLUX_OK, nil)
        }
    }

    func registerP2P(_ command: String) -> Int32 {
        lock.withLock {
            guard loading else { return FLUX_ERR_STATE }
            guard !command.isEmpty, name.utf8.count + 1 + command.utf8.count <= 12,
                  command.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { return FLUX_ERR_LIMIT }
            p2pCommands.append(command)
            return FLUX_OK
        }
    }

    func setMetric(_ metric: String, value: Double, add: Bool) -> Int32 {
        guard PluginImage.isValidName(metric), value.isFinite, !add || value >= 0 else { return FLUX_ERR_INVALID_ARGUMENT }
        lock.withLock { metricValues[metric] = add ? (metricValues[metric] ?? 0) + value : value }
        return FLUX_OK
    }
}

/// The answer of a Proof-of-Node callback.
public enum ProofOfNodeAnswer<Value: Sendable>: Sendable {
    /// FLUX_OK with its value.
    case found(Value)
    /// FLUX_ERR_NOT_FOUND: no such node, or this node is not the producer (an answer, not a fault).
    case notFound
    /// Any other status, an overrun, or no instance: no answer (counted as the plugin's fault).
    case fault(String)
}

/// Collects the bytes a plugin hands to a host-provided `flux_sink`.
final class HostSink {
    var bytes: [UInt8] = []
    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static let callback: flux_sink = { context, data, length in
        guard let context else { return }
        let sink = Unmanaged<HostSink>.fromOpaque(context).takeUnretainedValue()
        if let data, length > 0, length <= 1 << 20 { sink.bytes += UnsafeBufferPointer(start: data, count: Int(length)) }
    }
}

/// A failed plugin call: the ABI status and the plugin's message.
public struct PluginCallError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The `FLUX_ERR_*` status.
    public let status: Int32
    /// The plugin's message.
    public let message: String
    /// Creates an error.
    public init(status: Int32, message: String) {
        self.status = status
        self.message = message
    }
    public var description: String { "\(PluginInstance.statusName(status)): \(message)" }
}
