extension ColumnFamily {
    /// Position in `allCases`, used to index the open column-family handles.
    var ordinal: Int {
        switch self {
        case .meta: 0
        case .blockIndex: 1
        case .blocks: 2
        case .undo: 3
        case .utxo: 4
        case .plugins: 5
        case .indexes: 6
        }
    }
}
