#!/usr/bin/env bash
# Creates a standalone, buildable Flux node plugin package outside this repository.
#
#   scripts/new-plugin.sh NAME [--lang swift|c] [--dir DIR]
#
# NAME is the plugin's name, [a-z][a-z0-9_]{0,31}: its RPC namespace (NAME.method), P2P prefix (NAME:command),
# key-value namespace, metrics prefix and its table in plugins.toml ([plugins.NAME]).
#   --lang swift   (default) a SwiftPM package with a .dynamic library product that depends on this repository's
#                  FluxPluginSDK product through a local path dependency;
#   --lang c       a C99 source file, a Makefile and a one-line build.sh, built against SDK/CFluxPlugin/include.
#   --dir DIR      where to create it (default ./NAME); it must not exist or be empty.
#
# The skeleton observes blocks (a queued observer: it counts connected blocks in memory) and answers one RPC
# method, NAME.status. The generated README tells how to build it and how to enable it in plugins.toml.
# Exit status: 0 on success, 2 on a usage error, 1 when the package cannot be created.
set -euo pipefail

usage() {
    cat >&2 <<'EOF'
usage: new-plugin.sh NAME [--lang swift|c] [--dir DIR]
  NAME          the plugin's name: [a-z][a-z0-9_]{0,31}
  --lang LANG   swift (default) or c
  --dir DIR     the folder to create (default ./NAME); must not exist or be empty
EOF
}

die_usage() {
    echo "new-plugin.sh: $1" >&2
    usage
    exit 2
}

die() {
    echo "new-plugin.sh: $1" >&2
    exit 1
}

name=""
lang="swift"
dir=""
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --lang) [ $# -ge 2 ] || die_usage "--lang needs a value"; lang="$2"; shift 2 ;;
        --lang=*) lang="${1#--lang=}"; shift ;;
        --dir) [ $# -ge 2 ] || die_usage "--dir needs a value"; dir="$2"; shift 2 ;;
        --dir=*) dir="${1#--dir=}"; shift ;;
        -*) die_usage "unknown option $1" ;;
        *) [ -z "$name" ] || die_usage "more than one NAME ($name, $1)"; name="$1"; shift ;;
    esac
done

[ -n "$name" ] || die_usage "missing NAME"
if ! LC_ALL=C bash -c '[[ $1 =~ ^[a-z][a-z0-9_]{0,31}$ ]]' _ "$name"; then
    die_usage "invalid NAME \"$name\": it must match [a-z][a-z0-9_]{0,31} (a lowercase letter, then up to 31 lowercase letters, digits or underscores)"
fi
case "$lang" in
    swift|c) ;;
    *) die_usage "unknown language \"$lang\" (swift or c)" ;;
esac
[ -n "$dir" ] || dir="./$name"

# This repository, as an absolute path without symbolic links.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
[ -f "$repo/SDK/CFluxPlugin/include/flux_plugin.h" ] || die "cannot find SDK/CFluxPlugin/include/flux_plugin.h under $repo"

if [ -e "$dir" ]; then
    [ -d "$dir" ] || die "$dir exists and is not a folder"
    if [ -n "$(ls -A "$dir")" ]; then die "$dir exists and is not empty: choose another --dir"; fi
