/// The `plugins.toml` fluxd uses and why: the answer of `PluginsFile.locate(explicit:dataDirectory:repositoryDefault:fileManager:)`.
public struct PluginsFileLocation: Sendable, Equatable {
    /// Where the choice came from, in order of precedence.
    public enum Origin: String, Sendable, Equatable {
        /// Named by `-plugins=PATH`.
        case explicit
        /// `<datadir>/plugins.toml`.
        case dataDirectory
        /// The repository's default file, given by the caller.
        case repositoryDefault
    }

    /// The file's path (as given, or `<datadir>/plugins.toml`).
    public let path: String
    /// Why this file was chosen.
    public let origin: Origin

    /// Creates a location.
    /// - Parameters:
    ///   - path: The file's path.
    ///   - origin: Why it was chosen.
    public init(path: String, origin: Origin) {
        self.path = path
        self.origin = origin
    }
}
