import FluxPrimitives
import FluxTestSupport
import Testing
@testable import FluxScript

/// One case of `tx_valid.json` / `tx_invalid.json`: prevouts with their scripts, the transaction, the flags.
struct TransactionVector: CustomTestStringConvertible {
    var prevouts: [OutPoint: Script]
    var rawTx: String
    var flags: ScriptFlags
    var comment: String

    var testDescription: String { "\(comment) \(rawTx.prefix(24))… \(flags)" }

    static func load(_ name: String) throws -> [TransactionVector] {
        let rows = try value(try Fixtures.json("fluxd-tests/" + name) as? [[Any]], "rows")
        var vectors: [TransactionVector] = []
        var comment = ""
        for row in rows {
            if row.count == 1, let text = row[0] as? String {
                comment = text
                continue
            }
            var prevouts: [OutPoint: Script] = [:]
            for input in try value(row[0] as? [[Any]], "inputs") {
                let hash = try value(Hash256(displayHex: try value(input[0] as? String, "hash")), "hash hex")
                let index = UInt32(truncatingIfNeeded: try value(input[1] as? Int, "index"))
                prevouts[OutPoint(hash: hash, index: index)] = try ScriptNotation.parse(try value(input[2] as? String,
                                                                                                   "script"))
            }
            let flags = try value(ScriptFlags(names: try value(row[2] as? String, "flags")), "flag names")
            vectors.append(TransactionVector(prevouts: prevouts, rawTx: try value(row[1] as? String, "tx"),
                                             flags: flags, comment: comment))
        }
        return vectors
    }

    /// The scripts' verdict: nil if every input verifies, else the first input's error.
    func verifyScripts(_ tx: Transaction) throws -> (input: Int, error: ScriptError)? {
        let cache = SighashCache(tx: tx)
        for (i, input) in tx.inputs.enumerated() {
            let scriptPubKey = try value(prevouts[input.prevout], "prevout of input \(i)")
            // Amount 0: these vectors are all legacy transactions, whose digest does not commit to amounts.
            let checker = TransactionSignatureChecker(tx: tx, inputIndex: i, amount: 0, branchId: 0, cache: cache)
            do throws(ScriptError) {
                try ScriptInterpreter.verify(scriptSig: input.scriptSig, scriptPubKey: scriptPubKey, flags: flags,
                                             checker: checker)
            } catch {
                return (i, error)
            }
        }
        return nil
    }
}

struct MissingValue: Error { var what: String }

/// Unwraps a fixture value (a plain function: `#require` cannot nest).
func value<T>(_ x: T?, _ what: String) throws -> T {
    guard let x else { throw MissingValue(what: what) }
    return x
}

/// The few context-free rules (`CheckTransaction`) some `tx_invalid.json` cases break instead of a script rule.
/// Test-only: the chain module owns the real check. Nil if none applies.
func structuralDefect(_ tx: Transaction) -> String? {
    if tx.inputs.isEmpty { return "vin empty" }
    if tx.outputs.isEmpty { return "vout empty" }
    var total: Int64 = 0
    for output in tx.outputs {
        if output.value.units < 0 { return "vout negative" }
        if output.value.units > Amount.maxMoney.units { return "vout too large" }
        total += output.value.units
        if total > Amount.maxMoney.units { return "total out of range" }
    }
    if Set(tx.inputs.map(\.prevout)).count != tx.inputs.count { return "duplicate inputs" }
    if tx.isCoinbase {
        if !(2...100).contains(tx.inputs[0].scriptSig.bytes.count) { return "coinbase script size" }
    } else if tx.inputs.contains(where: { $0.prevout.isNull }) {
        return "prevout null"
    }
    return nil
}

@Suite struct TransactionVectorTests {
    @Test func everyValidTransactionVerifies() throws {
        let vectors = try TransactionVector.load("tx_valid.json")
        #expect(vectors.count == 32)
        var failures: [String] = []
        for v in vectors {
            let tx = try Transaction(serialized: hexBytes(v.rawTx))
            #expect(structuralDefect(tx) == nil, "\(v.testDescription)")
            if let failure = try v.verifyScripts(tx) {
                failures.append("\(v.testDescription): input \(failure.input): \(failure.error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failed:\n\(failures.joined(separator: "\n"))")
    }

    /// Every invalid transaction fails a script, or (counted separately) breaks only a structural rule that
    /// the chain module's `CheckTransaction` rejects.
    @Test func everyInvalidTransactionFails() throws {
        let vectors = try TransactionVector.load("tx_invalid.json")
        #expect(vectors.count == 54)
        var scriptFailures = 0, parseFailures = 0
        var structural: [String] = []
        var accepted: [String] = []
        for v in vectors {
            guard let tx = try? Transaction(serialized: hexBytes(v.rawTx)) else {
                parseFailures += 1
                continue
            }
            if (try? v.verifyScripts(tx)) ?? nil != nil {
                scriptFailures += 1
            } else if let defect = structuralDefect(tx) {
                structural.append(defect)
            } else {
                accepted.append(v.testDescription)
            }
        }
        #expect(accepted.isEmpty, "\(accepted.count) accepted:\n\(accepted.joined(separator: "\n"))")
        #expect(scriptFailures + parseFailures + structural.count == vectors.count)
        print("tx_invalid: \(scriptFailures) fail a script, \(parseFailures) do not parse, \(structural.count) "
              + "structural only (skipped here, CheckTransaction's job): \(structural)")
    }
}
