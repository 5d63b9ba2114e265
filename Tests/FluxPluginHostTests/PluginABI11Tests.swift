import CFluxPlugin
import FluxChainFixtures
import Foundation
import Logging
import Testing
@testable import FluxPluginHost

/// ABI 1.1 in the host without a node: kv_seek through a block's transaction (a C plugin checks every answer
/// itself), 1.0-sized callback tables, and the descriptor rules of FLUX_CAP_PROOF_OF_NODE.
@Suite struct PluginABI11Tests {
    let logger = Logger(label: "plugin-abi11-test")

    /// A stateful C plugin "seeker" whose block_connected stages writes in its transaction and then checks what
    /// kv_seek returns, with and without the transaction; the first wrong answer fails the callback with a
    /// message naming it. With ABI10 its callback table is the 1.0 size (8 + 15 × 8 bytes), followed in memory by
    /// a non-NULL pon_operator_key the host must not read.
    static let seeker = #"""
    #include "flux_plugin.h"
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>

    static const flux_host_api *A;
    static flux_host *H;
    typedef struct { uint8_t b[512]; uint64_t n; } record;
    static void sink(void *c, const uint8_t *d, uint64_t n) {
        record *r = (record *)c;
        if (n <= sizeof r->b) { if (n) memcpy(r->b, d, n); r->n = n; }
    }
    static flux_bytes bytes(const char *s, size_t n) { flux_bytes x; x.data = (const uint8_t *)s; x.len = n; return x; }
    static flux_bytes text(const char *s) { return bytes(s, strlen(s)); }
    static flux_buffer message(const char *s) {
        flux_buffer b; b.len = strlen(s); b.data = (uint8_t *)malloc(b.len); memcpy(b.data, s, b.len); return b;
    }

    /* Checks seek(prefix, from) → key/value (key NULL: FLUX_ERR_NOT_FOUND, or `status` when non-zero). */
    static int check(int n, flux_kv_txn *t, flux_bytes prefix, flux_bytes from, const char *key, const char *value,
                     flux_status status, flux_buffer *m) {
        record r; r.n = 0;
        flux_status s = A->kv_seek(H, t, prefix, from, sink, &r);
        char why[160];
        if (!key) {
            flux_status want = status ? status : FLUX_ERR_NOT_FOUND;
            if (s == want) return 0;
            snprintf(why, sizeof why, "seek %d: status %d, expected %d", n, (int)s, (int)want);
            *m = message(why); return 1;
        }
        size_t kl = strlen(key), vl = strlen(value);
        uint32_t got = r.n >= 4 ? (uint32_t)r.b[0] | (uint32_t)r.b[1] << 8 | (uint32_t)r.b[2] << 16 | (uint32_t)r.b[3] << 24 : 0;
        if (s != FLUX_OK || r.n != 4 + kl + vl || got != kl || memcmp(r.b + 4, key, kl) != 0 || memcmp(r.b + 4 + kl, value, vl) != 0) {
            snprintf(why, sizeof why, "seek %d: status %d, %llu bytes, expected %s=%s", n, (int)s, (unsigned long long)r.n, key, value);
            *m = message(why); return 1;
        }
        return 0;
    }

    /* Checks scan(prefix, from, max) → "k=v,k=v" (or `status` when non-zero). */
    static int scan_check(int n, flux_kv_txn *t, flux_bytes prefix, flux_bytes from, uint32_t max, const char *expect,
                          flux_status status, flux_buffer *m) {
        record r; r.n = 0;
        flux_status s = A->kv_scan(H, t, prefix, from, max, sink, &r);
        char why[300];
        if (status) {
            if (s == status) return 0;
            snprintf(why, sizeof why, "scan %d: status %d, expected %d", n, (int)s, (int)status);
            *m = message(why); return 1;
        }
        char got[256]; size_t g = 0; uint64_t i = 0;
        while (i + 4 <= r.n && g < 200) {
            uint32_t kl = (uint32_t)r.b[i] | (uint32_t)r.b[i + 1] << 8 | (uint32_t)r.b[i + 2] << 16 | (uint32_t)r.b[i + 3] << 24;
            i += 4; if (i + kl + 4 > r.n) break;
            if (g) got[g++] = ',';
            memcpy(got + g, r.b + i, kl); g += kl; i += kl; got[g++] = '=';
            uint32_t vl = (uint32_t)r.b[i] | (uint32_t)r.b[i + 1] << 8 | (uint32_t)r.b[i + 2] << 16 | (uint32_t)r.b[i + 3] << 24;
            i += 4; if (i + vl > r.n) break;
            memcpy(got + g, r.b + i, vl); g += vl; i += vl;
        }
        got[g] = 0;
        if (s != FLUX_OK || i != r.n || strcmp(got, expect) != 0) {
            snprintf(why, sizeof why, "scan %d: status %d, got \"%s\", expected \"%s\"", n, (int)s, got, expect);
            *m = message(why); return 1;
        }
        return 0;
    }

