import CFluxPlugin
import Foundation
import Logging

/// The plugins of one node: loads what `plugins.toml` enables, keeps them in the operator's call order, delivers
/// observer events through a bounded queue per plugin, and reports their state for `listplugins`.
///
/// In-line plugins (stateful or judging) are called by the chain itself, through the node's adapter, in
/// ``inlinePlugins`` order; this type only decides who is active. A stateful plugin that faults is disabled at
/// once (its state would miss a block) and resumes from its cursor when it is loaded again; an observer is
/// disabled after ``maxObserverFaults`` faults in a row. Neither ever stops the node.
public final class PluginManager: @unchecked Sendable {
    /// One configured plugin and what became of it.
    public struct Status: Sendable {
        /// The configuration entry.
        public let configuration: PluginConfiguration
        /// The descriptor, once the image was checked.
        public let info: PluginDescriptorInfo?
        /// SHA-256 of the loaded image.
        public let sha256: String?
        /// "active", "disabled: …", "failed: …", "not enabled".
        public let state: String
        /// Call and fault counters.
        public let counters: PluginInstance.Counters
        /// When it was loaded.
        public let loadedAt: Date?
        /// The global (unprefixed) RPC names it claims (ABI 1.2), sorted.
        public let globalMethods: [String]
    }

    /// Mutable fields are guarded by the manager's lock.
    final class Entry: @unchecked Sendable {
        let configuration: PluginConfiguration
        var instance: PluginInstance?
        var info: PluginDescriptorInfo?
        var sha256: String?
        var state: String
        var loadedAt: Date?
        var consecutiveFaults = 0
        let queue: DispatchQueue
        var queued = 0

        init(configuration: PluginConfiguration, state: String) {
            self.configuration = configuration
            self.state = state
            queue = DispatchQueue(label: "flux.plugin.\(configuration.name)")
        }
    }

    /// Observer faults in a row after which an observer is disabled.
    public static let maxObserverFaults = 5

    let services: any PluginServices
    /// Who owns each global RPC name; the node reserves its core method names here before loading plugins.
    public let globalMethods = PluginGlobalMethods()
    let imagesDirectory: String
    let logger: Logger
    private let lock = NSLock()
    private var entries: [Entry] = []
    private var retired = 0

    /// A manager whose plugins will use `services`; images are copied into `imagesDirectory`.
    public init(services: any PluginServices, imagesDirectory: String, logger: Logger) {
        self.services = services
        self.imagesDirectory = imagesDirectory
        self.logger = logger
    }

    /// Loads every enabled plugin of `file` in call order. A plugin that fails is logged and left out, unless it
    /// is `required`: then the error is thrown (the node refuses to start) after unloading what was loaded.
    public func load(_ file: PluginsFile) throws(PluginLoadError) {
        for configuration in file.plugins where !configuration.enabled {
            lock.withLock { entries.append(Entry(configuration: configuration, state: "not enabled")) }
        }
        for configuration in file.enabledPluginsInCallOrder {
            let entry = Entry(configuration: configuration, state: "loading")
            do throws(PluginLoadError) {
                let image = try PluginImage.load(path: configuration.path, pinnedSHA256: configuration.sha256,
                                                 imagesDirectory: imagesDirectory)
                guard image.info.name == configuration.name else {
                    throw PluginLoadError(path: configuration.path,
                                          reason: "the image calls itself \"\(image.info.name)\", plugins.toml names it \"\(configuration.name)\"")
                }
                try checkSingleProofOfNode(image, path: configuration.path)
                entry.info = image.info
                entry.sha256 = image.sha256
                let instance = try PluginInstance(image: image, configuration: configuration.configBytes,
                                                  services: services, budget: configuration.budget,
                                                  globalMethods: globalMethods, logger: logger)
                if case let .failure(error) = globalMethods.claim(plugin: configuration.name,
                                                                  names: instance.globalRPCMethods.map(\.name)) {
                    instance.unload()
                    throw PluginLoadError(path: configuration.path, reason: error.reason)
                }
                entry.instance = instance
                entry.state = "active"
                entry.loadedAt = Date()
                logger.info("plugin \(configuration.name) \(image.info.version) loaded (\(image.sha256.prefix(12)))")
            } catch {
                entry.state = "failed: \(error.reason)"
                logger.error("\(error)\(configuration.required ? "" : "; the node runs on without it")")
                if configuration.required {
                    unloadAll()
                    throw error
                }
            }
            lock.withLock { entries.append(entry) }
        }
    }

