import FluxPrimitives

/// The transparent script interpreter (fluxd's `EvalScript` and `VerifyScript`): Bitcoin 0.11's semantics as
/// Zcash enables them, plus CHECKLOCKTIMEVERIFY (BIP 65).
///
/// Stateless; safe to call from any number of threads at once (the checker decides what it shares).
public enum ScriptInterpreter {
    /// `MAX_SCRIPT_SIZE`: longer scripts fail before execution.
    public static let maxScriptSize = 10_000
    /// `MAX_SCRIPT_ELEMENT_SIZE`: the largest push.
    public static let maxElementSize = 520
    /// `MAX_OPS_PER_SCRIPT`: non-push operations per script (CHECKMULTISIG adds its key count).
    public static let maxOpsPerScript = 201
    /// `MAX_PUBKEYS_PER_MULTISIG`.
    public static let maxPubkeysPerMultisig = 20
    /// Maximum number of items on the stack and alt stack together.
    public static let maxStackSize = 1_000

    /// Verifies that `scriptSig` satisfies `scriptPubKey` (`VerifyScript`): runs scriptSig, then scriptPubKey
    /// on the resulting stack, then for P2SH outputs (with `.p2sh`) the redeem script on scriptSig's stack.
    ///
    /// - Throws: the first rule broken, as fluxd reports it.
    public static func verify(scriptSig: Script, scriptPubKey: Script, flags: ScriptFlags,
                              checker: some SignatureChecker) throws(ScriptError) {
        if flags.contains(.sigPushOnly) && !scriptSig.isPushOnly { throw .sigPushOnly }
        var stack: [[UInt8]] = []
        try evaluate(scriptSig, stack: &stack, flags: flags, checker: checker)
        let stackAfterScriptSig = flags.contains(.p2sh) ? stack : []
        try evaluate(scriptPubKey, stack: &stack, flags: flags, checker: checker)
        guard let top = stack.last, castToBool(top) else { throw .evalFalse }

        if flags.contains(.p2sh) && scriptPubKey.scriptHash != nil {
            guard scriptSig.isPushOnly else { throw .sigPushOnly }
            stack = stackAfterScriptSig
            // Not empty: HASH160 <h> EQUAL would have failed on an empty stack.
            let redeemScript = Script(stack.removeLast())
            try evaluate(redeemScript, stack: &stack, flags: flags, checker: checker)
            guard let top = stack.last, castToBool(top) else { throw .evalFalse }
        }
        // Only after P2SH: a P2SH spend leaves its arguments on the stack before the redeem script runs. fluxd
        // asserts that CLEANSTACK comes with P2SH; here the check simply applies.
        if flags.contains(.cleanStack) && stack.count != 1 { throw .cleanStack }
    }

    /// Runs one script on `stack` (`EvalScript`).
    public static func evaluate(_ script: Script, stack: inout [[UInt8]], flags: ScriptFlags,
                                checker: some SignatureChecker) throws(ScriptError) {
        let code = script.bytes
        guard code.count <= maxScriptSize else { throw .scriptSize }
        var machine = Machine(code: code, flags: flags)
        machine.stack = stack
        defer { stack = machine.stack }
        try machine.run(checker)
    }
}

/// The state of one `EvalScript` run.
private struct Machine {
    let code: [UInt8]
    let flags: ScriptFlags
    let requireMinimal: Bool
    var stack: [[UInt8]] = []
    var altStack: [[UInt8]] = []
    /// One entry per open IF: whether its current branch executes.
    var conditions: [Bool] = []
    /// Number of false entries in `conditions` (the branch executes when zero).
    var falseConditions = 0
    var opCount = 0
    /// Start of the script code signatures commit to (after the last executed OP_CODESEPARATOR).
    var codeHashStart = 0

    init(code: [UInt8], flags: ScriptFlags) {
        self.code = code
        self.flags = flags
        requireMinimal = flags.contains(.minimalData)
    }

    // MARK: Stack helpers

    /// The item `depth` places from the top (1 = top).
    @inline(__always) func top(_ depth: Int = 1) -> [UInt8] { stack[stack.count - depth] }

    @inline(__always) func need(_ count: Int) throws(ScriptError) {
        if stack.count < count { throw .invalidStackOperation }
    }

    @inline(__always) mutating func pop() -> [UInt8] { stack.removeLast() }