    static flux_status on_load(const flux_host_api *api, flux_host *host, flux_bytes config, flux_plugin **out,
                               flux_buffer *msg) {
        (void)config; (void)out; (void)msg; A = api; H = host; return FLUX_OK;
    }
    static void on_unload(flux_plugin *p) { (void)p; }
    static void free_buffer(flux_buffer b) { free(b.data); }

    static flux_status block_connected(flux_plugin *p, const flux_block_event *e, flux_kv_txn *t, flux_buffer *m) {
        (void)p; (void)e;
        if (!FLUX_HAS(A, flux_host_api, kv_seek) || !A->kv_seek) { *m = message("no kv_seek"); return FLUX_ERR_FAILED; }
        /* Committed (set by the test): a1=v1 a3=v3 b1=w1 and the host's key 00 63. Staged: a1=n1 a2=s2, a3 deleted. */
        if (A->kv_put(H, t, text("a1"), text("n1")) || A->kv_put(H, t, text("a2"), text("s2")) || A->kv_delete(H, t, text("a3")))
            { *m = message("staging failed"); return FLUX_ERR_FAILED; }
        flux_bytes none = bytes(NULL, 0);
        int bad = check(1, t, text("a"), none, "a1", "n1", 0, m)           /* a staged put replaces the committed value */
            || check(2, t, text("a"), bytes("a1\0", 3), "a2", "s2", 0, m)  /* a staged put only */
            || check(3, t, text("a"), text("a3"), NULL, NULL, 0, m)        /* a staged delete hides a3; nothing after */
            || check(4, t, text("b"), none, "b1", "w1", 0, m)              /* committed only, prefix boundary */
            || check(5, t, none, none, "a1", "n1", 0, m)                   /* the host's 0x00 keys are never seen */
            || check(6, t, text("a"), text("z"), NULL, NULL, 0, m)         /* from beyond the last key */
            || check(7, t, text("b"), text("a"), "b1", "w1", 0, m)         /* from below the prefix */
            || check(8, t, text("a2"), none, "a2", "s2", 0, m)             /* the prefix is the whole key */
            || check(9, t, text("c"), none, NULL, NULL, 0, m)              /* no key with the prefix */
            || check(10, NULL, text("a"), text("a2"), "a3", "v3", 0, m)    /* without the txn: committed data */
            || check(11, NULL, text("a"), none, "a1", "v1", 0, m)
            || check(12, t, bytes("\0", 1), none, NULL, NULL, FLUX_ERR_INVALID_ARGUMENT, m);
        if (!bad && FLUX_HAS(A, flux_host_api, kv_scan) && A->kv_scan) {
            bad = scan_check(1, t, text("a"), none, 10, "a1=n1,a2=s2", 0, m)      /* staged puts merged, a3 hidden */
                || scan_check(2, t, none, none, 10, "a1=n1,a2=s2,b1=w1", 0, m)    /* across prefixes, no host keys */
                || scan_check(3, t, none, none, 2, "a1=n1,a2=s2", 0, m)           /* at most max entries */
                || scan_check(4, t, none, text("a2"), 10, "a2=s2,b1=w1", 0, m)    /* from a staged key */
                || scan_check(5, NULL, text("a"), none, 10, "a1=v1,a3=v3", 0, m)  /* committed data only */
                || scan_check(6, t, text("c"), none, 10, "", 0, m)                /* nothing: OK, no entries */
                || scan_check(7, t, text("a"), none, 0, "", FLUX_ERR_LIMIT, m)
                || scan_check(8, t, text("a"), none, 5000, "", FLUX_ERR_LIMIT, m);
        }
        return bad ? FLUX_ERR_FAILED : FLUX_OK;
    }

