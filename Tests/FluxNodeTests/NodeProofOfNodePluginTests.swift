import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxScript
import FluxTestSupport
import Foundation
import Testing

/// ABI 1.1 inside a running regtest node: the host services a plugin gets (chain_parameters, block_subsidy,
/// wallet_sign_compact) and Proof of Node end to end through a C plugin that holds one collateral and its
/// operator key (signing with libsecp256k1).
@Suite(.serialized) struct NodeProofOfNodePluginTests {
    static let operatorKey = PrivateKey(bytes: [UInt8](repeating: 7, count: 32))!
    static let collateral = OutPoint(hash: Hash256(displayHex: String(repeating: "ab", count: 32))!, index: 2)

    /// 32-byte txid ‖ LE32 index, hex: how the plugin's configuration names its collateral.
    static var collateralHex: String {
        Hex.encode(Array(collateral.hash.bytes) + withUnsafeBytes(of: collateral.index.littleEndian) { Array($0) })
    }

    /// A data folder whose plugins.toml enables the PoN plugin at `path` with the operator key and collateral.
    static func dataFolder(plugin path: String) throws -> String {
        try NodePluginTests.dataFolder(chainstats: false, addressindex: false, extra: """
            [plugins.pon]
            path = "\(path)"
            [plugins.pon.config]
            key = "\(Hex.encode(operatorKey.bytes))"
            collateral = "\(collateralHex)"

            """)
    }

    @Test func pluginsReadChainParametersSubsidiesAndSignWithTheWallet() async throws {
        let plugin = try await PoNPlugin.compile()
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-upgradeheight=pon:7"], directory: try Self.dataFolder(plugin: plugin))
            let rpc = rpcClient(node)
            #expect(try await rpc.call("listplugins").arrayValue?.first?["state"] == "active")

            let parameters = try await rpc.call("pon.params")
            #expect(parameters["network"] == "regtest")
            #expect(parameters["genesis_hash"] == .string(node.params.genesisHash.description))
            #expect(parameters["genesis_time"] == .int(Int(GenesisBlock.block(for: .regtest).header.time)))
            #expect(parameters["pow_spacing"] == .int(node.params.powTargetSpacing))
            #expect(parameters["pon_spacing"] == .int(node.params.ponTargetSpacing))
            #expect(parameters["checks_pon_hash"] == .bool(!node.params.skipsProofOfWorkTargetCheck))
            #expect(parameters["coinbase_maturity"] == .int(100))
            #expect(parameters["upgrades"]?["pon"] == .int(7))
            for upgrade in NetworkUpgrade.allCases {
                guard let name = upgrade.optionName else { continue }
                let height = node.params.upgrades.activationHeight(of: upgrade)
                #expect(parameters["upgrades"]?[name] == height.map { .int($0) }, "\(name)")
            }

            for height in [0, 1, 7, 100, 657_850, 2_000_000] {
                #expect(try await rpc.call("pon.subsidy", params: [.int(height)])
                        == .int(Int(node.params.blockSubsidy(at: height).units)), "\(height)")
            }

