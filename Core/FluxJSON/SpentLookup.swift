import FluxPrimitives

/// What a node keeping fluxd's spent index knows about the outputs a transaction touches, for the verbose
/// transaction JSON (see `TransactionJSON.object(_:prefixes:spent:)`).
public struct SpentLookup {
    /// What an input spends: the spent output's value and, when it pays a P2PKH/P2SH address, that address
    /// (encoded). Nil when unknown (the input's fields are then left out, as fluxd does).
    public var input: (OutPoint) -> (value: Amount, address: String?)?
    /// Who spent an output: the spending transaction, its input index and block height (-1 in the mempool).
    /// Nil when unspent or unknown.
    public var output: (OutPoint) -> (txid: Hash256, inputIndex: UInt32, height: Int)?

    /// Creates a lookup from its two questions.
    public init(input: @escaping (OutPoint) -> (value: Amount, address: String?)?,
                output: @escaping (OutPoint) -> (txid: Hash256, inputIndex: UInt32, height: Int)?) {
        self.input = input
        self.output = output
    }
}