    #ifdef ABI10
    static flux_status bogus(flux_plugin *p, const uint8_t *c, int64_t h, const uint8_t *ph, flux_sink s, void *x,
                             flux_buffer *m) { (void)p; (void)c; (void)h; (void)ph; (void)s; (void)x; (void)m; return FLUX_OK; }
    #define TABLE_SIZE (8 + 15 * 8)
    #define MINOR 0
    #else
    #define TABLE_SIZE sizeof(flux_plugin_callbacks)
    #define MINOR 1
    #endif
    static const flux_plugin_callbacks callbacks = {
        .struct_size = TABLE_SIZE, .on_load = on_load, .on_unload = on_unload, .free_buffer = free_buffer,
        .block_connected = block_connected,
    #ifdef ABI10
        .pon_operator_key = bogus,   /* beyond struct_size: a 1.1 host must not see it */
    #endif
    };
    static const flux_plugin_descriptor descriptor = {
        .struct_size = sizeof(flux_plugin_descriptor), .abi_major = FLUX_PLUGIN_ABI_MAJOR, .abi_minor = MINOR,
        .abi_minor_required = 0, .pointer_size = sizeof(void *), .callbacks_size = TABLE_SIZE,
        .capabilities = FLUX_CAP_STATEFUL, .name = {(const uint8_t *)"seeker", 6}, .version = {(const uint8_t *)"1.0", 3},
        .build_id = {(const uint8_t *)"test", 4}, .toolchain = {(const uint8_t *)"c", 1}, .callbacks = &callbacks,
    };
    FLUX_PLUGIN_EXPORT const flux_plugin_descriptor *flux_plugin_entry(void) { return &descriptor; }
    """#

    static func buildSeeker(abi10: Bool) throws -> String {
        let dir = TestScratch.directory("flux-seeker")
        let source = dir + "/seeker.c"
        try seeker.write(toFile: source, atomically: true, encoding: .utf8)
        return try TestCCompiler.sharedObject([source], output: dir + "/libseeker.so",
                                              arguments: ["-Wall", "-Werror"] + (abi10 ? ["-DABI10"] : []))
    }

    /// Loads the seeker over a store holding a1, a3, b1 and a host key, and delivers one block with a transaction.
    func runSeeker(abi10: Bool) throws -> (PluginImage, PluginInstance.Outcome, PluginKVTransaction) {
        let image = try PluginImage.load(path: try Self.buildSeeker(abi10: abi10), imagesDirectory: TestPlugins.imagesDirectory())
        let services = MemoryPluginServices()
        let namespace = "plugin.seeker"
        services.store[namespace] = [Array("a1".utf8): Array("v1".utf8), Array("a3".utf8): Array("v3".utf8),
                                     Array("b1".utf8): Array("w1".utf8), [0, 0x63]: Array("host".utf8)]
        let plugin = try PluginInstance(image: image, configuration: Array("{}".utf8), services: services, logger: logger)
        defer { plugin.unload() }
        let txn = PluginKVTransaction(namespace: namespace) { (key) throws(PluginStoreError) in
            try services.storedValue(namespace: namespace, key: key)
        }
        let outcome = plugin.blockEvent(connected: true, height: 1, hash: [UInt8](repeating: 0, count: 32), block: [],
                                        transaction: txn)
        return (image, outcome, txn)
    }

    /// The seeker declares ABI 1.1: a 1.1 plugin loads and works in this 1.2 host.
    @Test func kvSeekMergesTheTransactionWithCommittedData() throws {
        let (image, outcome, txn) = try runSeeker(abi10: false)
        #expect(image.info.abiMinor == 1)
        #expect(outcome == .ok)
        #expect(txn.finalWrites.map(\.key) == [Array("a1".utf8), Array("a2".utf8), Array("a3".utf8)])
    }

    @Test func aPluginWithTheABI10CallbackTableLoadsAndWorks() throws {
        let (image, outcome, _) = try runSeeker(abi10: true)
        #expect(image.info.abiMinor == 0)
        #expect(Int(image.descriptor.pointee.callbacks_size) == PluginImage.callbacksSize1_0)
        #expect(PluginImage.callbacksSize1_0 == 8 + 15 * 8)
        // The host reads a zero-filled copy: the entry past the plugin's table is NULL although the image's
        // memory after its table is not.
        #expect(image.callbacks != image.descriptor.pointee.callbacks)
        #expect(image.callbacks.pointee.pon_operator_key == nil)
        #expect(image.descriptor.pointee.callbacks?.pointee.pon_operator_key != nil)
        #expect(outcome == .ok)
    }

    @Test func proofOfNodeNeedsAConsensusVersionAndAnOperatorKeyCallback() throws {
        func refusal(_ defines: [String]) throws -> String? {
            do {
                _ = try PluginImage.load(path: try TestPlugins.build(defines), imagesDirectory: TestPlugins.imagesDirectory())
                return nil
            } catch let error as PluginLoadError {
                return error.reason
            }
        }
        let noVersion = try refusal(["CAPS=FLUX_CAP_PROOF_OF_NODE"])
        #expect(noVersion?.contains("descriptor.consensus_version is 0") == true, "\(noVersion ?? "loaded")")
        let noCallback = try refusal(["CAPS=FLUX_CAP_PROOF_OF_NODE", "CONSENSUS_VERSION=1"])
        #expect(noCallback == "capability needs callbacks.pon_operator_key, which is NULL", "\(noCallback ?? "loaded")")
        let unknown = try refusal(["CAPS=0x800"])
        #expect(unknown?.contains("descriptor.capabilities has bits 0x800") == true, "\(unknown ?? "loaded")")
        // Every 1.1 bit but PoN (which needs the callback) is accepted by a plain observer build.
        #expect(try refusal(["CAPS=FLUX_CAP_OBSERVE_BLOCKS"]) == nil)
    }
}
