import Foundation
import FluxTestSupport

/// Minimal typed access to `JSONSerialization` output for the fixture comparisons.
struct JSONValue {
    let raw: Any?

    init(_ raw: Any?) { self.raw = raw }

    static func fixture(_ name: String) throws -> JSONValue { JSONValue(try Fixtures.json(name)) }

    subscript(_ key: String) -> JSONValue { JSONValue((raw as? [String: Any])?[key]) }
    subscript(_ index: Int) -> JSONValue {
        guard let a = raw as? [Any], index < a.count else { return JSONValue(nil) }
        return JSONValue(a[index])
    }

    var isNull: Bool { raw == nil || raw is NSNull }
    var keys: Set<String> { Set((raw as? [String: Any])?.keys ?? [:].keys) }
    var array: [JSONValue] { (raw as? [Any])?.map(JSONValue.init) ?? [] }
    var string: String? { raw as? String }
    var bool: Bool? { (raw as? NSNumber)?.boolValue ?? (raw as? Bool) }
    var int: Int? {
        if let n = raw as? NSNumber { return n.intValue }
        return raw as? Int
    }
    var int64: Int64? {
        if let n = raw as? NSNumber { return n.int64Value }
        return raw as? Int64
    }
    /// A `"0x…"` hex string as an unsigned 32-bit number.
    var hexUInt32: UInt32? {
        guard let s = string, s.hasPrefix("0x") else { return nil }
        return UInt32(s.dropFirst(2), radix: 16)
    }
    var strings: [String] { array.compactMap(\.string) }
}