            // The wallet signs for its own key; the signature recovers to the key the sink received.
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            guard case let .pubKeyHash(keyID)? = Address(address, prefixes: node.params.base58Prefixes) else {
                Issue.record("not a P2PKH address: \(address)")
                return
            }
            let signed = try await rpc.call("pon.sign", params: [.string(Hex.encode(keyID))])
            let recordHex = try #require(signed.stringValue)
            let record = try #require(Hex.decode(recordHex))
            let length = Int(record[0])
            let publicKey = Array(record[1..<(1 + length)])
            let signature = Array(record[(1 + length)...])
            #expect(signature.count == 65)
            #expect(Hashing.hash160(publicKey) == keyID)
            let digest = Hash256([UInt8](repeating: 0x11, count: 32))
            #expect(PublicKey.recover(compactSignature65: signature, digest32: digest)?.bytes == publicKey)
            let unknown = await rpcFailure { try await rpc.call("pon.sign", params: [.string(String(repeating: "99", count: 20))]) }
            guard case let .rpc(error)? = unknown else {
                Issue.record("an unknown key id was signed for: \(String(describing: unknown))")
                return
            }
            #expect(error.code == -5)   // FLUX_ERR_NOT_FOUND
        }
    }

    @Test func proofOfNodeBlocksAreProducedAndJudgedByThePlugin() async throws {
        let plugin = try await PoNPlugin.compile()
        let other = try await PoNPlugin.compile(name: "pon2", neverEligible: true)
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-upgradeheight=pon:5"], directory: try Self.dataFolder(plugin: plugin))
            let rpc = rpcClient(node)
            // Mining across the PoN height: blocks 5 to 7 name the plugin's collateral, signed by its operator key.
            let hashes = try await rpc.call("generate", params: [7]).arrayValue ?? []
            #expect(hashes.count == 7)
            #expect(node.chain.height == 7)
            let operatorPublic = Self.operatorKey.publicKey(compressed: true)
            for height in 1...7 {
                let entry = try #require(node.chain.entry(at: height))
                guard case let .node(collateral, signature) = entry.header.proof else {
                    #expect(height < 5, "block \(height) is proof of work")
                    continue
                }
                #expect(height >= 5)
                #expect(collateral == Self.collateral)
                #expect(operatorPublic.verify(signatureDER: signature, digest32: entry.header.hash))
            }

            // Blocks naming an unknown collateral, or signed by another key, are rejected.
            var builder = ChainBuilder(params: node.params)
            for height in 0...7 {
                let entry = try #require(node.chain.entry(at: height))
                builder.headers[entry.hash] = (entry.header, height)
            }
            let tip = node.chain.tip.hash
            let stranger = PrivateKey(bytes: [UInt8](repeating: 3, count: 32))!
            let unknown = OutPoint(hash: Hash256(displayHex: String(repeating: "d0", count: 32))!, index: 0)
            let byUnknown = builder.block(on: tip, collateral: unknown, signWith: stranger)
            #expect(try await rpc.call("submitblock", params: [.string(Hex.encode(byUnknown.serialized))]) == "bad-pon-node")
            let forged = builder.block(on: tip, collateral: Self.collateral, signWith: stranger)
            #expect(try await rpc.call("submitblock", params: [.string(Hex.encode(forged.serialized))]) == "bad-pon-signature")
            #expect(node.chain.height == 7)

            // A second PoN plugin is refused while one is loaded.
            let second = await rpcFailure { try await rpc.call("loadplugin", params: [.string(other)]) }
            guard case let .rpc(refusal)? = second else {
                Issue.record("a second PoN plugin was loaded: \(String(describing: second))")
                return
            }
            #expect(refusal.message.contains("already provides Proof of Node"), "\(refusal.message)")

            // Without the plugin, a valid PoN block cannot be judged: no verdict, not marked invalid.
            let valid = builder.block(on: tip, time: node.chain.tip.header.time + 1, collateral: Self.collateral,
                                      signWith: Self.operatorKey)
            _ = try await rpc.call("unloadplugin", params: ["pon"])
            #expect(try await rpc.call("submitblock", params: [.string(Hex.encode(valid.serialized))]) == "inconclusive")
            #expect(node.chain.entry(valid.hash)?.isFailed == false)
            #expect(node.chain.height == 7)
            // Loaded again, the plugin judges it: the waiting block connects.
            _ = try await rpc.call("loadplugin", params: ["pon"])
            #expect(node.chain.tip.hash == valid.hash)
            #expect(node.chain.height == 8)

            // With no PoN plugin, regtest mining falls back to fluxd's test collateral.
            _ = try await rpc.call("unloadplugin", params: ["pon"])
            _ = try await rpc.call("generate", params: [1])
            #expect(node.chain.height == 9)
            guard case let .node(fallback, _)? = node.chain.tip.header.proof as BlockHeader.Proof? else {
                Issue.record("block 9 is not a PoN block")
                return
            }
            #expect(fallback == ChainState.testCollateral)

            // A PoN plugin that says this node is not a producer: generate fails and names the height.
            _ = try await rpc.call("loadplugin", params: [.string(other)])
            let refused = await rpcFailure { try await rpc.call("generate", params: [1]) }
            guard case let .rpc(notEligible)? = refused else {
                Issue.record("an ineligible node produced a block: \(String(describing: refused))")
                return
            }
            #expect(notEligible.message.contains("this node is not an eligible FluxNode for height 10"), "\(notEligible.message)")
            #expect(node.chain.height == 9)
        }
    }
}

