import FluxPrimitives

/// Compact stored form of locking scripts (after Bitcoin Core's `ScriptCompression`, without uncompressed keys):
/// CompactSize tag, then 0 → P2PKH key hash (20 bytes), 1 → P2SH script hash (20 bytes), 2/3 → x-coordinate of a
/// compressed public key paid to by P2PK (32 bytes), n ≥ 4 → n − 4 raw script bytes.
enum ScriptCompression {
    /// Number of special tags before raw scripts.
    static let specialTags: UInt64 = 4

    /// Appends the compact form of `script`.
    static func encode(_ script: Script, to w: inout ByteWriter) {
        let b = script.bytes
        if let hash = script.pubKeyHash {
            w.writeUInt8(0)
            w.writeBytes(hash)
        } else if b.count == 23, b[0] == Opcode.hash160, b[1] == 20, b[22] == Opcode.equal {
            w.writeUInt8(1)
            w.writeBytes(b[2..<22])
        } else if b.count == 35, b[0] == 33, b[1] == 2 || b[1] == 3, b[34] == Opcode.checkSig {
            w.writeUInt8(b[1])
            w.writeBytes(b[2..<34])
        } else {
            w.writeCompactSize(UInt64(b.count) + specialTags)
            w.writeBytes(b)
        }
    }

    /// Reads a compact script, advancing `r`.
    static func decode(from r: inout ByteReader) throws(DecodingError) -> Script {
        let tag = try r.readCompactSize("coin.script", limit: CompactSize.maxSize + specialTags)
        switch tag {
        case 0: return Script.payToPubKeyHash(try r.readBytes(20, "coin.script.keyHash"))
        case 1: return Script.payToScriptHash(try r.readBytes(20, "coin.script.scriptHash"))
        case 2, 3: return Script([33, UInt8(tag)] + (try r.readBytes(32, "coin.script.pubKey")) + [Opcode.checkSig])
        default: return Script(try r.readBytes(Int(tag - specialTags), "coin.script.bytes"))
        }
    }
}
