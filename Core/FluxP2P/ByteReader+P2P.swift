import FluxPrimitives

extension ByteReader {
    /// Reads a CompactSize length and that many bytes as text, at most `limit` bytes. Invalid UTF-8 is replaced
    /// (U+FFFD), as these strings (user agents, reject reasons) are only displayed.
    mutating func readString(_ field: String, limit: Int) throws(DecodingError) -> String {
        String(decoding: try readVarBytes(field, limit: UInt64(limit)), as: UTF8.self)
    }

    /// Reads a one-byte boolean as fluxd does: any non-zero byte is true.
    mutating func readBool(_ field: String) throws(DecodingError) -> Bool {
        try readUInt8(field) != 0
    }
}

extension ByteWriter {
    /// Writes a CompactSize length and the UTF-8 bytes of `string`.
    mutating func writeString(_ string: String) {
        writeVarBytes(Array(string.utf8))
    }

    /// Writes a boolean as one byte, 0 or 1.
    mutating func writeBool(_ value: Bool) {
        writeUInt8(value ? 1 : 0)
    }
}
