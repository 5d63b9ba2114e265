/*
 * chainstats — an example Flux node plugin written in C against flux_plugin.h alone.
 *
 * A stateful plugin: for every block connected to the active chain it records the block's transaction count and
 * size in its key-value namespace, through the block's transaction (so a reorganisation undoes the record and a
 * crash never splits it from the chain), and keeps running totals the same way. It answers two RPC methods:
 *
 *   chainstats.summary          {"blocks":N,"transactions":N,"bytes":N,"last_height":H,"seen":S}
 *
 * "seen" is in-memory state: blocks this plugin has been handed since the node started, carried across hot
 * upgrades by export_state / import_state (the persistent totals live in the key-value store).
 *   chainstats.block [height]   {"height":H,"transactions":N,"bytes":N}
 *
 * Config (plugins.toml [plugins.chainstats.config]): none required; unknown keys are refused.
 */
#include "chainstats.h"

#ifndef CHAINSTATS_VERSION
#define CHAINSTATS_VERSION "1.0.0"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct flux_plugin {
    const flux_host_api *api;
    flux_host *host;
    uint64_t seen;   /* blocks handed to this plugin (and its predecessors) since the node started */
};

/* ---- small helpers ---- */

static flux_buffer make_buffer(const char *text) {
    flux_buffer b = {NULL, 0};
    size_t n = strlen(text);
    if (n == 0) return b;
    b.data = (uint8_t *)malloc(n);
    if (b.data == NULL) return b;
    memcpy(b.data, text, n);
    b.len = n;
    return b;
}

static flux_bytes text_bytes(const char *text) {
    flux_bytes b = {(const uint8_t *)text, strlen(text)};
    return b;
}

/* Reads a CompactSize at *pos; returns 0 when the bytes run out. */
static int read_compact(const uint8_t *p, uint64_t len, uint64_t *pos, uint64_t *out) {
    if (*pos >= len) return 0;
    uint8_t first = p[(*pos)++];
    int extra = first < 0xfd ? 0 : first == 0xfd ? 2 : first == 0xfe ? 4 : 8;
    if (extra == 0) { *out = first; return 1; }
    if (*pos + (uint64_t)extra > len) return 0;
    uint64_t v = 0;
    for (int i = extra - 1; i >= 0; i--) v = (v << 8) | p[*pos + (uint64_t)i];
    *pos += (uint64_t)extra;
    *out = v;
    return 1;
}

/* The transaction count of a serialized Flux block (PoW: 140-byte prefix and a solution; PoN, version >= 100:
 * 108 bytes, a 36-byte collateral and a signature). Returns 0 on malformed input. */
