/// One unspent output of the node's wallet, as ``PluginHost/walletUnspent()`` returns it (ABI 1.2).
public struct WalletOutput: Sendable, Hashable {
    /// The transaction id (32 bytes, internal order).
    public let txid: [UInt8]
    /// The output's index.
    public let index: UInt32
    /// Its value in units (1e-8 FLUX).
    public let value: Int64
    /// Confirmations; 0 while unconfirmed.
    public let confirmations: UInt32
    /// Whether it is a coinbase output.
    public let coinbase: Bool
    /// Its locking script.
    public let script: [UInt8]

    /// Parses `wallet_unspent`'s records: txid ‖ LE32 index ‖ LE64 value ‖ LE32 confirmations ‖ u8 coinbase ‖ LE32
    /// script length ‖ script, repeated.
    static func parse(_ bytes: [UInt8]) throws(PluginError) -> [WalletOutput] {
        var outputs: [WalletOutput] = []
        var i = 0
        func le(_ count: Int) -> UInt64 {
            defer { i += count }
            return bytes[i..<(i + count)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        while i < bytes.count {
            guard bytes.count - i >= 53 else { throw .failed("wallet_unspent: truncated record from the host") }
            let txid = Array(bytes[i..<(i + 32)])
            i += 32
            let index = UInt32(le(4)), value = Int64(bitPattern: le(8)), confirmations = UInt32(le(4))
            let coinbase = bytes[i] != 0
            i += 1
            let length = Int(le(4))
            guard bytes.count - i >= length else { throw .failed("wallet_unspent: truncated script from the host") }
            outputs.append(WalletOutput(txid: txid, index: index, value: value, confirmations: confirmations,
                                        coinbase: coinbase, script: Array(bytes[i..<(i + length)])))
            i += length
        }
        return outputs
    }
}
