/*
 * flux_plugin.h — the only contract between the Flux node (the host) and its plugins.
 *
 * ABI 1.2 (1.0 plus the appended host services and Proof-of-Node callbacks marked "1.1", and the host services and
 * the status FLUX_ERR_RPC marked "1.2"). C99, fixed-width integers, opaque handles, (pointer, length) byte strings, size-prefixed structs.
 * A plugin is a shared object exporting one symbol, `flux_plugin_entry`, that returns a constant descriptor.
 * Everything else travels through two tables of function pointers: the plugin's callbacks (in the descriptor)
 * and the host's services (passed to `on_load`). A plugin never links against symbols of the node.
 *
 * ---------------------------------------------------------------------------------------------------------------
 * VERSIONING
 *   - FLUX_PLUGIN_ABI_MAJOR changes only for incompatible changes; the host refuses any other major.
 *   - FLUX_PLUGIN_ABI_MINOR grows when fields or functions are appended. A plugin states the minor it was built
 *     with and the lowest host minor it needs; the host refuses a plugin that needs a newer host.
 *   - Every struct starts with `struct_size` (the size the writer was compiled with) and only grows at the end.
 *     A reader uses a field only when `offsetof(field) + sizeof(field) <= struct_size`. A host reading a struct
 *     larger than the one it knows requires the unknown tail to be zero.
 *   - Function pointers appended in a later minor may be NULL; check before calling (see FLUX_HAS()).
 *
 * OWNERSHIP
 *   - flux_bytes: borrowed. Bytes the host passes are valid only until the call that passed them returns; copy
 *     what you keep. Bytes in the descriptor are static for the life of the image.
 *   - flux_buffer: owned by whoever filled it. A plugin fills `flux_buffer` out-parameters with memory it
 *     allocated; the host releases it by calling the plugin's `free_buffer`, exactly once, from any thread.
 *     Leave an out-parameter untouched (data NULL, len 0) when there is nothing to return.
 *   - Host data returned by queries is delivered through a flux_sink callback during the query; the plugin
 *     copies what it needs. The host never asks a plugin to free host memory and vice versa.
 *   - Handles (flux_host, flux_plugin, flux_kv_txn) are opaque. flux_host and flux_plugin live from on_load to
 *     on_unload; a flux_kv_txn lives only during the callback that received it.
 *
 * ERRORS
 *   - Every fallible function returns flux_status: FLUX_OK (0) or a negative FLUX_ERR_* code. Callbacks may put
 *     a UTF-8 message in their `out_message` buffer. Nothing may unwind across this boundary: no C++ exceptions,
 *     no longjmp, no Swift error or trap (a trap in a plugin ends the whole node process).
 *
 * THREADING
 *   - on_load, import_state, export_state and on_unload are called one at a time, never concurrently with any
 *     other callback of the same instance.
 *   - Stateful and block-judging plugins (FLUX_CAP_STATEFUL, FLUX_CAP_JUDGE_BLOCKS, FLUX_CAP_COINBASE_OUTPUTS) get
 *     block_connected, block_disconnected and check_block in-line, on the chain's thread, in block order, one call
 *     at a time, in the order of plugins.toml. check_transaction runs on the thread that admits the transaction to
 *     the mempool, coinbase_outputs on the thread that builds a block template. They hold up block processing while they run: keep them short; the host
 *     enforces a time budget (plugins.toml `budget_ms`) and counts overruns as faults.
 *   - Pure observers get block, transaction, tip and tick events from a bounded queue on a thread of their own:
 *     one call at a time per plugin, in order, never blocking the chain. When the queue is full, events are
 *     dropped and counted (`listplugins` shows the drops). A replayed event carries FLUX_EVENT_REPLAY.
 *   - rpc_call and p2p_message may run concurrently with each other and with the event callbacks of the same
 *     plugin, on host worker threads: protect shared state.
 *   - Host services may be called from any thread, from the start of on_load until on_unload returns, except
 *     that a flux_kv_txn is used only inside the callback that received it and register_rpc / register_p2p /
 *     register_global_rpc only during on_load. They never call back into the
 *     calling plugin.
 *   - Callbacks must not block for long (no network waits, no sleeping). Long work belongs on the plugin's own
 *     threads, started in on_load and stopped in on_unload.
 *
 * BYTE ORDER
 *   Hashes are 32 bytes in internal (wire) order, as in serialized blocks; RPC shows them reversed. Blocks and
 *   transactions are passed in Flux's wire format. Integers inside byte strings are little-endian.
 * ---------------------------------------------------------------------------------------------------------------
 */