fi
mkdir -p "$dir" || die "cannot create $dir"
dir="$(cd "$dir" && pwd -P)"
case "$dir/" in
    "$repo"/*) echo "new-plugin.sh: note: $dir is inside the node's repository; plugins are meant to live outside it" >&2 ;;
esac

# my_plugin -> MyPlugin (the Swift type name).
camel="$(printf '%s' "$name" | awk -F_ '{ out = ""; for (i = 1; i <= NF; i++) out = out toupper(substr($i, 1, 1)) substr($i, 2); print out }')"
type_name="${camel}Plugin"
# SwiftPM names a path dependency by its folder's last component, lowercased.
repo_identity="$(basename "$repo" | tr '[:upper:]' '[:lower:]')"
case "$(uname -s)" in
    Darwin) so_ext="dylib" ;;
    *) so_ext="so" ;;
esac
library="lib${name}.${so_ext}"

write_plugins_toml_section() {
    # $1: the path of the built shared object as an operator would write it.
    cat <<EOF
[plugins.${name}]
path      = "$1"      # absolute, or relative to plugins.toml
enabled   = true
required  = false     # true: fluxd refuses to start without this plugin
# sha256  = "…"       # optional pin: sha256sum of the shared object (64 hex digits)
# budget_ms = 250     # time budget of one in-line callback (stateful or judging plugins)
# queue   = 1024      # observer event queue length; events beyond it are dropped and counted
# order   = 0         # in-line call order among stateful and judging plugins
[plugins.${name}.config]
log_every = 1000      # log a line every N connected blocks (0: never)
EOF
}

# ---------------------------------------------------------------------------------------------------------------
# Swift
# ---------------------------------------------------------------------------------------------------------------
make_swift() {
    mkdir -p "$dir/Sources/$type_name"
    cat >"$dir/Package.swift" <<EOF
// swift-tools-version:6.0
//
// The Flux node plugin "${name}": one shared object (lib${name}) exporting flux_plugin_entry.
// It depends only on the node's FluxPluginSDK product (the C ABI and the Swift helpers, no node code).
// Build it with the same Swift toolchain as the node that loads it, and never with -static-stdlib.

import PackageDescription

let package = Package(
    name: "${name}",
    platforms: [.macOS(.v14)],
    products: [
        // .dynamic: SwiftPM builds lib${name}.${so_ext}, the file plugins.toml points at.
        .library(name: "${name}", type: .dynamic, targets: ["${type_name}"]),
    ],
    dependencies: [
        // The Flux node repository (for its FluxPluginSDK product).
        .package(path: "${repo}"),
    ],
    targets: [
        .target(name: "${type_name}",
                dependencies: [.product(name: "FluxPluginSDK", package: "${repo_identity}")],
                swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
    ],
    swiftLanguageModes: [.v6]
)
EOF

    cat >"$dir/Sources/$type_name/$type_name.swift" <<EOF
import FluxPluginSDK
import Foundation

/// ${name} — a Flux node plugin.
///
/// A queued observer of blocks: it counts the blocks connected to the active chain (in memory) and answers
///
///     ${name}.status    → {"blocks": n, "height": h}
///
/// Config (\`[plugins.${name}.config]\` in plugins.toml): \`log_every = N\` logs a line every N connected blocks
/// (default 0: never). Unknown keys are refused.
///
/// Threading: block events arrive one at a time from this plugin's queue, but \`rpcCall\` runs on host worker
/// threads concurrently with them, so the counters are behind a lock.
final class ${type_name}: FluxPlugin {
    static let manifest = PluginManifest(name: "${name}", version: "0.1.0",
                                         capabilities: [.observeBlocks, .rpc])

    private let host: PluginHost
    private let logEvery: Int64
    private let lock = NSLock()
    private var blocks: Int64 = 0
    private var height: Int64 = -1

    init(host: PluginHost, configuration: [UInt8]) throws(PluginError) {
        self.host = host
        var logEvery: Int64 = 0
        if !configuration.isEmpty {
            // The host hands the [plugins.NAME.config] table over as a JSON object ("{}" when there is none).
            guard let object = try? JSONDecoder().decode([String: Int64].self, from: Data(configuration)) else {
                throw .invalidArgument("configuration must be a JSON object of integers (known keys: log_every)")
            }
            for (key, value) in object {
                switch key {
                case "log_every":
                    guard value >= 0 else { throw .invalidArgument("config.log_every must not be negative") }
                    logEvery = value
                default:
                    throw .invalidArgument("unknown config key \"\\(key)\" (known: log_every)")
                }
            }
        }
        self.logEvery = logEvery
        try host.registerRPC("status", help: "${name}.status\nBlocks this plugin has seen connected, and the last height.")
    }

    func blockConnected(_ event: BlockEvent, transaction: KVTransaction?) throws(PluginError) {
        let count = lock.withLock {
            blocks += 1
            height = event.height
            return blocks
        }
        if logEvery > 0 && count % logEvery == 0 {
            host.log(.info, "\(count) blocks seen, at height \(event.height) (\(event.displayHash))")
        }
        host.setGauge("height", Double(event.height))
    }

    func blockDisconnected(_ event: BlockEvent, transaction: KVTransaction?) throws(PluginError) {
        lock.withLock {
            blocks -= 1
            height = event.height - 1
        }
    }

    func rpcCall(method: String, params: [UInt8]) throws(PluginError) -> [UInt8] {
        switch method {
        case "status":
            let (blocks, height) = lock.withLock { (self.blocks, self.height) }
            return Array("{\"blocks\":\(blocks),\"height\":\(height)}".utf8)
        default:
            throw .notFound("no method \(method)")
        }
    }
}

/// The one symbol the node looks up.
@_cdecl("flux_plugin_entry")
public func fluxPluginEntry() -> UnsafeRawPointer? { PluginExport.entry(for: ${type_name}.self) }
EOF

    cat >"$dir/.gitignore" <<'EOF'
.build/
.swiftpm/
EOF

    cat >"$dir/README.md" <<EOF
# ${name}

A Flux node plugin in Swift, generated by \`scripts/new-plugin.sh\` from the node repository at
\`${repo}\`. The reference of the plugin ABI is \`${repo}/SDK/README.md\`.

## Build

    swift build                  # debug: .build/debug/${library}
    swift build -c release       # release: .build/release/${library}

Use the same Swift toolchain as the \`fluxd\` that loads the plugin (\`swift --version\`): the node refuses a Swift
plugin built by another toolchain. Never build with \`-static-stdlib\`: the plugin must share the node's Swift
runtime.

The package depends on the node repository through a local path (\`.package(path: "${repo}")\` in
\`Package.swift\`); change it if the repository moves.

## Enable it

Add a table to the node's \`plugins.toml\` (\`-plugins=PATH\`, else \`<datadir>/plugins.toml\`):

\`\`\`toml
$(write_plugins_toml_section "$dir/.build/release/${library}")
\`\`\`

Check the file without starting the node: \`fluxd -checkplugins\`. Then call the plugin's method:

    flux-cli ${name}.status

## What to change

- \`Sources/${type_name}/${type_name}.swift\`: the manifest (capabilities), the callbacks, the RPC methods.
- A plugin that keeps state across restarts declares \`.stateful\` and writes through the block's
  \`KVTransaction\` (see the SDK guide); this skeleton keeps its counters in memory only.
EOF
}

# ---------------------------------------------------------------------------------------------------------------
# C
# ---------------------------------------------------------------------------------------------------------------
make_c() {
    cat >"$dir/${name}.c" <<EOF
/*
 * ${name} — a Flux node plugin in C, built against flux_plugin.h alone.
 *
 * A queued observer of blocks: it counts the blocks connected to the active chain (in memory) and answers
 *
 *   ${name}.status    {"blocks":N,"height":H}
 *
 * Config ([plugins.${name}.config] in plugins.toml): none; anything but an empty table is refused.
 *
 * Threading: block events arrive one at a time from this plugin's queue, but rpc_call runs on host worker threads
 * concurrently with them, so the counters are behind a mutex.
 */
