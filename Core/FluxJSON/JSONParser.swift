/// Why JSON text was refused, and the byte offset (from 0, into the UTF-8 text) where the parser stopped.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Hashable, Sendable {
        /// The text ended inside a value (or was empty).
        case unexpectedEnd
        /// A byte that cannot start or continue a value here.
        case unexpectedByte(UInt8)
        /// A number that does not follow RFC 8259's grammar (leading zero, lone `-`, `1.`, `1e`).
        case invalidNumber
        /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
        case invalidEscape
        /// A `\u` escape naming a lone or mismatched UTF-16 surrogate.
        case invalidSurrogate
        /// A raw control character (U+0000 to U+001F) inside a string.
        case controlCharacterInString
        /// Bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// Arrays and objects nested deeper than the limit.
        case tooDeep(limit: Int)
        /// Something other than whitespace after the top-level value.
        case trailingData
    }

    /// What was wrong.
    public let reason: Reason
    /// Byte offset into the UTF-8 text.
    public let offset: Int

    /// Creates an error.
    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch reason {
        case .unexpectedEnd: what = "unexpected end of text"
        case let .unexpectedByte(b):
            if b >= 0x21 && b < 0x7F {
                what = "unexpected character '\(Character(Unicode.Scalar(b)))'"
            } else {
                let hex = String(b, radix: 16, uppercase: true)
                what = "unexpected byte 0x\(hex.count < 2 ? "0" + hex : hex)"
            }
        case .invalidNumber: what = "malformed number"
        case .invalidEscape: what = "invalid escape sequence"
        case .invalidSurrogate: what = "unpaired UTF-16 surrogate in \\u escape"
        case .controlCharacterInString: what = "unescaped control character in string"
        case .invalidUTF8: what = "invalid UTF-8"
        case let .tooDeep(limit): what = "nesting deeper than \(limit) levels"
        case .trailingData: what = "unexpected data after the JSON value"
        }
        return "JSON parse error at byte \(offset): \(what)"
    }
}

extension JSONValue {
    /// How deeply arrays and objects may nest before parsing is refused (bitcoind's UniValue allows 512).
    public static let defaultMaximumParsingDepth = 512

    /// Parses JSON text strictly by RFC 8259: one value with optional surrounding whitespace (space, tab, line feed,
    /// carriage return), no comments, no trailing commas, no byte-order mark, no lone surrogates.
    ///
    /// Numbers keep their literal text (`.number("1.50")`); object keys keep their order, and duplicate keys are
    /// kept as given (the subscript returns the first).
    public init(parsing text: String, maximumDepth: Int = JSONValue.defaultMaximumParsingDepth) throws(JSONParseError) {
        var text = text
        let value = text.withUTF8 { buffer -> Result<JSONValue, JSONParseError> in
            var parser = JSONTextParser(buffer, maximumDepth: maximumDepth)
            do throws(JSONParseError) { return .success(try parser.parseDocument()) } catch { return .failure(error) }
        }
        self = try value.get()
    }

    /// Parses UTF-8 JSON bytes; with the same rules as parsing a `String`.
    public init(parsing bytes: [UInt8], maximumDepth: Int = JSONValue.defaultMaximumParsingDepth) throws(JSONParseError) {
        let value = bytes.withUnsafeBufferPointer { buffer -> Result<JSONValue, JSONParseError> in
            var parser = JSONTextParser(buffer, maximumDepth: maximumDepth)
            do throws(JSONParseError) { return .success(try parser.parseDocument()) } catch { return .failure(error) }
        }
        self = try value.get()
    }
}

