/// A ZeroMQ notification topic: the first frame of every message, and the `-zmqpub<topic>` option that enables it.
///
/// `hashblock`, `hashtx`, `rawblock` and `rawtx` are fluxd's (and bitcoind's); `sequence` exists only in
/// bitcoind (v0.21 and later) and follows its format. Bodies (the second frame):
/// - `hashblock` / `hashtx`: the 32-byte hash in display order (byte-reversed, as RPC prints it).
/// - `rawblock` / `rawtx`: the block or transaction as serialized on the wire.
/// - `sequence`: the 32-byte hash in display order, one label byte (`C` block connected, `D` block disconnected,
///   `A` transaction added to the mempool, `R` removed from it other than by a block), and for `A` and `R` the
///   8-byte little-endian mempool sequence number.
/// The third frame is the topic's own message counter, 4 bytes little-endian, starting at 0.
public enum ZMQTopic: String, CaseIterable, Sendable, Comparable {
    case hashblock, hashtx, rawblock, rawtx, sequence

    /// The option that enables the topic (`zmqpubhashblock`, ...), without the dash.
    public var optionName: String { "zmqpub" + rawValue }

    /// bitcoind's option for the topic's send high-water mark (`zmqpubhashblockhwm`, ...): messages queued per
    /// subscriber before ZeroMQ drops new ones (default 1000, ZeroMQ's own).
    public var highWaterMarkOptionName: String { optionName + "hwm" }

    public static func < (a: ZMQTopic, b: ZMQTopic) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
