import FluxPrimitives
import Foundation
import Logging

/// Locking FluxNode collateral in the wallet at start, so that no wallet payment spends it (a spent collateral
/// ends the FluxNode). fluxd locks every collateral named in `zelnode.conf` / `fluxnode.conf` unless
/// `-znconflock=0` (`init.cpp`); this node also locks the one flux.conf names for the FluxNode it runs
/// (`zelnodeoutpoint` + `zelnodeindex`). Locks are outpoints, so a collateral that arrives later is locked too.
extension Node {
    /// The collateral outpoints to lock: flux.conf's `zelnodeoutpoint`:`zelnodeindex` and every entry of the
    /// data folder's `zelnode.conf` (preferred when present, as fluxd) or `fluxnode.conf` (`alias host:port
    /// privkey txid index` lines, `#` comments). Malformed entries are logged and skipped.
    func collateralOutpoints() -> [OutPoint] {
        var outpoints: [OutPoint] = []
        let options = configuration.options
        if let text = options.string("zelnodeoutpoint"), !text.isEmpty {
            if let hash = Hash256(displayHex: text) {
                outpoints.append(OutPoint(hash: hash, index: UInt32(clamping: options.int("zelnodeindex") ?? 0)))
            } else {
                logger.warning("zelnodeoutpoint=\(text) is not a 64-character hex txid; no collateral locked for it")
            }
        }
        guard options.string("znconflock").map({ $0 == "1" }) ?? true else { return outpoints }
        let folder = configuration.dataDirectory
        let zel = folder.appendingPathComponent("zelnode.conf"), flux = folder.appendingPathComponent("fluxnode.conf")
        let file = FileManager.default.fileExists(atPath: zel.path) ? zel : flux
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return outpoints }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            guard fields.count >= 5, let hash = Hash256(displayHex: String(fields[3])), let index = UInt32(fields[4]) else {
                logger.warning("\(file.lastPathComponent):\(number + 1): expected alias host:port privkey txid index; not locked")
                continue
            }
            outpoints.append(OutPoint(hash: hash, index: index))
        }
        return outpoints
    }

    /// Locks the collateral outpoints in the wallet (logged).
    func lockCollateral() {
        let outpoints = collateralOutpoints()
        guard !outpoints.isEmpty else { return }
        wallet.lockCoins(outpoints)
        logger.info("Locking FluxNode collateral: \(outpoints.map(\.description).joined(separator: ", "))")
    }
}