/// The C test plugin "pon" (FLUX_CAP_PROOF_OF_NODE | FLUX_CAP_RPC): its configuration holds one collateral (36
/// bytes hex) and the operator's private key (32 bytes hex); pon_operator_key knows only that collateral,
/// pon_propose always proposes it (delay 0), pon_sign signs with libsecp256k1. RPC methods exercise the 1.1 host
/// services: "params" (chain_parameters), "subsidy" [height] (block_subsidy) and "sign" [key id hex]
/// (wallet_sign_compact over 32 bytes of 0x11, the sink's record as hex). Built with NEVER_ELIGIBLE it needs no
/// configuration and knows no node.
enum PoNPlugin {
    static let source = #"""
    #include "flux_plugin.h"
    #include <secp256k1.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #ifndef NAME
    #define NAME "pon"
    #endif

    static const flux_host_api *A;
    static flux_host *H;
    static secp256k1_context *ctx;
    static uint8_t seckey[32], pubkey[33], mine[36];
    static int configured;

    static flux_buffer copy(const void *p, size_t n) {
        flux_buffer b; b.data = (uint8_t *)malloc(n ? n : 1); if (n) memcpy(b.data, p, n); b.len = n; return b;
    }
    static flux_buffer text(const char *s) { return copy(s, strlen(s)); }
    static flux_bytes bytes(const char *s) { flux_bytes b; b.data = (const uint8_t *)s; b.len = strlen(s); return b; }
    static int nibble(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
    static int unhex(const char *s, size_t len, uint8_t *out, size_t n) {
        if (len != 2 * n) return 0;
        for (size_t i = 0; i < n; i++) {
            int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
            if (hi < 0 || lo < 0) return 0;
            out[i] = (uint8_t)(hi << 4 | lo);
        }
        return 1;
    }
    static void tohex(const uint8_t *p, size_t n, char *out) {
        static const char d[] = "0123456789abcdef";
        for (size_t i = 0; i < n; i++) { out[2 * i] = d[p[i] >> 4]; out[2 * i + 1] = d[p[i] & 15]; }
        out[2 * n] = 0;
    }
    /* The string value of "name" in a flat JSON object: start and length, or 0. */
    static int field(const char *json, const char *name, const char **start, size_t *len) {
        char quoted[64];
        snprintf(quoted, sizeof quoted, "\"%s\"", name);
        const char *p = strstr(json, quoted);
        if (!p) return 0;
        p = strchr(p + strlen(quoted), ':');
        if (!p) return 0;
        p = strchr(p, '"');
        if (!p) return 0;
        const char *end = strchr(p + 1, '"');
        if (!end) return 0;
        *start = p + 1; *len = (size_t)(end - p - 1);
        return 1;
    }

    typedef struct { uint8_t b[1024]; uint64_t n; } record;
    static void sink(void *c, const uint8_t *d, uint64_t n) {
        record *r = (record *)c;
        if (r->n + n <= sizeof r->b) { if (n) memcpy(r->b + r->n, d, n); r->n += n; }
    }

    static flux_status on_load(const flux_host_api *api, flux_host *host, flux_bytes config, flux_plugin **out,
                               flux_buffer *msg) {
        (void)out;
        A = api; H = host;
        if (!FLUX_HAS(api, flux_host_api, wallet_sign_compact)) { *msg = text("needs a 1.1 host"); return FLUX_ERR_UNSUPPORTED; }
        api->register_rpc(host, bytes("params"), bytes("params\nchain_parameters"));
        api->register_rpc(host, bytes("subsidy"), bytes("subsidy height\nblock_subsidy"));
        api->register_rpc(host, bytes("sign"), bytes("sign keyid\nwallet_sign_compact"));
    #ifdef NEVER_ELIGIBLE
        (void)config; (void)msg; configured = 0; return FLUX_OK;
    #else
        char json[1024];
        size_t n = config.len < sizeof json - 1 ? (size_t)config.len : sizeof json - 1;
        memcpy(json, config.data, n); json[n] = 0;
        const char *v; size_t len;
        if (!field(json, "key", &v, &len) || !unhex(v, len, seckey, 32)) { *msg = text("config.key: 64 hex digits"); return FLUX_ERR_INVALID_ARGUMENT; }
        if (!field(json, "collateral", &v, &len) || !unhex(v, len, mine, 36)) { *msg = text("config.collateral: 72 hex digits"); return FLUX_ERR_INVALID_ARGUMENT; }
        ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
        secp256k1_pubkey pk;
        size_t pklen = sizeof pubkey;
        if (!secp256k1_ec_pubkey_create(ctx, &pk, seckey) ||
            !secp256k1_ec_pubkey_serialize(ctx, pubkey, &pklen, &pk, SECP256K1_EC_COMPRESSED)) {
            *msg = text("config.key is not a valid secret key"); return FLUX_ERR_INVALID_ARGUMENT;
        }
        configured = 1;
        return FLUX_OK;
    #endif
    }
    static void on_unload(flux_plugin *p) { (void)p; if (ctx) secp256k1_context_destroy(ctx); ctx = NULL; configured = 0; }
    static void free_buffer(flux_buffer b) { free(b.data); }

    static flux_status pon_operator_key(flux_plugin *p, const uint8_t *collateral, int64_t parent_height,
                                        const uint8_t *parent_hash, flux_sink out, void *context, flux_buffer *msg) {
        (void)p; (void)parent_height; (void)parent_hash; (void)msg;
        if (!configured || memcmp(collateral, mine, 36) != 0) return FLUX_ERR_NOT_FOUND;
        out(context, pubkey, sizeof pubkey);
        return FLUX_OK;
    }
    static flux_status pon_propose(flux_plugin *p, int64_t height, const uint8_t *parent_hash, uint32_t time, uint32_t bits,
                                   uint8_t *out_collateral, uint32_t *out_delay, flux_buffer *msg) {
        (void)p; (void)height; (void)parent_hash; (void)time; (void)bits; (void)msg;
        if (!configured) return FLUX_ERR_NOT_FOUND;
        memcpy(out_collateral, mine, 36);
        *out_delay = 0;
        return FLUX_OK;
    }
    static flux_status pon_sign(flux_plugin *p, const uint8_t *collateral, const uint8_t *block_hash,
                                flux_buffer *out_signature, flux_buffer *msg) {
        (void)p;
        if (!configured || memcmp(collateral, mine, 36) != 0) { *msg = text("not my collateral"); return FLUX_ERR_NOT_FOUND; }
        secp256k1_ecdsa_signature sig;
        uint8_t der[72];
        size_t len = sizeof der;
        if (!secp256k1_ecdsa_sign(ctx, &sig, block_hash, seckey, NULL, NULL) ||
            !secp256k1_ecdsa_signature_serialize_der(ctx, der, &len, &sig)) { *msg = text("signing failed"); return FLUX_ERR_FAILED; }
        *out_signature = copy(der, len);
        return FLUX_OK;
    }

    static flux_status rpc_call(flux_plugin *p, flux_bytes method, flux_bytes params, flux_buffer *out, flux_buffer *msg) {
        (void)p;
        char name[32], args[256];
        size_t n = method.len < sizeof name - 1 ? (size_t)method.len : sizeof name - 1;
        memcpy(name, method.data, n); name[n] = 0;
        n = params.len < sizeof args - 1 ? (size_t)params.len : sizeof args - 1;
        memcpy(args, params.data, n); args[n] = 0;
        record r; r.n = 0;
        if (strcmp(name, "params") == 0) {
            flux_status s = A->chain_parameters(H, sink, &r);
            if (s != FLUX_OK) { *msg = text("chain_parameters failed"); return s; }
            *out = copy(r.b, (size_t)r.n);
            return FLUX_OK;
        }
        if (strcmp(name, "subsidy") == 0) {
            int64_t value = 0;
            flux_status s = A->block_subsidy(H, strtoll(args + 1, NULL, 10), &value);
            if (s != FLUX_OK) { *msg = text("block_subsidy failed"); return s; }
            char number[32];
            snprintf(number, sizeof number, "%lld", (long long)value);
            *out = text(number);
            return FLUX_OK;
        }
        if (strcmp(name, "sign") == 0) {
            const char *q = strchr(args, '"');
            uint8_t keyid[20], digest[32];
            if (!q || !unhex(q + 1, 40, keyid, 20)) { *msg = text("sign \"keyid hex\""); return FLUX_ERR_INVALID_ARGUMENT; }
            memset(digest, 0x11, sizeof digest);
            flux_status s = A->wallet_sign_compact(H, keyid, digest, sink, &r);
            if (s != FLUX_OK) { *msg = text(s == FLUX_ERR_NOT_FOUND ? "the wallet has no such key" : "wallet_sign_compact failed"); return s; }
            char hex[2 * sizeof r.b + 3];
            hex[0] = '"';
            tohex(r.b, (size_t)r.n, hex + 1);
            strcat(hex, "\"");
            *out = text(hex);
            return FLUX_OK;
        }
        *msg = text("no such method");
        return FLUX_ERR_NOT_FOUND;
    }

    static const flux_plugin_callbacks callbacks = {
        .struct_size = sizeof(flux_plugin_callbacks), .on_load = on_load, .on_unload = on_unload,
        .free_buffer = free_buffer, .rpc_call = rpc_call, .pon_operator_key = pon_operator_key,
        .pon_propose = pon_propose, .pon_sign = pon_sign,
    };
    static const flux_plugin_descriptor descriptor = {
        .struct_size = sizeof(flux_plugin_descriptor), .abi_major = FLUX_PLUGIN_ABI_MAJOR,
        .abi_minor = FLUX_PLUGIN_ABI_MINOR, .abi_minor_required = 1, .pointer_size = sizeof(void *),
        .callbacks_size = sizeof(flux_plugin_callbacks), .capabilities = FLUX_CAP_PROOF_OF_NODE | FLUX_CAP_RPC,
        .consensus_version = 1, .activation_height = 0,
        .name = {(const uint8_t *)NAME, sizeof(NAME) - 1}, .version = {(const uint8_t *)"1.0.0", 5},
        .build_id = {(const uint8_t *)"test", 4}, .toolchain = {(const uint8_t *)"c", 1}, .callbacks = &callbacks,
    };
    FLUX_PLUGIN_EXPORT const flux_plugin_descriptor *flux_plugin_entry(void) { return &descriptor; }
    """#

    /// Compiles the plugin (off the Swift concurrency pool), linked with libsecp256k1; returns its path.
    static func compile(name: String = "pon", neverEligible: Bool = false) async throws -> String {
        let result = await onOwnThread { Result { try compileBlocking(name: name, neverEligible: neverEligible) } }
        return try result.get()
    }

    private static func compileBlocking(name: String, neverEligible: Bool) throws -> String {
        let dir = ChainBuilderDirectory.make()
        let sourcePath = dir + "/pon.c"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        return try TestCCompiler.sharedObject(
            [sourcePath], output: dir + "/lib\(name).so",
            arguments: ["-Wall", "-DNAME=\"\(name)\"", "-Wl,--no-as-needed", "-lsecp256k1"]
                + (neverEligible ? ["-DNEVER_ELIGIBLE"] : []))
    }
}
