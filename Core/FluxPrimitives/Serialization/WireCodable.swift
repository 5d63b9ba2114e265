/// A value with a canonical Flux wire encoding.
public protocol WireEncodable {
    /// Appends the value's wire encoding to `writer`.
    func encode(to writer: inout ByteWriter)
}

/// A value that can be read from its Flux wire encoding.
public protocol WireDecodable {
    /// Reads one value from `reader`, advancing it.
    init(from reader: inout ByteReader) throws(DecodingError)
}

/// Both directions.
public typealias WireCodable = WireEncodable & WireDecodable

extension WireEncodable {
    /// The value's wire encoding.
    public var serialized: [UInt8] {
        var w = ByteWriter()
        encode(to: &w)
        return w.bytes
    }
}

extension WireDecodable {
    /// Parses exactly one value from `bytes`; trailing bytes are an error.
    public init(serialized bytes: [UInt8]) throws(DecodingError) {
        var reader = ByteReader(bytes)
        self = try Self(from: &reader)
        try reader.expectEnd(String(describing: Self.self))
    }
}
