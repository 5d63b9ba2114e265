import CFluxPlugin

/// A block connected, disconnected or proposed to a judge, copied out of the host's borrowed event.
public struct BlockEvent: Sendable, Hashable {
    /// Height in the active chain (or the proposed height).
    public let height: Int64
    /// Block hash, 32 bytes in internal (wire) order.
    public let hash: [UInt8]
    /// The serialized block (wire format).
    public let block: [UInt8]
    /// True when the host replays the block from the plugin's cursor (after a load, reload or crash).
    public let isReplay: Bool

    /// Creates an event (the SDK builds these from the C struct; tests build them directly).
    public init(height: Int64, hash: [UInt8], block: [UInt8], isReplay: Bool = false) {
        self.height = height
        self.hash = hash
        self.block = block
        self.isReplay = isReplay
    }

    init(_ e: UnsafePointer<flux_block_event>) {
        let event = e.pointee
        height = event.height
        hash = withUnsafeBytes(of: event.hash) { Array($0) }
        block = PluginBytes.copy(event.block)
        isReplay = event.flags & UInt32(FLUX_EVENT_REPLAY) != 0
    }

    /// The hash as RPC shows it: byte-reversed hex.
    public var displayHash: String { PluginBytes.hex(hash.reversed()) }
}

/// A transaction entering (or proposed to) the mempool.
public struct TransactionEvent: Sendable, Hashable {
    /// Transaction id, 32 bytes in internal order.
    public let txid: [UInt8]
    /// Fee in the smallest unit.
    public let fee: Int64
    /// The serialized transaction.
    public let transaction: [UInt8]

    /// Creates an event.
    public init(txid: [UInt8], fee: Int64, transaction: [UInt8]) {
        self.txid = txid
        self.fee = fee
        self.transaction = transaction
    }

    init(_ e: UnsafePointer<flux_tx_event>) {
        let event = e.pointee
        txid = withUnsafeBytes(of: event.txid) { Array($0) }
        fee = event.fee
        transaction = PluginBytes.copy(event.transaction)
    }
}

/// The active chain's new tip.
public struct TipEvent: Sendable, Hashable {
    /// Height of the tip.
    public let height: Int64
    /// Hash of the tip, internal order.
    public let hash: [UInt8]

    /// Creates an event.
    public init(height: Int64, hash: [UInt8]) {
        self.height = height
        self.hash = hash
    }

    init(_ e: UnsafePointer<flux_tip_event>) {
        height = e.pointee.height
        hash = withUnsafeBytes(of: e.pointee.hash) { Array($0) }
    }
}

/// The plugin's slice of the block being connected or disconnected. Valid only inside the callback that received
/// it; writes through it commit with the block and are undone when the block is disconnected.
public struct KVTransaction: @unchecked Sendable {
    let handle: OpaquePointer
}

/// Helpers for the ABI's byte strings.
enum PluginBytes {
    /// Copies borrowed bytes.
    static func copy(_ bytes: flux_bytes) -> [UInt8] {
        guard let data = bytes.data, bytes.len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(bytes.len)))
    }

    /// Runs `body` with borrowed `flux_bytes` over `array`.
    static func with<T>(_ array: [UInt8], _ body: (flux_bytes) throws(PluginError) -> T) throws(PluginError) -> T {
        let result: Result<T, PluginError> = array.withUnsafeBufferPointer { buffer in
            do throws(PluginError) {
                return .success(try body(flux_bytes(data: buffer.baseAddress, len: UInt64(buffer.count))))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// A malloc'ed copy for a `flux_buffer` out-parameter (released by the plugin's `free_buffer`).
    static func buffer(_ bytes: [UInt8]) -> flux_buffer {
        guard !bytes.isEmpty, let memory = malloc(bytes.count)?.assumingMemoryBound(to: UInt8.self) else {
            return flux_buffer(data: nil, len: 0)
        }
        bytes.withUnsafeBufferPointer { memory.initialize(from: $0.baseAddress!, count: bytes.count) }
        return flux_buffer(data: memory, len: UInt64(bytes.count))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