    /// How many recent blocks a same-consensus-version build must judge like the running one before it may replace
    /// it.
    public static let shadowBlocks = 100

    /// A hot upgrade: loads the build at `path` (default: the configured path) as a new image, checks it may replace
    /// the running one, creates its instance, and at a block boundary (`atBlockBoundary` runs its argument with
    /// block connection paused) hands over the old build's state and switches. The old image is never unmapped;
    /// any failure leaves the old build running and says why.
    ///
    /// Consensus plugins: the new build's consensus version must equal the running one's (and the new build must
    /// give the same verdicts on the last ``shadowBlocks`` blocks, supplied by `recentBlocks`), or be higher with an
    /// activation height above the tip (`tipHeight`).
    public func reload(_ name: String, path: String? = nil, tipHeight: Int64,
                       recentBlocks: () -> [(height: Int64, hash: [UInt8], block: [UInt8])],
                       atBlockBoundary: (() -> Void) -> Void) throws(PluginLoadError) -> PluginDescriptorInfo {
        guard let entry = lock.withLock({ entries.first { $0.configuration.name == name } }) else {
            throw PluginLoadError(path: path ?? name, reason: "no plugin named \(name) in plugins.toml")
        }
        let source = path ?? entry.configuration.path
        let image = try PluginImage.load(path: source, pinnedSHA256: path == nil ? entry.configuration.sha256 : nil,
                                         imagesDirectory: imagesDirectory)
        func refuse(_ reason: String) -> PluginLoadError { PluginLoadError(path: source, reason: reason) }
        guard image.info.name == name else {
            throw refuse("the new build calls itself \"\(image.info.name)\", not \"\(name)\"")
        }
        try checkSingleProofOfNode(image, path: source)
        let old = lock.withLock { entry.state == "active" ? entry.instance : nil }
        if let oldInfo = old?.image.info, oldInfo.isConsensus || image.info.isConsensus {
            if image.info.consensusVersion < oldInfo.consensusVersion {
                throw refuse("consensus_version \(image.info.consensusVersion) is lower than the running \(oldInfo.consensusVersion)")
            }
            if image.info.consensusVersion > oldInfo.consensusVersion && image.info.activationHeight <= tipHeight {
                throw refuse("consensus_version \(image.info.consensusVersion) must name an activation height above the tip "
                             + "(\(tipHeight)); it names \(image.info.activationHeight)")
            }
        }
        let new = try PluginInstance(image: image, configuration: entry.configuration.configBytes, services: services,
                                     budget: entry.configuration.budget, globalMethods: globalMethods, logger: logger)
        // Shadow re-validation. A stateless judge's verdict on a connected block is "valid" whatever the chain's
        // state, so the new build alone judges the recent blocks, before the switch. A stateful judge reads state
        // as of the tip, where older blocks no longer apply: there both builds judge the same recent blocks against
        // the same state, with block connection paused, and must agree (valid or not).
        let shadowBlocks = old.map { image.info.consensusVersion == $0.image.info.consensusVersion && $0.image.info.judgesBlocks }
            == true ? recentBlocks().filter { $0.height >= image.info.activationHeight } : []
        let differential = old?.image.info.isStateful == true
        if !differential {
            for b in shadowBlocks {
                let verdict = new.checkBlock(height: b.height, hash: b.hash, block: b.block)
                guard verdict == .ok else {
                    new.unload()
                    throw refuse("in shadow the new build judged block \(b.height) differently: \(verdict)")
                }
            }
        }
        drainObservers()
        var failure: String?
        atBlockBoundary {
            if differential, let old {
                for b in shadowBlocks {
                    let before = old.checkBlock(height: b.height, hash: b.hash, block: b.block)
                    let after = new.checkBlock(height: b.height, hash: b.hash, block: b.block)
                    if case .fault = after { failure = "in shadow the new build gave no verdict on block \(b.height): \(after)" }
                    if (before == .ok) != (after == .ok) {
                        failure = "in shadow the new build judged block \(b.height) differently: \(after), the running build \(before)"
                    }
                    if failure != nil { return }
                }
            }
            if let old {
                switch old.exportState() {
                case let .failure(error): failure = "the running build could not export its state: \(error)"
                case let .success((version, state)):
                    if case let .failure(error) = new.importState(version: version, state: state) {
                        failure = "the new build refused the state (version \(version)): \(error)"
                    }
                }
            }
            guard failure == nil else { return }
            // The new build's global names replace the old build's (its own names are no clash).
            if case let .failure(error) = globalMethods.claim(plugin: name, names: new.globalRPCMethods.map(\.name)) {
                failure = error.reason
                return
            }
            lock.withLock {
                entry.instance = new
                entry.info = image.info
                entry.sha256 = image.sha256
                entry.state = "active"
                entry.loadedAt = Date()
                entry.consecutiveFaults = 0
                retired += old == nil ? 0 : 1
            }
        }
        if let failure {
            new.unload()
            throw refuse(failure)
        }
        old?.unload()
        logger.info("plugin \(name) upgraded to \(image.info.version) (\(image.sha256.prefix(12))); the old image stays mapped")
        return image.info
    }

