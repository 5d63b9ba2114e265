import FluxPrimitives
import FluxScript

/// The standard output forms (Bitcoin 0.11's `Solver` templates as fluxd uses them).
enum ScriptTemplate: Equatable {
    /// `<pubkey> OP_CHECKSIG`.
    case payToPubKey
    /// `OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG`.
    case payToPubKeyHash
    /// `OP_HASH160 <20> OP_EQUAL`.
    case payToScriptHash
    /// `OP_m <pubkey>… OP_n OP_CHECKMULTISIG`.
    case multisig(required: Int, keys: Int)
    /// `OP_RETURN` followed by pushes only.
    case nullData
    /// Anything else.
    case nonStandard

    init(_ script: Script) {
        let b = script.bytes
        if script.pubKeyHash != nil { self = .payToPubKeyHash; return }
        if script.scriptHash != nil { self = .payToScriptHash; return }
        if b.first == Opcode.opReturn {
            self = Script(Array(b.dropFirst())).isPushOnly ? .nullData : .nonStandard
            return
        }
        if (b.count == 35 && b[0] == 33 || b.count == 67 && b[0] == 65) && b.last == 0xac {
            self = .payToPubKey
            return
        }
        if let ops = script.operations, ops.count >= 4, ops.last?.opcode == 0xae,
           let m = ScriptTemplate.smallInteger(ops[0].opcode), let n = ScriptTemplate.smallInteger(ops[ops.count - 2].opcode),
           m >= 1, n >= m, ops.count == n + 3,
           ops[1..<(ops.count - 2)].allSatisfy({ $0.data.map { $0.count == 33 || $0.count == 65 } ?? false }) {
            self = .multisig(required: m, keys: n)
            return
        }
        self = .nonStandard
    }

    /// Items a standard scriptSig pushes for this output (`ScriptSigArgsExpected`); nil when it cannot be spent
    /// by a standard scriptSig.
    var argumentsExpected: Int? {
        switch self {
        case .payToPubKey: 1
        case .payToPubKeyHash: 2
        case .payToScriptHash: 1
        case let .multisig(required, _): required + 1
        case .nullData, .nonStandard: nil
        }
    }

    static func smallInteger(_ opcode: UInt8) -> Int? {
        (0x51...0x60).contains(opcode) ? Int(opcode) - 0x50 : nil
    }
}

extension Script {
    /// The items a push-only script pushes (small numbers as their minimal encoding); nil if it is not push-only.
    var pushedItems: [[UInt8]]? {
        guard let ops = operations else { return nil }
        var items: [[UInt8]] = []
        for op in ops {
            guard op.opcode <= 0x60 else { return nil }
            if let data = op.data { items.append(data); continue }
            switch op.opcode {
            case 0x00: items.append([])
            case 0x4f: items.append([0x81])
            case 0x51...0x60: items.append([op.opcode - 0x50])
            default: items.append([])   // OP_RESERVED (0x50): push-only by the rule, pushes nothing useful
            }
        }
        return items
    }
}
