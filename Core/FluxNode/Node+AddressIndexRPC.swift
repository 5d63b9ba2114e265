import FluxChain
import FluxJSON
import FluxMempool
import FluxPrimitives
import FluxRPC
import FluxStorage
import Foundation

/// fluxd's "addressindex" calls, insight-explorer RPCs over the core's optional indexes (see
/// `ChainState+Indexes`), with fluxd's names, parameters, result shapes, orders, error codes and texts
/// (`src/rpc/misc.cpp`): `getaddresstxids`, `getaddressdeltas`, `getaddressbalance`, `getaddressutxos`,
/// `getaddressmempool`. The other insight calls (`getspentinfo`, `getblockdeltas`, `getblockhashes`) are in fluxd's
/// "blockchain" category, in `Node+BlockchainRPC.swift`; both use `insightMethod` (`Node+RPCSupport.swift`).
///
/// fluxd enables all of them with `-insightexplorer` (and `-experimentalfeatures`); here each needs the index
/// it reads (`-insightexplorer` turns on all three, `-addressindex`, `-spentindex`, `-timestampindex` one each).
/// Without it the call answers fluxd's -1 "Error: NAME is disabled. Run './flux-cli help NAME' for
/// instructions on how to enable this feature." Reads see the committed chain state (with `-dbbatchblocks` above
/// 1 the last few connected blocks may not be visible yet).
extension Node {

