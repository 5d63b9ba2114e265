/// A transparent script (scriptSig or scriptPubKey), carried as raw bytes.
///
/// Parsing into operations is lazy and never fails the enclosing transaction: a script with a truncated push is
/// still a valid byte string on the wire (it just fails evaluation).
public struct Script: Hashable, Sendable, ExpressibleByArrayLiteral {
    /// The script bytes.
    public var bytes: [UInt8]

    /// Creates a script from raw bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    /// Creates a script from literal bytes.
    public init(arrayLiteral elements: UInt8...) { bytes = elements }

    /// One parsed element: an opcode, and for push opcodes the pushed data.
    public struct Operation: Hashable, Sendable {
        /// The opcode byte (for direct pushes, the length byte 0x01...0x4b).
        public var opcode: UInt8
        /// Pushed bytes for 0x01…0x4b and `OP_PUSHDATA1/2/4`; nil otherwise (also for `OP_0`, `OP_1NEGATE` and
        /// `OP_1`…`OP_16`, whose value the opcode itself gives).
        public var data: [UInt8]?
    }

    /// Parses the script into operations; nil if a push runs past the end.
    public var operations: [Operation]? {
        let parsed = parsedOperations
        return parsed.isComplete ? parsed.operations : nil
    }

    /// The operations up to the first push that runs past the end, and whether the whole script parsed.
    public var parsedOperations: (operations: [Operation], isComplete: Bool) {
        var ops: [Operation] = []
        var i = 0
        while i < bytes.count {
            let op = bytes[i]; i += 1
            var len = -1
            switch op {
            case 0x01...0x4b: len = Int(op)
            case Opcode.pushData1:
                guard i + 1 <= bytes.count else { return (ops, false) }
                len = Int(bytes[i]); i += 1
            case Opcode.pushData2:
                guard i + 2 <= bytes.count else { return (ops, false) }
                len = Int(bytes[i]) | Int(bytes[i + 1]) << 8; i += 2
            case Opcode.pushData4:
                guard i + 4 <= bytes.count else { return (ops, false) }
                len = Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24
                i += 4
            default: break
            }
            if len >= 0 {
                guard len <= bytes.count - i else { return (ops, false) }
                ops.append(Operation(opcode: op, data: Array(bytes[i..<i + len])))
                i += len
            } else {
                ops.append(Operation(opcode: op, data: nil))
            }
        }
        return (ops, true)
    }

    // MARK: Standard forms

    /// `OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG`.
    public static func payToPubKeyHash(_ hash: [UInt8]) -> Script {
        precondition(hash.count == 20)
        return Script([Opcode.dup, Opcode.hash160, 20] + hash + [Opcode.equalVerify, Opcode.checkSig])
    }

    /// `OP_HASH160 <20> OP_EQUAL`.
    public static func payToScriptHash(_ hash: [UInt8]) -> Script {
        precondition(hash.count == 20)
        return Script([Opcode.hash160, 20] + hash + [Opcode.equal])
    }

    /// The key hash if this is a P2PKH script.
    public var pubKeyHash: [UInt8]? {
        guard bytes.count == 25, bytes[0] == Opcode.dup, bytes[1] == Opcode.hash160, bytes[2] == 20,
              bytes[23] == Opcode.equalVerify, bytes[24] == Opcode.checkSig else { return nil }
        return Array(bytes[3..<23])
    }

    /// The script hash if this is a P2SH script.
    public var scriptHash: [UInt8]? {
        guard bytes.count == 23, bytes[0] == Opcode.hash160, bytes[1] == 20, bytes[22] == Opcode.equal
        else { return nil }
        return Array(bytes[2..<22])
    }

    /// Appends a minimal push of `data`.
    public mutating func appendPush(_ data: [UInt8]) {
        switch data.count {
        case 0..<Int(Opcode.pushData1): bytes.append(UInt8(data.count))
        case 0..<0x100: bytes += [Opcode.pushData1, UInt8(data.count)]
        case 0..<0x10000: bytes += [Opcode.pushData2, UInt8(data.count & 0xFF), UInt8(data.count >> 8)]
        default:
            bytes.append(Opcode.pushData4)
            for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: data.count >> s)) }
        }
        bytes += data
    }

    /// Appends the minimal push of a script number (`CScript << int64`): small integers use OP_0/OP_1..OP_16
    /// and OP_1NEGATE, others a little-endian sign-magnitude push.
    public mutating func appendNumber(_ n: Int64) {
        if n == -1 || (1...16).contains(n) {
            bytes.append(UInt8(n + Int64(Opcode.op1) - 1))
        } else if n == 0 {
            bytes.append(Opcode.op0)
        } else {
            appendPush(Script.encodeNumber(n))
        }
    }

    /// Script-number encoding (`CScriptNum::serialize`): minimal little-endian sign-magnitude bytes.
    public static func encodeNumber(_ n: Int64) -> [UInt8] {
        if n == 0 { return [] }
        var out: [UInt8] = []
        var magnitude = n.magnitude
        while magnitude > 0 { out.append(UInt8(magnitude & 0xFF)); magnitude >>= 8 }
        if out.last! & 0x80 != 0 { out.append(n < 0 ? 0x80 : 0) } else if n < 0 { out[out.count - 1] |= 0x80 }
        return out
    }
}

extension Script: WireCodable {
    /// Writes the CompactSize length and the script bytes.
    public func encode(to writer: inout ByteWriter) { writer.writeVarBytes(bytes) }
    /// Reads the wire encoding, advancing `reader`.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        bytes = try reader.readVarBytes("script")
    }
}
