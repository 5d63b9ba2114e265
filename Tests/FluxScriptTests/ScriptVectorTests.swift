import FluxPrimitives
import FluxTestSupport
import Testing
@testable import FluxScript

/// One case of `script_valid.json` / `script_invalid.json`: [scriptSig, scriptPubKey, flags, comment?].
struct ScriptVector: CustomTestStringConvertible {
    var scriptSig: String
    var scriptPubKey: String
    var flags: String
    var comment: String

    var testDescription: String { "[\(scriptSig)] [\(scriptPubKey)] \(flags) \(comment)" }

    static func load(_ name: String) -> [ScriptVector] {
        guard let rows = try? Fixtures.json("fluxd-tests/" + name) as? [[Any]] else { return [] }
        return rows.compactMap { row in
            guard row.count >= 3, let sig = row[0] as? String, let pub = row[1] as? String,
                  let flags = row[2] as? String else { return nil }
            return ScriptVector(scriptSig: sig, scriptPubKey: pub, flags: flags,
                                comment: row.count > 3 ? (row[3] as? String ?? "") : "")
        }
    }

    /// Runs the case as Bitcoin's `script_tests.cpp` does: a crediting transaction with scriptSig `OP_0 OP_0`
    /// and one zero-value output locked by scriptPubKey, spent by a v1 transaction with the given scriptSig.
    func run() throws -> Result<Void, ScriptError> {
        let sig = try ScriptNotation.parse(scriptSig)
        let pub = try ScriptNotation.parse(scriptPubKey)
        let flagSet = try #require(ScriptFlags(names: flags), "unknown flags \(flags)")
        let credit = Transaction(version: 1, inputs: [TxIn(prevout: .null, scriptSig: [0x00, 0x00])],
                                 outputs: [TxOut(value: 0, scriptPubKey: pub)])
        let input = TxIn(prevout: OutPoint(hash: credit.txid, index: 0), scriptSig: sig)
        let spend = Transaction(version: 1, inputs: [input], outputs: [TxOut(value: 0, scriptPubKey: [])])
        let checker = TransactionSignatureChecker(tx: spend, inputIndex: 0, amount: 0, branchId: 0)
        do throws(ScriptError) {
            try ScriptInterpreter.verify(scriptSig: sig, scriptPubKey: pub, flags: flagSet, checker: checker)
            return .success(())
        } catch {
            return .failure(error)
        }
    }
}

@Suite struct ScriptVectorTests {
    @Test func everyValidScriptPasses() throws {
        let vectors = ScriptVector.load("script_valid.json")
        #expect(vectors.count == 578)
        var failures: [String] = []
        for v in vectors {
            if case let .failure(error) = try v.run() { failures.append("\(v.testDescription): \(error)") }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(vectors.count) failed:\n\(failures.joined(separator: "\n"))")
    }

    @Test func everyInvalidScriptFails() throws {
        let vectors = ScriptVector.load("script_invalid.json")
        #expect(vectors.count == 442)
        var passed: [String] = []
        var reasons: [ScriptError: Int] = [:]
        for v in vectors {
            switch try v.run() {
            case .success: passed.append(v.testDescription)
            case let .failure(error): reasons[error, default: 0] += 1
            }
        }
        #expect(passed.isEmpty, "\(passed.count) of \(vectors.count) passed:\n\(passed.joined(separator: "\n"))")
        // Every failure reason fluxd has shows up somewhere in the vectors.
        #expect(reasons.count >= 20, "\(reasons)")
    }

    @Test func notationParser() throws {
        #expect(try ScriptNotation.parse("DUP HASH160 0x14 0x0102 EQUAL").bytes == [0x76, 0xa9, 0x14, 1, 2, 0x87])
        #expect(try ScriptNotation.parse("0 -1 1 16 17 -2 'Az' ''").bytes
                == [0x00, 0x4f, 0x51, 0x60, 0x01, 0x11, 0x01, 0x82, 0x02, 0x41, 0x7a, 0x00])
        #expect(try ScriptNotation.parse("OP_CHECKMULTISIG NOP2 CHECKLOCKTIMEVERIFY NOP3").bytes
                == [0xae, 0xb1, 0xb1, 0xb2])
        #expect(throws: ScriptNotation.ParseError.self) { try ScriptNotation.parse("FOO") }
    }
}
