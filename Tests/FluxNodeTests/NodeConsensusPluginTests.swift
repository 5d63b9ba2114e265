import FluxChainFixtures
import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import Foundation
import Testing

/// A consensus plugin inside running nodes: its coinbase outputs in every template, its block verdicts (blocks
/// without its output are rejected from its activation height), its mempool verdicts, and the upgrade rules for
/// consensus builds.
@Suite(.serialized) struct NodeConsensusPluginTests {
    /// The output the test plugin requires: `amount` units to OP_TRUE.
    static func toll(_ amount: Int64 = TollPlugin.defaultAmount) -> TxOut {
        TxOut(value: Amount(units: amount), scriptPubKey: Script([0x51]))
    }

    /// A data folder whose plugins.toml enables the toll plugin at `path`.
    static func dataFolder(plugin path: String) throws -> String {
        try NodePluginTests.dataFolder(chainstats: false, addressindex: false,
                                       extra: "[plugins.toll]\npath = \"\(path)\"\n")
    }

    /// A transaction spending the wallet's first mature coinbase, with an OP_RETURN output carrying `marker`,
    /// signed by the node's wallet; returns its hex.
    static func markedTransaction(_ rpc: RPCClient, marker: String) async throws -> String {
        let unspent = try #require(try await rpc.call("listunspent").arrayValue)
        let coin = try #require(unspent.first)
        let txidHex = try #require(coin["txid"]?.stringValue)
        let txid = try #require(Hash256(displayHex: txidHex))
        let amount = try #require(coin["amount"]?.doubleValue)
        let value = Amount(units: Int64((amount * 1e8).rounded()))
        let vout = UInt32(try #require(coin["vout"]?.intValue))
        let data = Script([0x6a, UInt8(marker.utf8.count)] + Array(marker.utf8))
        let unsigned = Transaction(version: 1, inputs: [TxIn(prevout: OutPoint(hash: txid, index: vout), scriptSig: [])],
                                   outputs: [TxOut(value: value - Amount(units: 10_000), scriptPubKey: burnScript),
                                             TxOut(value: .zero, scriptPubKey: data)])
        let signed = try await rpc.call("signrawtransaction", params: [.string(Hex.encode(unsigned.serialized))])
        #expect(signed["complete"] == .bool(true))
        return try #require(signed["hex"]?.stringValue)
    }

    @Test func minedBlocksPayThePluginAndBlocksWithoutItAreRejectedFromItsActivation() async throws {
        let plugin = try await TollPlugin.compile(activation: 3)
        try await withTestNodes { nodes in
            let judge = try await nodes.start(directory: try Self.dataFolder(plugin: plugin))
            let plain = try await nodes.start()
            #expect(try await rpcClient(judge).call("listplugins").arrayValue?.first?["state"] == "active")

            // A node without the plugin mines 8 blocks without the toll; the judge takes 1 and 2 (before the
            // activation height) over P2P and rejects 3 with the plugin's reason.
            let foreign = try plain.mineBlocks(8, to: burnScript)
            judge.network.addNode("127.0.0.1:\(plain.p2pPort)")
            #expect(await eventually(30) { judge.chain.failureReason(foreign[2]) != nil })
            let reason = try #require(judge.chain.failureReason(foreign[2]))
            #expect(reason.code == "bad-plugin-toll")
            #expect(reason.message.contains("lacks the toll"))
            #expect(judge.chain.height == 2)
            #expect(judge.chain.tip.hash == foreign[1])

            // The judge mines on its own chain: from the activation height its coinbases pay the toll (out of
            // the miner's share) and its blocks connect.
            let mined = try judge.mineBlocks(3, to: burnScript)
            #expect(judge.chain.height == 5)
            #expect(judge.chain.tip.hash == mined[2])
            for (offset, hash) in mined.enumerated() {
                let block = try #require(try judge.chain.block(hash))
                let coinbase = block.transactions[0]
                #expect(coinbase.outputs.last == Self.toll())
                let height = 3 + offset
                #expect(coinbase.outputs[0].value
                        == judge.params.blockSubsidy(at: height) - Amount(units: TollPlugin.defaultAmount))
            }
            // Its peer's heavier chain stays rejected: the judge never leaves its own chain.
            #expect(plain.chain.height == 8)
            #expect(judge.chain.tip.hash == mined[2])
            // A block submitted without the toll is refused with the plugin's reason, one with it is taken.
            let rpc = rpcClient(judge)
            var builder = ChainBuilder()
            for height in 1...5 {
                let entry = try #require(judge.chain.entry(at: height))
                builder.headers[entry.hash] = (entry.header, height)
            }
            let bare = builder.block(on: mined[2], payTo: burnScript)
            #expect(try await rpc.call("submitblock", params: [.string(Hex.encode(bare.serialized))]) == "bad-plugin-toll")
            #expect(judge.chain.height == 5)
            let paying = builder.block(on: mined[2], coinbaseExtra: .zero - Amount(units: TollPlugin.defaultAmount),
                                       extraOutputs: [Self.toll()])
            #expect(try await rpc.call("submitblock", params: [.string(Hex.encode(paying.serialized))]) == .null)
            #expect(judge.chain.tip.hash == paying.hash)
        }
    }
}

