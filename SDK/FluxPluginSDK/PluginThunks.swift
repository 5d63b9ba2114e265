import CFluxPlugin
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C entry points of the callback table. Each one finds the Swift instance behind the `flux_plugin*`, calls
/// it, and turns a thrown ``PluginError`` into a status code and a message buffer: no Swift error crosses the ABI.
enum PluginThunks {
    static func table() -> flux_plugin_callbacks {
        var t = flux_plugin_callbacks()
        t.struct_size = UInt32(MemoryLayout<flux_plugin_callbacks>.size)
        t.on_load = { api, host, configuration, outPlugin, outMessage in
            guard let factory = PluginExport.state.withLock({ $0.factory }) else {
                outMessage.pointee = PluginBytes.buffer(Array("no plugin type registered".utf8))
                return FLUX_ERR_STATE
            }
            let pluginHost = PluginHost(api: api, handle: host)
            do throws(PluginError) {
                let plugin = try factory(pluginHost, PluginBytes.copy(configuration))
                let box = PluginInstanceBox(plugin: plugin, host: pluginHost)
                outPlugin.pointee = OpaquePointer(Unmanaged.passRetained(box).toOpaque())
                return FLUX_OK
            } catch {
                outMessage.pointee = PluginBytes.buffer(Array(error.message.utf8))
                return error.status
            }
        }
        t.on_unload = { handle in
            guard let handle else { return }
            let unmanaged = Unmanaged<PluginInstanceBox>.fromOpaque(UnsafeRawPointer(handle))
            unmanaged.takeUnretainedValue().plugin.unload()
            unmanaged.release()
        }
        t.free_buffer = { buffer in free(buffer.data) }
        t.block_connected = { handle, event, txn, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in
                try p.blockConnected(BlockEvent(event), transaction: txn.map { KVTransaction(handle: $0) })
            }
        }
        t.block_disconnected = { handle, event, txn, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in
                try p.blockDisconnected(BlockEvent(event), transaction: txn.map { KVTransaction(handle: $0) })
            }
        }
        t.transaction_accepted = { handle, event, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in try p.transactionAccepted(TransactionEvent(event)) }
        }
        t.tip_changed = { handle, event, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in try p.tipChanged(TipEvent(event)) }
        }
        t.tick = { handle, millis, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in try p.tick(unixMillis: millis) }
        }
        t.check_block = { handle, event, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in try p.checkBlock(BlockEvent(event)) }
        }
        t.check_transaction = { handle, event, nextHeight, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in
                try p.checkTransaction(TransactionEvent(event), nextHeight: nextHeight)
            }
        }
        t.coinbase_outputs = { handle, height, outOutputs, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in
                outOutputs.pointee = PluginBytes.buffer(try p.coinbaseOutputs(height: height))
            }
        }
        t.rpc_call = { handle, method, params, outResult, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in
                let name = String(decoding: PluginBytes.copy(method), as: UTF8.self)
                outResult.pointee = PluginBytes.buffer(try p.rpcCall(method: name, params: PluginBytes.copy(params)))
            }
        }
        t.p2p_message = { handle, peer, command, payload, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in
                try p.p2pMessage(peer: peer, command: String(decoding: PluginBytes.copy(command), as: UTF8.self),
                                 payload: PluginBytes.copy(payload))
            }
        }
        t.export_state = { handle, outVersion, outState, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in
                let (version, state) = try p.exportState()
                outVersion.pointee = version
                outState.pointee = PluginBytes.buffer(state)
            }
        }
        t.import_state = { handle, version, state, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in try p.importState(version: version, state: PluginBytes.copy(state)) }
        }
        t.pon_operator_key = { handle, collateral, parentHeight, parentHash, sink, context, outMessage in
            var found = true
            let status = PluginThunks.run(handle, outMessage) { p throws(PluginError) in
                let key = try p.ponOperatorKey(collateral: Array(UnsafeBufferPointer(start: collateral, count: 36)),
                                               parentHeight: parentHeight,
                                               parentHash: Array(UnsafeBufferPointer(start: parentHash, count: 32)))
                guard let key else {
                    found = false
                    return
                }
                key.withUnsafeBufferPointer { sink(context, $0.baseAddress, UInt64($0.count)) }
            }
            return status == FLUX_OK && !found ? FLUX_ERR_NOT_FOUND : status
        }
        t.pon_propose = { handle, height, parentHash, time, bits, outCollateral, outDelay, outMessage in
            var found = true
            let status = PluginThunks.run(handle, outMessage) { p throws(PluginError) in
                guard let proposal = try p.ponPropose(height: height,
                                                      parentHash: Array(UnsafeBufferPointer(start: parentHash, count: 32)),
                                                      time: time, bits: bits) else {
                    found = false
                    return
                }
                guard proposal.collateral.count == 36 else {
                    throw .invalidArgument("ponPropose returned a \(proposal.collateral.count)-byte collateral, not 36")
                }
                proposal.collateral.withUnsafeBufferPointer { outCollateral.update(from: $0.baseAddress!, count: 36) }
                outDelay.pointee = proposal.delayMilliseconds
            }
            return status == FLUX_OK && !found ? FLUX_ERR_NOT_FOUND : status
        }
        t.pon_sign = { handle, collateral, blockHash, outSignature, outMessage in
            PluginThunks.run(handle, outMessage) { p throws(PluginError) in
                outSignature.pointee = PluginBytes.buffer(
                    try p.ponSign(collateral: Array(UnsafeBufferPointer(start: collateral, count: 36)),
                                  blockHash: Array(UnsafeBufferPointer(start: blockHash, count: 32))))
            }
        }
        return t
    }

    /// Calls `body` on the instance behind `handle`; a thrown error becomes its status and message.
    static func run(_ handle: OpaquePointer?, _ outMessage: UnsafeMutablePointer<flux_buffer>,
                    _ body: (any FluxPlugin) throws(PluginError) -> Void) -> Int32 {
        guard let box = PluginInstanceBox.from(handle) else {
            outMessage.pointee = PluginBytes.buffer(Array("called without an instance".utf8))
            return FLUX_ERR_STATE
        }
        do throws(PluginError) {
            try body(box.plugin)
            return FLUX_OK
        } catch {
            outMessage.pointee = PluginBytes.buffer(Array(error.message.utf8))
            return error.status
        }
    }
}
