import CFluxPlugin
import FluxPrimitives
import Foundation

/// A plugin shared object, copied to a content-addressed file, opened with `dlopen` and checked.
///
/// Loading never runs plugin code before the descriptor has been checked: the only call into the image before
/// that is the entry function, which the ABI requires to return a constant. Images are opened with
/// `RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE` and never closed: unmapping a Swift image leaves the runtime with
/// dangling metadata. A rebuilt plugin at the same path has another hash, hence another file, hence a new image.
public struct PluginImage: @unchecked Sendable {
    /// The file the operator configured.
    public let sourcePath: String
    /// The content-addressed copy that was opened (`<images>/<sha256>.so`).
    public let imagePath: String
    /// SHA-256 of the shared object, lowercase hex.
    public let sha256: String
    /// The checked descriptor.
    public let info: PluginDescriptorInfo
    /// The descriptor inside the image (valid for the life of the process).
    public let descriptor: UnsafePointer<flux_plugin_descriptor>
    /// The callback table as this host reads it: the image's own table when it is at least as large as the
    /// host's, else (a plugin built against an older minor) a zero-filled host-sized copy owned by the image, so
    /// that the entries the plugin does not have read as NULL. Valid for the life of the process.
    public let callbacks: UnsafePointer<flux_plugin_callbacks>

    /// The size of an ABI 1.0 callback table (struct_size, reserved and 15 function pointers): the smallest
    /// table this host accepts.
    public static let callbacksSize1_0 = MemoryLayout<flux_plugin_callbacks>.offset(of: \.pon_operator_key)!

    /// The ABI minor this host implements.
    public static let hostABIMinor = UInt16(FLUX_PLUGIN_ABI_MINOR)
    /// The Swift toolchain this host was built with; Swift plugins must report the same.
    public static var hostToolchain: String {
        #if compiler(>=6.3.1) && !compiler(>=6.3.2)
        return "swift-6.3.1"
        #elseif compiler(>=6.3) && !compiler(>=6.4)
        return "swift-6.3"
        #else
        return "swift-unknown"
        #endif
    }

    /// Copies `path` into `imagesDirectory` under its SHA-256, checks the pin, opens it and checks its descriptor.
    /// Throws a ``PluginLoadError`` naming the first check that failed.
    public static func load(path: String, pinnedSHA256: String? = nil, imagesDirectory: String) throws(PluginLoadError)
        -> PluginImage {
        func fail(_ reason: String) -> PluginLoadError { PluginLoadError(path: path, reason: reason) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail("cannot read the file (missing, or not readable by the node)")
        }
        let digest = Hex.encode(Hashing.sha256([UInt8](data)))
        if let pin = pinnedSHA256?.lowercased(), pin != digest {
            throw fail("sha256 is \(digest), but plugins.toml pins \(pin)")
        }
        let imagePath = (imagesDirectory as NSString).appendingPathComponent("\(digest).so")
        do {
            try FileManager.default.createDirectory(atPath: imagesDirectory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: imagePath) {
                let temporary = imagePath + ".tmp-\(getpid())"
                try data.write(to: URL(fileURLWithPath: temporary))
                guard rename(temporary, imagePath) == 0 else {
                    unlink(temporary)
                    throw CocoaError(.fileWriteUnknown)
                }
            }
        } catch {
            throw fail("cannot copy the image to \(imagePath): \(error)")
        }
        guard let handle = dlopen(imagePath, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw fail("dlopen failed: \(String(cString: dlerror()))")
        }
        guard let symbol = dlsym(handle, FLUX_PLUGIN_ENTRY_SYMBOL) else {
            throw fail("no exported symbol \(FLUX_PLUGIN_ENTRY_SYMBOL): not a Flux plugin, or built without FLUX_PLUGIN_EXPORT")
        }
        let entry = unsafeBitCast(symbol, to: flux_plugin_entry_fn.self)
        guard let descriptor = entry() else { throw fail("\(FLUX_PLUGIN_ENTRY_SYMBOL) returned NULL") }
        let (info, callbacks) = try check(descriptor, path: path)
        return PluginImage(sourcePath: path, imagePath: imagePath, sha256: digest, info: info,
                           descriptor: descriptor, callbacks: callbacks)
    }

