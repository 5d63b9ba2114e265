/// The sighash type byte that ends every transparent signature (`SIGHASH_*`).
///
/// Only the low five bits select the base type (1 ALL, 2 NONE, 3 SINGLE; any other value signs like ALL), and
/// bit 7 is ANYONECANPAY. The whole value, not just the defined bits, is committed to by the digest.
public struct SigHashType: RawRepresentable, Hashable, Sendable {
    /// The type as the signature hash commits to it (the signature's last byte, or any 32-bit value in tests).
    public var rawValue: Int32

    /// Wraps a raw type value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `SIGHASH_ALL`: sign all inputs and outputs.
    public static let all = SigHashType(rawValue: 1)
    /// `SIGHASH_NONE`: sign all inputs, no outputs.
    public static let none = SigHashType(rawValue: 2)
    /// `SIGHASH_SINGLE`: sign all inputs and the output with the same index.
    public static let single = SigHashType(rawValue: 3)
    /// `SIGHASH_ANYONECANPAY` bit: sign only this input.
    public static let anyoneCanPayFlag: Int32 = 0x80

    /// True if bit 7 (ANYONECANPAY) is set.
    public var anyoneCanPay: Bool { rawValue & Self.anyoneCanPayFlag != 0 }
    /// True if the base type (low five bits) is NONE.
    public var isNone: Bool { rawValue & 0x1f == 2 }
    /// True if the base type (low five bits) is SINGLE.
    public var isSingle: Bool { rawValue & 0x1f == 3 }
}
