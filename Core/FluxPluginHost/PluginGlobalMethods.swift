import Foundation

/// Who owns each global (unprefixed) JSON-RPC method name plugins claim with `register_global_rpc` (ABI 1.2), and
/// the node's core method names no plugin may claim.
///
/// A plugin's claims are checked when it registers a name during `on_load` (so the plugin gets the refusal and its
/// reason) and committed when its instance becomes the live one (``claim(plugin:names:)``, checked again under the
/// lock). A new build of the same plugin replaces its own claims; claims stay with a plugin that is unloaded or
/// disabled until a build of it is loaded again, so its names cannot be taken over meanwhile.
public final class PluginGlobalMethods: @unchecked Sendable {
    private let lock = NSLock()
    private var core: Set<String> = []
    private var owners: [String: String] = [:]

    /// An empty table: no core names, no claims.
    public init() {}

    /// Adds the node's own method names; plugins may not claim them.
    public func reserveCoreMethods(_ names: some Sequence<String>) {
        lock.withLock { core.formUnion(names) }
    }

    /// Why plugin `plugin` may not claim `name` (naming both claimants), or nil when it may.
    public func refusal(_ name: String, plugin: String) -> String? {
        lock.withLock { refusalLocked(name, plugin: plugin) }
    }

    private func refusalLocked(_ name: String, plugin: String) -> String? {
        if core.contains(name) {
            return "global RPC name \"\(name)\" is a core method of the node; plugin \(plugin) may not claim it"
        }
        if let owner = owners[name], owner != plugin {
            return "global RPC name \"\(name)\" is already claimed by plugin \(owner); plugin \(plugin) may not claim it too"
        }
        return nil
    }

    /// Makes `names` the claims of `plugin` (replacing its earlier ones): the names it no longer claims, or the
    /// first refusal (then nothing changes).
    public func claim(plugin: String, names: [String]) -> Result<[String], PluginLoadError> {
        lock.withLock {
            for name in names {
                if let reason = refusalLocked(name, plugin: plugin) {
                    return .failure(PluginLoadError(path: plugin, reason: reason))
                }
            }
            let before = owners.filter { $0.value == plugin }.map(\.key)
            for name in before { owners[name] = nil }
            for name in names { owners[name] = plugin }
            return .success(before.filter { !names.contains($0) }.sorted())
        }
    }

    /// The plugin that claimed `name`, if any.
    public func owner(of name: String) -> String? { lock.withLock { owners[name] } }

    /// The names `plugin` claims, sorted.
    public func names(of plugin: String) -> [String] {
        lock.withLock { owners.filter { $0.value == plugin }.map(\.key).sorted() }
    }

    /// Whether `name` is a valid global method name: `[a-z][a-z0-9_]{0,63}`.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (0x61...0x7a).contains(first), bytes.count <= 64 else { return false }
        return bytes.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f }
    }
}
