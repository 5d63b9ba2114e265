import FluxChain
import FluxConsensus
import FluxJSON
import FluxMempool
import FluxPluginHost
import FluxPrimitives
import FluxRPC
import FluxStorage
import Foundation
import Logging

/// The plugin host's RPC: the administration calls (`listplugins`, `loadplugin`, `unloadplugin`, `reloadplugin`,
/// `checkplugins`) and the registration of each plugin's own calls.
extension Node {
    /// `listplugins`, the admin calls and every plugin's own methods (`NAME.method`).
    func registerPluginMethods() {
        let manager = plugins
        let chainStore = chain.store
        registry.register("listplugins", category: "Plugins",
                          help: "listplugins\nConfigured plugins: name, version, ABI, path, sha256, state, calls, faults, drops, for stateful plugins the height of the last block they processed (synced_height), and the global RPC names a plugin serves (global_methods).") { request throws(RPCError) in
            guard request.params.isEmpty else { throw RPCError(code: -1, message: "listplugins takes no parameters") }
            return .array(manager.statuses.map { s in
                var o: [(String, JSONValue)] = [("name", .string(s.configuration.name)), ("path", .string(s.configuration.path)),
                                                 ("state", .string(s.state)), ("required", .bool(s.configuration.required))]
                if let info = s.info {
                    o += [("version", .string(info.version)), ("build", .string(info.buildID)),
                          ("abi", .string("\(info.abiMajor).\(info.abiMinor)")), ("toolchain", .string(info.toolchain)),
                          ("consensus_version", .int(info.consensusVersion))]
                }
                if let sha = s.sha256 { o.append(("sha256", .string(sha))) }
                if s.info?.isStateful == true,
                   let raw = try? chainStore.pluginValue(namespace: "plugin." + s.configuration.name, key: PluginChainJudge.cursorKey),
                   raw.count == 40 {
                    o.append(("synced_height", .int(raw[0..<8].reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) })))
                }
                o += [("calls", .int(s.counters.calls)), ("events", .int(s.counters.calls)), ("faults", .int(s.counters.faults)),
                      ("overruns", .int(s.counters.overruns)), ("dropped", .int(s.counters.dropped))]
                if let fault = s.counters.lastFault { o.append(("last_fault", .string(fault))) }
                if !s.globalMethods.isEmpty { o.append(("global_methods", .array(s.globalMethods.map { .string($0) }))) }
                return .object(o)
            })
        }
        registry.register("reloadplugin", category: "Plugins",
                          help: "reloadplugin \"name\" ( \"path\" )\nHot upgrade: loads the build at path (default: the configured one), hands over its state and switches at a block boundary; the old build keeps running if anything fails.") { [weak self] request throws(RPCError) in
            guard let self else { throw RPCError(code: -1, message: "node stopped") }
            guard let name = request.params.first?.stringValue, request.params.count <= 2 else {
                throw RPCError(code: -8, message: "reloadplugin \"name\" ( \"path\" )")
            }
            let path = request.params.count == 2 ? request.params[1].stringValue : nil
            do throws(PluginLoadError) {
                let info = try self.reloadPlugin(name, path: path)
                return .object([("name", .string(info.name)), ("version", .string(info.version)), ("state", "active")])
            } catch {
                throw RPCError(code: -1, message: "\(error)")
            }
        }
        registry.register("loadplugin", category: "Plugins",
                          help: "loadplugin \"name|path\"\nLoads a plugin of plugins.toml that is not running (failed, unloaded or disabled), or a new plugin from a shared object's path (named by its descriptor, default settings).") { [weak self] request throws(RPCError) in
            guard let self else { throw RPCError(code: -1, message: "node stopped") }
            guard let argument = request.params.first?.stringValue, request.params.count == 1 else {
                throw RPCError(code: -8, message: "loadplugin \"name|path\"")
            }
            var name = argument
            if argument.contains("/") {
                let image: PluginImage
                do throws(PluginLoadError) {
                    image = try PluginImage.load(path: argument, imagesDirectory: self.configuration.dataDirectory
                        .appendingPathComponent("plugins/images").path)
                } catch {
                    throw RPCError(code: -1, message: "\(error)")
                }
                name = image.info.name
                _ = self.plugins.addConfiguration(PluginConfiguration(name: name, path: argument))
            }
            guard self.plugins.plugin(named: name) == nil else {
                throw RPCError(code: -8, message: "plugin \(name) is already running; use reloadplugin")
            }
            do throws(PluginLoadError) {
                let info = try self.reloadPlugin(name, path: argument.contains("/") ? argument : nil)
                return .object([("name", .string(info.name)), ("version", .string(info.version)), ("state", "active")])
            } catch {
                throw RPCError(code: -1, message: "\(error)")
            }
        }
        registry.register("checkplugins", category: "Plugins",
                          help: "checkplugins ( \"path\" )\nLoads and validates every enabled plugin of a plugins.toml (default: the node's) and its configuration without attaching anything.") { [weak self] request throws(RPCError) in
            guard let self else { throw RPCError(code: -1, message: "node stopped") }
            let file: PluginsFile
            do {
                if let path = request.params.first?.stringValue {
                    file = try PluginsFile(contentsOf: path)
                } else {
                    file = try PluginsFile.load(explicit: self.configuration.options.string("plugins"),
                                                dataDirectory: self.configuration.dataDirectory.path,
                                                repositoryDefault: self.repositoryPlugins)
                }
            } catch {
                throw RPCError(code: -8, message: "\(error)")
            }
            let scratch = self.configuration.dataDirectory.appendingPathComponent("plugins/check").path
            let core = self.registry.methods.map(\.name).filter { self.plugins.globalMethods.owner(of: $0) == nil }
            let (report, ok) = PluginManager.check(file, services: OfflinePluginServices.forNetwork(self.params, options: self.configuration.options), imagesDirectory: scratch,
                                                   coreMethods: core, logger: self.logger)
            return .object([("file", file.path.map { .string($0) } ?? .null), ("ok", .bool(ok)),
                            ("report", .array(report.map { .string($0) }))])
        }
        registry.register("unloadplugin", category: "Plugins",
                          help: "unloadplugin \"name\"\nStops calling a plugin and unloads it (its image stays mapped; a stateful plugin resumes from its cursor when loaded again).") { [weak self] request throws(RPCError) in
            guard let name = request.params.first?.stringValue, request.params.count == 1 else {
                throw RPCError(code: -8, message: "unloadplugin \"name\"")
            }
            guard manager.unload(name) else { throw RPCError(code: -8, message: "plugin \(name) is not running") }
            self?.syncProofOfNodeAuthority()
            return .null
        }
    }

    /// Registers `NAME.method` for each method `plugin` declared, and each global name it claims (ABI 1.2) as it
    /// is; calls go to whichever build of the plugin is current.
    func registerRPCMethods(of plugin: PluginInstance) {
        let manager = plugins
        let name = plugin.name
        // The help's synopsis gets the "NAME." prefix once: plugins may write it themselves, as the SDK guide shows.
        var methods = plugin.rpcMethods.map {
            (registered: "\(name).\($0.name)", method: $0.name, help: $0.help.hasPrefix("\(name).") ? $0.help : "\(name).\($0.help)")
        }
        methods += plugin.globalRPCMethods.map { (registered: $0.name, method: $0.name, help: $0.help) }
        for (registered, method, help) in methods {
            registry.register(registered, category: "Plugin \(name)", help: help) { request throws(RPCError) in
                guard let live = manager.plugin(named: name) else {
                    throw RPCError(code: -32601, message: "plugin \(name) is not active")
                }
                let params = Array(JSONValue.array(request.params).serialized().utf8)
                switch live.rpcCall(method: method, params: params) {
                case let .success(bytes):
                    do throws(JSONParseError) { return try JSONValue(parsing: bytes) } catch {
                        throw RPCError(code: -1, message: "plugin \(name) returned invalid JSON: \(error)")
                    }
                case let .failure(error):
                    throw Node.rpcError(error)
                }
            }
        }
    }

    /// The JSON-RPC error of a failed `rpc_call`: FLUX_ERR_INVALID_ARGUMENT → -8, FLUX_ERR_NOT_FOUND → -5,
    /// FLUX_ERR_RPC (ABI 1.2) → the code and message of the plugin's `{"code": n, "message": "text"}`, anything else
    /// (and an FLUX_ERR_RPC message that is not such an object) → -1 with the plugin's message.
    static func rpcError(_ error: PluginCallError) -> RPCError {
        switch error.status {
        case -2: return RPCError(code: -8, message: error.message)   // FLUX_ERR_INVALID_ARGUMENT
        case -3: return RPCError(code: -5, message: error.message)   // FLUX_ERR_NOT_FOUND
        case -8:   // FLUX_ERR_RPC
            if let value = try? JSONValue(parsing: Array(error.message.utf8)), let code = value["code"]?.intValue,
               let message = value["message"]?.stringValue, let c = Int(exactly: code) {
                return RPCError(code: c, message: message)
            }
            return RPCError(code: -1, message: error.message)
        default: return RPCError(code: -1, message: error.message)
        }
    }
}
