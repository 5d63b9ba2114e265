import FluxPrimitives

/// Human-readable forms of scripts, as fluxd's RPC prints them.
public enum ScriptDescription {
    /// fluxd's `ScriptToAsmStr`: pushes of up to 4 bytes as decimal script numbers, longer pushes as hex
    /// (with `[ALL]`-style sighash suffixes when `decodeSignatures` is set and the push is a strictly encoded
    /// signature), other opcodes by name; `[error]` where parsing fails.
    public static func asm(_ script: Script, decodeSignatures: Bool = false) -> String {
        let unspendable = script.bytes.first == Opcode.opReturn
        let (operations, complete) = script.parsedOperations
        var parts: [String] = operations.map { operation in
            guard var data = operation.data else { return Opcode.name(operation.opcode) }
            if data.count <= 4 { return String(scriptNumber(data)) }
            if decodeSignatures && !unspendable && SignatureEncoding.isStrictDER(data)
                && SignatureEncoding.hasDefinedHashType(data),
               let name = SignatureEncoding.sighashNames[data.last!] {
                data.removeLast()
                return Hex.encode(data) + "[" + name + "]"
            }
            return Hex.encode(data)
        }
        if !complete { parts.append("[error]") }
        return parts.joined(separator: " ")
    }

    /// Decodes a little-endian sign-magnitude script number (as `CScriptNum(vch, false).getint()`), clamped to
    /// the range of Int32.
    static func scriptNumber(_ data: [UInt8]) -> Int64 {
        guard !data.isEmpty else { return 0 }
        var result: Int64 = 0
        for (k, byte) in data.enumerated() { result |= Int64(byte) << (8 * Int64(k)) }
        if data.last! & 0x80 != 0 {
            result = -(result & ~(Int64(0x80) << (8 * Int64(data.count - 1))))
        }
        return min(max(result, Int64(Int32.min)), Int64(Int32.max))
    }

    /// Standard output types (fluxd's `txnouttype` names).
    public enum OutputType: String, Sendable {
        case nonstandard, pubkey, pubkeyhash, scripthash, multisig, nulldata
    }

    /// Classifies an output script (fluxd's `Solver`) and returns its type, the number of signatures it needs
    /// and the addresses it pays to (empty when none can be extracted).
    public static func classify(_ script: Script) -> (type: OutputType, required: Int, addresses: [Address]) {
        if let h = script.scriptHash { return (.scripthash, 1, [.scriptHash(h)]) }
        let b = script.bytes
        guard let ops = script.operations else { return (.nonstandard, 0, []) }
        if b.first == Opcode.opReturn {
            if ops.dropFirst().allSatisfy({ $0.opcode <= Opcode.op16 }) { return (.nulldata, 0, []) }
            return (.nonstandard, 0, [])
        }
        if let h = script.pubKeyHash { return (.pubkeyhash, 1, [.pubKeyHash(h)]) }
        if ops.count == 2, let key = ops[0].data, (33...65).contains(key.count), ops[1].opcode == Opcode.checkSig {
            guard isValidPubKey(key) else { return (.pubkey, 1, []) }
            return (.pubkey, 1, [.pubKeyHash(Hashing.hash160(key))])
        }
        if ops.count >= 3, ops.last!.opcode == Opcode.checkMultisig,
           let m = smallInteger(ops[0].opcode), let n = smallInteger(ops[ops.count - 2].opcode) {
            let keys = ops[1..<(ops.count - 2)]
            if keys.allSatisfy({ $0.data.map { (33...65).contains($0.count) } ?? false }),
               m >= 1, n >= 1, m <= n, keys.count == n {
                let addresses = keys.compactMap { $0.data }.filter(isValidPubKey).map {
                    Address.pubKeyHash(Hashing.hash160($0))
                }
                return (.multisig, m, addresses)
            }
        }
        return (.nonstandard, 0, [])
    }

    private static func smallInteger(_ op: UInt8) -> Int? {
        if op == Opcode.op0 { return 0 }
        if op >= Opcode.op1 && op <= Opcode.op16 { return Int(op - Opcode.op1) + 1 }
        return nil
    }

    /// A public key whose length matches its header byte (`CPubKey::IsValid`).
    static func isValidPubKey(_ key: [UInt8]) -> Bool {
        switch key.first {
        case 2, 3: return key.count == 33
        case 4, 6, 7: return key.count == 65
        default: return false
        }
    }
}
