import Foundation
import Testing
@testable import FluxPluginHost

@Suite struct PluginsFileTests {
    static let upperDigest = String(repeating: "ABCDEF0123456789", count: 4)

    @Test func twoPluginsWithRelativePathAndConfig() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("etc/plugins.toml", #"""
            # two plugins
            [plugins.alpha]
            path = "lib/../lib/libalpha.so"
            sha256 = "\#(Self.upperDigest)"
            budget_ms = 100
            queue = 16
            order = -5
            required = true

            [plugins.alpha.config]
            zeta = 1
            name = "say \"hi\"\nnext\tline \\ é ☃ 😀"
            ratio = 0.5
            big = 1e20
            flags = [true, false]
            list = [1, "two", [3.25], { k = "v" }]
            when = 1979-05-27T07:32:00Z
            day = 1979-05-27
            at = 07:32:00.5
            local = 1979-05-27T07:32:00
            offset = 1979-05-27T00:32:00-07:00
            ctrl = "\u0001\u007F\u001f"

            [plugins.alpha.config.nested]
            b = 2
            a = { y = [], x = {} }
            "quoted key" = 'x'

            [plugins.beta]
            path = "/opt/flux/../plugins/libbeta.so"
            enabled = false
            """#)
        let parsed = try PluginsFile(contentsOf: file)
        #expect(parsed.path == file)
        #expect(parsed.plugins.map(\.name) == ["alpha", "beta"])

        let alpha = try #require(parsed["alpha"])
        #expect(alpha.path == directory.url.appendingPathComponent("etc/lib/libalpha.so").standardizedFileURL.path)
        #expect(alpha.path.hasPrefix("/"))
        #expect(alpha.declaredPath == "lib/../lib/libalpha.so")
        #expect(alpha.enabled)
        #expect(alpha.required)
        #expect(alpha.sha256 == Self.upperDigest.lowercased())
        #expect(alpha.budgetMilliseconds == 100)
        #expect(alpha.budget == .milliseconds(100))
        #expect(alpha.queueLength == 16)
        #expect(alpha.order == -5)
        #expect(alpha.sourceLine == 2)
        let expected = #"{"at":"07:32:00.5","big":1e+20,"ctrl":"\u0001\u007f\u001f","day":"1979-05-27","#
            + #""flags":[true,false],"list":[1,"two",[3.25],{"k":"v"}],"local":"1979-05-27T07:32:00","#
            + #""name":"say \"hi\"\nnext\tline \\ é ☃ 😀","nested":{"a":{"x":{},"y":[]},"b":2,"quoted key":"x"},"#
            + #""offset":"1979-05-27T00:32:00-07:00","ratio":0.5,"when":"1979-05-27T07:32:00Z","zeta":1}"#
        #expect(alpha.configJSON == expected)
        #expect(alpha.configBytes == Array(expected.utf8))

        // The JSON is valid and carries the string unchanged.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(alpha.configBytes)) as? [String: Any])
        #expect(object["name"] as? String == "say \"hi\"\nnext\tline \\ é ☃ 😀")
        #expect(object["ctrl"] as? String == "\u{01}\u{7F}\u{1F}")

        let beta = try #require(parsed["beta"])
        #expect(beta.path == "/opt/plugins/libbeta.so")
        #expect(beta.declaredPath == "/opt/flux/../plugins/libbeta.so")
        #expect(!beta.enabled)
        #expect(beta.configJSON == "{}")
        #expect(parsed.enabledPlugins.map(\.name) == ["alpha"])
    }

    @Test func defaults() throws {
        let parsed = try PluginsFile(text: "[plugins.index]\npath = \"libindex.so\"\n", path: "/srv/flux/plugins.toml")
        let plugin = try #require(parsed["index"])
        #expect(plugin == PluginConfiguration(name: "index", path: "/srv/flux/libindex.so", declaredPath: "libindex.so",
                                              sourceLine: 1))
        #expect(plugin.enabled)
        #expect(!plugin.required)
        #expect(plugin.sha256 == nil)
        #expect(plugin.budgetMilliseconds == 250)
        #expect(plugin.queueLength == 1024)
        #expect(plugin.order == 0)
        #expect(plugin.configJSON == "{}")
    }

    @Test func emptyFilesDeclareNoPlugins() throws {
        for text in ["", "# only a comment\n", "\n\n", "[plugins]\n", "plugins = {}\n"] {
            let parsed = try PluginsFile(text: text, path: "plugins.toml")
            #expect(parsed.plugins.isEmpty, "\(text)")
        }
        #expect(PluginsFile.empty.plugins.isEmpty)
        #expect(PluginsFile.empty.path == nil)
    }

    @Test func repositoryDefaultEnablesTheDefaultPluginsOptionally() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let parsed = try PluginsFile(contentsOf: root.appendingPathComponent("plugins.toml").path)
        #expect(parsed.plugins.map(\.name) == ["addressindex", "chainstats", "fluxnodes"])
        #expect(parsed.plugins.allSatisfy { $0.enabled && !$0.required })
        #expect(parsed.plugins.allSatisfy { $0.path.hasPrefix(root.path + "/.build/release/") })
    }

    @Test func otherSpellingsOfTheSameTables() throws {
        let parsed = try PluginsFile(text: """
            [plugins]
            a = { path = "a.so", enabled = false, config = { list = [ "x", 2 ] } }
            b.path = "b.so"
            [plugins.c]
            path = 'c.so'
            config.depth.level = 3
            """, path: "/x/plugins.toml")
        #expect(parsed.plugins.map(\.name) == ["a", "b", "c"])
        #expect(parsed["a"]?.configJSON == #"{"list":["x",2]}"#)
        #expect(parsed["a"]?.enabled == false)
        #expect(parsed["b"]?.path == "/x/b.so")
        #expect(parsed["c"]?.configJSON == #"{"depth":{"level":3}}"#)
        #expect(parsed["a"]?.sourceLine == 2)
        #expect(parsed["b"]?.sourceLine == 3)
        #expect(parsed["c"]?.sourceLine == 4)
    }

    @Test func callOrderIsAscendingOrderThenName() throws {
        let parsed = try PluginsFile(text: """
            [plugins.zed]
            path = "z.so"
            order = -1
            [plugins.bravo]
            path = "b.so"
            order = 2
            [plugins.alpha]
            path = "a.so"
            order = 2
            [plugins.mid]
            path = "m.so"
            [plugins.off]
            path = "o.so"
            order = -9
            enabled = false
            """, path: "plugins.toml")
        #expect(parsed.plugins.map(\.name) == ["alpha", "bravo", "mid", "off", "zed"])
        #expect(parsed.enabledPluginsInCallOrder.map(\.name) == ["zed", "mid", "alpha", "bravo"])
    }

    @Test func pluginNames() {
        for name in ["a", "index", "a1", "addr_index_2", "a" + String(repeating: "b", count: 31)] {
            #expect(PluginConfiguration.isValidName(name), "\(name)")
        }
        for name in ["", "A", "Index", "1a", "_a", "a-b", "a.b", "é", "a b", "a" + String(repeating: "b", count: 32)] {
            #expect(!PluginConfiguration.isValidName(name), "\(name)")
        }
    }

    @Test func sha256Pins() {
        #expect(PluginConfiguration.isValidSHA256(String(repeating: "0aF9", count: 16)))
        #expect(!PluginConfiguration.isValidSHA256(String(repeating: "0", count: 63)))
        #expect(!PluginConfiguration.isValidSHA256(String(repeating: "0", count: 65)))
        #expect(!PluginConfiguration.isValidSHA256(String(repeating: "g", count: 64)))
    }
}