/// A recursive-descent parser over a borrowed UTF-8 buffer. Recursion depth is bounded by `maximumDepth`.
private struct JSONTextParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var position = 0
    var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw JSONParseError(.trailingData, at: position) }
        return value
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func unexpected() -> JSONParseError {
        position < bytes.count ? JSONParseError(.unexpectedByte(bytes[position]), at: position)
            : JSONParseError(.unexpectedEnd, at: position)
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        for i in 0..<word.utf8CodeUnitCount {
            guard position < bytes.count else { throw JSONParseError(.unexpectedEnd, at: position) }
            guard bytes[position] == word.utf8Start[i] else {
                throw JSONParseError(.unexpectedByte(bytes[position]), at: position)
            }
            position += 1
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw JSONParseError(.unexpectedEnd, at: position) }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw unexpected()
        }
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        guard depth <= maximumDepth else { throw JSONParseError(.tooDeep(limit: maximumDepth), at: position) }
        position += 1
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        var items: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw JSONParseError(.unexpectedEnd, at: position) }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(items)
            default: throw unexpected()
            }
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        var pairs: [(String, JSONValue)] = []
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(pairs)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw unexpected() }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw unexpected() }
            position += 1
            skipWhitespace()
            pairs.append((key, try parseValue()))
            skipWhitespace()
            guard position < bytes.count else { throw JSONParseError(.unexpectedEnd, at: position) }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return .object(pairs)
            default: throw unexpected()
            }
        }
    }

    private mutating func digits() -> Int {
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            position += 1
        }
        return position - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as its literal text.
    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw JSONParseError(.invalidNumber, at: start) }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                throw JSONParseError(.invalidNumber, at: start)
            }
        } else if digits() == 0 {
            throw JSONParseError(.invalidNumber, at: start)
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw JSONParseError(.invalidNumber, at: start) }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits() > 0 else { throw JSONParseError(.invalidNumber, at: start) }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private mutating func hexQuad() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count else { throw JSONParseError(.unexpectedEnd, at: position) }
            let c = bytes[position]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw JSONParseError(.invalidEscape, at: position)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Parses a string starting at its opening quote. Raw bytes are checked to be well-formed UTF-8 (no overlong
    /// forms, no encoded surrogates, nothing above U+10FFFF).
    private mutating func parseString() throws(JSONParseError) -> String {
        position += 1
        var out: [UInt8] = []
        var runStart = position
        while true {
            guard position < bytes.count else { throw JSONParseError(.unexpectedEnd, at: position) }
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                if out.isEmpty {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<position]), as: UTF8.self)
                    position += 1
                    return s
                }
                out.append(contentsOf: bytes[runStart..<position])
                position += 1
                return String(decoding: out, as: UTF8.self)
            } else if c == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[runStart..<position])
                try parseEscape(into: &out)
                runStart = position
            } else if c < 0x20 {
                throw JSONParseError(.controlCharacterInString, at: position)
            } else if c < 0x80 {
                position += 1
            } else {
                try skipUTF8Sequence()
            }
        }
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(JSONParseError) {
        let start = position
        position += 1
        guard position < bytes.count else { throw JSONParseError(.unexpectedEnd, at: position) }
        let c = bytes[position]
        position += 1
        switch c {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            if (0xDC00...0xDFFF).contains(scalar) { throw JSONParseError(.invalidSurrogate, at: start) }
            if (0xD800...0xDBFF).contains(scalar) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                      bytes[position + 1] == UInt8(ascii: "u") else {
                    throw JSONParseError(.invalidSurrogate, at: start)
                }
                position += 2
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONParseError(.invalidSurrogate, at: start) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            // Non-surrogate values below 0x110000 are always valid scalars.
            if let unicodeScalar = Unicode.Scalar(scalar) {
                UTF8.encode(unicodeScalar) { out.append($0) }
            }
        default:
            throw JSONParseError(.invalidEscape, at: start)
        }
    }

    /// Advances over one well-formed multi-byte UTF-8 sequence (Unicode table 3-7) or throws at its first byte.
    private mutating func skipUTF8Sequence() throws(JSONParseError) {
        let start = position
        let lead = bytes[position]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw JSONParseError(.invalidUTF8, at: start)
        }
        guard start + length <= bytes.count else { throw JSONParseError(.invalidUTF8, at: start) }
        let second = bytes[start + 1]
        guard second >= low && second <= high else { throw JSONParseError(.invalidUTF8, at: start) }
        for i in 2..<length where bytes[start + i] & 0xC0 != 0x80 {
            throw JSONParseError(.invalidUTF8, at: start)
        }
        position += length
    }
}

extension JSONValue {
    /// The string, if this is a string.
    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// The number as a 64-bit integer, if this is a number written as an integer (no fraction, no exponent) that
    /// fits; `1.0` and `1e3` give nil.
    public var intValue: Int64? {
        if case let .number(n) = self { return Int64(n) }
        return nil
    }

    /// The number as a `Double` (rounded to the nearest representable value), if this is a number.
    public var doubleValue: Double? {
        if case let .number(n) = self { return Double(n) }
        return nil
    }

    /// The Boolean, if this is `true` or `false`.
    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }

    /// The key–value pairs in order, if this is an object.
    public var objectValue: [(String, JSONValue)]? {
        if case let .object(o) = self { return o }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