/// The consensus test plugin "toll", built from C at test time: it declares JUDGE_BLOCKS | COINBASE_OUTPUTS |
/// JUDGE_TRANSACTIONS; from its activation height check_block rejects a block whose coinbase lacks an output of
/// AMOUNT units to OP_TRUE, and coinbase_outputs returns that output; check_transaction rejects a transaction
/// with the output OP_RETURN "deny" and fails (no verdict) on OP_RETURN "fail".
enum TollPlugin {
    static let defaultAmount: Int64 = 12_345

    static let source = #"""
    #include "flux_plugin.h"
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #ifndef CONSENSUS_VERSION
    #define CONSENSUS_VERSION 1
    #endif
    #ifndef ACTIVATION
    #define ACTIVATION 3
    #endif
    #ifndef AMOUNT
    #define AMOUNT 12345
    #endif
    #ifndef PLUGIN_VERSION
    #define PLUGIN_VERSION "1.0.0"
    #endif

    static flux_buffer copy(const void *p, size_t n) {
        flux_buffer b; b.data = (uint8_t *)malloc(n ? n : 1); memcpy(b.data, p, n); b.len = n; return b;
    }
    static flux_buffer text(const char *s) { return copy(s, strlen(s)); }

    typedef struct { const uint8_t *p; uint64_t n, off; int ok; } reader;
    static void skip(reader *r, uint64_t k) { if (!r->ok || r->n - r->off < k) r->ok = 0; else r->off += k; }
    static uint64_t le(reader *r, int width) {
        uint64_t v = 0;
        if (!r->ok || r->n - r->off < (uint64_t)width) { r->ok = 0; return 0; }
        for (int i = 0; i < width; i++) v |= (uint64_t)r->p[r->off + i] << (8 * i);
        r->off += width; return v;
    }
    static uint64_t compact(reader *r) {
        uint64_t b = le(r, 1);
        return b < 0xfd ? b : le(r, b == 0xfd ? 2 : b == 0xfe ? 4 : 8);
    }
    /* 1 when the transaction at r has an output with `script` (and `value`, unless value < 0); 0 when not; -1 when
       it cannot be read. FluxNode transactions (v5/v6, not overwintered) have no outputs. */
    static int has_output(reader *r, int64_t value, const uint8_t *script, uint64_t len) {
        uint32_t header = (uint32_t)le(r, 4);
        if (header >> 31) skip(r, 4); else if (header >= 5) return r->ok ? 0 : -1;
        uint64_t inputs = compact(r);
        for (uint64_t i = 0; i < inputs && r->ok; i++) { skip(r, 36); skip(r, compact(r)); skip(r, 4); }
        uint64_t outputs = compact(r);
        int found = 0;
        for (uint64_t i = 0; i < outputs && r->ok; i++) {
            int64_t v = (int64_t)le(r, 8);
            uint64_t n = compact(r);
            if (r->ok && n == len && r->n - r->off >= n && memcmp(r->p + r->off, script, n) == 0 && (value < 0 || v == value))
                found = 1;
            skip(r, n);
        }
        return r->ok ? found : -1;
    }

    static const uint8_t op_true[] = {0x51};
    static const uint8_t deny[] = {0x6a, 0x04, 'd', 'e', 'n', 'y'};
    static const uint8_t fail[] = {0x6a, 0x04, 'f', 'a', 'i', 'l'};

    static flux_status on_load(const flux_host_api *api, flux_host *host, flux_bytes config, flux_plugin **out,
                               flux_buffer *msg) {
        (void)api; (void)host; (void)config; (void)out; (void)msg; return FLUX_OK;
    }
    static void on_unload(flux_plugin *p) { (void)p; }
    static void free_buffer(flux_buffer b) { free(b.data); }

    static flux_status check_block(flux_plugin *p, const flux_block_event *e, flux_buffer *msg) {
        (void)p;
        if (e->height < ACTIVATION) return FLUX_OK;
        reader r = {e->block.data, e->block.len, 0, 1};
        uint32_t version = (uint32_t)le(&r, 4);
        skip(&r, 104);
        if (version < 100) { skip(&r, 32); skip(&r, compact(&r)); } else { skip(&r, 36); skip(&r, compact(&r)); }
        compact(&r);
        int found = has_output(&r, AMOUNT, op_true, sizeof op_true);
        if (found == 1) return FLUX_OK;
        char reason[96];
        snprintf(reason, sizeof reason, found < 0 ? "unreadable block" : "coinbase lacks the toll of %lld to OP_TRUE",
                 (long long)AMOUNT);
        *msg = text(reason);
        return FLUX_ERR_REJECTED;
    }