    @inline(__always) func number(_ depth: Int = 1, maxSize: Int = 4) throws(ScriptError) -> ScriptNumber {
        try ScriptNumber(top(depth), requireMinimal: requireMinimal, maxSize: maxSize)
    }

    @inline(__always) mutating func push(_ n: Int64) { stack.append(ScriptNumber(n).bytes) }
    @inline(__always) mutating func push(_ b: Bool) { stack.append(b ? [1] : []) }

    // MARK: Main loop

    mutating func run(_ checker: some SignatureChecker) throws(ScriptError) {
        var pc = 0
        while pc < code.count {
            let executing = falseConditions == 0
            guard let op = ScriptCursor.read(code, at: &pc) else { throw .badOpcode }
            let opcode = op.opcode
            if let range = op.data, range.count > ScriptInterpreter.maxElementSize { throw .pushSize }
            // OP_RESERVED (0x50) and the small-number pushes do not count.
            if opcode > 0x60 {
                opCount += 1
                if opCount > ScriptInterpreter.maxOpsPerScript { throw .opCount }
            }
            if Self.isDisabled(opcode) { throw .disabledOpcode }

            if opcode <= 0x4e {
                guard executing, let range = op.data else { continue }
                let data = Array(code[range])
                if requireMinimal && !Self.isMinimalPush(data, opcode: opcode) { throw .minimalData }
                stack.append(data)
            } else if executing || (0x63...0x68).contains(opcode) {
                try execute(opcode, pc: pc, checker)
            }
            if stack.count + altStack.count > ScriptInterpreter.maxStackSize { throw .stackSize }
        }
        if !conditions.isEmpty { throw .unbalancedConditional }
    }

    static func isDisabled(_ opcode: UInt8) -> Bool {
        switch opcode {
        case 0x7e...0x81, 0x83...0x86, 0x8d, 0x8e, 0x95...0x99: true
        default: false
        }
    }

