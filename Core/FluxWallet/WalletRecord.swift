import FluxPrimitives

/// The wallet's records in the chain store's plugin namespace `"wallet"`. Keys start with a one-byte tag:
///
/// | key | value |
/// |---|---|
/// | `k` ‖ BE32 sequence | a private key as WIF text (UTF-8), unencrypted; the sequence orders `addresses` |
/// | `c` ‖ txid ‖ BE32 index | a confirmed coin paying a wallet key, in `Coin`'s versioned encoding |
/// | `x` ‖ txid ‖ BE32 index | spent mark of that coin: the txid (32 bytes) of the active-chain spend |
/// | `p` ‖ txid | a transaction the wallet sent that is not mined yet (wire serialization) |
/// | `t` | the last block processed: hash (32 bytes, internal order) ‖ BE32 height |
/// | `h` ‖ BE32 sequence | (empty) the key of that sequence was made for change (not listed as a receiving address) |
/// | `w` ‖ txid | a wallet transaction: `WalletTransaction`'s encoding (block place, times, order, transaction) |
/// | `s` ‖ script | a watch-only script (`importaddress`); value: its label (UTF-8) |
/// | `r` ‖ HASH160 | a redeem script (`addmultisigaddress`, `importaddress … p2sh`) whose P2SH address is the wallet's |
///
/// Coins stay recorded after they are spent so that a reorganisation can restore them by deleting the mark.
/// Tags `h`, `w`, `s` and `r` were added later: a wallet written before them loads with no history, watch-only
/// scripts or redeem scripts, and `rescanblockchain` rebuilds the history.
enum WalletRecord {
    /// The plugin namespace.
    static let namespace = "wallet"
    static let keyTag = UInt8(ascii: "k")
    static let coinTag = UInt8(ascii: "c")
    static let spentTag = UInt8(ascii: "x")
    static let pendingTag = UInt8(ascii: "p")
    static let syncKey: [UInt8] = [UInt8(ascii: "t")]
    static let changeTag = UInt8(ascii: "h")
    static let transactionTag = UInt8(ascii: "w")
    static let watchTag = UInt8(ascii: "s")
    static let redeemTag = UInt8(ascii: "r")

    static func key(sequence: UInt32) -> [UInt8] { [keyTag] + bigEndian(sequence) }
    static func coin(_ o: OutPoint) -> [UInt8] { [coinTag] + outPointBytes(o) }
    static func spent(_ o: OutPoint) -> [UInt8] { [spentTag] + outPointBytes(o) }
    static func pending(_ txid: Hash256) -> [UInt8] { [pendingTag] + txid.bytes }
    static func change(sequence: UInt32) -> [UInt8] { [changeTag] + bigEndian(sequence) }
    static func transaction(_ txid: Hash256) -> [UInt8] { [transactionTag] + txid.bytes }
    static func watch(_ script: Script) -> [UInt8] { [watchTag] + script.bytes }
    static func redeem(_ hash160: [UInt8]) -> [UInt8] { [redeemTag] + hash160 }

    static func outPointBytes(_ o: OutPoint) -> [UInt8] { o.hash.bytes + bigEndian(o.index) }

    /// The outpoint of a `c` or `x` key (tag stripped by the caller), nil if it is not 36 bytes.
    static func outPoint(_ bytes: ArraySlice<UInt8>) -> OutPoint? {
        guard bytes.count == 36 else { return nil }
        let start = bytes.startIndex
        return OutPoint(hash: Hash256(bytes[start..<start + 32]), index: readBigEndian(bytes[(start + 32)...]))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8),
         UInt8(truncatingIfNeeded: v)]
    }

    static func readBigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    static func syncValue(hash: Hash256, height: Int) -> [UInt8] { hash.bytes + bigEndian(UInt32(height)) }

    static func decodeSync(_ value: [UInt8]) -> (hash: Hash256, height: Int)? {
        guard value.count == 36 else { return nil }
        return (Hash256(value[0..<32]), Int(readBigEndian(value[32...])))
    }
}
