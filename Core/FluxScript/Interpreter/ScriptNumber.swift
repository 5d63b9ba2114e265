/// A script number (`CScriptNum`): little-endian sign-magnitude bytes read as an integer.
///
/// Operands are limited to 4 bytes (5 for CHECKLOCKTIMEVERIFY); results may be larger and are kept in 64 bits,
/// so they can be pushed but not used as operands again. Under MINIMALDATA the encoding must be minimal.
struct ScriptNumber {
    var value: Int64

    init(_ value: Int64) { self.value = value }

    /// Reads an operand; throws `.unknown` (fluxd's catch-all for `scriptnum_error`) on overflow or a
    /// non-minimal encoding when `requireMinimal` is set.
    init(_ bytes: [UInt8], requireMinimal: Bool, maxSize: Int = 4) throws(ScriptError) {
        guard bytes.count <= maxSize else { throw .unknown }
        if requireMinimal, let last = bytes.last, last & 0x7f == 0 {
            // The last byte holds only the sign: allowed only when the byte before needs its high bit.
            guard bytes.count > 1, bytes[bytes.count - 2] & 0x80 != 0 else { throw .unknown }
        }
        var result: Int64 = 0
        for (i, b) in bytes.enumerated() { result |= Int64(b) << (8 * i) }
        if let last = bytes.last, last & 0x80 != 0 {
            result &= ~(Int64(0x80) << (8 * (bytes.count - 1)))
            result = -result
        }
        value = result
    }

    /// `CScriptNum::getint`: the value clamped to the 32-bit signed range.
    var int32: Int32 { Int32(clamping: value) }

    /// `CScriptNum::serialize`: minimal encoding (empty for zero).
    var bytes: [UInt8] {
        if value == 0 { return [] }
        var out: [UInt8] = []
        var magnitude = value.magnitude
        while magnitude > 0 { out.append(UInt8(magnitude & 0xff)); magnitude >>= 8 }
        if out[out.count - 1] & 0x80 != 0 {
            out.append(value < 0 ? 0x80 : 0)
        } else if value < 0 {
            out[out.count - 1] |= 0x80
        }
        return out
    }
}

/// `CastToBool`: false for any encoding of zero (all bytes zero, the last possibly 0x80 for "negative zero").
@inline(__always)
func castToBool(_ bytes: [UInt8]) -> Bool {
    for i in bytes.indices where bytes[i] != 0 {
        return !(i == bytes.count - 1 && bytes[i] == 0x80)
    }
    return false
}