#define _POSIX_C_SOURCE 200809L
#include "flux_plugin.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct flux_plugin {
    const flux_host_api *api;
    flux_host *host;
    pthread_mutex_t lock;
    int64_t blocks;
    int64_t height;
};

/* A malloc'ed copy of text for a flux_buffer out-parameter; the host frees it with free_buffer. */
static flux_buffer make_buffer(const char *text) {
    flux_buffer b = {NULL, 0};
    size_t n = strlen(text);
    if (n == 0 || (b.data = (uint8_t *)malloc(n)) == NULL) return b;
    memcpy(b.data, text, n);
    b.len = n;
    return b;
}

static flux_bytes text_bytes(const char *text) {
    flux_bytes b = {(const uint8_t *)text, strlen(text)};
    return b;
}

static int equals(flux_bytes bytes, const char *text) {
    size_t n = strlen(text);
    return bytes.len == n && (n == 0 || memcmp(bytes.data, text, n) == 0);
}

/* True when config is empty or an empty JSON object ("{}", the host's form of an absent table). */
static int config_is_empty(flux_bytes config) {
    uint64_t i;
    int braces = 0;
    for (i = 0; i < config.len; i++) {
        uint8_t c = config.data[i];
        if (c == '{' || c == '}') braces++;
        else if (c != ' ' && c != '\\t' && c != '\\n' && c != '\\r') return 0;
    }
    return braces == 0 || braces == 2;
}