    static flux_status check_transaction(flux_plugin *p, const flux_tx_event *e, int64_t next_height, flux_buffer *msg) {
        (void)p; (void)next_height;
        reader r = {e->transaction.data, e->transaction.len, 0, 1};
        if (has_output(&r, -1, deny, sizeof deny) == 1) { *msg = text("transaction carries the deny marker"); return FLUX_ERR_REJECTED; }
        reader again = {e->transaction.data, e->transaction.len, 0, 1};
        if (has_output(&again, -1, fail, sizeof fail) == 1) { *msg = text("cannot judge this one"); return FLUX_ERR_FAILED; }
        return FLUX_OK;
    }

    static flux_status coinbase_outputs(flux_plugin *p, int64_t height, flux_buffer *outputs, flux_buffer *msg) {
        (void)p; (void)msg;
        if (height < ACTIVATION) return FLUX_OK;
        uint8_t bytes[11] = {1};
        for (int i = 0; i < 8; i++) bytes[1 + i] = (uint8_t)(((uint64_t)AMOUNT) >> (8 * i));
        bytes[9] = 1; bytes[10] = 0x51;
    #ifdef BAD_OUTPUTS
        bytes[0] = 2;   /* claims two outputs, carries one */
    #endif
        *outputs = copy(bytes, sizeof bytes);
        return FLUX_OK;
    }

    static const flux_plugin_callbacks callbacks = {
        .struct_size = sizeof(flux_plugin_callbacks), .on_load = on_load, .on_unload = on_unload,
        .free_buffer = free_buffer, .check_block = check_block, .check_transaction = check_transaction,
        .coinbase_outputs = coinbase_outputs,
    };
    static const flux_plugin_descriptor descriptor = {
        .struct_size = sizeof(flux_plugin_descriptor), .abi_major = FLUX_PLUGIN_ABI_MAJOR,
        .abi_minor = FLUX_PLUGIN_ABI_MINOR, .abi_minor_required = 0, .pointer_size = sizeof(void *),
        .callbacks_size = sizeof(flux_plugin_callbacks),
        .capabilities = FLUX_CAP_JUDGE_BLOCKS | FLUX_CAP_COINBASE_OUTPUTS | FLUX_CAP_JUDGE_TRANSACTIONS,
        .consensus_version = CONSENSUS_VERSION, .activation_height = ACTIVATION,
        .name = {(const uint8_t *)"toll", 4}, .version = {(const uint8_t *)PLUGIN_VERSION, sizeof(PLUGIN_VERSION) - 1},
        .build_id = {(const uint8_t *)"test", 4}, .toolchain = {(const uint8_t *)"c", 1}, .callbacks = &callbacks,
    };
    FLUX_PLUGIN_EXPORT const flux_plugin_descriptor *flux_plugin_entry(void) { return &descriptor; }
    """#

    /// Compiles the plugin with the given macros (off the Swift concurrency pool); returns the shared object's path.
    static func compile(version: String = "1.0.0", consensusVersion: Int = 1, activation: Int = 3,
                        amount: Int64 = defaultAmount, badOutputs: Bool = false) async throws -> String {
        let result = await offPool { Result { try compileBlocking(version: version, consensusVersion: consensusVersion,
                                                                  activation: activation, amount: amount,
                                                                  badOutputs: badOutputs) } }
        return try result.get()
    }

    private static func compileBlocking(version: String, consensusVersion: Int, activation: Int, amount: Int64,
                                        badOutputs: Bool) throws -> String {
        var root = URL(fileURLWithPath: #filePath)
        while root.path != "/", !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            root.deleteLastPathComponent()
        }
        let dir = ChainBuilderDirectory.make()
        let sourcePath = dir + "/toll.c"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        let output = dir + "/libtoll-\(version).so"
        let compilers = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .flatMap { dir in ["clang", "cc", "gcc"].map { "\(dir)/\($0)" } }
        let compiler = compilers.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/cc"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: compiler)
        process.arguments = ["-std=c99", "-shared", "-fPIC", "-fvisibility=hidden", "-Wall", "-Werror",
                             "-I", root.appendingPathComponent("SDK/CFluxPlugin/include").path,
                             "-DPLUGIN_VERSION=\"\(version)\"", "-DCONSENSUS_VERSION=\(consensusVersion)",
                             "-DACTIVATION=\(activation)", "-DAMOUNT=\(amount)LL"]
            + (badOutputs ? ["-DBAD_OUTPUTS"] : []) + ["-o", output, sourcePath]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw NodeTestError("compiling the toll plugin \(version) failed") }
        return output
    }
}
