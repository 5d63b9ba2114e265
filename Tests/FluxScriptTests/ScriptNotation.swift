import FluxPrimitives
@testable import FluxScript

/// Parses Bitcoin Core's test notation for scripts (`ParseScript` in `core_read.cpp`), as used by
/// `script_valid.json`, `script_invalid.json` and the prevout scripts of `tx_valid.json`/`tx_invalid.json`:
/// decimal numbers are pushed as script numbers, `0x…` is raw bytes inserted as-is, `'text'` pushes the bytes,
/// and opcode names are accepted with or without `OP_`.
enum ScriptNotation {
    struct ParseError: Error, CustomStringConvertible {
        var word: String
        var description: String { "cannot parse script word '\(word)'" }
    }

    static let opcodes: [String: UInt8] = {
        var map: [String: UInt8] = [:]
        for op in [UInt8(0x50)] + Array(UInt8(0x61)...UInt8(0xb9)) {
            let name = Opcode.name(op)
            guard name != "OP_UNKNOWN" else { continue }
            map[name] = op
            if name.hasPrefix("OP_") { map[String(name.dropFirst(3))] = op }
        }
        map["NOP2"] = 0xb1
        map["OP_NOP2"] = 0xb1
        return map
    }()

    static func parse(_ text: String) throws -> Script {
        var script = Script([])
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init) {
            let digits = word.hasPrefix("-") ? String(word.dropFirst()) : word
            if !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let n = Int64(word) {
                script.appendNumber(n)
            } else if word.hasPrefix("0x"), word.count > 2, word.count % 2 == 0,
                      let raw = Hex.decode(word.dropFirst(2)) {
                script.bytes += raw
            } else if word.count >= 2, word.hasPrefix("'"), word.hasSuffix("'") {
                script.appendPush(Array(word.dropFirst().dropLast().utf8))
            } else if let op = opcodes[word] {
                script.bytes.append(op)
            } else {
                throw ParseError(word: word)
            }
        }
        return script
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
