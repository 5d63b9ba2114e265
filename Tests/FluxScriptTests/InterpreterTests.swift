import FluxPrimitives
import FluxTestSupport
import Testing
@testable import FluxScript

/// Spends built and signed here, in the formats Flux uses today (v4 Sapling, ZIP 243).
@Suite struct SignedSpendTests {
    static let branchId: UInt32 = 0x76b8_09bb
    static let prevout = OutPoint(hash: Hashing.sha256d([7]), index: 1)

    static func spend(_ scriptPubKey: Script, amount: Amount, lockTime: UInt32 = 0,
                      sequence: UInt32 = .max) -> Transaction {
        let payee = Script.payToPubKeyHash([UInt8](repeating: 9, count: 20))
        return Transaction.sapling(inputs: [TxIn(prevout: prevout, scriptSig: [], sequence: sequence)],
                                   outputs: [TxOut(value: 5_000, scriptPubKey: payee)], lockTime: lockTime)
    }

    static func sign(_ tx: Transaction, scriptCode: Script, amount: Amount, key: PrivateKey,
                     type: SigHashType = .all) -> [UInt8] {
        let digest = SignatureHash.compute(tx: tx, inputIndex: 0, scriptCode: scriptCode, amount: amount,
                                           hashType: type, branchId: branchId)!
        return key.sign(digest32: digest) + [UInt8(truncatingIfNeeded: type.rawValue)]
    }

    static func verify(_ tx: Transaction, _ scriptPubKey: Script, amount: Amount,
                       flags: ScriptFlags = .standard) throws(ScriptError) {
        let checker = TransactionSignatureChecker(tx: tx, inputIndex: 0, amount: amount, branchId: branchId,
                                                  cache: SighashCache(tx: tx))
        try ScriptInterpreter.verify(scriptSig: tx.inputs[0].scriptSig, scriptPubKey: scriptPubKey, flags: flags,
                                     checker: checker)
    }

    @Test(arguments: [true, false])
    func payToPubKeyHash(compressed: Bool) throws {
        let key = PrivateKey.generate()
        let pub = key.publicKey(compressed: compressed)
        let lock = Script.payToPubKeyHash(pub.hash160)
        var tx = Self.spend(lock, amount: 10_000)
        let sig = Self.sign(tx, scriptCode: lock, amount: 10_000, key: key)
        var scriptSig = Script([])
        scriptSig.appendPush(sig)
        scriptSig.appendPush(pub.bytes)
        tx.inputs[0].scriptSig = scriptSig
        try Self.verify(tx, lock, amount: 10_000)
        try Self.verify(tx, lock, amount: 10_000, flags: .consensus)
        // ZIP 243 commits to the amount.
        #expect(throws: ScriptError.evalFalse) { try Self.verify(tx, lock, amount: 10_001) }
        // Another key's hash.
        let other = Script.payToPubKeyHash(PrivateKey.generate().publicKey().hash160)
        #expect(throws: ScriptError.equalVerify) { try Self.verify(tx, other, amount: 10_000) }
    }

    @Test func payToScriptHashMultisig() throws {
        let keys = (0..<3).map { _ in PrivateKey.generate() }
        var redeem = Script([0x52])
        for k in keys { redeem.appendPush(k.publicKey().bytes) }
        redeem.bytes += [0x53, Opcode.checkMultisig]
        let lock = Script.payToScriptHash(Hashing.hash160(redeem.bytes))
        var tx = Self.spend(lock, amount: 1_000)
        let s0 = Self.sign(tx, scriptCode: redeem, amount: 1_000, key: keys[0])
        let s2 = Self.sign(tx, scriptCode: redeem, amount: 1_000, key: keys[2])

        func scriptSig(dummy: [UInt8], _ sigs: [[UInt8]]) -> Script {
            var s = Script(dummy.isEmpty ? [0x00] : [])
            if !dummy.isEmpty { s.appendPush(dummy) }
            for sig in sigs { s.appendPush(sig) }
            s.appendPush(redeem.bytes)
            return s
        }
        tx.inputs[0].scriptSig = scriptSig(dummy: [], [s0, s2])
        try Self.verify(tx, lock, amount: 1_000)
        #expect(lock.p2shSigOpCount(scriptSig: tx.inputs[0].scriptSig) == 3)
        #expect(lock.legacySigOpCount(accurate: false) == 0)
        #expect(redeem.legacySigOpCount(accurate: false) == 20)

        // Signatures must follow the key order.
        tx.inputs[0].scriptSig = scriptSig(dummy: [], [s2, s0])
        #expect(throws: ScriptError.evalFalse) { try Self.verify(tx, lock, amount: 1_000) }
        // A non-empty dummy is consensus-valid but breaks NULLDUMMY.
        tx.inputs[0].scriptSig = scriptSig(dummy: [0x20], [s0, s2])
        try Self.verify(tx, lock, amount: 1_000, flags: .consensus)
        #expect(throws: ScriptError.sigNullDummy) { try Self.verify(tx, lock, amount: 1_000) }
        // A non-push scriptSig is never allowed for P2SH.
        var withNop = scriptSig(dummy: [], [s0, s2])
        withNop.bytes.insert(0x61, at: 0)
        tx.inputs[0].scriptSig = withNop
        #expect(throws: ScriptError.sigPushOnly) { try Self.verify(tx, lock, amount: 1_000, flags: .consensus) }
    }

