import Testing
@testable import FluxPluginHost

@Suite struct TOMLSourceIndexTests {
    @Test func headersKeysAndDottedKeys() {
        let index = TOMLSourceIndex(text: """
            top = 1
            [ plugins . "quoted.name" ]   # comment
            a.b = 2
              'lit' = "x # not a comment"
            "esc\\u0041\\"" = 1
            [[list]]
            [plugins.other]
            """)
        #expect(index.line(of: ["top"]) == 1)
        #expect(index.line(of: ["plugins"]) == 2)
        #expect(index.line(of: ["plugins", "quoted.name"]) == 2)
        #expect(index.line(of: ["plugins", "quoted.name", "a"]) == 3)
        #expect(index.line(of: ["plugins", "quoted.name", "a", "b"]) == 3)
        #expect(index.line(of: ["plugins", "quoted.name", "lit"]) == 4)
        #expect(index.line(of: ["plugins", "quoted.name", "escA\""]) == 5)
        #expect(index.line(of: ["list"]) == 6)
        #expect(index.line(of: ["plugins", "other"]) == 7)
        #expect(index.line(of: ["plugins", "other", "missing", "deeper"]) == 7)
        #expect(index.line(of: ["absent"]) == nil)
    }

    @Test func multiLineValuesAreSkipped() {
        let index = TOMLSourceIndex(text: """
            s = \"\"\"
            fake = 1
            \\\"\"\" still = inside
            \"\"\"
            arr = [
              "a = b",
              \"\"\"
            fake2 = 2\"\"\",
            ]
            real = 3
            """)
        #expect(index.line(of: ["s"]) == 1)
        #expect(index.line(of: ["fake"]) == nil)
        #expect(index.line(of: ["still"]) == nil)
        #expect(index.line(of: ["arr"]) == 5)
        #expect(index.line(of: ["fake2"]) == nil)
        #expect(index.line(of: ["real"]) == 10)
    }

    @Test func displayQuotesWhatIsNotBare() {
        #expect(TOMLSourceIndex.display(["plugins", "index", "enabled"]) == "plugins.index.enabled")
        #expect(TOMLSourceIndex.display(["plugins", "my index", "a\"b", "", "x\u{01}"])
            == #"plugins."my index"."a\"b".""."x\u0001""#)
    }
}