static int block_transaction_count(flux_bytes block, uint64_t *count) {
    const uint8_t *p = block.data;
    uint64_t len = block.len, pos = 0, skip = 0;
    if (p == NULL || len < 108) return 0;
    int32_t version = (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
    if (version >= 100) {
        pos = 108 + 36;
    } else {
        pos = 140;
    }
    if (!read_compact(p, len, &pos, &skip) || pos + skip > len) return 0;
    pos += skip;
    return read_compact(p, len, &pos, count);
}

static void put_u64(uint8_t *out, uint64_t v) {
    for (int i = 0; i < 8; i++) out[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64(const uint8_t *in) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | in[i];
    return v;
}

/* Reads up to 32 bytes of a KV value through the host's sink. */
struct small_value { uint8_t bytes[32]; uint64_t len; };

static void small_sink(void *context, const uint8_t *data, uint64_t len) {
    struct small_value *v = (struct small_value *)context;
    uint64_t room = sizeof(v->bytes) - v->len;
    uint64_t n = len < room ? len : room;
    if (n > 0 && data != NULL) memcpy(v->bytes + v->len, data, (size_t)n);
    v->len += n;
}

static void height_key(int64_t height, uint8_t key[10]) {
    key[0] = 'h';
    key[1] = '/';
    for (int i = 0; i < 8; i++) key[2 + i] = (uint8_t)((uint64_t)height >> (8 * (7 - i)));   /* big-endian: ordered */
}

/* totals = blocks ‖ transactions ‖ bytes ‖ last height (4 × LE64) */
static flux_status read_totals(struct flux_plugin *self, flux_kv_txn *txn, uint64_t totals[4]) {
    struct small_value v = {{0}, 0};
    flux_status s = self->api->kv_get(self->host, txn, text_bytes("totals"), small_sink, &v);
    memset(totals, 0, 4 * sizeof(uint64_t));
    if (s == FLUX_ERR_NOT_FOUND) return FLUX_OK;
    if (s != FLUX_OK) return s;
    if (v.len != 32) return FLUX_ERR_FAILED;
    for (int i = 0; i < 4; i++) totals[i] = get_u64(v.bytes + 8 * i);
    return FLUX_OK;
}

static flux_status write_totals(struct flux_plugin *self, flux_kv_txn *txn, const uint64_t totals[4]) {
    uint8_t bytes[32];
    for (int i = 0; i < 4; i++) put_u64(bytes + 8 * i, totals[i]);
    flux_bytes value = {bytes, sizeof(bytes)};
    return self->api->kv_put(self->host, txn, text_bytes("totals"), value);
}

/* ---- callbacks ---- */

static flux_status on_load(const flux_host_api *api, flux_host *host, flux_bytes config, flux_plugin **out_plugin,
                           flux_buffer *out_message) {
    if (!FLUX_HAS(api, flux_host_api, kv_delete) || api->kv_get == NULL || api->kv_put == NULL ||
        api->register_rpc == NULL) {
        *out_message = make_buffer("chainstats needs a host with kv_get, kv_put, kv_delete and register_rpc");
        return FLUX_ERR_UNSUPPORTED;
    }
    /* The config is a JSON object; this plugin takes no settings. */
    if (!(config.len == 2 && config.data[0] == '{' && config.data[1] == '}') && config.len != 0) {
        *out_message = make_buffer("chainstats takes no configuration: remove [plugins.chainstats.config]");
        return FLUX_ERR_INVALID_ARGUMENT;
    }
    struct flux_plugin *self = (struct flux_plugin *)calloc(1, sizeof(struct flux_plugin));
    if (self == NULL) {
        *out_message = make_buffer("out of memory");
        return FLUX_ERR_FAILED;
    }
    self->api = api;
    self->host = host;
    flux_status s = api->register_rpc(host, text_bytes("summary"),
                                      text_bytes("chainstats.summary\nBlocks, transactions and bytes seen on the active chain."));
    if (s == FLUX_OK) {
        s = api->register_rpc(host, text_bytes("block"),
                              text_bytes("chainstats.block height\nTransactions and bytes of the active block at height."));
    }
    if (s != FLUX_OK) {
        free(self);
        *out_message = make_buffer("chainstats: registering RPC methods failed");
        return s;
    }
    *out_plugin = self;
    return FLUX_OK;
}

static void on_unload(flux_plugin *plugin) { free(plugin); }

static void free_buffer(flux_buffer buffer) { free(buffer.data); }

static flux_status record(flux_plugin *self, const flux_block_event *event, flux_kv_txn *txn, int connect,
                          flux_buffer *out_message) {
    if (txn == NULL) {
        *out_message = make_buffer("chainstats is stateful: block events must come with a transaction");
        return FLUX_ERR_STATE;
    }
    uint64_t count = 0;
    if (!block_transaction_count(event->block, &count)) {
        *out_message = make_buffer("chainstats: malformed block");
        return FLUX_ERR_INVALID_ARGUMENT;
    }
    uint64_t totals[4];
    flux_status s = read_totals(self, txn, totals);
    if (s != FLUX_OK) return s;
    uint8_t key[10];
    height_key(event->height, key);
    flux_bytes k = {key, sizeof(key)};
    if (connect) {
        uint8_t value[16];
        put_u64(value, count);
        put_u64(value + 8, event->block.len);
        flux_bytes v = {value, sizeof(value)};
        s = self->api->kv_put(self->host, txn, k, v);
        totals[0] += 1;
        totals[1] += count;
        totals[2] += event->block.len;
        totals[3] = (uint64_t)event->height;
        self->seen += 1;
    } else {
        /* The host has already undone this block's writes; keep totals consistent for observers anyway. */
        s = FLUX_OK;
    }
    if (s != FLUX_OK) return s;
    return connect ? write_totals(self, txn, totals) : FLUX_OK;
}

static flux_status block_connected(flux_plugin *self, const flux_block_event *event, flux_kv_txn *txn,
                                   flux_buffer *out_message) {
    return record(self, event, txn, 1, out_message);
}

static flux_status block_disconnected(flux_plugin *self, const flux_block_event *event, flux_kv_txn *txn,
                                      flux_buffer *out_message) {
    return record(self, event, txn, 0, out_message);
}

static flux_status rpc_call(flux_plugin *self, flux_bytes method, flux_bytes params, flux_buffer *out_result,
                            flux_buffer *out_message) {
    char text[256];
    if (method.len == 7 && memcmp(method.data, "summary", 7) == 0) {
        uint64_t totals[4];
        flux_status s = read_totals(self, NULL, totals);
        if (s != FLUX_OK) return s;
        snprintf(text, sizeof(text),
                 "{\"blocks\":%llu,\"transactions\":%llu,\"bytes\":%llu,\"last_height\":%llu,\"seen\":%llu}",
                 (unsigned long long)totals[0], (unsigned long long)totals[1], (unsigned long long)totals[2],
                 (unsigned long long)totals[3], (unsigned long long)self->seen);
        *out_result = make_buffer(text);
        return FLUX_OK;
    }
    if (method.len == 5 && memcmp(method.data, "block", 5) == 0) {
        /* params is a JSON array: [height] */
        char json[64];
        size_t n = params.len < sizeof(json) - 1 ? (size_t)params.len : sizeof(json) - 1;
        memcpy(json, params.data, n);
        json[n] = 0;
        long long height = -1;
        if (sscanf(json, " [ %lld ]", &height) != 1 || height < 0) {
            *out_message = make_buffer("expected [height] with a non-negative integer height");
            return FLUX_ERR_INVALID_ARGUMENT;
        }
        uint8_t key[10];
        height_key(height, key);
        flux_bytes k = {key, sizeof(key)};
        struct small_value v = {{0}, 0};
        flux_status s = self->api->kv_get(self->host, NULL, k, small_sink, &v);
        if (s == FLUX_ERR_NOT_FOUND) {
            *out_message = make_buffer("no block recorded at that height");
            return FLUX_ERR_NOT_FOUND;
        }
        if (s != FLUX_OK || v.len != 16) return s != FLUX_OK ? s : FLUX_ERR_FAILED;
        snprintf(text, sizeof(text), "{\"height\":%lld,\"transactions\":%llu,\"bytes\":%llu}", height,
                 (unsigned long long)get_u64(v.bytes), (unsigned long long)get_u64(v.bytes + 8));
        *out_result = make_buffer(text);
        return FLUX_OK;
    }
    *out_message = make_buffer("unknown method");
    return FLUX_ERR_NOT_FOUND;
}

/* Hot upgrade: state format 1 is the LE64 `seen` counter. */
static flux_status export_state(flux_plugin *self, uint32_t *out_version, flux_buffer *out_state,
                                flux_buffer *out_message) {
    (void)out_message;
    out_state->data = (uint8_t *)malloc(8);
    if (out_state->data == NULL) return FLUX_ERR_FAILED;
    out_state->len = 8;
    put_u64(out_state->data, self->seen);
    *out_version = 1;
    return FLUX_OK;
}

static flux_status import_state(flux_plugin *self, uint32_t version, flux_bytes state, flux_buffer *out_message) {
    if (version == 0 && state.len == 0) return FLUX_OK;   /* predecessor without state */
    if (version != 1 || state.len != 8) {
        *out_message = make_buffer("chainstats: unknown state format");
        return FLUX_ERR_INVALID_ARGUMENT;
    }
    self->seen = get_u64(state.data);
    return FLUX_OK;
}

static const flux_plugin_callbacks callbacks = {
    .struct_size = sizeof(flux_plugin_callbacks),
    .on_load = on_load,
    .on_unload = on_unload,
    .free_buffer = free_buffer,
    .block_connected = block_connected,
    .block_disconnected = block_disconnected,
    .rpc_call = rpc_call,
    .export_state = export_state,
    .import_state = import_state,
};

static const flux_plugin_descriptor descriptor = {
    .struct_size = sizeof(flux_plugin_descriptor),
    .abi_major = FLUX_PLUGIN_ABI_MAJOR,
    .abi_minor = FLUX_PLUGIN_ABI_MINOR,
    .abi_minor_required = 0,
    .pointer_size = sizeof(void *),
    .callbacks_size = sizeof(flux_plugin_callbacks),
    .capabilities = FLUX_CAP_OBSERVE_BLOCKS | FLUX_CAP_STATEFUL | FLUX_CAP_RPC,
    .name = {(const uint8_t *)"chainstats", 10},
    .version = {(const uint8_t *)CHAINSTATS_VERSION, sizeof(CHAINSTATS_VERSION) - 1},
    .build_id = {(const uint8_t *)"chainstats-" CHAINSTATS_VERSION, sizeof("chainstats-" CHAINSTATS_VERSION) - 1},
    .toolchain = {(const uint8_t *)"c", 1},
    .callbacks = &callbacks,
};

const flux_plugin_descriptor *flux_plugin_entry(void) { return &descriptor; }
