import Foundation

/// Access to the JSON test vectors in `Tests/Fixtures/`, located relative to this source file so that tests run
/// from any working directory of a fresh clone.
public enum Fixtures {
    /// The folder holding the fixture files.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The raw bytes of fixture `name` (for example `"flux_genesis.json"`).
    public static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// Fixture `name` parsed as JSON (dictionaries, arrays, strings, numbers).
    public static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(name))
    }
}

/// Decodes a hex string into bytes; traps on malformed input (fixtures are trusted test data).
public func hexBytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(hex.utf8.count / 2)
    var high: UInt8? = nil
    for c in hex.utf8 {
        let v: UInt8
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
        default: preconditionFailure("bad hex digit in fixture")
        }
        if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
    }
    precondition(high == nil, "odd-length hex in fixture")
    return out
}

/// Lower-case hex of bytes.
public func hexString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}
