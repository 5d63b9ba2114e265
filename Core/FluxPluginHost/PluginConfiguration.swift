/// One plugin as `plugins.toml` describes it: a validated `[plugins.NAME]` table.
///
///     [plugins.index]
///     path      = "build/libaddress_index.so"   # relative to the directory of plugins.toml
///     enabled   = true                          # default true
///     required  = false                         # default false: the node refuses to start without it
///     sha256    = "9f86d0…"                     # optional pin of the shared object (64 hex digits)
///     budget_ms = 250                           # time budget of one in-line callback (1…600000)
///     queue     = 1024                          # observer queue length (1…1048576)
///     order     = 0                             # in-line call order: ascending, ties by name
///     [plugins.index.config]                    # handed to the plugin as a JSON object
///     network = "mainnet"
///
/// Values are as validated by `PluginsFile`; the memberwise initialiser does not check them again.
public struct PluginConfiguration: Sendable, Hashable {
    /// Default of `budgetMilliseconds` (`budget_ms`).
    public static let defaultBudgetMilliseconds = 250
    /// Largest accepted `budget_ms`: ten minutes.
    public static let maximumBudgetMilliseconds = 600_000
    /// Default of `queueLength` (`queue`).
    public static let defaultQueueLength = 1024
    /// Largest accepted `queue`.
    public static let maximumQueueLength = 1 << 20
    /// Default of `order`.
    public static let defaultOrder = 0
    /// Longest plugin name.
    public static let maximumNameLength = 32
    /// The keys a `[plugins.NAME]` table may hold; any other key is an error.
    public static let knownKeys: [String] = ["budget_ms", "config", "enabled", "order", "path", "queue", "required", "sha256"]

    /// The plugin's name, the `NAME` of `[plugins.NAME]`: `[a-z][a-z0-9_]{0,31}`. It names the plugin's RPC
    /// namespace, its key-value namespace and its log lines.
    public let name: String
    /// The shared object's path: absolute and standardised (a relative `path` is resolved against the directory
    /// of the file that declared it).
    public let path: String
    /// The `path` value exactly as written in the file.
    public let declaredPath: String
    /// Whether the host loads the plugin (`enabled`, default `true`).
    public let enabled: Bool
    /// Whether the node refuses to start without the plugin (`required`, default `false`).
    public let required: Bool
    /// The pinned SHA-256 digest of the shared object, 64 lowercase hex digits, or `nil` if not pinned.
    public let sha256: String?
    /// Time budget of one in-line callback, in milliseconds (`budget_ms`, default 250).
    public let budgetMilliseconds: Int
    /// Length of the plugin's observer event queue (`queue`, default 1024).
    public let queueLength: Int
    /// Position among stateful and judging plugins, which are called in ascending `order`, ties by name
    /// (`order`, default 0).
    public let order: Int
    /// The `[plugins.NAME.config]` table as compact JSON text (`{}` when absent); see `PluginsFile` for the
    /// conversion rules.
    public let configJSON: String
    /// The 1-based line of the plugin's table in its file, when it came from one; for later messages.
    public let sourceLine: Int?

    /// Creates a configuration; the values are taken as they are (see `isValidName(_:)` for names).
    /// - Parameters:
    ///   - name: The plugin's name.
    ///   - path: The shared object's absolute path.
    ///   - declaredPath: The path as written; defaults to `path`.
    ///   - enabled: Whether the host loads it.
    ///   - required: Whether the node refuses to start without it.
    ///   - sha256: The pinned digest, lowercase hex, if any.
    ///   - budgetMilliseconds: Time budget of one in-line callback.
    ///   - queueLength: Observer queue length.
    ///   - order: In-line call order.
    ///   - configJSON: The plugin's configuration as a JSON object.
    ///   - sourceLine: The line of the plugin's table, if it came from a file.
    public init(name: String, path: String, declaredPath: String? = nil, enabled: Bool = true, required: Bool = false,
                sha256: String? = nil, budgetMilliseconds: Int = PluginConfiguration.defaultBudgetMilliseconds,
                queueLength: Int = PluginConfiguration.defaultQueueLength, order: Int = PluginConfiguration.defaultOrder,
                configJSON: String = "{}", sourceLine: Int? = nil) {
        self.name = name
        self.path = path
        self.declaredPath = declaredPath ?? path
        self.enabled = enabled
        self.required = required
        self.sha256 = sha256
        self.budgetMilliseconds = budgetMilliseconds
        self.queueLength = queueLength
        self.order = order
        self.configJSON = configJSON
        self.sourceLine = sourceLine
    }

    /// The time budget of one in-line callback as a `Duration`.
    public var budget: Duration { .milliseconds(budgetMilliseconds) }

    /// The configuration as the UTF-8 bytes handed to the plugin's `create` call.
    public var configBytes: [UInt8] { Array(configJSON.utf8) }

    /// Whether `name` is a valid plugin name: a lowercase ASCII letter, then up to 31 lowercase ASCII letters,
    /// digits or underscores (`[a-z][a-z0-9_]{0,31}`).
    /// - Parameter name: A candidate name.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
              bytes.count <= maximumNameLength else { return false }
        return bytes.dropFirst().allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }

    /// Whether `text` is a SHA-256 pin: exactly 64 hexadecimal digits (either case).
    /// - Parameter text: A candidate digest.
    public static func isValidSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }

    /// Sorts configurations into in-line call order: ascending `order`, ties by `name`.
    /// - Parameter plugins: Configurations (typically the enabled stateful or judging ones).
    public static func inCallOrder(_ plugins: [PluginConfiguration]) -> [PluginConfiguration] {
        plugins.sorted { ($0.order, $0.name) < ($1.order, $1.name) }
    }
}
