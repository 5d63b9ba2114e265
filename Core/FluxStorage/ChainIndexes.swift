/// Which optional indexes a chain database holds (fluxd's `-txindex` and the insight indexes that
/// `-insightexplorer` turns on together).
///
/// The set a database was built with is stored in meta `"indexes"` (see ``storedText``); opening it with another
/// set needs `-reindex` (fluxd's rule), which rebuilds every index from the stored blocks.
public struct ChainIndexes: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `-txindex`: every transaction of the active chain → its block (for `getrawtransaction`).
    public static let transactions = ChainIndexes(rawValue: 1)
    /// `-addressindex`: per P2PKH/P2SH address, every credit and debit, and its unspent outputs.
    public static let addresses = ChainIndexes(rawValue: 2)
    /// `-spentindex`: per spent output, the input that spent it, with the spent value and address.
    public static let spent = ChainIndexes(rawValue: 4)
    /// `-timestampindex`: blocks by logical timestamp (for `getblockhashes`).
    public static let timestamps = ChainIndexes(rawValue: 8)
    /// The three indexes `-insightexplorer` turns on.
    public static let insight: ChainIndexes = [.addresses, .spent, .timestamps]

    /// The option names, as fluxd spells them, in a fixed order.
    static let names: [(ChainIndexes, String)] = [
        (.transactions, "txindex"), (.addresses, "addressindex"), (.spent, "spentindex"),
        (.timestamps, "timestampindex"),
    ]

    /// The option names of the members, comma-separated (`""` for none): the stored form.
    public var storedText: String { Self.names.filter { contains($0.0) }.map(\.1).joined(separator: ",") }

    /// Parses ``storedText``; nil when a name is unknown.
    public init?(storedText: String) {
        var set = ChainIndexes()
        for name in storedText.split(separator: ",") {
            guard let member = Self.names.first(where: { $0.1 == name }) else { return nil }
            set.insert(member.0)
        }
        self = set
    }

    /// The option names, or "none".
    public var description: String { isEmpty ? "none" : storedText }
}
