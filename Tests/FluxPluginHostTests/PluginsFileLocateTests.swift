import Foundation
import Testing
@testable import FluxPluginHost

/// `PluginsFile.locate`: `-plugins=PATH`, else `<datadir>/plugins.toml`, else the repository default.
@Suite struct PluginsFileLocateTests {
    @Test func explicitFileWinsOverDataDirectoryAndDefault() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let explicit = try directory.write("custom/mine.toml", "[plugins.one]\npath = \"one.so\"\n")
        let dataDirectory = try directory.makeDirectory("data")
        try directory.write("data/plugins.toml", "")
        let repositoryDefault = try directory.write("repo/plugins.toml", "")

        let location = try PluginsFile.locate(explicit: explicit, dataDirectory: dataDirectory,
                                              repositoryDefault: repositoryDefault)
        #expect(location == PluginsFileLocation(path: explicit, origin: .explicit))

        let loaded = try PluginsFile.load(explicit: explicit, dataDirectory: dataDirectory,
                                          repositoryDefault: repositoryDefault)
        #expect(loaded.path == explicit)
        #expect(loaded["one"]?.path == directory.url.appendingPathComponent("custom/one.so").path)
    }

    @Test func dataDirectoryWinsOverDefault() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dataDirectory = try directory.makeDirectory("data")
        let inData = try directory.write("data/plugins.toml", "[plugins.two]\npath = \"two.so\"\n")
        let repositoryDefault = try directory.write("repo/plugins.toml", "")

        let location = try PluginsFile.locate(explicit: nil, dataDirectory: dataDirectory,
                                              repositoryDefault: repositoryDefault)
        #expect(location == PluginsFileLocation(path: inData, origin: .dataDirectory))
        let loaded = try PluginsFile.load(explicit: nil, dataDirectory: dataDirectory, repositoryDefault: repositoryDefault)
        #expect(loaded.plugins.map(\.name) == ["two"])
    }

    @Test func repositoryDefaultWhenTheDataDirectoryHasNone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dataDirectory = try directory.makeDirectory("data")
        let repositoryDefault = try directory.write("repo/plugins.toml", "[plugins.three]\npath = \"three.so\"\n")

        #expect(try PluginsFile.locate(explicit: nil, dataDirectory: dataDirectory, repositoryDefault: repositoryDefault)
            == PluginsFileLocation(path: repositoryDefault, origin: .repositoryDefault))
        #expect(try PluginsFile.locate(explicit: nil, dataDirectory: nil, repositoryDefault: repositoryDefault)?.origin
            == .repositoryDefault)
    }

    @Test func noFileMeansNoPlugins() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dataDirectory = try directory.makeDirectory("data")
        let absentDefault = directory.path("repo/plugins.toml")

        #expect(try PluginsFile.locate(explicit: nil, dataDirectory: dataDirectory, repositoryDefault: absentDefault) == nil)
        #expect(try PluginsFile.locate(explicit: nil, dataDirectory: nil, repositoryDefault: nil) == nil)
        #expect(try PluginsFile.load(explicit: nil, dataDirectory: dataDirectory, repositoryDefault: absentDefault) == .empty)
    }

    @Test func explicitFileMustExist() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.path("missing.toml")
        let repositoryDefault = try directory.write("repo/plugins.toml", "")
        let folder = try directory.makeDirectory("folder")

        #expect(throws: PluginConfigurationError(file: missing, message: "no such file (named by -plugins)")) {
            try PluginsFile.locate(explicit: missing, dataDirectory: nil, repositoryDefault: repositoryDefault)
        }
        #expect(throws: PluginConfigurationError(file: folder, message: "is a directory, not a file (named by -plugins)")) {
            try PluginsFile.locate(explicit: folder, dataDirectory: nil, repositoryDefault: repositoryDefault)
        }
        #expect(throws: PluginConfigurationError(file: "-plugins", message: "empty path")) {
            try PluginsFile.locate(explicit: "", dataDirectory: nil, repositoryDefault: repositoryDefault)
        }
        #expect(throws: PluginConfigurationError.self) {
            try PluginsFile.load(explicit: missing, dataDirectory: nil, repositoryDefault: repositoryDefault)
        }
    }

    @Test func directoryInPlaceOfTheDataDirectoryFileIsAnError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dataDirectory = try directory.makeDirectory("data")
        let inData = try directory.makeDirectory("data/plugins.toml")

        #expect(throws: PluginConfigurationError(file: inData, message: "is a directory, not a file")) {
            try PluginsFile.locate(explicit: nil, dataDirectory: dataDirectory, repositoryDefault: nil)
        }
    }

    @Test func brokenFileFoundByLocateReportsItsProblems() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dataDirectory = try directory.makeDirectory("data")
        let inData = try directory.write("data/plugins.toml", "[plugins.x]\nenabled = 1\npath = \"x.so\"\n")
        do {
            _ = try PluginsFile.load(explicit: nil, dataDirectory: dataDirectory, repositoryDefault: nil)
            Issue.record("a broken file loaded")
        } catch {
            #expect(error.description == "\(inData):2: plugins.x.enabled: expected a boolean, found an integer")
        }
    }
}
