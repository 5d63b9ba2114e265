import Foundation

/// A parsed and validated `plugins.toml`: the plugins fluxd may load.
///
/// The file holds one table per plugin, `[plugins.NAME]` (see `PluginConfiguration` for its keys), and nothing
/// else: a top-level key other than `plugins` is an error, so is an unknown key inside a plugin's table (typo
/// protection). An empty file, or one without plugins, is valid and declares none.
///
/// Parsing checks the whole file and reports every problem at once in a `PluginConfigurationError`, each with
/// file, line and key.
///
/// A plugin's `[plugins.NAME.config]` table reaches the plugin as compact JSON: objects with keys sorted by
/// their UTF-8 bytes (TOML keeps no order that survives parsing, and sorted keys make the bytes canonical),
/// arrays in order, RFC 8259 string escapes (control characters, `"` and `\`; non-ASCII as UTF-8), integers in
/// decimal, finite floats in shortest round-trip form (NaN and infinities are errors), booleans, and dates and
/// times as RFC 3339 strings (`1979-05-27T07:32:00Z`).
public struct PluginsFile: Sendable, Equatable {
    /// The name fluxd looks for in its data directory.
    public static let fileName = "plugins.toml"

    /// A configuration without a file and without plugins.
    public static let empty = PluginsFile(path: nil, plugins: [])

    /// The file the plugins came from, as its path was given; `nil` when there was none.
    public let path: String?
    /// Every declared plugin, enabled or not, sorted by name.
    public let plugins: [PluginConfiguration]

    /// Creates a configuration from plugins already validated; they are sorted by name.
    /// - Parameters:
    ///   - path: The file they came from, if any.
    ///   - plugins: The plugins; names should be unique and valid.
    public init(path: String?, plugins: [PluginConfiguration]) {
        self.path = path
        self.plugins = plugins.sorted { $0.name < $1.name }
    }

    /// Reads, parses and validates a file. Relative `path` values in it are resolved against the file's directory.
    /// - Parameter path: The file (absolute, or relative to the current directory).
    /// - Throws: `PluginConfigurationError` with every problem found, or one for a file that cannot be read.
    public init(contentsOf path: String) throws(PluginConfigurationError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PluginConfigurationError(file: path, message: "cannot read the file: \(Self.reason(of: error))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PluginConfigurationError(file: path, message: "the file is not valid UTF-8")
        }
        try self.init(text: text, path: path)
    }

    /// Parses and validates TOML text.
    /// - Parameters:
    ///   - text: The content of a `plugins.toml`.
    ///   - path: The file the text came from: it names the file in errors, and relative plugin paths are resolved
    ///     against its directory.
    /// - Throws: `PluginConfigurationError` with every problem found.
    public init(text: String, path: String) throws(PluginConfigurationError) {
        self.init(path: path, plugins: try PluginsFileParser.parse(text: text, path: path))
    }

    /// The plugin called `name`, if declared.
    /// - Parameter name: A plugin name.
    public subscript(name: String) -> PluginConfiguration? {
        plugins.first { $0.name == name }
    }

    /// The plugins with `enabled = true`, sorted by name.
    public var enabledPlugins: [PluginConfiguration] {
        plugins.filter(\.enabled)
    }

    /// The enabled plugins in in-line call order: ascending `order`, ties by name.
    public var enabledPluginsInCallOrder: [PluginConfiguration] {
        PluginConfiguration.inCallOrder(enabledPlugins)
    }

    /// Which file fluxd uses: `explicit` (`-plugins=PATH`) if given, which must then exist; else
    /// `<dataDirectory>/plugins.toml` if it exists; else `repositoryDefault` if given and it exists; else none.
    /// - Parameters:
    ///   - explicit: The `-plugins=PATH` value, if given (relative to the current directory).
    ///   - dataDirectory: The node's data directory, if known.
    ///   - repositoryDefault: The default file chosen by the caller (the repository's `plugins.toml`), if any.
    ///   - fileManager: The file system to look at.
    /// - Returns: The chosen file and where it came from, or `nil` when no file applies (no plugins).
    /// - Throws: `PluginConfigurationError` when `explicit` is empty, missing or a directory, or when the data
    ///   directory's `plugins.toml` is a directory.
    public static func locate(explicit: String?, dataDirectory: String?, repositoryDefault: String?,
                              fileManager: FileManager = .default) throws(PluginConfigurationError) -> PluginsFileLocation? {
        if let explicit {
            guard !explicit.isEmpty else {
                throw PluginConfigurationError(file: "-plugins", message: "empty path")
            }
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: explicit, isDirectory: &isDirectory) else {
                throw PluginConfigurationError(file: explicit, message: "no such file (named by -plugins)")
            }
            guard !isDirectory.boolValue else {
                throw PluginConfigurationError(file: explicit, message: "is a directory, not a file (named by -plugins)")
            }
            return PluginsFileLocation(path: explicit, origin: .explicit)
        }
        if let dataDirectory {
            let candidate = URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent(fileName).path
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate, isDirectory: &isDirectory) {
                guard !isDirectory.boolValue else {
                    throw PluginConfigurationError(file: candidate, message: "is a directory, not a file")
                }
                return PluginsFileLocation(path: candidate, origin: .dataDirectory)
            }
        }
        if let repositoryDefault {
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: repositoryDefault, isDirectory: &isDirectory), !isDirectory.boolValue {
                return PluginsFileLocation(path: repositoryDefault, origin: .repositoryDefault)
            }
        }
        return nil
    }

    /// Locates (see `locate(explicit:dataDirectory:repositoryDefault:fileManager:)`) and parses the file fluxd
    /// uses; `empty` when there is none.
    /// - Parameters:
    ///   - explicit: The `-plugins=PATH` value, if given.
    ///   - dataDirectory: The node's data directory, if known.
    ///   - repositoryDefault: The default file chosen by the caller, if any.
    /// - Throws: `PluginConfigurationError` from locating or parsing.
    public static func load(explicit: String?, dataDirectory: String?,
                            repositoryDefault: String?) throws(PluginConfigurationError) -> PluginsFile {
        guard let location = try locate(explicit: explicit, dataDirectory: dataDirectory,
                                        repositoryDefault: repositoryDefault) else { return .empty }
        return try PluginsFile(contentsOf: location.path)
    }

    private static func reason(of error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