    /// At most one active plugin may declare `FLUX_CAP_PROOF_OF_NODE`: refuses `image` when another plugin (by
    /// name: a new build of the same plugin replaces it) provides Proof of Node.
    func checkSingleProofOfNode(_ image: PluginImage, path: String) throws(PluginLoadError) {
        guard image.info.providesProofOfNode else { return }
        let other = lock.withLock {
            entries.first { $0.state == "active" && $0.info?.providesProofOfNode == true && $0.configuration.name != image.info.name }
        }
        if let other {
            throw PluginLoadError(path: path, reason: "descriptor.capabilities declares FLUX_CAP_PROOF_OF_NODE, but plugin "
                                  + "\(other.configuration.name) already provides Proof of Node (at most one may)")
        }
    }

    /// The active plugin that provides Proof of Node (`FLUX_CAP_PROOF_OF_NODE`), if any.
    public var proofOfNodePlugin: PluginInstance? {
        lock.withLock {
            entries.first { $0.state == "active" && $0.info?.providesProofOfNode == true }?.instance
        }
    }

    /// Adds a plugin that is not in `plugins.toml` (`loadplugin PATH`): it can then be loaded with ``reload``.
    /// Returns false when a plugin of that name is already configured.
    public func addConfiguration(_ configuration: PluginConfiguration) -> Bool {
        lock.withLock {
            guard !entries.contains(where: { $0.configuration.name == configuration.name }) else { return false }
            entries.append(Entry(configuration: configuration, state: "not loaded"))
            return true
        }
    }

    /// Stops calling plugin `name` and unloads its instance (`unloadplugin`). Its image stays mapped.
    public func unload(_ name: String) -> Bool {
        let instance: PluginInstance? = lock.withLock {
            guard let e = entries.first(where: { $0.configuration.name == name && $0.state == "active" }) else { return nil }
            e.state = "unloaded by request"
            retired += 1
            return e.instance
        }
        guard let instance else { return false }
        drainObservers()
        instance.unload()
        return true
    }

    /// Images retired by upgrades and unloads (still mapped: Swift images are never unmapped).
    public var retiredImages: Int { lock.withLock { retired } }