#ifndef FLUX_PLUGIN_H
#define FLUX_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-extension"
#pragma clang assume_nonnull begin
#define FLUX_NULLABLE _Nullable
#define FLUX_NONNULL _Nonnull
#else
#define FLUX_NULLABLE
#define FLUX_NONNULL
#endif

#if defined(_WIN32)
#define FLUX_PLUGIN_EXPORT __declspec(dllexport)
#else
#define FLUX_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#define FLUX_PLUGIN_ABI_MAJOR 1
#define FLUX_PLUGIN_ABI_MINOR 2

/** The one symbol every plugin exports. */
#define FLUX_PLUGIN_ENTRY_SYMBOL "flux_plugin_entry"

/** True when `ptr` (a struct of `type` whose writer set struct_size) contains `field` (check appended fields). */
#define FLUX_HAS(ptr, type, field) \
    ((ptr) != NULL && (ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* ---- Status codes ------------------------------------------------------------------------------------------- */

typedef int32_t flux_status;

#define FLUX_OK 0
/** Failure; the message says why. */
#define FLUX_ERR_FAILED (-1)
/** An argument is malformed (bad bytes, bad key, bad config). */
#define FLUX_ERR_INVALID_ARGUMENT (-2)
/** The thing asked for does not exist (unknown block, missing key, spent output). */
#define FLUX_ERR_NOT_FOUND (-3)
/** This host or plugin does not offer the function (a NULL entry, a capability not declared). */
#define FLUX_ERR_UNSUPPORTED (-4)
/** A judge's verdict: the block or transaction is invalid. The message is the reason shown to peers and RPC. */
#define FLUX_ERR_REJECTED (-5)
/** Called at the wrong time (after on_unload, a kv_txn outside its callback, a write to a read-only txn). */
#define FLUX_ERR_STATE (-6)
/** Over a limit (key or value too large, message too large, queue full). */
#define FLUX_ERR_LIMIT (-7)
/**
 * (1.2) rpc_call only: the call failed with a specific JSON-RPC error. out_message is a JSON object
 * {"code": <integer>, "message": "<text>"} that the host returns to the caller as it is (fluxd's -1 or -32600
 * "This is not a Flux Node", for example). A message that is not such an object is returned with code -1. A 1.0 or
 * 1.1 host treats this status as any other failure (code -1, the JSON text as the message).
 */
#define FLUX_ERR_RPC (-8)

/* ---- Byte strings ------------------------------------------------------------------------------------------ */

/** Borrowed bytes: valid until the call that passed them returns. `data` may be NULL when `len` is 0. */
typedef struct flux_bytes {
    const uint8_t *FLUX_NULLABLE data;
    uint64_t len;
} flux_bytes;

/** Bytes a plugin allocated and hands to the host; the host releases them with the plugin's `free_buffer`. */
typedef struct flux_buffer {
    uint8_t *FLUX_NULLABLE data;
    uint64_t len;
} flux_buffer;

/** Receives borrowed bytes from a host query, during the query. `context` is the caller's. */
typedef void (*flux_sink)(void *FLUX_NULLABLE context, const uint8_t *FLUX_NULLABLE data, uint64_t len);

/* ---- Opaque handles ---------------------------------------------------------------------------------------- */

/** The host's side of one loaded plugin instance. */
typedef struct flux_host flux_host;
/** The plugin's own instance state, created by on_load. */
typedef struct flux_plugin flux_plugin;
/** The plugin's slice of the block being connected or disconnected: writes commit atomically with the block. */
typedef struct flux_kv_txn flux_kv_txn;

/* ---- Capabilities ------------------------------------------------------------------------------------------ */

/** block_connected / block_disconnected, queued (observer) unless FLUX_CAP_STATEFUL. */
#define FLUX_CAP_OBSERVE_BLOCKS 0x1
/** transaction_accepted for each transaction entering the mempool (queued). */
#define FLUX_CAP_OBSERVE_MEMPOOL 0x2
/** tip_changed after each change of the active chain (queued). */
#define FLUX_CAP_OBSERVE_TIP 0x4
/** tick about once a second (queued). */
#define FLUX_CAP_TICK 0x8
/** Block events in-line, in block order, with a flux_kv_txn; the host keeps a durable cursor and replays. */
#define FLUX_CAP_STATEFUL 0x10
/** check_block: a consensus verdict on each block from `activation_height` (needs consensus_version > 0). */
#define FLUX_CAP_JUDGE_BLOCKS 0x20
/** check_transaction: a verdict on each transaction entering the mempool. */
#define FLUX_CAP_JUDGE_TRANSACTIONS 0x40
/** coinbase_outputs: outputs every block template must pay (consensus; needs consensus_version > 0). */
#define FLUX_CAP_COINBASE_OUTPUTS 0x80
/** rpc_call for methods the plugin registers; the node exposes them as "NAME.method". */
#define FLUX_CAP_RPC 0x100
/** p2p_message for commands the plugin registers under its prefix. */
#define FLUX_CAP_P2P 0x200
/** All capability bits ABI 1.0 defines. */
#define FLUX_CAP_ALL_1_0 0x3ff
/**
 * (1.1) Proof of Node: pon_operator_key tells the host which nodes may produce PoN blocks and with which key, and
 * pon_propose / pon_sign let this node produce them. Consensus: needs consensus_version > 0. At most one loaded
 * plugin may declare it.
 */
#define FLUX_CAP_PROOF_OF_NODE 0x400
/** All capability bits this ABI minor defines; the host refuses unknown bits. */
#define FLUX_CAP_ALL_1_1 0x7ff

/* ---- Events ------------------------------------------------------------------------------------------------ */

/** The event is a replay from the plugin's cursor (after load, reload or a crash), not a new block. */
#define FLUX_EVENT_REPLAY 0x1

/** A block connected to or disconnected from the active chain, or proposed to a judge. */
typedef struct flux_block_event {
    uint32_t struct_size;
    uint32_t flags;        /* FLUX_EVENT_* */
    int64_t height;
    uint8_t hash[32];      /* internal byte order */
    flux_bytes block;      /* the serialized block (header and transactions, wire format) */
} flux_block_event;

/** A transaction accepted to (or proposed to) the mempool. */
typedef struct flux_tx_event {
    uint32_t struct_size;
    uint32_t flags;
    uint8_t txid[32];      /* internal byte order */
    int64_t fee;           /* in the smallest unit (1e-8 FLUX) */
    flux_bytes transaction;/* the serialized transaction */
} flux_tx_event;

/** The active chain's new tip. */
typedef struct flux_tip_event {
    uint32_t struct_size;
    uint32_t flags;
    int64_t height;
    uint8_t hash[32];
} flux_tip_event;

/* ---- Host services (passed to on_load) --------------------------------------------------------------------- */

#define FLUX_LOG_TRACE 0
#define FLUX_LOG_DEBUG 1
#define FLUX_LOG_INFO 2
#define FLUX_LOG_WARNING 3
#define FLUX_LOG_ERROR 4

typedef struct flux_host_api {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;

    /** Writes one line to the node's log, tagged with the plugin's name. `level` is FLUX_LOG_*. */
    void (*FLUX_NULLABLE log)(flux_host *FLUX_NONNULL host, int32_t level, flux_bytes message);

    /** The active tip's height and hash. */
    flux_status (*FLUX_NULLABLE chain_tip)(flux_host *FLUX_NONNULL host, int64_t *FLUX_NONNULL out_height,
                                           uint8_t *FLUX_NONNULL out_hash /* 32 bytes */);
    /** The hash of the active-chain block at `height` (FLUX_ERR_NOT_FOUND above the tip). */
    flux_status (*FLUX_NULLABLE block_hash)(flux_host *FLUX_NONNULL host, int64_t height, uint8_t *FLUX_NONNULL out_hash /* 32 bytes */);
    /** The serialized header of any known block (any branch); also its height. */
    flux_status (*FLUX_NULLABLE header)(flux_host *FLUX_NONNULL host, const uint8_t *FLUX_NONNULL hash /* 32 bytes */,
                                        int64_t *FLUX_NULLABLE out_height, flux_sink FLUX_NONNULL sink,
                                        void *FLUX_NULLABLE context);
    /** The serialized block of any stored block (FLUX_ERR_NOT_FOUND when only its header is known). */
    flux_status (*FLUX_NULLABLE block)(flux_host *FLUX_NONNULL host, const uint8_t *FLUX_NONNULL hash /* 32 bytes */,
                                       flux_sink FLUX_NONNULL sink, void *FLUX_NULLABLE context);
    /**
     * An unspent output of the active chain: the sink receives LE64 value ‖ LE32 height ‖ u8 coinbase (0/1) ‖
     * the output script. FLUX_ERR_NOT_FOUND when spent or unknown.
     */
    flux_status (*FLUX_NULLABLE utxo)(flux_host *FLUX_NONNULL host, const uint8_t *FLUX_NONNULL txid /* 32 bytes */, uint32_t index,
                                      flux_sink FLUX_NONNULL sink, void *FLUX_NULLABLE context);
    /** A transaction in the mempool, serialized (FLUX_ERR_NOT_FOUND otherwise). */
    flux_status (*FLUX_NULLABLE mempool_transaction)(flux_host *FLUX_NONNULL host, const uint8_t *FLUX_NONNULL txid /* 32 bytes */,
                                                     flux_sink FLUX_NONNULL sink, void *FLUX_NULLABLE context);

    /**
     * The plugin's key-value namespace in the node's database. Keys are 1 to 1,024 bytes and must not start with
     * the byte 0x00 (reserved for the host's cursor and undo records: FLUX_ERR_INVALID_ARGUMENT); values are at
     * most 16 MiB. With a txn (inside block_connected / block_disconnected of a stateful plugin) reads see the txn's
     * own writes, and writes commit atomically with the block; the host undoes them if the block is later
     * disconnected. With txn NULL, reads see committed data and writes commit at once (not undone by reorgs).
     */
    flux_status (*FLUX_NULLABLE kv_get)(flux_host *FLUX_NONNULL host, flux_kv_txn *FLUX_NULLABLE txn, flux_bytes key,
                                        flux_sink FLUX_NONNULL sink, void *FLUX_NULLABLE context);
    flux_status (*FLUX_NULLABLE kv_put)(flux_host *FLUX_NONNULL host, flux_kv_txn *FLUX_NULLABLE txn, flux_bytes key,
                                        flux_bytes value);
    flux_status (*FLUX_NULLABLE kv_delete)(flux_host *FLUX_NONNULL host, flux_kv_txn *FLUX_NULLABLE txn,
                                           flux_bytes key);

    /** Submits a serialized transaction to the mempool (and relays it); a refusal's reason goes to `reason`. */
    flux_status (*FLUX_NULLABLE submit_transaction)(flux_host *FLUX_NONNULL host, flux_bytes transaction,
                                                    flux_sink FLUX_NULLABLE reason, void *FLUX_NULLABLE context);

    /**
     * Registers JSON-RPC method `name` ([a-z][a-z0-9_]{0,31}; during on_load only). The node exposes it as
     * "PLUGIN.name" and calls rpc_call with `name`. `help` is the text of `help PLUGIN.name` (first line: synopsis).
     * See register_global_rpc (1.2) for unprefixed names.
     */
    flux_status (*FLUX_NULLABLE register_rpc)(flux_host *FLUX_NONNULL host, flux_bytes name, flux_bytes help);
    /**
     * Registers P2P command `command` (during on_load only); on the wire it is "PLUGIN:command", which must fit the
     * protocol's 12-byte command field, so only plugins with short names can use P2P in ABI 1.x.
     */
    flux_status (*FLUX_NULLABLE register_p2p)(flux_host *FLUX_NONNULL host, flux_bytes command);
    /** Sends a registered command to one peer, or to every peer when `peer_id` is 0. */
    flux_status (*FLUX_NULLABLE send_p2p)(flux_host *FLUX_NONNULL host, uint64_t peer_id, flux_bytes command,
                                          flux_bytes payload);

    /** Sets gauge `name` ([a-z][a-z0-9_]{0,31}; exported as flux_plugin_PLUGIN_name). */
    flux_status (*FLUX_NULLABLE metric_set)(flux_host *FLUX_NONNULL host, flux_bytes name, double value);
    /** Adds `delta` (≥ 0) to counter `name` (exported as flux_plugin_PLUGIN_name_total). */
    flux_status (*FLUX_NULLABLE metric_add)(flux_host *FLUX_NONNULL host, flux_bytes name, double delta);

    /* ---- 1.1 ---- */

    /**
     * The chain's parameters as a UTF-8 JSON object, so that one plugin build serves every network:
     *   {"network": "main" | "test" | "regtest", "genesis_hash": display hex, "genesis_time": unix seconds,
     *    "pow_spacing": s, "pon_spacing": s, "checks_pon_hash": bool, "coinbase_maturity": n,
     *    "upgrades": {"acadia": h, "kamata": h, "flux": h, "halving": h, "p2shnodes": h, "pon": h, ...}}
     * An upgrade that never activates is absent from "upgrades". Keys may be added in later minors.
     */
    flux_status (*FLUX_NULLABLE chain_parameters)(flux_host *FLUX_NONNULL host, flux_sink FLUX_NONNULL sink,
                                                  void *FLUX_NULLABLE context);
    /** The block subsidy at `height` in units, as the node's consensus computes it (no fees, no funding events). */
    flux_status (*FLUX_NULLABLE block_subsidy)(flux_host *FLUX_NONNULL host, int64_t height,
                                               int64_t *FLUX_NONNULL out_value);
    /**
     * Ordered reads of the plugin's namespace: the first entry whose key starts with `prefix` and is ≥ `from` (bytes
     * compare unsigned; `from` empty means the prefix itself). The sink receives LE32 key length ‖ key ‖ value.
     * FLUX_ERR_NOT_FOUND when there is none. With a txn, the txn's own puts and deletes are seen, as with kv_get.
     */
    flux_status (*FLUX_NULLABLE kv_seek)(flux_host *FLUX_NONNULL host, flux_kv_txn *FLUX_NULLABLE txn, flux_bytes prefix,
                                         flux_bytes from, flux_sink FLUX_NONNULL sink, void *FLUX_NULLABLE context);
    /**
     * Signs the 32-byte `digest` with the wallet's private key whose Hash160 is `key_id` (a compact, recoverable
     * 65-byte ECDSA signature, as Bitcoin's signmessage). The sink receives u8 public-key length ‖ public key ‖
     * signature. FLUX_ERR_NOT_FOUND when the wallet has no such key, FLUX_ERR_STATE when the node runs without a
     * wallet. The operator decides which plugins may do this by enabling them.
     */
    flux_status (*FLUX_NULLABLE wallet_sign_compact)(flux_host *FLUX_NONNULL host, const uint8_t *FLUX_NONNULL key_id /* 20 */,
                                                     const uint8_t *FLUX_NONNULL digest /* 32 */, flux_sink FLUX_NONNULL sink,
                                                     void *FLUX_NULLABLE context);
    /**
     * Ordered reads in bulk: the entries kv_seek would return one after another, from the first key ≥ `from` under
     * `prefix`, at most `max_entries` (1 to 4,096) of them, in one call. The sink is called once with, per entry,
     * LE32 key length ‖ key ‖ LE32 value length ‖ value, in key order; not at all when there is none (FLUX_OK).
     * The same txn semantics as kv_seek. FLUX_ERR_LIMIT when max_entries is 0 or above 4,096.
     */
    flux_status (*FLUX_NULLABLE kv_scan)(flux_host *FLUX_NONNULL host, flux_kv_txn *FLUX_NULLABLE txn, flux_bytes prefix,
                                         flux_bytes from, uint32_t max_entries, flux_sink FLUX_NONNULL sink,
                                         void *FLUX_NULLABLE context);

    /* ---- 1.2 ---- */

    /**
     * Claims the global, unprefixed JSON-RPC method `name` ([a-z][a-z0-9_]{0,63}; during on_load only; needs
     * FLUX_CAP_RPC), e.g. fluxd's "getfluxnodestatus". The node exposes it under that name, lists it in `help` and
     * `listplugins`, and calls rpc_call with `name`. `help` is the text of `help name` (first line: synopsis).
     * Refused with FLUX_ERR_REJECTED, and a reason naming both claimants delivered to `reason` (when not NULL),
     * when `name` is a core method of the node or another plugin's global name; FLUX_ERR_INVALID_ARGUMENT for a
     * malformed name, FLUX_ERR_STATE outside on_load, FLUX_ERR_UNSUPPORTED without FLUX_CAP_RPC. A new build of the
     * same plugin (hot upgrade) claims its own names again without a clash; from the switch on, only the new build
     * receives them, and a name it no longer claims is removed.
     */
    flux_status (*FLUX_NULLABLE register_global_rpc)(flux_host *FLUX_NONNULL host, flux_bytes name, flux_bytes help,
                                                     flux_sink FLUX_NULLABLE reason, void *FLUX_NULLABLE context);
    /**
     * Reads the node's option `name` (as fluxd spells it, without the dash: "zelnodeprivkey", "externalip"), as
     * given in flux.conf or on the command line (the command line wins for single-valued options). The sink is
     * called once per value, in order (once for a single-valued option; flags read "1" or "0"). FLUX_ERR_NOT_FOUND
     * when the option is not set, FLUX_ERR_INVALID_ARGUMENT when the node has no such option, FLUX_ERR_UNSUPPORTED
     * for the RPC credentials (rpcuser, rpcpassword), which are never disclosed.
     */
    flux_status (*FLUX_NULLABLE node_option)(flux_host *FLUX_NONNULL host, flux_bytes name, flux_sink FLUX_NONNULL sink,
                                             void *FLUX_NULLABLE context);
    /**
     * The wallet's unspent outputs (confirmed, and unconfirmed ones of its own transactions), delivered in one
     * sink call as, per output: 32-byte txid (internal order) ‖ LE32 index ‖ LE64 value ‖ LE32 confirmations (0
     * while unconfirmed) ‖ u8 coinbase (0/1) ‖ LE32 script length ‖ script; not called when there is none.
     * FLUX_ERR_STATE when the node runs without a wallet.
     */
    flux_status (*FLUX_NULLABLE wallet_unspent)(flux_host *FLUX_NONNULL host, flux_sink FLUX_NONNULL sink,
                                                void *FLUX_NULLABLE context);
} flux_host_api;

/* ---- Plugin callbacks (in the descriptor) ------------------------------------------------------------------ */

typedef struct flux_plugin_callbacks {
    uint32_t struct_size;
    uint32_t reserved;     /* zero */

    /**
     * Creates the instance. `config` is the plugin's table from plugins.toml as a JSON object (UTF-8). Validate
     * it here: a refusal (any status but FLUX_OK, message in out_message) keeps the plugin out and names why.
     * `api` and `host` stay valid until on_unload returns. `*out_plugin` may stay NULL for a plugin without
     * instance state: every later callback then receives NULL. Required.
     */
    flux_status (*FLUX_NULLABLE on_load)(const flux_host_api *FLUX_NONNULL api, flux_host *FLUX_NONNULL host,
                                         flux_bytes config, flux_plugin *FLUX_NULLABLE *FLUX_NONNULL out_plugin,
                                         flux_buffer *FLUX_NONNULL out_message);
    /** Releases the instance: stop threads, free memory. No other callback runs during or after it. Required. */
    void (*FLUX_NULLABLE on_unload)(flux_plugin *FLUX_NULLABLE plugin);
    /** Frees a buffer this plugin handed to the host (also messages from a failed on_load). Required. */
    void (*FLUX_NULLABLE free_buffer)(flux_buffer buffer);

    /** A block joined the active chain. `txn` is non-NULL for FLUX_CAP_STATEFUL plugins only. */
    flux_status (*FLUX_NULLABLE block_connected)(flux_plugin *FLUX_NULLABLE plugin,
                                                 const flux_block_event *FLUX_NONNULL event,
                                                 flux_kv_txn *FLUX_NULLABLE txn, flux_buffer *FLUX_NONNULL out_message);
    /**
     * A block left the active chain (newest first). The host has already undone the block's txn writes. Optional
     * even with FLUX_CAP_OBSERVE_BLOCKS or FLUX_CAP_STATEFUL.
     */
    flux_status (*FLUX_NULLABLE block_disconnected)(flux_plugin *FLUX_NULLABLE plugin,
                                                    const flux_block_event *FLUX_NONNULL event,
                                                    flux_kv_txn *FLUX_NULLABLE txn,
                                                    flux_buffer *FLUX_NONNULL out_message);
    /** A transaction entered the mempool. */
    flux_status (*FLUX_NULLABLE transaction_accepted)(flux_plugin *FLUX_NULLABLE plugin,
                                                      const flux_tx_event *FLUX_NONNULL event,
                                                      flux_buffer *FLUX_NONNULL out_message);
    /** The active chain has a new tip (once per batch of connects/disconnects). */
    flux_status (*FLUX_NULLABLE tip_changed)(flux_plugin *FLUX_NULLABLE plugin, const flux_tip_event *FLUX_NONNULL event,
                                             flux_buffer *FLUX_NONNULL out_message);
    /** About once a second; `unix_millis` is the host's clock. */
    flux_status (*FLUX_NULLABLE tick)(flux_plugin *FLUX_NULLABLE plugin, int64_t unix_millis,
                                      flux_buffer *FLUX_NONNULL out_message);

    /**
     * Judges a block about to be connected (FLUX_CAP_JUDGE_BLOCKS, heights ≥ activation_height): FLUX_OK accepts,
     * FLUX_ERR_REJECTED rejects with out_message as the reason (the block is marked invalid). Any other status
     * means "no verdict": block connection stops cleanly, the block is not marked invalid, and it is retried.
     */
    flux_status (*FLUX_NULLABLE check_block)(flux_plugin *FLUX_NULLABLE plugin, const flux_block_event *FLUX_NONNULL event,
                                             flux_buffer *FLUX_NONNULL out_message);
    /**
     * Judges a transaction for the mempool at `next_height` (FLUX_CAP_JUDGE_TRANSACTIONS, next_height ≥
     * activation_height), after the mempool's own rules passed; `event->fee` is its fee. FLUX_OK admits,
     * FLUX_ERR_REJECTED refuses with out_message as the reason (RPC reason "bad-plugin-NAME"); any other status
     * refuses it as "plugin-no-verdict" and counts as a fault.
     */
    flux_status (*FLUX_NULLABLE check_transaction)(flux_plugin *FLUX_NULLABLE plugin,
                                                   const flux_tx_event *FLUX_NONNULL event, int64_t next_height,
                                                   flux_buffer *FLUX_NONNULL out_message);
    /**
     * Outputs the coinbase of a block at `height` must contain (FLUX_CAP_COINBASE_OUTPUTS): out_outputs receives
     * CompactSize count ‖ count × (LE64 value ‖ CompactSize script length ‖ script), as in a transaction
     * (nothing, or count 0, for none). Asked for heights ≥ activation_height. The host appends them to the
     * coinbase after the network's outputs and pays them out of the miner's share (subsidy + fees − their total).
     * Any status but FLUX_OK, bytes that do not parse exactly (at most 1,000 outputs, values in the money range,
     * scripts ≤ 10,000 bytes, nothing after), or a total above the miner's share: no template is built. The host
     * does not check blocks for them; declare FLUX_CAP_JUDGE_BLOCKS and check them in check_block.
     */
    flux_status (*FLUX_NULLABLE coinbase_outputs)(flux_plugin *FLUX_NULLABLE plugin, int64_t height,
                                                  flux_buffer *FLUX_NONNULL out_outputs,
                                                  flux_buffer *FLUX_NONNULL out_message);

    /**
     * Answers registered RPC method `method` (a name given to register_rpc or register_global_rpc) with JSON
     * `params` (an array). On FLUX_OK, out_result holds the result as JSON text. Errors map to JSON-RPC codes:
     * FLUX_ERR_INVALID_ARGUMENT → -8, FLUX_ERR_NOT_FOUND → -5, FLUX_ERR_RPC (1.2) → the code in out_message's JSON
     * object, others → -1, with out_message as the message.
     */
    flux_status (*FLUX_NULLABLE rpc_call)(flux_plugin *FLUX_NULLABLE plugin, flux_bytes method, flux_bytes params,
                                          flux_buffer *FLUX_NONNULL out_result, flux_buffer *FLUX_NONNULL out_message);
    /** A registered P2P command arrived from `peer_id`. A non-OK status counts as peer misbehaviour (score 10). */
    flux_status (*FLUX_NULLABLE p2p_message)(flux_plugin *FLUX_NULLABLE plugin, uint64_t peer_id, flux_bytes command,
                                             flux_bytes payload, flux_buffer *FLUX_NONNULL out_message);

    /** Hot upgrade, old build: the in-memory state to hand over, tagged with its format version. */
    flux_status (*FLUX_NULLABLE export_state)(flux_plugin *FLUX_NULLABLE plugin, uint32_t *FLUX_NONNULL out_version,
                                              flux_buffer *FLUX_NONNULL out_state, flux_buffer *FLUX_NONNULL out_message);
    /** Hot upgrade, new build (after on_load): takes the old build's state; refuse formats it cannot read. */
    flux_status (*FLUX_NULLABLE import_state)(flux_plugin *FLUX_NULLABLE plugin, uint32_t version, flux_bytes state,
                                              flux_buffer *FLUX_NONNULL out_message);

    /* ---- 1.1 (FLUX_CAP_PROOF_OF_NODE) ---- */

    /**
     * The operator public key of the node whose collateral (`collateral`: 32-byte txid ‖ LE32 index) names a PoN
     * block built on `parent` (the active tip, at `parent_height`), if that node may produce it. The sink receives
     * the key (33 or 65 bytes); the host then checks the block's signature with it. FLUX_ERR_NOT_FOUND: no such
     * node, or not eligible (the block is rejected). Runs on the chain's thread.
     */
    flux_status (*FLUX_NULLABLE pon_operator_key)(flux_plugin *FLUX_NULLABLE plugin,
                                                  const uint8_t *FLUX_NONNULL collateral /* 36 */, int64_t parent_height,
                                                  const uint8_t *FLUX_NONNULL parent_hash /* 32 */,
                                                  flux_sink FLUX_NONNULL sink, void *FLUX_NULLABLE context,
                                                  flux_buffer *FLUX_NONNULL out_message);
    /**
     * Whether this node produces the block at `height` on `parent_hash` with header time `time` and bits `bits`:
     * FLUX_OK with the collateral to name in the header (36 bytes, into `out_collateral`) and the delay in
     * milliseconds the producer should wait into the slot (its rank, so better-ranked nodes go first);
     * FLUX_ERR_NOT_FOUND when this node is not a producer for that slot.
     */
    flux_status (*FLUX_NULLABLE pon_propose)(flux_plugin *FLUX_NULLABLE plugin, int64_t height,
                                             const uint8_t *FLUX_NONNULL parent_hash /* 32 */, uint32_t time, uint32_t bits,
                                             uint8_t *FLUX_NONNULL out_collateral /* 36 */,
                                             uint32_t *FLUX_NONNULL out_delay_ms, flux_buffer *FLUX_NONNULL out_message);
    /**
     * Signs a PoN block this node produces: `block_hash` (internal order, the hash the header commits to) with the
     * operator key of `collateral`. out_signature receives the DER signature.
     */
    flux_status (*FLUX_NULLABLE pon_sign)(flux_plugin *FLUX_NULLABLE plugin, const uint8_t *FLUX_NONNULL collateral /* 36 */,
                                          const uint8_t *FLUX_NONNULL block_hash /* 32 */,
                                          flux_buffer *FLUX_NONNULL out_signature, flux_buffer *FLUX_NONNULL out_message);
} flux_plugin_callbacks;

/* ---- The descriptor ---------------------------------------------------------------------------------------- */

typedef struct flux_plugin_descriptor {
    uint32_t struct_size;         /* sizeof(flux_plugin_descriptor) */
    uint16_t abi_major;           /* FLUX_PLUGIN_ABI_MAJOR */
    uint16_t abi_minor;           /* FLUX_PLUGIN_ABI_MINOR the plugin was built with */
    uint16_t abi_minor_required;  /* the lowest host minor the plugin works with */
    uint16_t pointer_size;        /* sizeof(void *) */
    uint32_t callbacks_size;      /* sizeof(flux_plugin_callbacks) */
    uint64_t capabilities;        /* FLUX_CAP_* */
    uint32_t consensus_version;   /* 0 unless the plugin judges or pays coinbase outputs; see the docs */
    uint32_t reserved;            /* zero */
    int64_t activation_height;    /* first height its consensus verdicts apply to */
    flux_bytes name;              /* [a-z][a-z0-9_]{0,31}: RPC namespace, P2P prefix, KV namespace, metrics */
    flux_bytes version;           /* the plugin's own version, e.g. "1.4.2" */
    flux_bytes build_id;          /* anything that tells builds apart (a commit, a date) */
    flux_bytes toolchain;         /* "c", or the Swift toolchain ("swift-6.3.1"): Swift plugins must match the node's */
    const flux_plugin_callbacks *FLUX_NULLABLE callbacks;   /* required: the host refuses NULL */
} flux_plugin_descriptor;

/**
 * The entry point. Returns a pointer to a constant descriptor with static storage; it must do nothing else (no
 * allocation, no threads, no I/O): the host calls it before deciding whether to trust the image.
 */
typedef const flux_plugin_descriptor *FLUX_NULLABLE (*flux_plugin_entry_fn)(void);


#if defined(__clang__)
#pragma clang assume_nonnull end
#pragma clang diagnostic pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* FLUX_PLUGIN_H */
