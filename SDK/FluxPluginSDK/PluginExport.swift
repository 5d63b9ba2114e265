import CFluxPlugin
import Foundation

/// Turns a ``FluxPlugin`` type into the ABI's descriptor and callback table. Call it from the plugin's exported
/// entry point; the descriptor is built once and lives as long as the image.
///
/// ```swift
/// @_cdecl("flux_plugin_entry")
/// public func fluxPluginEntry() -> UnsafeRawPointer? { PluginExport.entry(for: MyPlugin.self) }
/// ```
public enum PluginExport {
    /// The descriptor for `type` (built on the first call; later calls return the same pointer). One plugin type
    /// per image: a second, different type is refused (nil).
    public static func entry<P: FluxPlugin>(for type: P.Type) -> UnsafeRawPointer? {
        state.withLock { s -> UnsafeRawPointer? in
            if let existing = s.descriptor {
                return s.typeName == String(reflecting: type) ? UnsafeRawPointer(existing) : nil
            }
            s.factory = { host, configuration throws(PluginError) in try P(host: host, configuration: configuration) }
            s.typeName = String(reflecting: type)
            let descriptor = makeDescriptor(P.manifest)
            s.descriptor = descriptor
            return UnsafeRawPointer(descriptor)
        }
    }

    typealias Factory = (PluginHost, [UInt8]) throws(PluginError) -> any FluxPlugin

    struct State {
        var descriptor: UnsafeMutablePointer<flux_plugin_descriptor>?
        var factory: Factory?
        var typeName = ""
    }

    static let state = Locked(State())

    /// A copy of `text` that lives as long as the image.
    static func permanent(_ text: String) -> flux_bytes {
        let bytes = Array(text.utf8)
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        memory.initialize(from: bytes, count: bytes.count)
        return flux_bytes(data: UnsafePointer(memory), len: UInt64(bytes.count))
    }

    static func makeDescriptor(_ m: PluginManifest) -> UnsafeMutablePointer<flux_plugin_descriptor> {
        var table = PluginThunks.table()
        let proofOfNode = m.capabilities.contains(.proofOfNode)
        if !proofOfNode {
            // The 1.1 entries stay NULL unless the plugin provides Proof of Node: a 1.0 host refuses a table whose
            // entries beyond its own are non-NULL, so every other plugin still loads there.
            table.pon_operator_key = nil
            table.pon_propose = nil
            table.pon_sign = nil
        }
        let callbacks = UnsafeMutablePointer<flux_plugin_callbacks>.allocate(capacity: 1)
        callbacks.initialize(to: table)
        let d = UnsafeMutablePointer<flux_plugin_descriptor>.allocate(capacity: 1)
        d.initialize(to: flux_plugin_descriptor(
            struct_size: UInt32(MemoryLayout<flux_plugin_descriptor>.size),
            abi_major: UInt16(FLUX_PLUGIN_ABI_MAJOR), abi_minor: UInt16(FLUX_PLUGIN_ABI_MINOR),
            abi_minor_required: proofOfNode ? 1 : 0, pointer_size: UInt16(MemoryLayout<UnsafeRawPointer>.size),
            callbacks_size: UInt32(MemoryLayout<flux_plugin_callbacks>.size),
            capabilities: m.capabilities.rawValue, consensus_version: m.consensusVersion, reserved: 0,
            activation_height: m.activationHeight, name: permanent(m.name), version: permanent(m.version),
            build_id: permanent(m.buildID), toolchain: permanent(toolchain), callbacks: UnsafePointer(callbacks)))
        return d
    }

    /// The Swift compiler that built this image ("swift-6.3.1"); the host refuses Swift plugins from another one.
    static var toolchain: String {
        #if compiler(>=6.3.1) && !compiler(>=6.3.2)
        return "swift-6.3.1"
        #elseif compiler(>=6.3) && !compiler(>=6.4)
        return "swift-6.3"
        #else
        return "swift-unknown"
        #endif
    }
}

/// The object behind a `flux_plugin*`: the Swift instance and its host.
final class PluginInstanceBox {
    let plugin: any FluxPlugin
    let host: PluginHost
    init(plugin: any FluxPlugin, host: PluginHost) {
        self.plugin = plugin
        self.host = host
    }

    static func from(_ handle: OpaquePointer?) -> PluginInstanceBox? {
        guard let handle else { return nil }
        return Unmanaged<PluginInstanceBox>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