    @Test func highSIsConsensusValidButNotStandard() throws {
        let key = PrivateKey.generate()
        let pub = key.publicKey()
        var lock = Script([])
        lock.appendPush(pub.bytes)
        lock.bytes.append(Opcode.checkSig)
        var tx = Self.spend(lock, amount: 1)
        let sig = Self.sign(tx, scriptCode: lock, amount: 1, key: key)
        let high = try #require(KeyTests.negateS(Array(sig.dropLast()))) + [1]
        var scriptSig = Script([])
        scriptSig.appendPush(high)
        tx.inputs[0].scriptSig = scriptSig
        try Self.verify(tx, lock, amount: 1, flags: .consensus)
        #expect(throws: ScriptError.sigHighS) { try Self.verify(tx, lock, amount: 1) }
    }

    @Test func undefinedHashTypeFailsOnlyUnderStrictEncoding() throws {
        let key = PrivateKey.generate()
        var lock = Script([])
        lock.appendPush(key.publicKey().bytes)
        lock.bytes.append(Opcode.checkSig)
        var tx = Self.spend(lock, amount: 1)
        let sig = Self.sign(tx, scriptCode: lock, amount: 1, key: key, type: SigHashType(rawValue: 0x21))
        var scriptSig = Script([])
        scriptSig.appendPush(sig)
        tx.inputs[0].scriptSig = scriptSig
        try Self.verify(tx, lock, amount: 1, flags: .consensus)
        #expect(throws: ScriptError.sigHashType) { try Self.verify(tx, lock, amount: 1) }
    }

    @Test func checkLockTimeVerify() throws {
        func lock(_ n: Int64) -> Script {
            var s = Script([])
            s.appendNumber(n)
            s.bytes += [Opcode.checkLockTimeVerify, 0x75, 0x51]   // CLTV DROP 1
            return s
        }
        let tx = Self.spend(lock(100), amount: 0, lockTime: 150, sequence: 0)
        try Self.verify(tx, lock(100), amount: 0)
        try Self.verify(tx, lock(150), amount: 0)
        #expect(throws: ScriptError.unsatisfiedLockTime) { try Self.verify(tx, lock(151), amount: 0) }
        #expect(throws: ScriptError.unsatisfiedLockTime) { try Self.verify(tx, lock(500_000_000), amount: 0) }
        #expect(throws: ScriptError.negativeLockTime) { try Self.verify(tx, lock(-1), amount: 0) }
        // Five-byte arguments are allowed here (and only here).
        let timeTx = Self.spend(lock(0), amount: 0, lockTime: 0xFFFF_FFFF, sequence: 0)
        try Self.verify(timeTx, lock(0xFFFF_FFFF), amount: 0)
        // A final input disables lock time, so CLTV fails.
        let final = Self.spend(lock(100), amount: 0, lockTime: 150, sequence: .max)
        #expect(throws: ScriptError.unsatisfiedLockTime) { try Self.verify(final, lock(100), amount: 0) }
        // Without the flag OP_NOP2 is a NOP, discouraged by policy.
        try Self.verify(final, lock(100), amount: 0, flags: .p2sh)
        #expect(throws: ScriptError.discourageUpgradableNOPs) {
            try Self.verify(final, lock(100), amount: 0, flags: [.p2sh, .discourageUpgradableNOPs])
        }
    }
}

@Suite struct InterpreterRuleTests {
    static func run(_ bytes: [UInt8], flags: ScriptFlags = .standard) throws(ScriptError) {
        try ScriptInterpreter.verify(scriptSig: [], scriptPubKey: Script(bytes), flags: flags,
                                     checker: NoSignatureChecker())
    }

    @Test func disabledOpcodesFailEvenUnexecuted() {
        for op: UInt8 in [0x7e, 0x7f, 0x80, 0x81, 0x83, 0x84, 0x85, 0x86, 0x8d, 0x8e, 0x95, 0x96, 0x97, 0x98, 0x99] {
            #expect(throws: ScriptError.disabledOpcode) { try Self.run([0x00, 0x63, op, 0x68, 0x51]) }
        }
        // Reserved opcodes fail only when executed; VERIF/VERNOTIF fail anywhere.
        #expect(throws: Never.self) { try Self.run([0x00, 0x63, 0x50, 0x62, 0x89, 0xba, 0x68, 0x51]) }
        #expect(throws: ScriptError.badOpcode) { try Self.run([0x00, 0x63, 0x65, 0x68, 0x51]) }
        #expect(throws: ScriptError.badOpcode) { try Self.run([0x50]) }
    }