    /// Checks every field of a descriptor against this host; the error names the field that differs.
    static func check(_ d: UnsafePointer<flux_plugin_descriptor>, path: String)
        throws(PluginLoadError) -> (PluginDescriptorInfo, UnsafePointer<flux_plugin_callbacks>) {
        func fail(_ reason: String) -> PluginLoadError { PluginLoadError(path: path, reason: reason) }
        let known = MemoryLayout<flux_plugin_descriptor>.size
        let size = Int(d.pointee.struct_size)
        guard size >= known else {
            throw fail("descriptor.struct_size is \(size), this host needs at least \(known) (ABI 1.0)")
        }
        if size > known && !tailIsZero(UnsafeRawPointer(d), from: known, to: size) {
            throw fail("descriptor.struct_size is \(size) with non-zero fields this host (ABI 1.\(hostABIMinor)) does not know")
        }
        let v = d.pointee
        guard v.abi_major == FLUX_PLUGIN_ABI_MAJOR else {
            throw fail("descriptor.abi_major is \(v.abi_major), this host speaks ABI \(FLUX_PLUGIN_ABI_MAJOR).\(hostABIMinor)")
        }
        guard v.abi_minor_required <= hostABIMinor else {
            throw fail("descriptor.abi_minor_required is \(v.abi_minor_required), this host has ABI minor \(hostABIMinor)")
        }
        guard Int(v.pointer_size) == MemoryLayout<UnsafeRawPointer>.size else {
            throw fail("descriptor.pointer_size is \(v.pointer_size), this host has \(MemoryLayout<UnsafeRawPointer>.size)")
        }
        guard v.reserved == 0 else { throw fail("descriptor.reserved is \(v.reserved), must be 0") }
        let knownCallbacks = MemoryLayout<flux_plugin_callbacks>.size
        guard Int(v.callbacks_size) >= callbacksSize1_0 else {
            throw fail("descriptor.callbacks_size is \(v.callbacks_size), this host needs at least \(callbacksSize1_0) (ABI 1.0)")
        }
        guard let imageCallbacks = v.callbacks else { throw fail("descriptor.callbacks is NULL") }
        let tableSize = Int(imageCallbacks.pointee.struct_size)
        guard tableSize == Int(v.callbacks_size) else {
            throw fail("callbacks.struct_size is \(tableSize) but descriptor.callbacks_size is \(v.callbacks_size)")
        }
        if tableSize > knownCallbacks && !tailIsZero(UnsafeRawPointer(imageCallbacks), from: knownCallbacks, to: tableSize) {
            throw fail("callbacks.struct_size is \(tableSize) with non-NULL entries this host does not know")
        }
        var c = flux_plugin_callbacks()
        withUnsafeMutableBytes(of: &c) { table in
            table.copyMemory(from: UnsafeRawBufferPointer(start: UnsafeRawPointer(imageCallbacks),
                                                          count: min(tableSize, knownCallbacks)))
        }
        guard c.on_load != nil else { throw fail("callbacks.on_load is NULL") }
        guard c.on_unload != nil else { throw fail("callbacks.on_unload is NULL") }
        guard c.free_buffer != nil else { throw fail("callbacks.free_buffer is NULL") }
        let unknownBits = v.capabilities & ~UInt64(FLUX_CAP_ALL_1_1)
        guard unknownBits == 0 else {
            throw fail("descriptor.capabilities has bits 0x\(String(unknownBits, radix: 16)) this host does not know")
        }
        let name = string(v.name)
        guard isValidName(name) else {
            throw fail("descriptor.name \"\(name)\" is not [a-z][a-z0-9_]{0,31}")
        }
        let toolchain = string(v.toolchain)
        if toolchain.hasPrefix("swift") && (toolchain != hostToolchain || toolchain == "swift-unknown") {
            throw fail("descriptor.toolchain is \(toolchain), this node was built with \(hostToolchain): "
                       + "Swift plugins must come from the same toolchain")
        }
        let info = PluginDescriptorInfo(
            name: name, version: string(v.version), buildID: string(v.build_id), toolchain: toolchain,
            abiMajor: v.abi_major, abiMinor: v.abi_minor, abiMinorRequired: v.abi_minor_required,
            capabilities: v.capabilities, consensusVersion: v.consensus_version, activationHeight: v.activation_height)
        if info.isConsensus && info.consensusVersion == 0 {
            throw fail("descriptor.consensus_version is 0, but the plugin judges blocks, pays coinbase outputs "
                       + "or provides Proof of Node")
        }
        let required: [(Int32, String, Bool)] = [
            (FLUX_CAP_OBSERVE_BLOCKS, "block_connected", c.block_connected != nil),
            (FLUX_CAP_STATEFUL, "block_connected", c.block_connected != nil),
            (FLUX_CAP_OBSERVE_MEMPOOL, "transaction_accepted", c.transaction_accepted != nil),
            (FLUX_CAP_OBSERVE_TIP, "tip_changed", c.tip_changed != nil),
            (FLUX_CAP_TICK, "tick", c.tick != nil),
            (FLUX_CAP_JUDGE_BLOCKS, "check_block", c.check_block != nil),
            (FLUX_CAP_JUDGE_TRANSACTIONS, "check_transaction", c.check_transaction != nil),
            (FLUX_CAP_COINBASE_OUTPUTS, "coinbase_outputs", c.coinbase_outputs != nil),
            (FLUX_CAP_RPC, "rpc_call", c.rpc_call != nil),
            (FLUX_CAP_P2P, "p2p_message", c.p2p_message != nil),
            (FLUX_CAP_PROOF_OF_NODE, "pon_operator_key", c.pon_operator_key != nil),
        ]
        for (capability, callback, present) in required where info.has(capability) && !present {
            throw fail("capability needs callbacks.\(callback), which is NULL")
        }
        if tableSize >= knownCallbacks { return (info, imageCallbacks) }
        // An older minor's table: a host-sized copy whose newer entries are NULL (never freed: images live as
        // long as the process).
        let table = UnsafeMutablePointer<flux_plugin_callbacks>.allocate(capacity: 1)
        table.initialize(to: c)
        return (info, UnsafePointer(table))
    }

    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...32).contains(bytes.count), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0]) else { return false }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_")
        }
    }

    static func string(_ bytes: flux_bytes) -> String {
        guard let data = bytes.data, bytes.len > 0, bytes.len <= 4096 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(bytes.len)), as: UTF8.self)
    }

    static func tailIsZero(_ base: UnsafeRawPointer, from: Int, to: Int) -> Bool {
        (from..<to).allSatisfy { base.load(fromByteOffset: $0, as: UInt8.self) == 0 }
    }
}
