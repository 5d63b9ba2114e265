import FluxChain
import FluxPrimitives
import FluxScript
import FluxStorage
import Foundation

/// fluxd's wallet dump text (`dumpwallet`, read by `importwallet`), which `backupwallet` also writes.
///
/// Format, as fluxd: `#` comment lines; one line per key: `WIF time label=LABEL # addr=ADDRESS` for a
/// receiving key, `WIF time change=1 # addr=ADDRESS` for a change key, time as `YYYY-MM-DDTHH:MM:SSZ` (this
/// wallet does not record key birth times and writes 1970-01-01T00:00:01Z, so an import rescans the whole
/// chain), labels %-escaped. This wallet adds `redeemscript=HEX time` and `watchscript=HEX time label=LABEL`
/// lines for its redeem scripts and watch-only scripts; fluxd skips them (not a key), this wallet restores them.
extension Wallet {
    /// The wallet's keys, redeem scripts and watch-only scripts as dump text.
    public func dumpText(now: Date = Date()) -> String {
        lockedQuery {
            let tip = chain.tip
            var out = "# Wallet dump created by Flux (Swift node)\n"
            out += "# * Created on \(Self.dumpTime(Int64(now.timeIntervalSince1970)))\n"
            out += "# * Best block at time of backup was \(tip.height) (\(tip.hash)),\n"
            out += "#   mined on \(Self.dumpTime(Int64(tip.header.time)))\n\n"
            let unknownBirth = Self.dumpTime(1)
            for hash in keyOrder {
                guard let key = keys[hash] else { continue }
                let wif = WIF(secret: key.key.bytes, compressed: key.compressed).encoded(prefixes: prefixes)
                let address = Address.pubKeyHash(hash).encoded(prefixes: prefixes)
                let kind = changeKeys.contains(hash) ? "change=1" : "label="
                out += "\(wif) \(unknownBirth) \(kind) # addr=\(address)\n"
            }
            for (hash, script) in redeemScripts.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                out += "redeemscript=\(Hex.encode(script.bytes)) \(unknownBirth) # addr=\(Address.scriptHash(hash).encoded(prefixes: prefixes))\n"
            }
            for (script, label) in watchScripts.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                out += "watchscript=\(Hex.encode(script)) \(unknownBirth) label=\(Self.encodeDumpString(label))\n"
            }
            out += "\n# End of dump\n"
            return out
        }
    }

    /// Reads dump text (fluxd's `importwallet`): adds every valid key not held yet (with its change mark), and
    /// this wallet's redeem-script and watch-script lines; other lines are skipped as fluxd skips them. Then
    /// rescans from the last block mined at least two hours before the oldest key time (fluxd's rule).
    ///
    /// - Returns: false when some entry could not be added (fluxd then reports "Error adding some keys to
    ///   wallet"); the others are kept.
    /// - Throws: `.storage`.
    public func importDump(_ text: String) throws(WalletError) -> Bool {
        try locked { () throws(WalletError) in
            var good = true
            var oldest = Int64(chain.tip.header.time)
            for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
                let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
                guard !line.isEmpty, !line.hasPrefix("#") else { continue }
                let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                guard fields.count >= 2 else { continue }
                let time = Self.decodeDumpTime(fields[1])
                var change = false
                var label = ""
                for field in fields.dropFirst(2) {
                    if field.hasPrefix("#") { break }
                    if field == "change=1" || field == "reserve=1" { change = true }
                    if field.hasPrefix("label=") {
                        label = Self.decodeDumpString(String(field.dropFirst(6)))
                        change = false
                    }
                }
                if fields[0].hasPrefix("redeemscript="), let bytes = Hex.decode(String(fields[0].dropFirst(13))) {
                    let hash = Hashing.hash160(bytes)
                    if redeemScripts[hash] == nil {
                        var batch = ChainBatch()
                        batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.redeem(hash), value: bytes)
                        do { try chain.store.commit(batch, sync: true) } catch { good = false; continue }
                        redeemScripts[hash] = Script(bytes)
                    }
                    oldest = min(oldest, time)
                    continue
                }
                if fields[0].hasPrefix("watchscript="), let bytes = Hex.decode(String(fields[0].dropFirst(12))) {
                    let script = Script(bytes)
                    if watchScripts[bytes] == nil && !canSpend(script, depth: 0) {
                        var batch = ChainBatch()
                        batch.putPlugin(namespace: WalletRecord.namespace, key: WalletRecord.watch(script),
                                        value: Array(label.utf8))
                        do { try chain.store.commit(batch, sync: true) } catch { good = false; continue }
                        watchScripts[bytes] = label
                    }
                    oldest = min(oldest, time)
                    continue
                }
                guard let wif = WIF(fields[0], prefixes: prefixes), let secret = PrivateKey(bytes: wif.secret) else {
                    continue
                }
                let entry = WalletKey(key: secret, compressed: wif.compressed, sequence: nextKeySequence)
                if keys[entry.hash160] != nil { continue }
                do throws(WalletError) { try store(entry, change: change) } catch { good = false; continue }
                oldest = min(oldest, time)
            }
            rebuildPendingIndex()
            var start = chain.tip
            while let parent = start.parent, Int64(start.header.time) > oldest - 7_200 { start = parent }
            try rescanLocked(from: start.height)
            return good
        }
    }

    /// fluxd's `EncodeDumpTime`: `YYYY-MM-DDTHH:MM:SSZ` in UTC.
    static func dumpTime(_ seconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// fluxd's `DecodeDumpTime`: 0 for text that is not a dump time.
    static func decodeDumpTime(_ text: String) -> Int64 {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970) } ?? 0
    }

    /// fluxd's `EncodeDumpString`: bytes ≤ 32, ≥ 128 and `%` as `%xx`.
    static func encodeDumpString(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte <= 32 || byte >= 128 || byte == UInt8(ascii: "%") {
                out += "%" + Hex.encode([byte])
            } else {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }

    /// fluxd's `DecodeDumpString`: `%xx` escapes back to bytes.
    static func decodeDumpString(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let v = Hex.decode(String(decoding: bytes[i + 1...i + 2], as: UTF8.self)) {
                out += v
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
