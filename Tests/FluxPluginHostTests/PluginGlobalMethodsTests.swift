import Testing
@testable import FluxPluginHost

/// The owners of global RPC names (ABI 1.2): core names are never claimable, a name has one plugin, and a new build
/// of the same plugin replaces its own claims.
@Suite struct PluginGlobalMethodsTests {
    @Test func coreNamesAndOtherPluginsNamesAreRefusedNamingBoth() throws {
        let table = PluginGlobalMethods()
        table.reserveCoreMethods(["getinfo", "help"])
        #expect(table.refusal("getinfo", plugin: "alpha")
                == "global RPC name \"getinfo\" is a core method of the node; plugin alpha may not claim it")
        #expect(table.refusal("ping2", plugin: "alpha") == nil)
        #expect(try table.claim(plugin: "alpha", names: ["ping2"]).get() == [])
        #expect(table.refusal("ping2", plugin: "beta")
                == "global RPC name \"ping2\" is already claimed by plugin alpha; plugin beta may not claim it too")
        // A refused claim changes nothing.
        if case .success = table.claim(plugin: "beta", names: ["other", "ping2"]) { Issue.record("beta claimed alpha's name") }
        #expect(table.owner(of: "other") == nil)
        #expect(table.owner(of: "ping2") == "alpha")
        if case .success = table.claim(plugin: "beta", names: ["help"]) { Issue.record("beta claimed a core name") }
    }

    @Test func aNewBuildReplacesItsOwnClaims() throws {
        let table = PluginGlobalMethods()
        _ = try table.claim(plugin: "alpha", names: ["a", "b"]).get()
        #expect(table.refusal("a", plugin: "alpha") == nil)
        #expect(try table.claim(plugin: "alpha", names: ["a", "c"]).get() == ["b"])
        #expect(table.names(of: "alpha") == ["a", "c"])
        #expect(table.owner(of: "b") == nil)
    }

    @Test func namesAreLowerCaseWordsOfAtMost64Characters() {
        #expect(PluginGlobalMethods.isValidName("getzelnodestatus"))
        #expect(PluginGlobalMethods.isValidName("a_1"))
        #expect(!PluginGlobalMethods.isValidName("fluxnodes.list"))
        #expect(!PluginGlobalMethods.isValidName("GetInfo"))
        #expect(!PluginGlobalMethods.isValidName("1abc"))
        #expect(!PluginGlobalMethods.isValidName(""))
        #expect(!PluginGlobalMethods.isValidName(String(repeating: "a", count: 65)))
    }
}
