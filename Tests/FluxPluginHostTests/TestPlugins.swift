import FluxChainFixtures
import Foundation

/// Builds small C plugins at test time with the toolchain's C compiler, each from one template with the field
/// under test changed by a macro, so every refusal path of the loader is exercised on a real shared object.
enum TestPlugins {
    static let template = #"""
    #define _POSIX_C_SOURCE 199309L
    #include "flux_plugin.h"
    #include <stdlib.h>
    #include <string.h>
    #include <time.h>
    #ifndef ABI_MAJOR
    #define ABI_MAJOR FLUX_PLUGIN_ABI_MAJOR
    #endif
    #ifndef MINOR_REQUIRED
    #define MINOR_REQUIRED 0
    #endif
    #ifndef POINTER_SIZE
    #define POINTER_SIZE sizeof(void *)
    #endif
    #ifndef CAPS
    #define CAPS FLUX_CAP_OBSERVE_BLOCKS
    #endif
    #ifndef NAME
    #define NAME "testplugin"
    #endif
    #ifndef TOOLCHAIN
    #define TOOLCHAIN "c"
    #endif
    #ifndef CONSENSUS_VERSION
    #define CONSENSUS_VERSION 0
    #endif
    #ifndef TAIL
    #define TAIL 0
    #endif
    static flux_buffer message(const char *text) {
        flux_buffer b; b.len = strlen(text); b.data = (uint8_t *)malloc(b.len); memcpy(b.data, text, b.len); return b;
    }
    static flux_status on_load(const flux_host_api *api, flux_host *host, flux_bytes config, flux_plugin **out,
                               flux_buffer *msg) {
        (void)api; (void)host; (void)config;
    #ifdef FAIL_LOAD
        *msg = message("config.limit must be positive"); return FLUX_ERR_INVALID_ARGUMENT;
    #else
        (void)msg; *out = (flux_plugin *)malloc(8); return FLUX_OK;
    #endif
    }
    static void on_unload(flux_plugin *p) { free(p); }
    static void free_buffer(flux_buffer b) { free(b.data); }
    static flux_status block_connected(flux_plugin *p, const flux_block_event *e, flux_kv_txn *t, flux_buffer *m) {
        (void)p; (void)t; (void)m;
    #ifdef SLEEP_MS
        { struct timespec ts = {0, SLEEP_MS * 1000000L}; nanosleep(&ts, NULL); }
    #endif
    #ifdef FAIL_FROM_HEIGHT
        if (e->height >= FAIL_FROM_HEIGHT) { *m = message("cannot handle this block"); return FLUX_ERR_FAILED; }
    #endif
        (void)e; return FLUX_OK;
    }
    static const flux_plugin_callbacks callbacks = {
        .struct_size = sizeof(flux_plugin_callbacks), .on_load = on_load, .on_unload = on_unload,
        .free_buffer = free_buffer,
    #ifndef NO_BLOCK_CALLBACK
        .block_connected = block_connected,
    #endif
    };
    static const struct { flux_plugin_descriptor d; uint64_t extra; } descriptor = {
        .d = {
            .struct_size = sizeof(flux_plugin_descriptor) + (TAIL ? 8 : 0) + SIZE_DELTA_EXTRA,
            .abi_major = ABI_MAJOR, .abi_minor = FLUX_PLUGIN_ABI_MINOR, .abi_minor_required = MINOR_REQUIRED,
            .pointer_size = POINTER_SIZE, .callbacks_size = sizeof(flux_plugin_callbacks), .capabilities = CAPS,
            .consensus_version = CONSENSUS_VERSION,
            .name = {(const uint8_t *)NAME, sizeof(NAME) - 1}, .version = {(const uint8_t *)"0.1", 3},
            .build_id = {(const uint8_t *)"test", 4}, .toolchain = {(const uint8_t *)TOOLCHAIN, sizeof(TOOLCHAIN) - 1},
            .callbacks = &callbacks,
        },
        .extra = TAIL,
    };
    #ifndef NO_ENTRY
    FLUX_PLUGIN_EXPORT const flux_plugin_descriptor *flux_plugin_entry(void) { return &descriptor.d; }
    #else
    FLUX_PLUGIN_EXPORT int not_a_plugin(void) { return 1; }
    #endif
    """#

    /// The C compiler next to `swift` (or `cc`).
    static var compiler: String { TestCCompiler.path }

    /// Compiles the template with `defines` (NAME=VALUE or NAME) into a new shared object; returns its path.
    static func build(_ defines: [String] = []) throws -> String {
        let dir = URL(fileURLWithPath: TestScratch.directory("flux-test-plugin"))
        let source = dir.appendingPathComponent("plugin.c").path
        let output = dir.appendingPathComponent("libtestplugin.so").path
        try template.write(toFile: source, atomically: true, encoding: .utf8)
        var arguments = defines.map { "-D" + $0 }
        if !defines.contains(where: { $0.hasPrefix("SIZE_DELTA_EXTRA") }) { arguments.append("-DSIZE_DELTA_EXTRA=0") }
        return try TestCCompiler.sharedObject([source], output: output, arguments: arguments)
    }

    /// A fresh folder for content-addressed images.
    static func imagesDirectory() -> String {
        TestScratch.directory("flux-images")
    }

    /// The example plugins SwiftPM built next to the test bundle.
    static func builtProduct(_ name: String) -> String {
        var dir = Bundle.main.bundleURL
        if dir.pathExtension != "xctest" { dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }
        let candidates = [dir.deletingLastPathComponent(), dir].map { $0.appendingPathComponent("lib\(name).so").path }
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
    }
}

struct TestPluginError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
