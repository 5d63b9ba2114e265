/// A transparent input: the output it spends, the unlocking script and the sequence number.
public struct TxIn: Hashable, Sendable {
    /// The spent output (null for a coinbase).
    public var prevout: OutPoint
    /// The unlocking script (for a coinbase: arbitrary data starting with the block height).
    public var scriptSig: Script
    /// nSequence; 0xFFFFFFFF disables lock time for this input.
    public var sequence: UInt32

    /// Creates an input.
    public init(prevout: OutPoint, scriptSig: Script, sequence: UInt32 = .max) {
        self.prevout = prevout
        self.scriptSig = scriptSig
        self.sequence = sequence
    }
}

extension TxIn: WireCodable {
    /// Writes the wire encoding.
    public func encode(to writer: inout ByteWriter) {
        prevout.encode(to: &writer)
        scriptSig.encode(to: &writer)
        writer.writeLE(sequence)
    }
    /// Reads the wire encoding, advancing `reader`.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        prevout = try OutPoint(from: &reader)
        scriptSig = Script(try reader.readVarBytes("txin.scriptSig"))
        sequence = try reader.readLE(UInt32.self, "txin.nSequence")
    }
}

/// A transparent output: an amount and the script that locks it.
public struct TxOut: Hashable, Sendable {
    /// The amount (int64 on the wire; range-checked by validation, not by parsing).
    public var value: Amount
    /// The locking script.
    public var scriptPubKey: Script

    /// Creates an output.
    public init(value: Amount, scriptPubKey: Script) {
        self.value = value
        self.scriptPubKey = scriptPubKey
    }
}

extension TxOut: WireCodable {
    /// Writes the wire encoding.
    public func encode(to writer: inout ByteWriter) {
        writer.writeLE(value.units)
        scriptPubKey.encode(to: &writer)
    }
    /// Reads the wire encoding, advancing `reader`.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        value = Amount(units: try reader.readLE(Int64.self, "txout.nValue"))
        scriptPubKey = Script(try reader.readVarBytes("txout.scriptPubKey"))
    }
}
