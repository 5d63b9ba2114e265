import FluxPrimitives

extension Script {
    /// The legacy signature-operation count (`CScript::GetSigOpCount(bool)`), which the block limit of
    /// 20,000 sums over every scriptSig and scriptPubKey.
    ///
    /// CHECKSIG and CHECKSIGVERIFY count 1; CHECKMULTISIG(VERIFY) counts 20, or with `accurate` the key count
    /// when an OP_1…OP_16 precedes it. Counting stops silently at a truncated push.
    public func legacySigOpCount(accurate: Bool) -> Int {
        var count = 0
        var pc = 0
        var lastOpcode: UInt8 = 0xff
        while let op = ScriptCursor.read(bytes, at: &pc) {
            switch op.opcode {
            case 0xac, 0xad:
                count += 1
            case 0xae, 0xaf:
                if accurate && (0x51...0x60).contains(lastOpcode) {
                    count += Int(lastOpcode) - 0x50
                } else {
                    count += ScriptInterpreter.maxPubkeysPerMultisig
                }
            default:
                break
            }
            lastOpcode = op.opcode
        }
        return count
    }

    /// The signature operations of a P2SH spend (`CScript::GetSigOpCount(const CScript&)` on this
    /// scriptPubKey): for a P2SH script, the accurate count of the redeem script, which is the last item the
    /// push-only `scriptSig` pushes (0 if scriptSig is not push-only); for other scripts, the accurate count of
    /// this script.
    public func p2shSigOpCount(scriptSig: Script) -> Int {
        guard scriptHash != nil else { return legacySigOpCount(accurate: true) }
        var pc = 0
        var lastData: Range<Int>? = nil
        while pc < scriptSig.bytes.count {
            guard let op = ScriptCursor.read(scriptSig.bytes, at: &pc), op.opcode <= 0x60 else { return 0 }
            lastData = op.data
        }
        guard let range = lastData else { return 0 }
        return Script(Array(scriptSig.bytes[range])).legacySigOpCount(accurate: true)
    }
}