    /// `-checkplugins`: loads each enabled plugin of `file` and calls its `on_load` with its configuration, then
    /// unloads it; nothing is attached to a chain. Returns one line per plugin and whether all passed.
    public static func check(_ file: PluginsFile, services: any PluginServices, imagesDirectory: String,
                             coreMethods: [String] = [], logger: Logger) -> (report: [String], ok: Bool) {
        var report: [String] = []
        var ok = true
        let globalMethods = PluginGlobalMethods()
        globalMethods.reserveCoreMethods(coreMethods)
        for configuration in file.enabledPluginsInCallOrder {
            do throws(PluginLoadError) {
                let image = try PluginImage.load(path: configuration.path, pinnedSHA256: configuration.sha256,
                                                 imagesDirectory: imagesDirectory)
                guard image.info.name == configuration.name else {
                    throw PluginLoadError(path: configuration.path,
                                          reason: "the image calls itself \"\(image.info.name)\", plugins.toml names it \"\(configuration.name)\"")
                }
                let instance = try PluginInstance(image: image, configuration: configuration.configBytes,
                                                  services: services, budget: configuration.budget,
                                                  globalMethods: globalMethods, logger: logger)
                instance.unload()
                if case let .failure(error) = globalMethods.claim(plugin: configuration.name,
                                                                  names: instance.globalRPCMethods.map(\.name)) {
                    throw PluginLoadError(path: configuration.path, reason: error.reason)
                }
                report.append("ok      \(configuration.name) \(image.info.version) (ABI \(image.info.abiMajor).\(image.info.abiMinor), "
                              + "\(image.info.toolchain), sha256 \(image.sha256))")
            } catch {
                ok = false
                report.append("FAILED  \(configuration.name): \(error)")
            }
        }
        if file.enabledPlugins.isEmpty { report.append("no enabled plugins in \(file.path ?? "(none)")") }
        return (report, ok)
    }

    /// Active plugins called in-line by the chain (stateful or judging), in call order.
    public var inlinePlugins: [PluginInstance] {
        lock.withLock { entries.compactMap { $0.state == "active" && $0.info?.isInline == true ? $0.instance : nil } }
    }

    /// Active plugins that judge mempool transactions (`FLUX_CAP_JUDGE_TRANSACTIONS`), in call order.
    public var transactionJudges: [PluginInstance] {
        lock.withLock {
            entries.compactMap { $0.state == "active" && $0.info?.has(FLUX_CAP_JUDGE_TRANSACTIONS) == true ? $0.instance : nil }
        }
    }

    /// Active plugins that pay coinbase outputs (`FLUX_CAP_COINBASE_OUTPUTS`), in call order.
    public var coinbasePayers: [PluginInstance] {
        lock.withLock {
            entries.compactMap { $0.state == "active" && $0.info?.has(FLUX_CAP_COINBASE_OUTPUTS) == true ? $0.instance : nil }
        }
    }

    /// Every active plugin.
    public var activePlugins: [PluginInstance] {
        lock.withLock { entries.compactMap { $0.state == "active" ? $0.instance : nil } }
    }

    /// The active plugin named `name`.
    public func plugin(named name: String) -> PluginInstance? { activePlugins.first { $0.name == name } }

    /// Disables a plugin after a fault it cannot recover from in place (a stateful plugin missed a block).
    public func disable(_ instance: PluginInstance, reason: String) {
        lock.withLock {
            for e in entries where e.instance === instance && e.state == "active" { e.state = "disabled: \(reason)" }
        }
        logger.error("plugin \(instance.name) disabled: \(reason)")
    }

