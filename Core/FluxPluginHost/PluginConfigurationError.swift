/// Everything wrong with one `plugins.toml`: each problem names the file, the line and the key.
///
/// A file is checked as a whole, so one error carries every problem found in it, sorted by line. Its
/// `description` is one problem per line, in the shape
///
///     plugins.toml:12: plugins.index.enabled: expected a boolean, found a string
///     plugins.toml:3: syntax error (column 7): expected '=' ...
///     /etc/flux/plugins.toml: no such file (named by -plugins)
///
/// The line is 1-based. Problems without a line (a missing file) or without a key (a TOML syntax error) leave
/// that part out.
public struct PluginConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem in a configuration file.
    public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
        /// The file, as its path was given to the parser.
        public let file: String
        /// The 1-based line of the problem, or `nil` when it concerns the file as a whole.
        public let line: Int?
        /// The 1-based column, for TOML syntax errors (the parser reports one); otherwise `nil`.
        public let column: Int?
        /// The dotted TOML key the problem concerns (`plugins.index.enabled`), or `nil` for a syntax error or a
        /// problem of the whole file. Key parts that are not bare TOML keys are written quoted.
        public let key: String?
        /// What is wrong, in words (`expected a boolean, found a string`).
        public let message: String

        /// Creates a diagnostic.
        /// - Parameters:
        ///   - file: The file, as its path was given.
        ///   - line: The 1-based line, if known.
        ///   - column: The 1-based column, if known.
        ///   - key: The dotted key concerned, if any.
        ///   - message: What is wrong.
        public init(file: String, line: Int?, column: Int? = nil, key: String?, message: String) {
            self.file = file
            self.line = line
            self.column = column
            self.key = key
            self.message = message
        }

        /// `file:line: key: message`, leaving out the line and the key when they are `nil`. The column is not part
        /// of this prefix: a syntax error names it in its message (`syntax error (column 7): …`).
        public var description: String {
            var text = file
            if let line { text += ":\(line)" }
            text += ": "
            if let key { text += "\(key): " }
            return text + message
        }
    }

    /// The problems, sorted by line (problems without a line last), in the order found within a line.
    public let diagnostics: [Diagnostic]

    /// Creates an error from its problems; they are sorted by line (stable).
    /// - Parameter diagnostics: At least one problem.
    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.enumerated().sorted { lhs, rhs in
            let l = lhs.element.line ?? Int.max, r = rhs.element.line ?? Int.max
            return l != r ? l < r : lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// Creates an error with a single problem.
    /// - Parameters:
    ///   - file: The file, as its path was given.
    ///   - line: The 1-based line, if known.
    ///   - key: The dotted key concerned, if any.
    ///   - message: What is wrong.
    public init(file: String, line: Int? = nil, key: String? = nil, message: String) {
        self.init([Diagnostic(file: file, line: line, key: key, message: message)])
    }

    /// Every problem, one per line, in the order of `diagnostics`.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
