import FluxChainFixtures
import FluxJSON
import FluxNode
import FluxRPC
import FluxTestSupport
import Foundation
import Testing

/// ABI 1.2 in a running node: global (unprefixed) RPC names claimed by plugins, refused on a clash with a core
/// method or another plugin's name, kept across a hot upgrade; FLUX_ERR_RPC errors with their own code; and
/// node_option reading flux.conf and the command line.
@Suite(.serialized) struct NodeGlobalRPCPluginTests {
    /// A C plugin named NAME (version VERSION) that claims the global names GLOBAL_A and (when defined) GLOBAL_B.
    /// A refused claim makes on_load fail with the host's reason. rpc_call answers "NAME VERSION METHOD" for a
    /// global name; "refuse" answers FLUX_ERR_RPC {"code":-32600,...}; "option" answers the values of
    /// node_option("externalip") and the status of node_option for "rpcpassword" and "nosuchoption".
    static let source = #"""
    #include "flux_plugin.h"
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    struct flux_plugin { const flux_host_api *api; flux_host *host; };
    typedef struct { char text[256]; size_t n; int calls; } collected;
    static flux_bytes text(const char *t) { flux_bytes b = {(const uint8_t *)t, strlen(t)}; return b; }
    static flux_buffer copy(const char *t) {
        flux_buffer b = {NULL, strlen(t)}; b.data = (uint8_t *)malloc(b.len + 1); memcpy(b.data, t, b.len); return b;
    }
    static void collect(void *c, const uint8_t *d, uint64_t n) {
        collected *r = (collected *)c;
        if (r->calls++ && r->n + 1 < sizeof r->text) r->text[r->n++] = '|';
        if (r->n + n < sizeof r->text) { memcpy(r->text + r->n, d, n); r->n += n; r->text[r->n] = 0; }
    }
    static flux_status claim(flux_plugin *p, const char *name, flux_buffer *msg) {
        collected reason = {{0}, 0, 0};
        flux_status s = p->api->register_global_rpc(p->host, text(name), text(name), collect, &reason);
        if (s != FLUX_OK) *msg = copy(reason.text);
        return s;
    }
    static flux_status on_load(const flux_host_api *api, flux_host *host, flux_bytes config, flux_plugin **out,
                               flux_buffer *msg) {
        (void)config;
        if (!FLUX_HAS(api, flux_host_api, register_global_rpc) || !api->register_global_rpc) {
            *msg = copy("no register_global_rpc"); return FLUX_ERR_UNSUPPORTED;
        }
        flux_plugin *p = (flux_plugin *)calloc(1, sizeof(flux_plugin));
        p->api = api; p->host = host;
        flux_status s = claim(p, GLOBAL_A, msg);
    #ifdef GLOBAL_B
        if (s == FLUX_OK) s = claim(p, GLOBAL_B, msg);
    #endif
        if (s != FLUX_OK) { free(p); return s; }
        api->register_rpc(host, text("refuse"), text("refuse\nAnswers FLUX_ERR_RPC."));
        api->register_rpc(host, text("option"), text(NAME ".option\nnode_option answers."));
        *out = p; return FLUX_OK;
    }
    static void on_unload(flux_plugin *p) { free(p); }
    static void free_buffer(flux_buffer b) { free(b.data); }
    static flux_status rpc_call(flux_plugin *p, flux_bytes method, flux_bytes params, flux_buffer *out, flux_buffer *m) {
        char buffer[512], name[80];
        (void)params;
        if (method.len >= sizeof name) { *m = copy("long method"); return FLUX_ERR_INVALID_ARGUMENT; }
        memcpy(name, method.data, method.len); name[method.len] = 0;
        if (strcmp(name, "refuse") == 0) {
            *m = copy("{\"code\":-32600,\"message\":\"This is not a Flux Node\"}"); return FLUX_ERR_RPC;
        }
        if (strcmp(name, "option") == 0) {
            collected ip = {{0}, 0, 0}, secret = {{0}, 0, 0}, unknown = {{0}, 0, 0}, unset = {{0}, 0, 0};
            flux_status a = p->api->node_option(p->host, text("externalip"), collect, &ip);
            flux_status b = p->api->node_option(p->host, text("rpcpassword"), collect, &secret);
            flux_status c = p->api->node_option(p->host, text("nosuchoption"), collect, &unknown);
            flux_status d = p->api->node_option(p->host, text("zelnodeindex"), collect, &unset);
            snprintf(buffer, sizeof buffer, "{\"externalip\":\"%s\",\"status\":[%d,%d,%d,%d]}", ip.text, a, b, c, d);
            *out = copy(buffer); return FLUX_OK;
        }
        snprintf(buffer, sizeof buffer, "\"%s %s %s\"", NAME, VERSION, name);
        *out = copy(buffer); return FLUX_OK;
    }
    static const flux_plugin_callbacks callbacks = {
        .struct_size = sizeof(flux_plugin_callbacks), .on_load = on_load, .on_unload = on_unload,
        .free_buffer = free_buffer, .rpc_call = rpc_call,
    };
    static const flux_plugin_descriptor descriptor = {
        .struct_size = sizeof(flux_plugin_descriptor), .abi_major = FLUX_PLUGIN_ABI_MAJOR,
        .abi_minor = FLUX_PLUGIN_ABI_MINOR, .abi_minor_required = 2, .pointer_size = sizeof(void *),
        .callbacks_size = sizeof(flux_plugin_callbacks), .capabilities = FLUX_CAP_RPC,
        .name = {(const uint8_t *)NAME, sizeof(NAME) - 1}, .version = {(const uint8_t *)VERSION, sizeof(VERSION) - 1},
        .build_id = {(const uint8_t *)"test", 4}, .toolchain = {(const uint8_t *)"c", 1}, .callbacks = &callbacks,
    };
    FLUX_PLUGIN_EXPORT const flux_plugin_descriptor *flux_plugin_entry(void) { return &descriptor; }
    """#

    /// Builds the plugin as `name` claiming `globals` (one or two names).
    static func build(_ name: String, version: String = "1", globals: [String]) async throws -> String {
        try await onOwnThread {
            Result {
                let dir = TestScratch.directory("flux-global-plugin")
                try source.write(toFile: dir + "/global.c", atomically: true, encoding: .utf8)
                var defines = ["-DNAME=\"\(name)\"", "-DVERSION=\"\(version)\"", "-DGLOBAL_A=\"\(globals[0])\""]
                if globals.count > 1 { defines.append("-DGLOBAL_B=\"\(globals[1])\"") }
                return try TestCCompiler.sharedObject([dir + "/global.c"], output: dir + "/lib\(name).so",
                                                      arguments: ["-Wall", "-Werror"] + defines)
            }
        }.get()
    }

    /// A data folder whose plugins.toml enables `plugins` (name, path) in that order.
    static func folder(_ plugins: [(String, String)]) throws -> String {
        let dir = ChainBuilderDirectory.make()
        try FileManager.default.createDirectory(atPath: dir + "/regtest", withIntermediateDirectories: true)
        let text = plugins.map { "[plugins.\($0.0)]\npath = \"\($0.1)\"\n" }.joined()
        try text.write(toFile: dir + "/regtest/plugins.toml", atomically: true, encoding: .utf8)
        return dir
    }

    static func listing(_ rpc: RPCClient, _ name: String) async throws -> JSONValue? {
        try await rpc.call("listplugins").arrayValue?.first { $0["name"] == .string(name) }
    }

    @Test func aPluginServesItsGlobalNamesListedByHelpAndListplugins() async throws {
        let library = try await Self.build("alpha", globals: ["alphaping", "alphapong"])
        try await withTestNodes { nodes in
            let dir = try Self.folder([("alpha", library)])
            try "externalip=203.0.113.7:16125\n".write(toFile: dir + "/flux.conf", atomically: true, encoding: .utf8)
            let a = try await nodes.start(["-externalip=198.51.100.2"], directory: dir)
            let rpc = rpcClient(a)
            #expect(try await rpc.call("alphaping") == "alpha 1 alphaping")
            #expect(try await rpc.call("alphapong") == "alpha 1 alphapong")
            #expect(try await rpc.call("help", params: ["alphaping"]) == "alphaping")
            // A prefixed method's help gets the plugin's prefix once, whether the plugin wrote it (as the guide
            // shows) or not.
            #expect(try await rpc.call("help", params: ["alpha.refuse"]) == "alpha.refuse\nAnswers FLUX_ERR_RPC.")
            #expect(try await rpc.call("help", params: ["alpha.option"]) == "alpha.option\nnode_option answers.")
            let help = try #require(try await rpc.call("help").stringValue)
            #expect(help.split(separator: "\n").contains("alphapong"))
            #expect(try await Self.listing(rpc, "alpha")?["global_methods"] == .array(["alphaping", "alphapong"]))
            // FLUX_ERR_RPC: the plugin's own code and message.
            let refused = await NodeUtilityRPCTests.rpcError { try await rpc.call("alpha.refuse") }
            #expect(refused?.code == -32600)
            #expect(refused?.message == "This is not a Flux Node")
            // node_option: both values of a repeatable option (command line first), the RPC password withheld
            // (FLUX_ERR_UNSUPPORTED), an unknown name (FLUX_ERR_INVALID_ARGUMENT), an unset option (FLUX_ERR_NOT_FOUND).
            let option = try await rpc.call("alpha.option")
            #expect(option["externalip"] == "198.51.100.2|203.0.113.7:16125")
            #expect(option["status"] == .array([0, -4, -2, -3]))
        }
    }

    @Test func aGlobalNameOfACoreMethodIsRefusedNamingBoth() async throws {
        let library = try await Self.build("greedy", globals: ["greedyping", "getblockcount"])
        try await withTestNodes { nodes in
            let a = try await nodes.start(directory: try Self.folder([("greedy", library)]))
            let rpc = rpcClient(a)
            let state = try #require(try await Self.listing(rpc, "greedy")?["state"]?.stringValue)
            #expect(state.contains("global RPC name \"getblockcount\" is a core method of the node; plugin greedy may not claim it"))
            #expect(try await rpc.call("getblockcount") == .int(0))
            // Nothing of the refused plugin is served.
            #expect(await rpcErrorCode { try await rpc.call("greedyping") } == -32601)
        }
    }

    @Test func aSecondPluginClaimingTheSameNameIsRefusedNamingBoth() async throws {
        let first = try await Self.build("alpha", globals: ["sharedping"])
        let second = try await Self.build("beta", globals: ["betaping", "sharedping"])
        try await withTestNodes { nodes in
            let a = try await nodes.start(directory: try Self.folder([("alpha", first), ("beta", second)]))
            let rpc = rpcClient(a)
            let state = try #require(try await Self.listing(rpc, "beta")?["state"]?.stringValue)
            #expect(state.contains("global RPC name \"sharedping\" is already claimed by plugin alpha; plugin beta may not claim it too"))
            #expect(try await Self.listing(rpc, "alpha")?["state"] == "active")
            #expect(try await rpc.call("sharedping") == "alpha 1 sharedping")
            #expect(await rpcErrorCode { try await rpc.call("betaping") } == -32601)
        }
    }

    @Test func aHotUpgradeReclaimsItsNamesAndTheOldBuildStopsReceivingThem() async throws {
        let v1 = try await Self.build("alpha", version: "1", globals: ["alphaping", "alphaold"])
        let v2 = try await Self.build("alpha", version: "2", globals: ["alphaping", "alphanew"])
        try await withTestNodes { nodes in
            let a = try await nodes.start(directory: try Self.folder([("alpha", v1)]))
            let rpc = rpcClient(a)
            #expect(try await rpc.call("alphaping") == "alpha 1 alphaping")
            _ = try await rpc.call("reloadplugin", params: ["alpha", .string(v2)])
            #expect(try await rpc.call("alphaping") == "alpha 2 alphaping")
            #expect(try await rpc.call("alphanew") == "alpha 2 alphanew")
            // The name the new build no longer claims is gone.
            #expect(await rpcErrorCode { try await rpc.call("alphaold") } == -32601)
            #expect(try await Self.listing(rpc, "alpha")?["global_methods"] == .array(["alphanew", "alphaping"]))
        }
    }
}
