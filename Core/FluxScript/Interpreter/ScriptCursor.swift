/// Reads one operation at a time from script bytes, exactly as fluxd's `CScript::GetOp`.
///
/// On failure (a push running past the end) the position is left where fluxd leaves its iterator: after the
/// opcode and any length bytes already read. Two callers depend on that: the legacy signature hash and the
/// sigop counter.
enum ScriptCursor {
    /// One parsed operation.
    struct Operation {
        /// The opcode byte (push lengths 0x01...0x4b included).
        var opcode: UInt8
        /// The pushed bytes' range in the script; nil for a non-push opcode (OP_0 gives an empty range).
        var data: Range<Int>?
    }

    /// Reads the operation at `pc` and advances `pc` past it; nil at the end of the script or on a truncated push.
    @inline(__always)
    static func read(_ script: [UInt8], at pc: inout Int) -> Operation? {
        let end = script.count
        guard pc < end else { return nil }
        let opcode = script[pc]
        pc += 1
        guard opcode <= 0x4e else { return Operation(opcode: opcode, data: nil) }
        var size: Int
        switch opcode {
        case 0x4c:
            guard end - pc >= 1 else { return nil }
            size = Int(script[pc]); pc += 1
        case 0x4d:
            guard end - pc >= 2 else { return nil }
            size = Int(script[pc]) | Int(script[pc + 1]) << 8; pc += 2
        case 0x4e:
            guard end - pc >= 4 else { return nil }
            size = Int(script[pc]) | Int(script[pc + 1]) << 8 | Int(script[pc + 2]) << 16
                | Int(script[pc + 3]) << 24
            pc += 4
        default:
            size = Int(opcode)
        }
        guard end - pc >= size else { return nil }
        let range = pc..<(pc + size)
        pc += size
        return Operation(opcode: opcode, data: range)
    }
}
