/// The line on which each key path of a TOML document is first written, found by scanning the text.
///
/// TOMLKit gives positions only for syntax errors, so semantic errors find their line here. The scanner knows
/// enough TOML for a document that has already parsed: table headers (`[a.b]`, `[[a.b]]`), dotted keys (bare,
/// `"basic"` with escapes, `'literal'`), comments, and multi-line strings (whose lines are never mistaken for
/// keys). A header or a dotted key also records the tables it implies (`[plugins.index]` records `plugins`).
/// Keys inside inline tables are not recorded; `line(of:)` then answers with the line of the enclosing key.
struct TOMLSourceIndex {
    /// First line (1-based) of each key path.
    private var lines: [[String]: Int] = [:]

    /// Scans a document.
    /// - Parameter text: The TOML text.
    init(text: String) {
        var table: [String] = []
        var openString: [UInt8]? = nil  // the closing delimiter of a multi-line string that spans lines
        var lineNumber = 0
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let bytes = Array(rawLine)
            if let delimiter = openString {
                guard let end = Self.findClosing(delimiter, in: bytes, from: 0) else { continue }
                openString = Self.scanValue(bytes, from: end)
                continue
            }
            let i = Self.skipSpaces(bytes, 0)
            guard i < bytes.count else { continue }
            switch bytes[i] {
            case UInt8(ascii: "#"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "["):
                let arrayOfTables = i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "[")
                if let (path, _) = Self.parseKey(bytes, from: i + (arrayOfTables ? 2 : 1)) {
                    table = path
                    record(path, line: lineNumber)
                }
            default:
                if let (key, end) = Self.parseKey(bytes, from: i), end < bytes.count, bytes[end] == UInt8(ascii: "=") {
                    record(table + key, line: lineNumber)
                    openString = Self.scanValue(bytes, from: end + 1)
                } else {
                    openString = Self.scanValue(bytes, from: i)  // a line of a multi-line array
                }
            }
        }
    }

    /// The line of `path`, else of its longest recorded prefix (the enclosing table), else `nil`.
    /// - Parameter path: The key path, one element per key part.
    func line(of path: [String]) -> Int? {
        var path = path
        while !path.isEmpty {
            if let line = lines[path] { return line }
            path.removeLast()
        }
        return nil
    }

    /// Writes a key path as TOML would: bare parts as they are, other parts as basic strings, joined by dots.
    /// - Parameter path: The key path.
    static func display(_ path: [String]) -> String {
        path.map { part in
            if !part.isEmpty, part.utf8.allSatisfy(isBareKeyByte) { return part }
            var quoted = "\""
            for scalar in part.unicodeScalars {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                case "\n": quoted += "\\n"
                case "\t": quoted += "\\t"
                case "\r": quoted += "\\r"
                default:
                    if scalar.value < 0x20 || scalar.value == 0x7F {
                        let hex = String(scalar.value, radix: 16, uppercase: true)
                        quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        quoted.unicodeScalars.append(scalar)
                    }
                }
            }
            return quoted + "\""
        }.joined(separator: ".")
    }

    private mutating func record(_ path: [String], line: Int) {
        guard !path.isEmpty else { return }
        for length in 1...path.count {
            let prefix = Array(path.prefix(length))
            if lines[prefix] == nil { lines[prefix] = line }
        }
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func skipSpaces(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
        return i
    }

    /// Parses a dotted key starting at `start` (after leading spaces); returns its parts and the index of the first
    /// byte after it and its trailing spaces, or `nil` if no key starts there.
    private static func parseKey(_ bytes: [UInt8], from start: Int) -> ([String], Int)? {
        var parts: [String] = []
        var i = skipSpaces(bytes, start)
        while true {
            guard i < bytes.count else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "\""):
                guard let (part, end) = parseBasicString(bytes, from: i + 1) else { return nil }
                parts.append(part)
                i = end
            case UInt8(ascii: "'"):
                guard let close = bytes[(i + 1)...].firstIndex(of: UInt8(ascii: "'")) else { return nil }
                parts.append(String(decoding: bytes[(i + 1)..<close], as: UTF8.self))
                i = close + 1
            default:
                let begin = i
                while i < bytes.count, isBareKeyByte(bytes[i]) { i += 1 }
                guard i > begin else { return nil }
                parts.append(String(decoding: bytes[begin..<i], as: UTF8.self))
            }
            i = skipSpaces(bytes, i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ".") else { return (parts, i) }
            i = skipSpaces(bytes, i + 1)
        }
    }

    /// Parses the body of a one-line basic string (after its opening quote), undoing escapes; returns the string
    /// and the index after the closing quote.
    private static func parseBasicString(_ bytes: [UInt8], from start: Int) -> (String, Int)? {
        var out: [UInt8] = []
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") { return (String(decoding: out, as: UTF8.self), i + 1) }
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
                continue
            }
            guard i + 1 < bytes.count else { return nil }
            let escaped = bytes[i + 1]
            i += 2
            switch escaped {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let count = escaped == UInt8(ascii: "u") ? 4 : 8
                guard i + count <= bytes.count,
                      let value = UInt32(String(decoding: bytes[i..<(i + count)], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(value) else { return nil }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                i += count
            default: out.append(escaped)  // \" and \\ (the document parsed, so no other escape occurs)
            }
        }
        return nil
    }

    /// Index after the closing `delimiter` (`"""` or `'''`) of a multi-line string, searching from `start`; a
    /// delimiter may be followed by up to two more quotes that belong to the string.
    private static func findClosing(_ delimiter: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        let quote = delimiter[0]
        let basic = quote == UInt8(ascii: "\"")
        var i = start
        while i < bytes.count {
            if basic, bytes[i] == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if i + 3 <= bytes.count, bytes[i..<(i + 3)].elementsEqual(delimiter) {
                var end = i + 3
                var extra = 0
                while end < bytes.count, bytes[end] == quote, extra < 2 {
                    end += 1
                    extra += 1
                }
                return end
            }
            i += 1
        }
        return nil
    }

    /// Skips over a value (or the rest of a line in a multi-line array) and returns the delimiter of a multi-line
    /// string left open at the end of the line, if any.
    private static func scanValue(_ bytes: [UInt8], from start: Int) -> [UInt8]? {
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "#"):
                return nil
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let triple = [byte, byte, byte]
                if i + 3 <= bytes.count, bytes[i..<(i + 3)].elementsEqual(triple) {
                    guard let end = findClosing(triple, in: bytes, from: i + 3) else { return triple }
                    i = end
                } else if byte == UInt8(ascii: "\"") {
                    i += 1
                    while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                        i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    i += 1
                } else {
                    i += 1
                    while i < bytes.count, bytes[i] != UInt8(ascii: "'") { i += 1 }
                    i += 1
                }
            default:
                i += 1
            }
        }
        return nil
    }
}