    @Test func nopThreeStaysANop() throws {
        try Self.run([0xb2, 0x51], flags: .consensus)
        #expect(throws: ScriptError.discourageUpgradableNOPs) { try Self.run([0xb2, 0x51]) }
    }

    @Test func limits() {
        #expect(throws: ScriptError.scriptSize) { try Self.run([UInt8](repeating: 0x61, count: 10_001)) }
        #expect(throws: ScriptError.opCount) { try Self.run([UInt8](repeating: 0x61, count: 202) + [0x51]) }
        #expect(throws: Never.self) { try Self.run([UInt8](repeating: 0x61, count: 201) + [0x51]) }
        let push521: [UInt8] = [Opcode.pushData2, 0x09, 0x02] + [UInt8](repeating: 1, count: 521)
        #expect(throws: ScriptError.pushSize) { try Self.run(push521) }
        #expect(throws: ScriptError.stackSize) { try Self.run([UInt8](repeating: 0x51, count: 1_001)) }
        #expect(throws: ScriptError.cleanStack) { try Self.run([UInt8](repeating: 0x51, count: 1_000)) }
        #expect(throws: ScriptError.badOpcode) { try Self.run([0x51, 0x4c]) }
        #expect(throws: ScriptError.opReturn) { try Self.run([0x51, 0x6a]) }
        #expect(throws: ScriptError.unbalancedConditional) { try Self.run([0x51, 0x63]) }
        #expect(throws: ScriptError.invalidStackOperation) { try Self.run([0x76]) }
        #expect(throws: ScriptError.invalidAltstackOperation) { try Self.run([0x6c]) }
    }

    @Test func numbers() throws {
        // 0x7fffffff + 1 is representable as a result but not as an operand.
        try Self.run([0x04, 0xff, 0xff, 0xff, 0x7f, 0x8b, 0x05, 0x00, 0x00, 0x00, 0x80, 0x00, 0x87])
        #expect(throws: ScriptError.unknown) { try Self.run([0x05, 0, 0, 0, 0x80, 0, 0x8b]) }
        // A non-minimal number: fine by consensus, an error under MINIMALDATA.
        try Self.run([0x01, 0x00, 0x8b], flags: .consensus)
        #expect(throws: ScriptError.unknown) { try Self.run([0x01, 0x00, 0x8b]) }
        // A non-minimal push.
        try Self.run([0x4c, 0x01, 0x05], flags: .consensus)
        #expect(throws: ScriptError.minimalData) { try Self.run([0x4c, 0x01, 0x05]) }
        #expect(throws: ScriptError.unknown) { try Self.run([0x02, 0x01, 0x00, 0x8b]) }
        try Self.run([0x02, 0xff, 0x00, 0x8b])
        #expect(ScriptNumber(-0x80).bytes == [0x80, 0x80])
        #expect(try ScriptNumber([0x80, 0x80], requireMinimal: true).value == -0x80)
        #expect(!castToBool([0, 0, 0x80]) && castToBool([0, 1]) && !castToBool([]))
    }

    @Test func cleanStack() {
        #expect(throws: ScriptError.cleanStack) { try Self.run([0x51, 0x51]) }
        #expect(throws: Never.self) { try Self.run([0x51, 0x51], flags: .consensus) }
    }

    @Test func flagNames() {
        #expect(ScriptFlags(names: "P2SH,STRICTENC") == [.p2sh, .strictEncoding])
        #expect(ScriptFlags(names: "") == [] && ScriptFlags(names: "NONE") == [])
        #expect(ScriptFlags(names: "DERSIG") == nil)
        #expect(ScriptFlags.consensus.description == "P2SH,CHECKLOCKTIMEVERIFY")
        #expect(ScriptFlags.standard.isSuperset(of: .consensus) && ScriptFlags.standard.isSuperset(of: .mandatory))
        #expect(!ScriptFlags.standard.contains(.sigPushOnly))
        #expect(ScriptError.sigDER.description == "Non-canonical DER signature")
    }

    @Test func sigOpCounts() {
        let p2pkh = Script.payToPubKeyHash([UInt8](repeating: 1, count: 20))
        #expect(p2pkh.legacySigOpCount(accurate: false) == 1)
        #expect(Script([0x52, 0xae, 0xad, 0xaf]).legacySigOpCount(accurate: true) == 2 + 1 + 20)
        #expect(Script([0xac, 0x4c]).legacySigOpCount(accurate: false) == 1)
        let p2sh = Script.payToScriptHash([UInt8](repeating: 1, count: 20))
        #expect(p2sh.p2shSigOpCount(scriptSig: Script([0x01, 0xac])) == 1)
        #expect(p2sh.p2shSigOpCount(scriptSig: Script([0x01, 0xac, 0x61])) == 0)
        #expect(p2pkh.p2shSigOpCount(scriptSig: []) == 1)
    }
}