    func registerAddressIndexMethods() {
        let prefixes = params.base58Prefixes
        insightMethod("getaddresstxids", "Addressindex", needs: .addresses, """
            getaddresstxids {"addresses": ["taddr", ...], ("start": n), ("end": n)}
            The txids of every transaction touching the addresses, sorted by height then txid, without duplicates.
            A plain address string may stand for the object. start and end (both > 0, both or neither) limit heights.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let (start, end) = try self.heightRange(p)
            let deltas = try self.addressDeltas(p, start: start, end: end)
            var seen = Set<String>()
            var txids: [(Int, String)] = []
            for d in deltas {
                let id = d.txid.description
                if seen.insert("\(d.height):\(id)").inserted { txids.append((d.height, id)) }
            }
            txids.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            return .array(txids.map { .string($0.1) })
        }
        insightMethod("getaddressdeltas", "Addressindex", needs: .addresses, """
            getaddressdeltas {"addresses": ["taddr", ...], ("start": n), ("end": n), ("chainInfo": true|false)}
            Every credit and debit of the addresses: [{satoshis, txid, index, blockindex, height, address}], per
            address in height order. With chainInfo and a start/end range: {deltas, start: {hash, height},
            end: {hash, height}}.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let (start, end) = try self.heightRange(p)
            let deltas = try self.addressDeltas(p, start: start, end: end)
            let chainInfo = try Self.chainInfoFlag(p)
            let items: [JSONValue] = deltas.map { d in
                .object([("address", .string(d.address.encoded(prefixes: prefixes))), ("blockindex", .int(d.blockIndex)),
                         ("height", .int(d.height)), ("index", .int(d.index)), ("satoshis", .int(d.satoshis)),
                         ("txid", .string(d.txid.description))])
            }
            guard chainInfo && start > 0 && end > 0 else { return .array(items) }
            guard let startEntry = self.chain.entry(at: start), let endEntry = self.chain.entry(at: end) else {
                throw RPCError(code: -5, message: "Start or end is outside chain range")
            }
            return .object([("deltas", .array(items)),
                            ("start", .object([("hash", .string(startEntry.hash.description)), ("height", .int(start))])),
                            ("end", .object([("hash", .string(endEntry.hash.description)), ("height", .int(end))]))])
        }
        insightMethod("getaddressbalance", "Addressindex", needs: .addresses, """
            getaddressbalance {"addresses": ["taddr", ...]}
            The addresses' confirmed balance and total received, in satoshis: {balance, received}.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            var balance: Int64 = 0
            var received: Int64 = 0
            for d in try self.addressDeltas(p, start: 0, end: 0) {
                if d.satoshis > 0 { received += d.satoshis }
                balance += d.satoshis
            }
            return .object([("balance", .int(balance)), ("received", .int(received))])
        }
        insightMethod("getaddressutxos", "Addressindex", needs: .addresses, """
            getaddressutxos {"addresses": ["taddr", ...], ("chainInfo": true|false)}
            The addresses' confirmed unspent outputs, by height: [{address, txid, outputIndex, script, satoshis,
            height}]; with chainInfo {utxos, hash, height} (the tip).
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let chainInfo = try Self.chainInfoFlag(p)
            var outputs: [AddressUnspentOutput] = []
            for address in try self.insightAddresses(p) {
                do { outputs += try self.chain.store.addressUnspentOutputs(address) } catch {
                    throw RPCError(code: -5, message: "No information available for address")
                }
            }
            // fluxd sorts by height only; ties keep the index order here.
            let sorted = outputs.enumerated().sorted { ($0.element.height, $0.offset) < ($1.element.height, $1.offset) }
            let utxos: JSONValue = .array(sorted.map { _, o in
                .object([("address", .string(o.address.encoded(prefixes: prefixes))),
                         ("txid", .string(o.outpoint.hash.description)), ("outputIndex", .int(o.outpoint.index)),
                         ("script", .string(Hex.encode(o.script.bytes))), ("satoshis", .int(o.satoshis)),
                         ("height", .int(o.height))])
            })
            guard chainInfo else { return utxos }
            let tip = self.chain.tip
            return .object([("utxos", utxos), ("hash", .string(tip.hash.description)), ("height", .int(tip.height))])
        }
        insightMethod("getaddressmempool", "Addressindex", needs: .addresses, """
            getaddressmempool {"addresses": ["taddr", ...]}
            The addresses' credits and debits in the mempool, oldest first: [{address, txid, index, satoshis,
            timestamp}], debits also with prevtxid and prevout.
            """) { p throws(RPCError) in
            try p.check(max: 1, min: 1)
            let wanted = Set(try self.insightAddresses(p))
            return .array(self.mempoolAddressDeltas(wanted).map { d in
                var o: [(String, JSONValue)] = [("address", .string(d.address.encoded(prefixes: prefixes))),
                                                ("txid", .string(d.txid.description)), ("index", .int(d.index)),
                                                ("satoshis", .int(d.satoshis)), ("timestamp", .int(d.time))]
                if let prevout = d.prevout {
                    o += [("prevtxid", .string(prevout.hash.description)), ("prevout", .int(prevout.index))]
                }
                return .object(o)
            })
        }
    }

    // MARK: Parameters as fluxd reads them

    /// fluxd's `getAddressesFromParams`: a plain address string, or an object whose `addresses` is an array of
    /// address strings; each must be a P2PKH or P2SH address of this network.
    func insightAddresses(_ p: RPCParams) throws(RPCError) -> [Address] {
        var texts: [String] = []
        switch p.optional(0) {
        case let .string(s)?:
            texts = [s]
        case let .object(pairs)?:
            guard case let .array(items)? = pairs.last(where: { $0.0 == "addresses" })?.1 else {
                throw RPCError(code: -5, message: "Addresses is expected to be an array")
            }
            for item in items {
                guard case let .string(s) = item else {
                    throw RPCError(code: -1, message: "JSON value is not a string as expected")
                }
                texts.append(s)
            }
        default:
            throw RPCError(code: -5, message: "Invalid address")
        }
        var addresses: [Address] = []
        for text in texts {
            guard let address = Address(text, prefixes: params.base58Prefixes) else {
                throw RPCError(code: -5, message: "Invalid address")
            }
            addresses.append(address)
        }
        return addresses
    }

    /// fluxd's `getHeightRange`: `start` and `end` count only when both are given; both must then be above 0
    /// with end ≥ start, and neither above the tip's height.
    func heightRange(_ p: RPCParams) throws(RPCError) -> (Int, Int) {
        var start = 0
        var end = 0
        if case .object? = p.optional(0), let request = p.optional(0),
           let startValue = request["start"], startValue != .null, let endValue = request["end"], endValue != .null {
            start = try Self.jsonInt(startValue)
            end = try Self.jsonInt(endValue)
            if start <= 0 || end <= 0 {
                throw RPCError(code: -5, message: "Start and end are expected to be greater than zero")
            }
            if end < start { throw RPCError(code: -5, message: "End value is expected to be greater than start") }
        }
        let height = chain.height
        if start > height || end > height { throw RPCError(code: -5, message: "Start or end is outside chain range") }
        return (start, end)
    }

    /// The deltas of every address of the request, address by address, each in index order.
    func addressDeltas(_ p: RPCParams, start: Int, end: Int) throws(RPCError) -> [AddressDelta] {
        var deltas: [AddressDelta] = []
        for address in try insightAddresses(p) {
            do { deltas += try chain.store.addressDeltas(address, start: start, end: end) } catch {
                throw RPCError(code: -5, message: "No information available for address")
            }
        }
        return deltas
    }

    /// The `chainInfo` member of an object parameter (UniValue's `get_bool`: only true/false).
    static func chainInfoFlag(_ p: RPCParams) throws(RPCError) -> Bool {
        guard case .object? = p.optional(0), let request = p.optional(0) else { return false }
        return try optionalBool(request["chainInfo"])
    }

    /// The verbose-transaction hook adding fluxd's spent-index fields, nil without the spent index.
    var spentLookup: SpentLookup? {
        guard chain.indexes.contains(.spent) else { return nil }
        let prefixes = params.base58Prefixes
        return SpentLookup(
            input: { outpoint in
                self.spentInfo(outpoint).map { (Amount(units: $0.satoshis), $0.address?.encoded(prefixes: prefixes)) }
            },
            output: { outpoint in self.spentInfo(outpoint).map { ($0.txid, $0.inputIndex, $0.height) } })
    }

    // MARK: Mempool deltas

    /// One credit or debit of a pooled transaction (fluxd's `CMempoolAddressDelta` with its key).
    struct MempoolAddressDelta {
        let address: Address
        let txid: Hash256
        let index: UInt32
        let satoshis: Int64
        let time: Int64
        /// The spent output, for debits.
        let prevout: OutPoint?
    }

    /// The credits and debits of `addresses` in the mempool, ordered as fluxd: by (address type, hash, txid,
    /// index, spending), then stably by the time the transaction entered the pool.
    func mempoolAddressDeltas(_ addresses: Set<Address>) -> [MempoolAddressDelta] {
        var found: [MempoolAddressDelta] = []
        for entry in mempool.entries {
            let tx = entry.transaction
            if !tx.isCoinbase && !tx.isFluxNode {
                for (j, input) in tx.inputs.enumerated() {
                    guard let output = spentOutput(input.prevout), let address = Address(script: output.scriptPubKey),
                          addresses.contains(address) else { continue }
                    found.append(MempoolAddressDelta(address: address, txid: entry.txid, index: UInt32(j),
                                                     satoshis: -output.value.units, time: entry.time,
                                                     prevout: input.prevout))
                }
            }
            for (k, output) in tx.outputs.enumerated() {
                guard let address = Address(script: output.scriptPubKey), addresses.contains(address) else { continue }
                found.append(MempoolAddressDelta(address: address, txid: entry.txid, index: UInt32(k),
                                                 satoshis: output.value.units, time: entry.time, prevout: nil))
            }
        }
        func key(_ d: MempoolAddressDelta) -> [UInt8] {
            var w = ByteWriter(capacity: 58)
            switch d.address {
            case let .pubKeyHash(h): w.writeUInt8(1); w.writeBytes(h)
            case let .scriptHash(h): w.writeUInt8(2); w.writeBytes(h)
            }
            // fluxd's comparator: uint160/uint256 `operator<` is memcmp of the stored (internal-order) bytes.
            w.writeHash(d.txid)
            w.writeBE(d.index)
            w.writeUInt8(d.prevout == nil ? 0 : 1)
            return w.bytes
        }
        let keyed = found.map { (key($0), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
        return keyed.enumerated().sorted { ($0.element.1.time, $0.offset) < ($1.element.1.time, $1.offset) }
            .map { $0.element.1 }
    }

}

extension ChainIndexes {
    /// The option name of a single index (`addressindex`, ...).
    static func optionName(_ index: ChainIndexes) -> String { index.storedText }
}
