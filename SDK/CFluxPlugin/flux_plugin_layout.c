/*
 * Compile-time checks of the ABI's layout. Appending fields is allowed (these checks then need the new sizes and
 * an ABI minor bump); moving or resizing an existing field breaks every built plugin and fails here.
 */
#include "flux_plugin.h"

#define FLUX_ASSERT(name, condition) typedef char flux_layout_##name[(condition) ? 1 : -1]

#if UINTPTR_MAX == UINT64_MAX
FLUX_ASSERT(bytes_size, sizeof(flux_bytes) == 16);
FLUX_ASSERT(buffer_size, sizeof(flux_buffer) == 16);
FLUX_ASSERT(block_event_size, sizeof(flux_block_event) == 64);
FLUX_ASSERT(block_event_block, offsetof(flux_block_event, block) == 48);
FLUX_ASSERT(tx_event_size, sizeof(flux_tx_event) == 64);
FLUX_ASSERT(tx_event_transaction, offsetof(flux_tx_event, transaction) == 48);
FLUX_ASSERT(tip_event_size, sizeof(flux_tip_event) == 48);
FLUX_ASSERT(host_api_size_1_2, sizeof(flux_host_api) == 8 + 24 * 8);
FLUX_ASSERT(host_api_log, offsetof(flux_host_api, log) == 8);
FLUX_ASSERT(host_api_metric_add, offsetof(flux_host_api, metric_add) == 8 + 15 * 8);
FLUX_ASSERT(host_api_chain_parameters, offsetof(flux_host_api, chain_parameters) == 8 + 16 * 8);
FLUX_ASSERT(host_api_wallet_sign_compact, offsetof(flux_host_api, wallet_sign_compact) == 8 + 19 * 8);
FLUX_ASSERT(host_api_kv_scan, offsetof(flux_host_api, kv_scan) == 8 + 20 * 8);
FLUX_ASSERT(host_api_register_global_rpc, offsetof(flux_host_api, register_global_rpc) == 8 + 21 * 8);
FLUX_ASSERT(host_api_wallet_unspent, offsetof(flux_host_api, wallet_unspent) == 8 + 23 * 8);
FLUX_ASSERT(callbacks_size_1_1, sizeof(flux_plugin_callbacks) == 8 + 18 * 8);
FLUX_ASSERT(callbacks_on_load, offsetof(flux_plugin_callbacks, on_load) == 8);
FLUX_ASSERT(callbacks_import_state, offsetof(flux_plugin_callbacks, import_state) == 8 + 14 * 8);
FLUX_ASSERT(callbacks_pon_operator_key, offsetof(flux_plugin_callbacks, pon_operator_key) == 8 + 15 * 8);
FLUX_ASSERT(callbacks_pon_sign, offsetof(flux_plugin_callbacks, pon_sign) == 8 + 17 * 8);
FLUX_ASSERT(descriptor_size_1_0, sizeof(flux_plugin_descriptor) == 112);
FLUX_ASSERT(descriptor_capabilities, offsetof(flux_plugin_descriptor, capabilities) == 16);
FLUX_ASSERT(descriptor_name, offsetof(flux_plugin_descriptor, name) == 40);
FLUX_ASSERT(descriptor_callbacks, offsetof(flux_plugin_descriptor, callbacks) == 104);
#endif

/* The checks are declarations only; this keeps the translation unit non-empty on other pointer sizes. */
typedef int flux_layout_unit;
