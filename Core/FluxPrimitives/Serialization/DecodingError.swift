/// Why a byte string could not be read as a Flux wire-format value.
///
/// Every case names the field being read and the byte offset (from the start of the outermost buffer) where the
/// problem was found, so malformed input can be diagnosed without a debugger.
public struct DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Equatable, Sendable {
        /// The buffer ended before `needed` more bytes could be read.
        case truncated(needed: Int, available: Int)
        /// A length or count exceeds the bound allowed for this field.
        case tooLarge(value: UInt64, limit: UInt64)
        /// A CompactSize was not encoded in its shortest form.
        case nonCanonicalCompactSize
        /// The value is not one this format allows.
        case invalidValue(String)
        /// Bytes remained after the value was read completely.
        case trailingBytes(count: Int)
    }

    /// The field being read, e.g. `"tx.vin[3].scriptSig"`.
    public var field: String
    /// Byte offset of the failure from the start of the buffer.
    public var offset: Int
    /// What went wrong.
    public var reason: Reason

    /// Creates an error for `field` at `offset`.
    public init(field: String, offset: Int, reason: Reason) {
        self.field = field
        self.offset = offset
        self.reason = reason
    }

    /// `"<field> at offset <n>: <reason>"`.
    public var description: String {
        switch reason {
        case let .truncated(needed, available):
            return "\(field) at offset \(offset): truncated (need \(needed) bytes, \(available) left)"
        case let .tooLarge(value, limit):
            return "\(field) at offset \(offset): \(value) exceeds the limit of \(limit)"
        case .nonCanonicalCompactSize:
            return "\(field) at offset \(offset): non-canonical CompactSize"
        case let .invalidValue(what):
            return "\(field) at offset \(offset): \(what)"
        case let .trailingBytes(count):
            return "\(field) at offset \(offset): \(count) unexpected trailing bytes"
        }
    }
}
