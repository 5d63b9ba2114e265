import FluxChainFixtures
import FluxJSON
import FluxNode
import FluxTestSupport
import Foundation
import Testing

/// Plugin P2P commands between two nodes: `echo:hi` sent by one node's plugin arrives at the other's.
@Suite(.serialized) struct NodeP2PPluginTests {
    static let source = #"""
    #define _POSIX_C_SOURCE 200809L
    #include "flux_plugin.h"
    #include <pthread.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    struct flux_plugin { const flux_host_api *api; flux_host *host; pthread_mutex_t lock; unsigned long count; char last[64]; };
    static flux_bytes text(const char *t) { flux_bytes b = {(const uint8_t *)t, strlen(t)}; return b; }
    static flux_buffer copy(const char *t) {
        flux_buffer b = {NULL, strlen(t)}; b.data = (uint8_t *)malloc(b.len + 1); memcpy(b.data, t, b.len); return b;
    }
    static flux_status on_load(const flux_host_api *api, flux_host *host, flux_bytes config, flux_plugin **out,
                               flux_buffer *msg) {
        (void)config; (void)msg;
        flux_plugin *p = (flux_plugin *)calloc(1, sizeof(flux_plugin));
        p->api = api; p->host = host; pthread_mutex_init(&p->lock, NULL);
        if (api->register_p2p(host, text("hi")) != FLUX_OK) { free(p); return FLUX_ERR_FAILED; }
        api->register_rpc(host, text("send"), text("send \"text\"\nBroadcasts echo:hi."));
        api->register_rpc(host, text("received"), text("received\nMessages received."));
        *out = p; return FLUX_OK;
    }
    static void on_unload(flux_plugin *p) { free(p); }
    static void free_buffer(flux_buffer b) { free(b.data); }
    static flux_status p2p_message(flux_plugin *p, uint64_t peer, flux_bytes command, flux_bytes payload, flux_buffer *m) {
        (void)peer; (void)command;
        if (payload.len == 0 || payload.len >= 64) { *m = copy("bad payload"); return FLUX_ERR_INVALID_ARGUMENT; }
        pthread_mutex_lock(&p->lock);
        p->count += 1; memcpy(p->last, payload.data, payload.len); p->last[payload.len] = 0;
        pthread_mutex_unlock(&p->lock);
        return FLUX_OK;
    }
    static flux_status rpc_call(flux_plugin *p, flux_bytes method, flux_bytes params, flux_buffer *out, flux_buffer *m) {
        char buffer[160];
        if (method.len == 4 && memcmp(method.data, "send", 4) == 0) {
            /* params: ["text"] */
            if (params.len < 5 || params.len > 60) { *m = copy("expected [\"text\"]"); return FLUX_ERR_INVALID_ARGUMENT; }
            flux_bytes payload = {params.data + 2, params.len - 4};
            flux_status s = p->api->send_p2p(p->host, 0, text("hi"), payload);
            if (s != FLUX_OK) { *m = copy("no peer"); return s; }
            *out = copy("true"); return FLUX_OK;
        }
        pthread_mutex_lock(&p->lock);
        snprintf(buffer, sizeof(buffer), "{\"count\":%lu,\"last\":\"%s\"}", p->count, p->last);
        pthread_mutex_unlock(&p->lock);
        *out = copy(buffer); return FLUX_OK;
    }
    static const flux_plugin_callbacks callbacks = {
        .struct_size = sizeof(flux_plugin_callbacks), .on_load = on_load, .on_unload = on_unload,
        .free_buffer = free_buffer, .rpc_call = rpc_call, .p2p_message = p2p_message,
    };
    static const flux_plugin_descriptor descriptor = {
        .struct_size = sizeof(flux_plugin_descriptor), .abi_major = FLUX_PLUGIN_ABI_MAJOR,
        .abi_minor = FLUX_PLUGIN_ABI_MINOR, .pointer_size = sizeof(void *),
        .callbacks_size = sizeof(flux_plugin_callbacks), .capabilities = FLUX_CAP_RPC | FLUX_CAP_P2P,
        .name = {(const uint8_t *)"echo", 4}, .version = {(const uint8_t *)"1.0", 3},
        .build_id = {(const uint8_t *)"test", 4}, .toolchain = {(const uint8_t *)"c", 1}, .callbacks = &callbacks,
    };
    FLUX_PLUGIN_EXPORT const flux_plugin_descriptor *flux_plugin_entry(void) { return &descriptor; }
    """#

    static func build() async throws -> String {
        try await onOwnThread { Result { try buildBlocking() } }.get()
    }

    static func buildBlocking() throws -> String {
        let dir = TestScratch.directory("flux-echo-plugin")
        try source.write(toFile: dir + "/echo.c", atomically: true, encoding: .utf8)
        return try TestCCompiler.sharedObject([dir + "/echo.c"], output: dir + "/libecho.so", arguments: ["-pthread"])
    }

    @Test func pluginCommandsTravelBetweenNodes() async throws {
        let library = try await Self.build()
        func folder() throws -> String {
            let dir = ChainBuilderDirectory.make()
            try FileManager.default.createDirectory(atPath: dir + "/regtest", withIntermediateDirectories: true)
            try "[plugins.echo]\npath = \"\(library)\"\n".write(toFile: dir + "/regtest/plugins.toml", atomically: true, encoding: .utf8)
            return dir
        }
        try await withTestNodes { nodes in
            let a = try await nodes.start(directory: try folder())
            let b = try await nodes.start(["-connect=127.0.0.1:\(a.p2pPort)"], directory: try folder())
            #expect(await eventually(30) { (await b.network.peerInfo()).first?.version ?? 0 > 0 && a.network.connectionCountNow == 1 })
            #expect(await eventually(30) { (try? await rpcClient(b).call("echo.send", params: ["hello"])) == .bool(true) })
            #expect(await eventually(30) { (try? await rpcClient(a).call("echo.received"))?["count"] == .int(1) })
            #expect(try await rpcClient(a).call("echo.received")["last"] == "hello")
            // And back the other way.
            _ = try await rpcClient(a).call("echo.send", params: ["back"])
            #expect(await eventually(30) { (try? await rpcClient(b).call("echo.received"))?["last"] == "back" })
        }
    }
}