static flux_status on_load(const flux_host_api *api, flux_host *host, flux_bytes config, flux_plugin **out_plugin,
                           flux_buffer *out_message) {
    struct flux_plugin *self;
    flux_status status;
    if (api->register_rpc == NULL) {
        *out_message = make_buffer("${name} needs a host with register_rpc");
        return FLUX_ERR_UNSUPPORTED;
    }
    if (!config_is_empty(config)) {
        *out_message = make_buffer("${name} takes no configuration: remove [plugins.${name}.config]");
        return FLUX_ERR_INVALID_ARGUMENT;
    }
    self = (struct flux_plugin *)calloc(1, sizeof(struct flux_plugin));
    if (self == NULL) {
        *out_message = make_buffer("out of memory");
        return FLUX_ERR_FAILED;
    }
    self->api = api;
    self->host = host;
    self->height = -1;
    if (pthread_mutex_init(&self->lock, NULL) != 0) {
        free(self);
        *out_message = make_buffer("cannot create a mutex");
        return FLUX_ERR_FAILED;
    }
    status = api->register_rpc(host, text_bytes("status"),
                               text_bytes("${name}.status\\nBlocks this plugin has seen connected, and the last height."));
    if (status != FLUX_OK) {
        pthread_mutex_destroy(&self->lock);
        free(self);
        *out_message = make_buffer("registering ${name}.status failed");
        return status;
    }
    *out_plugin = self;
    return FLUX_OK;
}

static void on_unload(flux_plugin *self) {
    if (self == NULL) return;
    pthread_mutex_destroy(&self->lock);
    free(self);
}

static void free_buffer(flux_buffer buffer) { free(buffer.data); }

static flux_status block_connected(flux_plugin *self, const flux_block_event *event, flux_kv_txn *txn,
                                   flux_buffer *out_message) {
    (void)txn;
    (void)out_message;
    pthread_mutex_lock(&self->lock);
    self->blocks += 1;
    self->height = event->height;
    pthread_mutex_unlock(&self->lock);
    if (self->api->metric_set != NULL) self->api->metric_set(self->host, text_bytes("height"), (double)event->height);
    return FLUX_OK;
}

static flux_status block_disconnected(flux_plugin *self, const flux_block_event *event, flux_kv_txn *txn,
                                      flux_buffer *out_message) {
    (void)txn;
    (void)out_message;
    pthread_mutex_lock(&self->lock);
    self->blocks -= 1;
    self->height = event->height - 1;
    pthread_mutex_unlock(&self->lock);
    return FLUX_OK;
}

static flux_status rpc_call(flux_plugin *self, flux_bytes method, flux_bytes params, flux_buffer *out_result,
                            flux_buffer *out_message) {
    char text[128];
    int64_t blocks, height;
    (void)params;
    if (!equals(method, "status")) {
        *out_message = make_buffer("unknown method");
        return FLUX_ERR_NOT_FOUND;
    }
    pthread_mutex_lock(&self->lock);
    blocks = self->blocks;
    height = self->height;
    pthread_mutex_unlock(&self->lock);
    snprintf(text, sizeof(text), "{\"blocks\":%lld,\"height\":%lld}", (long long)blocks, (long long)height);
    *out_result = make_buffer(text);
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
};

#define TEXT(s) {(const uint8_t *)(s), sizeof(s) - 1}

static const flux_plugin_descriptor descriptor = {
    .struct_size = sizeof(flux_plugin_descriptor),
    .abi_major = FLUX_PLUGIN_ABI_MAJOR,
    .abi_minor = FLUX_PLUGIN_ABI_MINOR,
    .abi_minor_required = 0,
    .pointer_size = sizeof(void *),
    .callbacks_size = sizeof(flux_plugin_callbacks),
    .capabilities = FLUX_CAP_OBSERVE_BLOCKS | FLUX_CAP_RPC,
    .consensus_version = 0,
    .activation_height = 0,
    .name = TEXT("${name}"),
    .version = TEXT("0.1.0"),
    .build_id = TEXT("${name}-0.1.0"),
    .toolchain = TEXT("c"),
    .callbacks = &callbacks,
};