    /// Queues an event for every active observer with `capability` that is not called in-line. When a plugin's
    /// queue is full the event is dropped and counted.
    public func observe(_ capability: Int32, _ deliver: @escaping @Sendable (PluginInstance) -> PluginInstance.Outcome) {
        let targets: [Entry] = lock.withLock {
            entries.filter { e in
                guard e.state == "active", let info = e.info, info.has(capability) else { return false }
                return !(info.has(FLUX_CAP_STATEFUL) && capability == FLUX_CAP_OBSERVE_BLOCKS)
            }
        }
        for entry in targets {
            guard let instance = entry.instance else { continue }
            let accepted: Bool = lock.withLock {
                guard entry.queued < entry.configuration.queueLength else { return false }
                entry.queued += 1
                return true
            }
            guard accepted else {
                instance.countDrop()
                continue
            }
            entry.queue.async { [self] in
                // The instance is looked up when the event is delivered: events queued across a hot upgrade go to
                // the build that is current then, in order, once each.
                let current = lock.withLock { entry.state == "active" ? entry.instance : nil }
                let outcome = current.map(deliver) ?? .ok
                lock.withLock {
                    entry.queued -= 1
                    if case .fault = outcome { entry.consecutiveFaults += 1 } else { entry.consecutiveFaults = 0 }
                }
                if lock.withLock({ entry.consecutiveFaults >= PluginManager.maxObserverFaults && entry.state == "active" }) {
                    disable(current ?? instance, reason: "\(PluginManager.maxObserverFaults) faults in a row")
                }
            }
        }
    }

    /// Waits until every observer queue is empty (tests, shutdown).
    public func drainObservers() {
        let queues = lock.withLock { entries.map(\.queue) }
        for q in queues { q.sync {} }
    }

    /// What `listplugins` shows.
    public var statuses: [Status] {
        lock.withLock {
            entries.map { e in
                Status(configuration: e.configuration, info: e.info, sha256: e.sha256, state: e.state,
                       counters: e.instance?.counterSnapshot ?? PluginInstance.Counters(), loadedAt: e.loadedAt,
                       globalMethods: globalMethods.names(of: e.configuration.name))
            }
        }
    }

    /// Unloads every plugin (shutdown). Observer queues are drained first.
    public func unloadAll() {
        drainObservers()
        let instances = lock.withLock { entries.compactMap(\.instance) }
        for instance in instances.reversed() { instance.unload() }
        lock.withLock {
            for e in entries where e.state == "active" { e.state = "unloaded" }
        }
    }
}

extension PluginManager {
    /// Whether any active observer wants block events (so callers can skip serialising blocks otherwise).
    public var observesBlocks: Bool { hasObserver(FLUX_CAP_OBSERVE_BLOCKS) }
    /// Whether any active observer wants mempool transactions.
    public var observesMempool: Bool { hasObserver(FLUX_CAP_OBSERVE_MEMPOOL) }

    private func hasObserver(_ capability: Int32) -> Bool {
        activePlugins.contains { p in
            p.image.info.has(capability) && !(capability == FLUX_CAP_OBSERVE_BLOCKS && p.image.info.isStateful)
        }
    }

    /// A block joined or left the active chain: queued for observers (stateful plugins get it in-line instead).
    public func observeBlock(connected: Bool, height: Int64, hash: [UInt8], block: [UInt8]) {
        observe(FLUX_CAP_OBSERVE_BLOCKS) { plugin in
            plugin.blockEvent(connected: connected, height: height, hash: hash, block: block, transaction: nil)
        }
    }

    /// The tip changed.
    public func observeTip(height: Int64, hash: [UInt8]) {
        observe(FLUX_CAP_OBSERVE_TIP) { plugin in plugin.tipChanged(height: height, hash: hash) }
    }

    /// A transaction entered the mempool.
    public func observeTransaction(txid: [UInt8], fee: Int64, transaction: [UInt8]) {
        observe(FLUX_CAP_OBSERVE_MEMPOOL) { plugin in plugin.transactionAccepted(txid: txid, fee: fee, transaction: transaction) }
    }

    /// The once-a-second tick.
    public func tick(unixMillis: Int64) {
        observe(FLUX_CAP_TICK) { plugin in plugin.tick(unixMillis: unixMillis) }
    }
}
