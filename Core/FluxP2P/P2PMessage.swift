import FluxPrimitives

/// One P2P message: the command and its parsed payload.
///
/// Commands this module does not model (`alert`, `filterload`, `cmpctblock`, `getblocktxn`, …) arrive as
/// `.unknown` with their raw payload, so a peer handler can ignore or parse them itself.
public enum P2PMessage: Hashable, Sendable {
    /// `version`: the sender's version, services, addresses and height; opens the handshake.
    case version(VersionMessage)
    /// `verack`: acknowledges `version` (empty payload).
    case verack
    /// `ping`: a keep-alive carrying a nonce the peer echoes in `pong` (BIP 31).
    case ping(nonce: UInt64)
    /// `pong`: the answer to `ping`.
    case pong(nonce: UInt64)
    /// `addr`: known peer addresses (at most `P2PLimits.maxAddresses`).
    case addr([TimestampedAddress])
    /// `getaddr`: asks for `addr` (empty payload).
    case getaddr
    /// `inv`: announces transactions or blocks (at most `P2PLimits.maxInventory`).
    case inv([InventoryItem])
    /// `getdata`: requests the objects named (at most `P2PLimits.maxInventory`).
    case getdata([InventoryItem])
    /// `notfound`: the objects of a `getdata` the sender does not have.
    case notfound([InventoryItem])
    /// `getheaders`: asks for up to 160 headers (or compact headers) after the locator's fork point.
    case getheaders(BlockLocatorMessage)
    /// `getblocks`: asks for an `inv` of up to 500 blocks after the locator's fork point.
    case getblocks(BlockLocatorMessage)
    /// `headers`: full headers, each followed on the wire by a CompactSize transaction count of 0 (at most
    /// `P2PLimits.maxHeaders`).
    case headers([BlockHeader])
    /// `cmpheaders` (Flux): compact headers without transaction counts (at most `P2PLimits.maxCompactHeaders`).
    case cmpheaders([CompactBlockHeader])
    /// `block`: one block.
    case block(Block)
    /// `tx`: one transaction.
    case tx(Transaction)
    /// `mempool`: asks for an `inv` of the mempool (empty payload).
    case mempool
    /// `reject`: why the peer refused something (BIP 61).
    case reject(RejectMessage)
    /// `sendheaders`: announce new blocks with `headers` instead of `inv` (BIP 130, empty payload).
    case sendheaders
    /// `sendcmpct`: compact-block preferences (BIP 152): bool announce ‖ LE64 version.
    case sendcmpct(announce: Bool, version: UInt64)
    /// A command this module does not model, with its raw payload.
    case unknown(command: String, payload: [UInt8])

    /// The command name as it appears (NUL-padded to 12 bytes) in the frame header, e.g. `"version"`.
    public var command: String {
        switch self {
        case .version: "version"
        case .verack: "verack"
        case .ping: "ping"
        case .pong: "pong"
        case .addr: "addr"
        case .getaddr: "getaddr"
        case .inv: "inv"
        case .getdata: "getdata"
        case .notfound: "notfound"
        case .getheaders: "getheaders"
        case .getblocks: "getblocks"
        case .headers: "headers"
        case .cmpheaders: "cmpheaders"
        case .block: "block"
        case .tx: "tx"
        case .mempool: "mempool"
        case .reject: "reject"
        case .sendheaders: "sendheaders"
        case .sendcmpct: "sendcmpct"
        case let .unknown(command, _): command
        }
    }

    /// The payload bytes (without the frame header).
    ///
    /// Decoding these bytes gives back an equal message, except where the wire format cannot carry a value:
    /// a `reject` hash is written only for `"tx"`/`"block"` (zero if nil), and `headers` always writes a
    /// transaction count of 0.
    public func encodePayload() -> [UInt8] {
        var w = ByteWriter()
        switch self {
        case let .version(v):
            v.encode(to: &w)
        case .verack, .getaddr, .mempool, .sendheaders:
            break
        case let .ping(nonce), let .pong(nonce):
            w.writeLE(nonce)
        case let .addr(entries):
            w = ByteWriter(capacity: 9 + entries.count * TimestampedAddress.size)
            w.writeCompactSize(UInt64(entries.count))
            entries.forEach { $0.encode(to: &w) }
        case let .inv(items), let .getdata(items), let .notfound(items):
            w = ByteWriter(capacity: 9 + items.count * InventoryItem.size)
            w.writeCompactSize(UInt64(items.count))
            items.forEach { $0.encode(to: &w) }
        case let .getheaders(locator), let .getblocks(locator):
            locator.encode(to: &w)
        case let .headers(headers):
            w.writeCompactSize(UInt64(headers.count))
            for header in headers {
                header.encode(to: &w)
                w.writeCompactSize(0)
            }
        case let .cmpheaders(headers):
            w.writeCompactSize(UInt64(headers.count))
            headers.forEach { $0.encode(to: &w) }
        case let .block(block):
            block.encode(to: &w)
        case let .tx(tx):
            tx.encode(to: &w)
        case let .reject(reject):
            reject.encode(to: &w)
        case let .sendcmpct(announce, version):
            w.writeBool(announce)
            w.writeLE(version)
        case let .unknown(_, payload):
            return payload
        }
        return w.bytes
    }
}
