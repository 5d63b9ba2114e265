/// A problem with fluxd's options, naming the option and where it came from.
public struct OptionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The option's name without dashes, e.g. `"rpcport"`.
    public let option: String
    /// Where it was given: `"command line"` or `"/path/flux.conf:12"`.
    public let source: String
    /// What is wrong.
    public let problem: String

    /// Creates an error.
    public init(option: String, source: String, problem: String) {
        self.option = option
        self.source = source
        self.problem = problem
    }

    public var description: String { "-\(option) (\(source)): \(problem)" }
}