    /// `CheckMinimalPush`: the data must use the shortest push (OP_0, OP_1…OP_16, OP_1NEGATE, direct, or the
    /// smallest PUSHDATA).
    static func isMinimalPush(_ data: [UInt8], opcode: UInt8) -> Bool {
        if data.isEmpty { return opcode == 0x00 }
        if data.count == 1 && data[0] >= 1 && data[0] <= 16 { return opcode == 0x50 + data[0] }
        if data.count == 1 && data[0] == 0x81 { return opcode == 0x4f }
        if data.count <= 75 { return Int(opcode) == data.count }
        if data.count <= 255 { return opcode == 0x4c }
        if data.count <= 65_535 { return opcode == 0x4d }
        return true
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    mutating func execute(_ opcode: UInt8, pc: Int, _ checker: some SignatureChecker) throws(ScriptError) {
        switch opcode {
        // Constants
        case 0x4f, 0x51...0x60:
            push(Int64(opcode) - 0x50)

        // Control
        case 0x61:
            break
        case 0xb1:
            guard flags.contains(.checkLockTimeVerify) else {
                if flags.contains(.discourageUpgradableNOPs) { throw .discourageUpgradableNOPs }
                break
            }
            try need(1)
            // Five bytes: lock times up to 2^39 − 1 fit, beyond the 4-byte operand limit.
            let lockTime = try number(maxSize: 5).value
            if lockTime < 0 { throw .negativeLockTime }
            if !checker.checkLockTime(lockTime) { throw .unsatisfiedLockTime }
        case 0xb0, 0xb2...0xb9:
            if flags.contains(.discourageUpgradableNOPs) { throw .discourageUpgradableNOPs }
        case 0x63, 0x64:
            var value = false
            if falseConditions == 0 {
                guard !stack.isEmpty else { throw .unbalancedConditional }
                value = castToBool(pop())
                if opcode == 0x64 { value.toggle() }
            }
            conditions.append(value)
            if !value { falseConditions += 1 }
        case 0x67:
            guard let last = conditions.last else { throw .unbalancedConditional }
            conditions[conditions.count - 1] = !last
            falseConditions += last ? 1 : -1
        case 0x68:
            guard let last = conditions.popLast() else { throw .unbalancedConditional }
            if !last { falseConditions -= 1 }
        case 0x69:
            try need(1)
            guard castToBool(top()) else { throw .verify }
            stack.removeLast()
        case 0x6a:
            throw .opReturn

        // Stack
        case 0x6b:
            try need(1)
            altStack.append(pop())
        case 0x6c:
            guard let item = altStack.popLast() else { throw .invalidAltstackOperation }
            stack.append(item)
        case 0x6d:
            try need(2)
            stack.removeLast(2)
        case 0x6e:
            try need(2)
            stack.append(contentsOf: [top(2), top(1)])
        case 0x6f:
            try need(3)
            stack.append(contentsOf: [top(3), top(2), top(1)])
        case 0x70:
            try need(4)
            stack.append(contentsOf: [top(4), top(3)])
        case 0x71:
            try need(6)
            let a = top(6), b = top(5)
            stack.removeSubrange((stack.count - 6)..<(stack.count - 4))
            stack.append(contentsOf: [a, b])
        case 0x72:
            try need(4)
            let n = stack.count
            stack.swapAt(n - 4, n - 2)
            stack.swapAt(n - 3, n - 1)
        case 0x73:
            try need(1)
            if castToBool(top()) { stack.append(top()) }
        case 0x74:
            push(Int64(stack.count))
        case 0x75:
            try need(1)
            stack.removeLast()
        case 0x76:
            try need(1)
            stack.append(top())
        case 0x77:
            try need(2)
            stack.remove(at: stack.count - 2)
        case 0x78:
            try need(2)
            stack.append(top(2))
        case 0x79, 0x7a:
            try need(2)
            let n = Int(try number().int32)
            stack.removeLast()
            guard n >= 0, n < stack.count else { throw .invalidStackOperation }
            let item = top(n + 1)
            if opcode == 0x7a { stack.remove(at: stack.count - n - 1) }
            stack.append(item)
        case 0x7b:
            try need(3)
            let n = stack.count
            stack.swapAt(n - 3, n - 2)
            stack.swapAt(n - 2, n - 1)
        case 0x7c:
            try need(2)
            stack.swapAt(stack.count - 2, stack.count - 1)
        case 0x7d:
            try need(2)
            stack.insert(top(), at: stack.count - 2)
        case 0x82:
            try need(1)
            push(Int64(top().count))

        // Bitwise logic
        case 0x87, 0x88:
            try need(2)
            let equal = top(2) == top(1)
            stack.removeLast(2)
            push(equal)
            if opcode == 0x88 {
                guard equal else { throw .equalVerify }
                stack.removeLast()
            }

        // Numeric
        case 0x8b, 0x8c, 0x8f, 0x90, 0x91, 0x92:
            try need(1)
            var n = try number().value
            switch opcode {
            case 0x8b: n += 1
            case 0x8c: n -= 1
            case 0x8f: n = -n
            case 0x90: n = abs(n)
            case 0x91: n = n == 0 ? 1 : 0
            default: n = n != 0 ? 1 : 0
            }
            stack.removeLast()
            push(n)
        case 0x93, 0x94, 0x9a...0xa4:
            try need(2)
            let a = try number(2).value, b = try number(1).value
            let result: Int64
            switch opcode {
            case 0x93: result = a + b
            case 0x94: result = a - b
            case 0x9a: result = (a != 0 && b != 0) ? 1 : 0
            case 0x9b: result = (a != 0 || b != 0) ? 1 : 0
            case 0x9c, 0x9d: result = a == b ? 1 : 0
            case 0x9e: result = a != b ? 1 : 0
            case 0x9f: result = a < b ? 1 : 0
            case 0xa0: result = a > b ? 1 : 0
            case 0xa1: result = a <= b ? 1 : 0
            case 0xa2: result = a >= b ? 1 : 0
            case 0xa3: result = min(a, b)
            default: result = max(a, b)
            }
            stack.removeLast(2)
            push(result)
            if opcode == 0x9d {
                guard castToBool(top()) else { throw .numEqualVerify }
                stack.removeLast()
            }
        case 0xa5:
            try need(3)
            let x = try number(3).value, low = try number(2).value, high = try number(1).value
            stack.removeLast(3)
            push(low <= x && x < high)

        // Crypto
        case 0xa6:
            try need(1)
            stack.append(Hashing.ripemd160(pop()))
        case 0xa7:
            try need(1)
            stack.append(Hashing.sha1(pop()))
        case 0xa8:
            try need(1)
            stack.append(Hashing.sha256(pop()))
        case 0xa9:
            try need(1)
            stack.append(Hashing.hash160(pop()))
        case 0xaa:
            try need(1)
            stack.append(Hashing.sha256d(pop()).bytes)
        case 0xab:
            codeHashStart = pc
        case 0xac, 0xad:
            try need(2)
            let signature = top(2), publicKey = top(1)
            // Zcash removed Bitcoin's FindAndDelete: the signature is not deleted from the script code.
            let scriptCode = Script(Array(code[codeHashStart...]))
            try checkSignatureEncoding(signature)
            try checkPublicKeyEncoding(publicKey)
            let ok = checker.checkSignature(signature, publicKey: publicKey, scriptCode: scriptCode)
            stack.removeLast(2)
            push(ok)
            if opcode == 0xad {
                guard ok else { throw .checkSigVerify }
                stack.removeLast()
            }
        case 0xae, 0xaf:
            try checkMultisig(opcode, checker)

        default:
            // OP_RESERVED, OP_VER, OP_VERIF, OP_VERNOTIF, OP_RESERVED1/2 and every undefined opcode.
            throw .badOpcode
        }
    }

    mutating func checkMultisig(_ opcode: UInt8, _ checker: some SignatureChecker) throws(ScriptError) {
        var i = 1
        try need(i)
        var keyCount = Int(try number(i).int32)
        guard keyCount >= 0, keyCount <= ScriptInterpreter.maxPubkeysPerMultisig else { throw .pubkeyCount }
        opCount += keyCount
        if opCount > ScriptInterpreter.maxOpsPerScript { throw .opCount }
        i += 1
        var keyDepth = i
        i += keyCount
        try need(i)
        var sigCount = Int(try number(i).int32)
        guard sigCount >= 0, sigCount <= keyCount else { throw .sigCount }
        i += 1
        var sigDepth = i
        i += sigCount
        try need(i)

        // No FindAndDelete of the signatures (Zcash removed it).
        let signedCode = Script(Array(code[codeHashStart...]))

        var success = true
        while success && sigCount > 0 {
            let signature = top(sigDepth), publicKey = top(keyDepth)
            try checkSignatureEncoding(signature)
            try checkPublicKeyEncoding(publicKey)
            if checker.checkSignature(signature, publicKey: publicKey, scriptCode: signedCode) {
                sigDepth += 1
                sigCount -= 1
            }
            keyDepth += 1
            keyCount -= 1
            // More signatures left than keys: cannot succeed.
            if sigCount > keyCount { success = false }
        }
        stack.removeLast(i - 1)
        // The historical off-by-one: one more item is consumed, which NULLDUMMY requires to be empty.
        try need(1)
        if flags.contains(.nullDummy) && !top().isEmpty { throw .sigNullDummy }
        stack.removeLast()
        push(success)
        if opcode == 0xaf {
            guard success else { throw .checkMultisigVerify }
            stack.removeLast()
        }
    }

    // MARK: Signature and key encoding

    /// `CheckSignatureEncoding`. An empty signature is allowed (a compact way to fail CHECK(MULTI)SIG);
    /// otherwise strict DER is always required (Zcash never had non-DER signatures), then LOW_S and STRICTENC's
    /// defined hash type when those flags are set.
    func checkSignatureEncoding(_ signature: [UInt8]) throws(ScriptError) {
        if signature.isEmpty { return }
        guard SignatureEncoding.isStrictDER(signature) else { throw .sigDER }
        if flags.contains(.lowS) && !PublicKey.isLowS(signatureDER: Array(signature.dropLast())) {
            throw .sigHighS
        }
        if flags.contains(.strictEncoding) && !SignatureEncoding.hasDefinedHashType(signature) {
            throw .sigHashType
        }
    }

    /// `CheckPubKeyEncoding`: under STRICTENC a key must be 33 bytes starting 02/03 or 65 bytes starting 04.
    func checkPublicKeyEncoding(_ key: [UInt8]) throws(ScriptError) {
        guard flags.contains(.strictEncoding) else { return }
        let ok: Bool
        switch key.first {
        case 0x04: ok = key.count == 65
        case 0x02, 0x03: ok = key.count == 33
        default: ok = false
        }
        if !ok { throw .pubkeyType }
    }
}

extension Script {
    /// True if every operation is a push or a small-number opcode (`IsPushOnly`: opcode ≤ OP_16, OP_RESERVED
    /// included) and the script parses to the end.
    public var isPushOnly: Bool {
        var pc = 0
        while pc < bytes.count {
            guard let op = ScriptCursor.read(bytes, at: &pc), op.opcode <= 0x60 else { return false }
        }
        return true
    }
}
