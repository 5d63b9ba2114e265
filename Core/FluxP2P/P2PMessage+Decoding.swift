import FluxPrimitives

extension P2PMessage {
    /// The commands `decode(command:payload:)` parses; any other arrives as `.unknown`.
    public static let knownCommands: Set<String> = [
        "version", "verack", "ping", "pong", "addr", "getaddr", "inv", "getdata", "notfound", "getheaders",
        "getblocks", "headers", "cmpheaders", "block", "tx", "mempool", "reject", "sendheaders", "sendcmpct",
    ]

    /// Parses the payload of a message with the given command.
    ///
    /// Every list count is checked against its `P2PLimits` bound (`.tooManyItems`) and against the bytes left
    /// before anything is allocated. The whole payload must be consumed (`.malformedPayload` with trailing
    /// bytes otherwise), except for `version`, whose later extensions are ignored as fluxd ignores them.
    /// Unknown commands give `.unknown` with the payload untouched.
    public static func decode(command: String, payload: [UInt8]) throws(P2PError) -> P2PMessage {
        var r = PayloadReader(command: command, reader: ByteReader(payload))
        let message: P2PMessage
        switch command {
        case "version":
            return .version(try r.decode(VersionMessage.self))
        case "verack": message = .verack
        case "getaddr": message = .getaddr
        case "mempool": message = .mempool
        case "sendheaders": message = .sendheaders
        case "ping": message = .ping(nonce: try r.uint64("ping.nonce"))
        case "pong": message = .pong(nonce: try r.uint64("pong.nonce"))
        case "addr":
            message = .addr(try r.list("addr", limit: P2PLimits.maxAddresses, minElementSize: TimestampedAddress.size))
        case "inv":
            message = .inv(try r.list("inv", limit: P2PLimits.maxInventory, minElementSize: InventoryItem.size))
        case "getdata":
            message = .getdata(try r.list("getdata", limit: P2PLimits.maxInventory, minElementSize: InventoryItem.size))
        case "notfound":
            message = .notfound(try r.list("notfound", limit: P2PLimits.maxInventory, minElementSize: InventoryItem.size))
        case "getheaders": message = .getheaders(try r.locator())
        case "getblocks": message = .getblocks(try r.locator())
        case "headers":
            // Smallest entry: a PoW header with an empty solution (141 bytes) and its transaction count.
            let n = try r.count("headers", limit: P2PLimits.maxHeaders, minElementSize: 142)
            var headers: [BlockHeader] = []
            headers.reserveCapacity(n)
            for _ in 0..<n {
                headers.append(try r.decode(BlockHeader.self))
                _ = try r.compactSize("headers.txCount")   // fluxd writes 0; read and ignored, as Bitcoin does
            }
            message = .headers(headers)
        case "cmpheaders":
            message = .cmpheaders(try r.list("cmpheaders", limit: P2PLimits.maxCompactHeaders,
                                             minElementSize: CompactBlockHeader.minimumSize))
        case "block": message = .block(try r.decode(Block.self))
        case "tx": message = .tx(try r.decode(Transaction.self))
        case "reject": message = .reject(try r.decode(RejectMessage.self))
        case "sendcmpct":
            let announce = try r.bool("sendcmpct.announce")
            message = .sendcmpct(announce: announce, version: try r.uint64("sendcmpct.version"))
        default:
            return .unknown(command: command, payload: payload)
        }
        try r.end()
        return message
    }
}

/// A `ByteReader` over one payload that reports failures as `P2PError`s naming the command.
struct PayloadReader {
    let command: String
    var reader: ByteReader

    /// Reads one `T`.
    mutating func decode<T: WireDecodable>(_: T.Type) throws(P2PError) -> T {
        do { return try T(from: &reader) } catch { throw .malformedPayload(command: command, error) }
    }

    /// Reads a little-endian 64-bit integer.
    mutating func uint64(_ field: String) throws(P2PError) -> UInt64 {
        do { return try reader.readLE(UInt64.self, field) } catch { throw .malformedPayload(command: command, error) }
    }

    /// Reads a little-endian 32-bit integer.
    mutating func uint32(_ field: String) throws(P2PError) -> UInt32 {
        do { return try reader.readLE(UInt32.self, field) } catch { throw .malformedPayload(command: command, error) }
    }

    /// Reads a boolean byte (non-zero is true).
    mutating func bool(_ field: String) throws(P2PError) -> Bool {
        do { return try reader.readBool(field) } catch { throw .malformedPayload(command: command, error) }
    }

    /// Reads a 32-byte hash.
    mutating func hash(_ field: String) throws(P2PError) -> Hash256 {
        do { return try reader.readHash(field) } catch { throw .malformedPayload(command: command, error) }
    }

    /// Reads a CompactSize (at most `CompactSize.maxSize`).
    mutating func compactSize(_ field: String) throws(P2PError) -> UInt64 {
        do { return try reader.readCompactSize(field) } catch { throw .malformedPayload(command: command, error) }
    }

    /// Reads a list count: `.tooManyItems` above `limit`, `.malformedPayload` if the bytes left cannot hold
    /// that many elements of at least `minElementSize` bytes. Nothing is allocated before both checks pass.
    mutating func count(_ field: String, limit: Int, minElementSize: Int) throws(P2PError) -> Int {
        var probe = reader
        let claimed: UInt64
        do { claimed = try probe.readCompactSize("\(field).count") } catch {
            throw .malformedPayload(command: command, error)
        }
        if claimed > UInt64(limit) {
            throw .tooManyItems(command: command, count: Int(clamping: claimed), limit: limit)
        }
        do {
            return try reader.readCount("\(field).count", limit: UInt64(limit), minElementSize: minElementSize)
        } catch {
            throw .malformedPayload(command: command, error)
        }
    }

    /// Reads a counted list of `T`.
    mutating func list<T: WireDecodable>(_ field: String, limit: Int, minElementSize: Int) throws(P2PError) -> [T] {
        let n = try count(field, limit: limit, minElementSize: minElementSize)
        var items: [T] = []
        items.reserveCapacity(n)
        for _ in 0..<n { items.append(try decode(T.self)) }
        return items
    }

    /// Reads a `getheaders`/`getblocks` payload.
    mutating func locator() throws(P2PError) -> BlockLocatorMessage {
        let version = try uint32("locator.nVersion")
        let n = try count("locator", limit: P2PLimits.maxLocator, minElementSize: 32)
        var hashes: [Hash256] = []
        hashes.reserveCapacity(n)
        for _ in 0..<n { hashes.append(try hash("locator.vHave")) }
        return BlockLocatorMessage(version: version, locator: hashes, stop: try hash("locator.hashStop"))
    }

    /// Throws unless the payload has been consumed.
    func end() throws(P2PError) {
        do {
            try reader.expectEnd("\(command).end")
        } catch {
            throw .malformedPayload(command: command, error)
        }
    }
}
