import Foundation
import Testing
@testable import FluxPluginHost

/// Every kind of problem, with its exact `file:line: key: message`.
@Suite struct PluginConfigurationErrorTests {
    /// A file's text and the problems it must report (descriptions, in order).
    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let text: String
        let expected: [String]
        var testDescription: String { label }
    }

    /// The diagnostics of `text` read as the file `plugins.toml`; empty if it parses.
    static func problems(_ text: String, path: String = "plugins.toml") -> [String] {
        do {
            _ = try PluginsFile(text: text, path: path)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    static let header = "[plugins.index]\npath = \"x.so\"\n"
    static let nameRule = "invalid plugin name: a name is a lowercase letter followed by up to 31 lowercase letters, "
        + "digits or underscores"

    static let cases: [Case] = [
        Case(label: "boolean expected", text: header + "enabled = \"yes\"\n",
             expected: ["plugins.toml:3: plugins.index.enabled: expected a boolean, found a string"]),
        Case(label: "required not a boolean", text: header + "\n\nrequired = 1\n",
             expected: ["plugins.toml:5: plugins.index.required: expected a boolean, found an integer"]),
        Case(label: "path not a string", text: "[plugins.index]\n\npath = 5\n",
             expected: ["plugins.toml:3: plugins.index.path: expected a string, found an integer"]),
        Case(label: "empty path", text: "[plugins.index]\npath = \"\"\n",
             expected: ["plugins.toml:2: plugins.index.path: must not be empty"]),
        Case(label: "tilde path", text: "[plugins.index]\npath = \"~/lib.so\"\n",
             expected: ["plugins.toml:2: plugins.index.path: \"~\" is not expanded; write the path in full or relative to this file"]),
        Case(label: "missing path", text: "# comment\n[plugins.index]\nenabled = true\n",
             expected: ["plugins.toml:2: plugins.index.path: missing: every plugin needs the path of its shared object"]),
        Case(label: "short sha256", text: header + "sha256 = \"abc\"\n",
             expected: ["plugins.toml:3: plugins.index.sha256: expected 64 hexadecimal digits (a SHA-256 digest), found \"abc\""]),
        Case(label: "non-hex sha256", text: header + "sha256 = \"\(String(repeating: "z", count: 64))\"\n",
             expected: ["plugins.toml:3: plugins.index.sha256: expected 64 hexadecimal digits (a SHA-256 digest), found \"\(String(repeating: "z", count: 64))\""]),
        Case(label: "sha256 not a string", text: header + "sha256 = 12\n",
             expected: ["plugins.toml:3: plugins.index.sha256: expected a string, found an integer"]),
        Case(label: "zero budget", text: header + "budget_ms = 0\n",
             expected: ["plugins.toml:3: plugins.index.budget_ms: expected a positive integer, found 0"]),
        Case(label: "negative budget", text: header + "budget_ms = -3\n",
             expected: ["plugins.toml:3: plugins.index.budget_ms: expected a positive integer, found -3"]),
        Case(label: "float budget", text: header + "budget_ms = 2.5\n",
             expected: ["plugins.toml:3: plugins.index.budget_ms: expected a positive integer, found a float"]),
        Case(label: "budget too large", text: header + "budget_ms = 600001\n",
             expected: ["plugins.toml:3: plugins.index.budget_ms: must be at most 600000, found 600001"]),
        Case(label: "queue too large", text: header + "queue = 1048577\n",
             expected: ["plugins.toml:3: plugins.index.queue: must be at most 1048576, found 1048577"]),
        Case(label: "queue not an integer", text: header + "queue = \"big\"\n",
             expected: ["plugins.toml:3: plugins.index.queue: expected a positive integer, found a string"]),
        Case(label: "order not an integer", text: header + "order = \"first\"\n",
             expected: ["plugins.toml:3: plugins.index.order: expected an integer, found a string"]),
        Case(label: "config not a table", text: header + "config = [1]\n",
             expected: ["plugins.toml:3: plugins.index.config: expected a table ([plugins.index.config]), found an array"]),
        Case(label: "nan in config", text: header + "[plugins.index.config]\nok = 1\n[plugins.index.config.limits]\nx = nan\n",
             expected: ["plugins.toml:6: plugins.index.config.limits.x: nan has no JSON form (use a string or a finite number)"]),
        Case(label: "infinity in a config array", text: header + "[plugins.index.config]\nv = [1.0,\n  -inf]\n",
             expected: ["plugins.toml:4: plugins.index.config.v.1: -inf has no JSON form (use a string or a finite number)"]),
        Case(label: "misspelt key", text: header + "enabeld = true\n",
             expected: ["plugins.toml:3: plugins.index.enabeld: unknown key (did you mean \"enabled\"?)"]),
        Case(label: "unknown key", text: header + "colour = \"red\"\n",
             expected: ["plugins.toml:3: plugins.index.colour: unknown key; a plugin's table holds budget_ms, config, "
                + "enabled, order, path, queue, required, sha256"]),
        Case(label: "upper-case name", text: "[plugins.Index]\npath = \"x.so\"\n",
             expected: ["plugins.toml:1: plugins.Index: " + nameRule]),
        Case(label: "name starting with a digit", text: "\n[plugins.1index]\npath = \"x.so\"\n",
             expected: ["plugins.toml:2: plugins.1index: " + nameRule]),
        Case(label: "name with a hyphen", text: "[plugins.my-index]\npath = \"x.so\"\n",
             expected: ["plugins.toml:1: plugins.my-index: " + nameRule]),
        Case(label: "quoted name with a space", text: "[plugins.\"my index\"]\npath = \"x.so\"\n",
             expected: ["plugins.toml:1: plugins.\"my index\": " + nameRule]),
        Case(label: "name of 33 characters", text: "[plugins.\(String(repeating: "a", count: 33))]\npath = \"x.so\"\n",
             expected: ["plugins.toml:1: plugins.\(String(repeating: "a", count: 33)): " + nameRule]),
        Case(label: "unknown top-level key", text: "title = \"mine\"\n",
             expected: ["plugins.toml:1: title: unknown top-level key; the file holds only [plugins.NAME] tables"]),
        Case(label: "misspelt plugins table", text: "\n[plugin.index]\npath = \"x.so\"\n",
             expected: ["plugins.toml:2: plugin: unknown top-level key (did you mean \"plugins\"?)"]),
        Case(label: "plugins not a table", text: "plugins = 3\n",
             expected: ["plugins.toml:1: plugins: expected a table of plugins ([plugins.NAME]), found an integer"]),
        Case(label: "plugin not a table", text: "[plugins]\nindex = \"x.so\"\n",
             expected: ["plugins.toml:2: plugins.index: expected a table ([plugins.index]), found a string"]),
        Case(label: "array of tables", text: "[[plugins.index]]\npath = \"x.so\"\n",
             expected: ["plugins.toml:1: plugins.index: expected a table ([plugins.index]), found an array"]),
        Case(label: "required but disabled", text: header + "enabled = false\nrequired = true\n",
             expected: ["plugins.toml:4: plugins.index.required: a required plugin cannot be disabled (enabled = false)"]),
        Case(label: "inline table falls back to its key's line", text: "[plugins]\n\nindex = { path = 1 }\n",
             expected: ["plugins.toml:3: plugins.index.path: expected a string, found an integer"]),
        Case(label: "multi-line strings are not keys",
             text: header + "[plugins.index.config]\ntext = \"\"\"\n[plugins.bad]\nenabled = 1\n\"\"\"\n"
                + "lit = '''\nenabled = 2'''\n[plugins.bad]\nenabled = 1\n",
             expected: ["plugins.toml:10: plugins.bad.path: missing: every plugin needs the path of its shared object",
                        "plugins.toml:11: plugins.bad.enabled: expected a boolean, found an integer"]),
    ]

    @Test(arguments: cases) func reportsFileLineAndKey(_ testCase: Case) {
        #expect(Self.problems(testCase.text) == testCase.expected)
    }

    @Test func reportsEveryProblemOfTheFileTogether() throws {
        let text = """
            owner = "me"
            [plugins.index]
            path = 7
            enabled = "yes"
            sha256 = "00"

            [plugins.Bad]
            enabeld = true

            [plugins.ok]
            path = "ok.so"
            [plugins.ok.config]
            x = inf
            """
        do {
            _ = try PluginsFile(text: text, path: "/etc/flux/plugins.toml")
            Issue.record("a broken file parsed")
        } catch {
            #expect(error.description == """
                /etc/flux/plugins.toml:1: owner: unknown top-level key; the file holds only [plugins.NAME] tables
                /etc/flux/plugins.toml:3: plugins.index.path: expected a string, found an integer
                /etc/flux/plugins.toml:4: plugins.index.enabled: expected a boolean, found a string
                /etc/flux/plugins.toml:5: plugins.index.sha256: expected 64 hexadecimal digits (a SHA-256 digest), found "00"
                /etc/flux/plugins.toml:7: plugins.Bad: \(Self.nameRule)
                /etc/flux/plugins.toml:7: plugins.Bad.path: missing: every plugin needs the path of its shared object
                /etc/flux/plugins.toml:8: plugins.Bad.enabeld: unknown key (did you mean "enabled"?)
                /etc/flux/plugins.toml:13: plugins.ok.config.x: inf has no JSON form (use a string or a finite number)
                """)
            #expect(error.diagnostics.count == 8)
            #expect(error.diagnostics.allSatisfy { $0.file == "/etc/flux/plugins.toml" && $0.column == nil })
            #expect(error.diagnostics[1].line == 3)
            #expect(error.diagnostics[1].key == "plugins.index.path")
            #expect(error.diagnostics[1].message == "expected a string, found an integer")
        }
    }

    @Test func syntaxErrorNamesTheLine() throws {
        do {
            _ = try PluginsFile(text: "[plugins.index]\npath = \"x.so\"\nenabled = = true\n", path: "plugins.toml")
            Issue.record("a broken file parsed")
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(error.diagnostics.count == 1)
            #expect(diagnostic.line == 3)
            #expect(diagnostic.column == 11)
            #expect(diagnostic.key == nil)
            #expect(error.description.hasPrefix("plugins.toml:3: syntax error (column 11): "))
        }
    }

    @Test func syntaxErrorsOfOtherKinds() {
        let cases: [(String, Int)] = [
            ("[plugins.index]\npath = \"x.so\"\npath = \"y.so\"\n", 3),          // duplicate key
            ("[plugins.index]\npath = \"x.so\"\n\n[plugins.index]\n", 4),         // table defined twice
            ("[plugins.index]\npath = \"x.so\n", 2),                              // unterminated string
            ("[plugins.index\npath = \"x.so\"\n", 1),                             // unterminated header
        ]
        for (text, line) in cases {
            let problems = Self.problems(text)
            #expect(problems.count == 1, "\(text)")
            #expect(problems.first?.hasPrefix("plugins.toml:\(line): syntax error (column ") == true, "\(problems)")
        }
    }

    @Test func nulCharacterIsRefused() {
        #expect(Self.problems("[plugins.index]\npath = \"x.so\"\n\0") == ["plugins.toml:3: the file contains a NUL character"])
    }

    @Test func unreadableFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.path("missing.toml")
        do {
            _ = try PluginsFile(contentsOf: missing)
            Issue.record("a missing file parsed")
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.file == missing)
            #expect(diagnostic.line == nil && diagnostic.key == nil)
            #expect(diagnostic.message.hasPrefix("cannot read the file: "))
            #expect(error.description.hasPrefix("\(missing): cannot read the file: "))
        }

        let binary = directory.path("binary.toml")
        try Data([0x61, 0x20, 0x3D, 0x20, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: binary))
        do {
            _ = try PluginsFile(contentsOf: binary)
            Issue.record("a file that is not UTF-8 parsed")
        } catch {
            #expect(error.description == "\(binary): the file is not valid UTF-8")
        }
    }
}
