import FluxChainFixtures
import FluxJSON
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxTestSupport
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
    static func markedTransaction(_ rpc: RPCClient, marker: String, coin index: Int = 0) async throws -> String {
        let unspent = try #require(try await rpc.call("listunspent").arrayValue)
        #expect(unspent.count > index)
        let coin = unspent[index]
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

    @Test func coinbaseOutputsAreParsedStrictly() throws {
        var good = ByteWriter()
        good.writeCompactSize(2)
        for output in [Self.toll(), Self.toll(5)] { output.encode(to: &good) }
        #expect(try Node.parseCoinbaseOutputs(good.bytes) == [Self.toll(), Self.toll(5)])
        #expect(try Node.parseCoinbaseOutputs([]) == [])
        #expect(try Node.parseCoinbaseOutputs([0]) == [])
        let value = Array(withUnsafeBytes(of: Int64(7).littleEndian) { Array($0) })
        let negative = Array(withUnsafeBytes(of: Int64(-1).littleEndian) { Array($0) })
        let tooMuch = Array(withUnsafeBytes(of: (Amount.maxMoney.units + 1).littleEndian) { Array($0) })
        var bigScript = ByteWriter()
        bigScript.writeCompactSize(1)
        bigScript.writeBytes(value)
        bigScript.writeVarBytes([UInt8](repeating: 0x51, count: 10_001))
        var tooMany = ByteWriter()
        tooMany.writeCompactSize(1_001)
        for _ in 0..<1_001 { Self.toll().encode(to: &tooMany) }
        let malformed: [(String, [UInt8])] = [
            ("count larger than the outputs", [2] + value + [1, 0x51]),
            ("truncated value", [1, 7, 0]),
            ("truncated script", [1] + value + [2, 0x51]),
            ("trailing bytes", [1] + value + [1, 0x51, 0]),
            ("negative value", [1] + negative + [1, 0x51]),
            ("value above the money supply", [1] + tooMuch + [1, 0x51]),
            ("non-canonical count", [0xfd, 1, 0] + value + [1, 0x51]),
            ("script over 10,000 bytes", bigScript.bytes),
            ("over 1,000 outputs", tooMany.bytes),
        ]
        for (what, bytes) in malformed {
            #expect(throws: DecodingError.self, "\(what)") { try Node.parseCoinbaseOutputs(bytes) }
        }
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
            judge.network.connectOnce("127.0.0.1:\(plain.p2pPort)")
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

    @Test func theMempoolAsksThePluginAndTemplatesCarryItsOutput() async throws {
        let plugin = try await TollPlugin.compile(activation: 3)
        try await withTestNodes { nodes in
            let node = try await nodes.start(directory: try Self.dataFolder(plugin: plugin))
            let rpc = rpcClient(node)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            _ = try await rpc.call("generatetoaddress", params: [101, .string(address)])

            // getblocktemplate's coinbase pays the toll after the miner's output, out of the miner's share.
            let template = try await rpc.call("getblocktemplate")
            let coinbaseHex = try #require(template["coinbasetxn"]?["data"]?.stringValue)
            let coinbase = try Transaction(serialized: try #require(Hex.decode(coinbaseHex)))
            #expect(coinbase.outputs.last == Self.toll())
            #expect(template["miner_reward"] == .int(Int(node.params.blockSubsidy(at: 102).units - TollPlugin.defaultAmount)))

            // A transaction the plugin rejects: -26 with its name and message; one it cannot judge: -26, no verdict,
            // counted as a fault; an ordinary one is admitted.
            let denied = try await Self.markedTransaction(rpc, marker: "deny")
            let refusal = await rpcFailure { try await rpc.call("sendrawtransaction", params: [.string(denied)]) }
            guard case let .rpc(error)? = refusal else {
                Issue.record("expected an RPC error, got \(String(describing: refusal))")
                return
            }
            #expect(error.code == -26)
            #expect(error.message == "bad-plugin-toll: transaction carries the deny marker")
            let failing = try await Self.markedTransaction(rpc, marker: "fail")
            let noVerdict = await rpcFailure { try await rpc.call("sendrawtransaction", params: [.string(failing)]) }
            guard case let .rpc(fault)? = noVerdict else {
                Issue.record("expected an RPC error, got \(String(describing: noVerdict))")
                return
            }
            #expect(fault.code == -26)
            #expect(fault.message.hasPrefix("plugin-no-verdict: plugin toll gave no verdict"))
            #expect(fault.message.contains("cannot judge this one"))
            let listing = try #require(try await rpc.call("listplugins").arrayValue?.first)
            #expect(listing["faults"] == .int(1))
            #expect(listing["state"] == "active")
            #expect(try await rpc.call("getmempoolinfo")["size"] == .int(0))
            let fine = try await Self.markedTransaction(rpc, marker: "okay")
            _ = try await rpc.call("sendrawtransaction", params: [.string(fine)])
            #expect(try await rpc.call("getmempoolinfo")["size"] == .int(1))

            // The fee goes to the miner, the toll is still paid out of its share.
            let hashes = try node.mineBlocks(1, to: burnScript)
            let block = try #require(try node.chain.block(hashes[0]))
            #expect(block.transactions.count == 2)
            #expect(block.transactions[0].outputs.last == Self.toll())
            #expect(block.transactions[0].outputs[0].value
                    == node.params.blockSubsidy(at: 102) + Amount(units: 10_000) - Amount(units: TollPlugin.defaultAmount))
        }
    }

    @Test func anUpgradeThatRefusesPooledTransactionsTakesThemOutOfThePool() async throws {
        let first = try await TollPlugin.compile(version: "1.0.0", activation: 3)
        let stricter = try await TollPlugin.compile(version: "1.0.1", activation: 3, denyNope: true)
        try await withTestNodes { nodes in
            let node = try await nodes.start(directory: try Self.dataFolder(plugin: first))
            let rpc = rpcClient(node)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            _ = try await rpc.call("generatetoaddress", params: [102, .string(address)])
            let nope = try await Self.markedTransaction(rpc, marker: "nope", coin: 0)
            let fine = try await Self.markedTransaction(rpc, marker: "okay", coin: 1)
            let nopeTxid = try #require(try await rpc.call("sendrawtransaction", params: [.string(nope)]).stringValue)
            let fineTxid = try #require(try await rpc.call("sendrawtransaction", params: [.string(fine)]).stringValue)
            #expect(try await rpc.call("getmempoolinfo")["size"] == .int(2))

            // The new build refuses what the old one admitted: the pool drops it at the switch, so the next
            // template (and block) holds only what the running rules accept.
            _ = try await rpc.call("reloadplugin", params: ["toll", .string(stricter)])
            #expect(try await rpc.call("listplugins").arrayValue?.first?["version"] == "1.0.1")
            #expect(try await rpc.call("getrawmempool") == .array([.string(fineTxid)]))
            let refusal = await rpcFailure { try await rpc.call("sendrawtransaction", params: [.string(nope)]) }
            guard case let .rpc(error)? = refusal else {
                Issue.record("expected an RPC error, got \(String(describing: refusal))")
                return
            }
            #expect(error.message == "bad-plugin-toll: this build refuses the nope marker too")
            let hashes = try node.mineBlocks(1, to: burnScript)
            let block = try #require(try node.chain.block(hashes[0]))
            #expect(block.transactions.map(\.txid.description) == [block.transactions[0].txid.description, fineTxid])
            #expect(!block.transactions.contains { $0.txid.description == nopeTxid })
        }
    }

    @Test func malformedCoinbaseOutputsStopTemplatesWithThePluginsName() async throws {
        let plugin = try await TollPlugin.compile(activation: 3, badOutputs: true)
        try await withTestNodes { nodes in
            let node = try await nodes.start(directory: try Self.dataFolder(plugin: plugin))
            let rpc = rpcClient(node)
            _ = try await rpc.call("generate", params: [2])   // below the activation height: no outputs asked
            #expect(node.chain.height == 2)
            for call in ["generate", "getblocktemplate"] {
                let failure = await rpcFailure { try await rpc.call(call, params: call == "generate" ? [1] : []) }
                guard case let .rpc(error)? = failure else {
                    Issue.record("\(call): expected an RPC error, got \(String(describing: failure))")
                    continue
                }
                #expect(error.code == -1)
                #expect(error.message.contains("plugin toll: malformed coinbase_outputs for height 3"), "\(error.message)")
            }
            #expect(node.chain.height == 2)
            #expect(try await rpc.call("getblockcount") == .int(2))
        }
    }

    @Test func reloadingAConsensusPluginFollowsTheConsensusVersionRules() async throws {
        let first = try await TollPlugin.compile(version: "1.0.0", activation: 3)
        try await withTestNodes { nodes in
            let node = try await nodes.start(directory: try Self.dataFolder(plugin: first))
            let rpc = rpcClient(node)
            _ = try node.mineBlocks(6, to: burnScript)
            func reload(_ path: String) async -> RPCClientError? {
                await rpcFailure { try await rpc.call("reloadplugin", params: ["toll", .string(path)]) }
            }
            func runningVersion() async throws -> JSONValue? {
                try await rpc.call("listplugins").arrayValue?.first?["version"]
            }

            // Same consensus version, same verdicts on the recent blocks: replaces the running build.
            let same = try await TollPlugin.compile(version: "1.0.1", activation: 3)
            #expect(await reload(same) == nil)
            #expect(try await runningVersion() == "1.0.1")

            // Same consensus version, but its check_block rejects the recent blocks (another toll): refused in
            // shadow, the running build stays.
            let diverging = try await TollPlugin.compile(version: "1.0.2", activation: 3, amount: 999)
            guard case let .rpc(shadow)? = await reload(diverging) else {
                Issue.record("a diverging build was accepted")
                return
            }
            #expect(shadow.message.contains("in shadow the new build judged block 3 differently"), "\(shadow.message)")
            #expect(try await runningVersion() == "1.0.1")

            // A higher consensus version must name an activation height above the tip (6).
            let early = try await TollPlugin.compile(version: "2.0.0", consensusVersion: 2, activation: 6, amount: 777)
            guard case let .rpc(refused)? = await reload(early) else {
                Issue.record("a consensus upgrade activating at the tip was accepted")
                return
            }
            #expect(refused.message.contains("must name an activation height above the tip"), "\(refused.message)")
            #expect(try await runningVersion() == "1.0.1")

            let later = try await TollPlugin.compile(version: "2.0.1", consensusVersion: 2, activation: 9, amount: 777)
            #expect(await reload(later) == nil)
            #expect(try await runningVersion() == "2.0.1")
            #expect(try await rpc.call("listplugins").arrayValue?.first?["consensus_version"] == .int(2))
            // The chain goes on: from height 9 blocks pay (and must pay) the new toll.
            let mined = try node.mineBlocks(4, to: burnScript)
            #expect(node.chain.height == 10)
            for (offset, hash) in mined.enumerated() {
                let coinbase = try #require(try node.chain.block(hash)).transactions[0]
                #expect((coinbase.outputs.last == Self.toll(777)) == (7 + offset >= 9))
            }
        }
    }
}

/// The consensus test plugin "toll", built from C at test time: it declares JUDGE_BLOCKS | COINBASE_OUTPUTS |
/// JUDGE_TRANSACTIONS; from its activation height check_block rejects a block whose coinbase lacks an output of
/// AMOUNT units to OP_TRUE, and coinbase_outputs returns that output; check_transaction rejects a transaction
/// with the output OP_RETURN "deny" (built with DENY_NOPE: also "nope") and fails (no verdict) on OP_RETURN "fail".
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
    #ifdef DENY_NOPE
    static const uint8_t nope[] = {0x6a, 0x04, 'n', 'o', 'p', 'e'};
    #endif

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
    #ifdef DENY_NOPE
        reader third = {e->transaction.data, e->transaction.len, 0, 1};
        if (has_output(&third, -1, nope, sizeof nope) == 1) { *msg = text("this build refuses the nope marker too"); return FLUX_ERR_REJECTED; }
    #endif
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
                        amount: Int64 = defaultAmount, badOutputs: Bool = false, denyNope: Bool = false) async throws -> String {
        let result = await onOwnThread { Result { try compileBlocking(version: version, consensusVersion: consensusVersion,
                                                                  activation: activation, amount: amount,
                                                                  badOutputs: badOutputs, denyNope: denyNope) } }
        return try result.get()
    }

    private static func compileBlocking(version: String, consensusVersion: Int, activation: Int, amount: Int64,
                                        badOutputs: Bool, denyNope: Bool) throws -> String {
        let dir = ChainBuilderDirectory.make()
        let sourcePath = dir + "/toll.c"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        return try TestCCompiler.sharedObject(
            [sourcePath], output: dir + "/libtoll-\(version).so",
            arguments: ["-Wall", "-Werror", "-DPLUGIN_VERSION=\"\(version)\"", "-DCONSENSUS_VERSION=\(consensusVersion)",
                        "-DACTIVATION=\(activation)", "-DAMOUNT=\(amount)LL"] + (badOutputs ? ["-DBAD_OUTPUTS"] : []) + (denyNope ? ["-DDENY_NOPE"] : []))
    }
}