/* The one symbol the node looks up: returns the constant descriptor and does nothing else. */
FLUX_PLUGIN_EXPORT const flux_plugin_descriptor *flux_plugin_entry(void) { return &descriptor; }
EOF

    cat >"$dir/build.sh" <<EOF
#!/bin/sh
# Builds ${library} (CC and CFLAGS from the environment, e.g. CFLAGS=-O2).
cd "\$(dirname "\$0")" && exec \${CC:-cc} -std=c99 -Wall -Wextra \${CFLAGS:-} -shared -fPIC -fvisibility=hidden -I${repo}/SDK/CFluxPlugin/include -o ${library} ${name}.c
EOF
    chmod +x "$dir/build.sh"

    cat >"$dir/Makefile" <<EOF
# Builds ${library} against the Flux plugin SDK header (the only thing a C plugin needs).
FLUX_SDK ?= ${repo}/SDK/CFluxPlugin/include
CC ?= cc
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c99 -Wall -Wextra \$(CFLAGS) -shared -fPIC -fvisibility=hidden -I\$(FLUX_SDK)

${library}: ${name}.c \$(FLUX_SDK)/flux_plugin.h
	\$(CC) \$(ALL_CFLAGS) -o \$@ ${name}.c

clean:
	rm -f ${library}

.PHONY: clean
EOF

    cat >"$dir/.gitignore" <<EOF
${library}
EOF

    cat >"$dir/README.md" <<EOF
# ${name}

A Flux node plugin in C, generated by \`scripts/new-plugin.sh\` from the node repository at \`${repo}\`. It needs
only the SDK header \`${repo}/SDK/CFluxPlugin/include/flux_plugin.h\`; the reference of the ABI is
\`${repo}/SDK/README.md\`.

## Build

    make            # or: ./build.sh

Both run \`cc -std=c99 -shared -fPIC -fvisibility=hidden -I${repo}/SDK/CFluxPlugin/include\` and produce
\`${library}\`. Only \`flux_plugin_entry\` is exported (\`FLUX_PLUGIN_EXPORT\`); everything else stays hidden.
Set \`FLUX_SDK=…/SDK/CFluxPlugin/include\` (make) if the repository moves.

## Enable it

Add a table to the node's \`plugins.toml\` (\`-plugins=PATH\`, else \`<datadir>/plugins.toml\`):

\`\`\`toml
$(write_plugins_toml_section "$dir/${library}" | sed '/^\[plugins\.'"${name}"'\.config\]/,$d')
\`\`\`

(This skeleton takes no configuration; a \`[plugins.${name}.config]\` table would be refused by \`on_load\`.)
Check the file without starting the node: \`fluxd -checkplugins\`. Then call the plugin's method:

    flux-cli ${name}.status

## What to change

- \`${name}.c\`: the descriptor (capabilities, version), the callbacks, the RPC methods.
- A plugin that keeps state across restarts declares \`FLUX_CAP_STATEFUL\` and writes through the block's
  \`flux_kv_txn\` (see the SDK guide); this skeleton keeps its counters in memory only.
EOF
}

if [ "$lang" = "swift" ]; then make_swift; else make_c; fi

echo "Created the ${lang} plugin \"${name}\" in ${dir}"
echo
echo "Next steps:"
echo "  cd ${dir}"
if [ "$lang" = "swift" ]; then
    echo "  swift build -c release            # -> .build/release/${library}"
    echo "  (use the node's Swift toolchain: $(swift --version 2>/dev/null | head -n 1 || echo 'swift --version'))"
    so_path="${dir}/.build/release/${library}"
else
    echo "  make                              # or ./build.sh -> ${library}"
    so_path="${dir}/${library}"
fi
echo "  add to plugins.toml:"
echo "      [plugins.${name}]"
echo "      path = \"${so_path}\""
echo "  fluxd -checkplugins               # validate, then start fluxd"
echo "  flux-cli ${name}.status"
echo "Guide and ABI reference: ${repo}/SDK/README.md"
