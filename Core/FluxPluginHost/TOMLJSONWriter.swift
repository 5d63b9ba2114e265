import TOMLKit

/// Converts a TOML value to compact, deterministic JSON text: the form in which a plugin receives its
/// `[plugins.NAME.config]` table.
///
/// The rules, so that the same table always gives the same bytes:
/// - tables become objects whose keys are sorted by their UTF-8 bytes (TOML does not give tables an order that
///   survives parsing, so file order is not kept); arrays keep their order;
/// - no whitespace anywhere;
/// - strings are escaped as RFC 8259 requires: `"` and `\` with a backslash, `\b \f \n \r \t` by name, other
///   control characters (below U+0020) and U+007F as `\u00XX`; everything else, non-ASCII included, is written as
///   UTF-8;
/// - integers in decimal; floats in Swift's shortest round-trip form (`1.5`, `1e-05`, `-0.0`); NaN and infinities
///   have no JSON form and are errors;
/// - booleans as `true` / `false`;
/// - dates and times as JSON strings in RFC 3339 form: `1979-05-27`, `07:32:00`, `07:32:00.5`,
///   `1979-05-27T07:32:00` (local), `1979-05-27T07:32:00Z` (offset zero), `1979-05-27T00:32:00-07:00`;
///   fractional seconds are written without trailing zeros.
struct TOMLJSONWriter {
    /// A value with no JSON form, by key path.
    struct Problem: Equatable {
        /// Where the value is.
        var path: [String]
        /// What is wrong.
        var message: String
    }

    /// Values that could not be converted; their place in the output holds `null`.
    private(set) var problems: [Problem] = []

    /// The JSON text of `value`.
    /// - Parameters:
    ///   - value: A TOML value (a table for a plugin's configuration).
    ///   - path: Its key path, for problems.
    mutating func json(_ value: any TOMLValueConvertible, at path: [String]) -> String {
        var out = ""
        write(value, at: path, to: &out)
        return out
    }

    private mutating func write(_ value: any TOMLValueConvertible, at path: [String], to out: inout String) {
        switch value.type {
        case .table:
            guard let table = value.table else { return fail("unreadable table", at: path, &out) }
            out += "{"
            var first = true
            for key in table.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                guard let element = table[key] else { continue }
                if !first { out += "," }
                first = false
                Self.writeString(key, to: &out)
                out += ":"
                write(element, at: path + [key], to: &out)
            }
            out += "}"
        case .array:
            guard let array = value.array else { return fail("unreadable array", at: path, &out) }
            out += "["
            for (index, element) in array.enumerated() {
                if index > 0 { out += "," }
                write(element, at: path + ["\(index)"], to: &out)
            }
            out += "]"
        case .string:
            guard let string = value.string else { return fail("unreadable string", at: path, &out) }
            Self.writeString(string, to: &out)
        case .int:
            guard let int = value.int else { return fail("unreadable integer", at: path, &out) }
            out += String(int)
        case .double:
            guard let double = value.double else { return fail("unreadable float", at: path, &out) }
            guard double.isFinite else {
                return fail("\(double) has no JSON form (use a string or a finite number)", at: path, &out)
            }
            out += "\(double)"
        case .bool:
            guard let bool = value.bool else { return fail("unreadable boolean", at: path, &out) }
            out += bool ? "true" : "false"
        case .date:
            guard let date = value.date else { return fail("unreadable date", at: path, &out) }
            Self.writeString(Self.format(date), to: &out)
        case .time:
            guard let time = value.time else { return fail("unreadable time", at: path, &out) }
            Self.writeString(Self.format(time), to: &out)
        case .dateTime:
            guard let dateTime = value.dateTime else { return fail("unreadable date-time", at: path, &out) }
            Self.writeString(Self.format(dateTime), to: &out)
        }
    }

    private mutating func fail(_ message: String, at path: [String], _ out: inout String) {
        problems.append(Problem(path: path, message: message))
        out += "null"
    }

    /// Appends `string` as a JSON string literal.
    static func writeString(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func format(_ date: TOMLDate) -> String {
        "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))"
    }

    static func format(_ time: TOMLTime) -> String {
        var text = "\(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))"
        if time.nanoSecond > 0 {
            var fraction = pad(time.nanoSecond, 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text
    }

    static func format(_ dateTime: TOMLDateTime) -> String {
        var text = format(dateTime.date) + "T" + format(dateTime.time)
        if let offset = dateTime.offset?.offset {
            if offset == 0 {
                text += "Z"
            } else {
                let magnitude = abs(offset)
                text += (offset < 0 ? "-" : "+") + "\(pad(magnitude / 60, 2)):\(pad(magnitude % 60, 2))"
            }
        }
        return text
    }
}
