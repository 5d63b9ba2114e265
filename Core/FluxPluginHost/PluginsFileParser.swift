import Foundation
import TOMLKit

/// Parses and validates the text of a `plugins.toml`, collecting every problem before it throws.
struct PluginsFileParser {
    private typealias Diagnostic = PluginConfigurationError.Diagnostic

    /// The file as given, for messages.
    private let file: String
    /// The directory relative plugin paths are resolved against.
    private let directory: URL
    /// Lines of keys, for messages.
    private let index: TOMLSourceIndex
    /// Problems found so far.
    private var diagnostics: [Diagnostic] = []

    private init(file: String, text: String) {
        self.file = file
        self.directory = URL(fileURLWithPath: file).absoluteURL.standardizedFileURL.deletingLastPathComponent()
        self.index = TOMLSourceIndex(text: text)
    }

    /// The plugins declared by `text`, sorted by name.
    /// - Parameters:
    ///   - text: The TOML text.
    ///   - path: The file it came from (messages; base of relative plugin paths).
    /// - Throws: `PluginConfigurationError` with every problem found.
    static func parse(text: String, path: String) throws(PluginConfigurationError) -> [PluginConfiguration] {
        // A NUL would silently end the document at the C boundary of the TOML parser.
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            throw PluginConfigurationError(file: path, line: line, message: "the file contains a NUL character")
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let begin = error.source.begin
            throw PluginConfigurationError([Diagnostic(
                file: path, line: begin.line, column: begin.column, key: nil,
                message: "syntax error (column \(begin.column)): \(error.description)")])
        } catch {
            throw PluginConfigurationError(file: path, message: "syntax error: \(error)")
        }
        var parser = PluginsFileParser(file: path, text: text)
        let plugins = parser.plugins(in: root)
        guard parser.diagnostics.isEmpty else { throw PluginConfigurationError(parser.diagnostics) }
        return plugins.sorted { $0.name < $1.name }
    }

    private mutating func plugins(in root: TOMLTable) -> [PluginConfiguration] {
        for key in root.keys.sorted() where key != "plugins" {
            report([key], Self.unknown(key, known: ["plugins"], label: "unknown top-level key",
                                       hint: "the file holds only [plugins.NAME] tables"))
        }
        guard let section = root["plugins"] else { return [] }
        guard let table = section.table else {
            report(["plugins"], "expected a table of plugins ([plugins.NAME]), found \(Self.kind(section))")
            return []
        }
        var plugins: [PluginConfiguration] = []
        for name in table.keys.sorted() {
            guard let value = table[name] else { continue }
            if let plugin = plugin(named: name, value) { plugins.append(plugin) }
        }
        return plugins
    }

    private mutating func plugin(named name: String, _ value: any TOMLValueConvertible) -> PluginConfiguration? {
        let base = ["plugins", name]
        let validName = PluginConfiguration.isValidName(name)
        if !validName {
            report(base, "invalid plugin name: a name is a lowercase letter followed by up to 31 lowercase letters, "
                + "digits or underscores")
        }
        guard let table = value.table else {
            report(base, "expected a table ([plugins.\(TOMLSourceIndex.display([name]))]), found \(Self.kind(value))")
            return nil
        }
        let before = diagnostics.count
        var declaredPath: String?
        var enabled = true
        var required = false
        var sha256: String?
        var budget = PluginConfiguration.defaultBudgetMilliseconds
        var queue = PluginConfiguration.defaultQueueLength
        var order = PluginConfiguration.defaultOrder
        var configJSON = "{}"
        for key in table.keys.sorted() {
            guard let value = table[key] else { continue }
            let path = base + [key]
            switch key {
            case "path":
                guard let text = expectString(value, at: path) else { continue }
                if text.isEmpty {
                    report(path, "must not be empty")
                } else if text.hasPrefix("~") {
                    report(path, "\"~\" is not expanded; write the path in full or relative to this file")
                } else {
                    declaredPath = text
                }
            case "enabled":
                enabled = expectBool(value, at: path) ?? enabled
            case "required":
                required = expectBool(value, at: path) ?? required
            case "sha256":
                guard let text = expectString(value, at: path) else { continue }
                if PluginConfiguration.isValidSHA256(text) {
                    sha256 = text.lowercased()
                } else {
                    report(path, "expected 64 hexadecimal digits (a SHA-256 digest), found \(Self.quoted(text))")
                }
            case "budget_ms":
                budget = expectInt(value, at: path, maximum: PluginConfiguration.maximumBudgetMilliseconds) ?? budget
            case "queue":
                queue = expectInt(value, at: path, maximum: PluginConfiguration.maximumQueueLength) ?? queue
            case "order":
                guard value.type == .int, let int = value.int else {
                    report(path, "expected an integer, found \(Self.kind(value))")
                    continue
                }
                order = int
            case "config":
                guard value.type == .table else {
                    report(path, "expected a table ([plugins.\(TOMLSourceIndex.display([name])).config]), found \(Self.kind(value))")
                    continue
                }
                var writer = TOMLJSONWriter()
                configJSON = writer.json(value, at: path)
                for problem in writer.problems { report(problem.path, problem.message) }
            default:
                report(path, Self.unknown(key, known: PluginConfiguration.knownKeys, label: "unknown key",
                                          hint: "a plugin's table holds "
                                            + PluginConfiguration.knownKeys.joined(separator: ", ")))
            }
        }
        if table["path"] == nil {
            report(base + ["path"], "missing: every plugin needs the path of its shared object")
        }
        if required, !enabled {
            report(base + ["required"], "a required plugin cannot be disabled (enabled = false)")
        }
        guard validName, diagnostics.count == before, let declaredPath else { return nil }
        let resolved = URL(fileURLWithPath: declaredPath, relativeTo: directory).absoluteURL.standardizedFileURL.path
        return PluginConfiguration(name: name, path: resolved, declaredPath: declaredPath, enabled: enabled,
                                   required: required, sha256: sha256, budgetMilliseconds: budget, queueLength: queue,
                                   order: order, configJSON: configJSON, sourceLine: index.line(of: base))
    }

    // MARK: - Typed values

    private mutating func expectString(_ value: any TOMLValueConvertible, at path: [String]) -> String? {
        guard value.type == .string, let string = value.string else {
            report(path, "expected a string, found \(Self.kind(value))")
            return nil
        }
        return string
    }

    private mutating func expectBool(_ value: any TOMLValueConvertible, at path: [String]) -> Bool? {
        guard value.type == .bool, let bool = value.bool else {
            report(path, "expected a boolean, found \(Self.kind(value))")
            return nil
        }
        return bool
    }

    private mutating func expectInt(_ value: any TOMLValueConvertible, at path: [String], maximum: Int) -> Int? {
        guard value.type == .int, let int = value.int else {
            report(path, "expected a positive integer, found \(Self.kind(value))")
            return nil
        }
        guard int >= 1 else {
            report(path, "expected a positive integer, found \(int)")
            return nil
        }
        guard int <= maximum else {
            report(path, "must be at most \(maximum), found \(int)")
            return nil
        }
        return int
    }

    // MARK: - Messages

    private mutating func report(_ path: [String], _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: index.line(of: path), key: TOMLSourceIndex.display(path),
                                      message: message))
    }

    /// "a string", "an integer", … for messages.
    static func kind(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .table: return "a table"
        case .array: return "an array"
        case .string: return "a string"
        case .int: return "an integer"
        case .double: return "a float"
        case .bool: return "a boolean"
        case .date: return "a date"
        case .time: return "a time"
        case .dateTime: return "a date-time"
        }
    }

    /// The message for an unknown key: `label`, then a suggestion when a known key is within two edits, else `hint`.
    static func unknown(_ key: String, known: [String], label: String, hint: String) -> String {
        let scored = known.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return "\(label); \(hint)" }
        return "\(label) (did you mean \"\(best.0)\"?)"
    }

    /// A string as a quoted JSON literal, shortened past 80 characters.
    static func quoted(_ text: String) -> String {
        var out = ""
        TOMLJSONWriter.writeString(text.count > 80 ? String(text.prefix(80)) + "…" : text, to: &out)
        return out
    }

    /// Levenshtein distance between two strings, by Unicode scalars.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
