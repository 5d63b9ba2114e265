/// Why a plugin image was refused. Every case names the plugin file and what differs, so an operator can act on
/// the log line alone.
public struct PluginLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file the operator configured.
    public let path: String
    /// What is wrong.
    public let reason: String

    /// Creates an error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "plugin \(path): \(reason)" }
}
