import FluxEquihash
import FluxTestSupport

/// A fixture dictionary.
typealias JSONObject = [String: Any]

/// Loads a fixture file as a dictionary (traps on malformed fixtures: they are trusted test data).
func fixture(_ name: String) -> JSONObject {
    // swiftlint:disable:next force_try force_cast
    try! Fixtures.json(name) as! JSONObject
}

/// The parameters a fixture entry names: "n", "k", "personalization" (default ZcashPoW), "twist" (default false).
func params(of entry: JSONObject, twistKey: String = "twist") throws -> EquihashParameters {
    try EquihashParameters(
        n: entry["n"] as! Int, k: entry["k"] as! Int,
        personalization: entry["personalization"] as? String ?? "ZcashPoW",
        twist: entry[twistKey] as? Bool ?? false)
}

/// Little-endian 32-byte nonce of a small integer (zcash's ArithToUint256(nonce)).
func nonce32(_ value: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    for i in 0..<8 { out[i] = UInt8(truncatingIfNeeded: UInt64(value) >> (8 * UInt64(i))) }
    return out
}

/// The 12-byte input of zcash's solver vectors.
let blockHeaderInput = Array("block header".utf8)

/// Test inputs of a given length: byte i = (7i + 3) mod 256 (the same formula the Python cross-checks used).
func patternBytes(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
}
