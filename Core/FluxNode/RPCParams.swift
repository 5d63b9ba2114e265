import FluxJSON
import FluxPrimitives
import FluxRPC

/// Typed access to positional RPC parameters with bitcoind's error codes.
struct RPCParams {
    let method: String
    let values: [JSONValue]

    init(_ request: RPCRequest) {
        method = request.method
        values = request.params
    }

    var count: Int { values.count }

    func check(max: Int, min: Int = 0) throws(RPCError) {
        if values.count > max || values.count < min {
            throw RPCError(code: -1, message: "\(method): expected \(min == max ? "\(min)" : "\(min) to \(max)") parameters, got \(values.count)")
        }
    }

    func optional(_ i: Int) -> JSONValue? {
        guard i < values.count, values[i] != .null else { return nil }
        return values[i]
    }

    func string(_ i: Int) throws(RPCError) -> String {
        guard let v = optional(i) else { throw RPCError(code: -1, message: "\(method): parameter \(i + 1) is required") }
        guard case let .string(s) = v else {
            throw RPCError(code: -3, message: "\(method): parameter \(i + 1) must be a string")
        }
        return s
    }

    /// A 32-bit integer parameter, as bitcoind's `get_int` reads it: larger values are refused ("JSON integer out
    /// of range", code -1) rather than wrapped or clamped.
    func int(_ i: Int, default value: Int? = nil) throws(RPCError) -> Int {
        guard let v = optional(i) else {
            if let value { return value }
            throw RPCError(code: -1, message: "\(method): parameter \(i + 1) is required")
        }
        var parsed: Int?
        switch v {
        case let .number(n):
            if let x = Int(n) {
                parsed = x
            } else if let d = Double(n), d == d.rounded(), abs(d) < 1e15 {
                parsed = Int(d)
            } else if let d = Double(n), d == d.rounded(), d.isFinite {
                parsed = d < 0 ? Int.min : Int.max
            }
        case let .bool(b): return b ? 1 : 0
        default: break
        }
        guard let parsed else { throw RPCError(code: -3, message: "\(method): parameter \(i + 1) must be an integer") }
        guard Int(Int32.min)...Int(Int32.max) ~= parsed else {
            throw RPCError(code: -1, message: "\(method): parameter \(i + 1) is out of range (JSON integer out of range: \(v.serialized()))")
        }
        return parsed
    }

    func bool(_ i: Int, default value: Bool) throws(RPCError) -> Bool {
        guard let v = optional(i) else { return value }
        switch v {
        case let .bool(b): return b
        case let .number(n): return (Double(n) ?? 0) != 0
        default: throw RPCError(code: -3, message: "\(method): parameter \(i + 1) must be a boolean")
        }
    }

    func hash(_ i: Int) throws(RPCError) -> Hash256 {
        let s = try string(i)
        guard let h = Hash256(displayHex: s) else {
            throw RPCError(code: -8, message: "\(method): parameter \(i + 1) must be a 64-character hex hash, got \"\(s)\"")
        }
        return h
    }

    func hex(_ i: Int) throws(RPCError) -> [UInt8] {
        let s = try string(i)
        guard let b = Hex.decode(s) else { throw RPCError(code: -22, message: "\(method): parameter \(i + 1) is not valid hex") }
        return b
    }

    /// An amount given as a JSON number of FLUX (at most 8 decimals).
    func amount(_ i: Int) throws(RPCError) -> Amount {
        guard let v = optional(i) else { throw RPCError(code: -1, message: "\(method): parameter \(i + 1) is required") }
        let text: String
        switch v {
        case let .number(n): text = n
        case let .string(s): text = s
        default: throw RPCError(code: -3, message: "\(method): amount must be a number")
        }
        guard let a = RPCParams.parseAmount(text) else { throw RPCError(code: -3, message: "Invalid amount \(text)") }
        guard a.units > 0, a.isInMoneyRange else { throw RPCError(code: -3, message: "Amount out of range") }
        return a
    }

    /// Parses decimal FLUX text exactly (no floating point).
    static func parseAmount(_ text: String) -> Amount? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0].isEmpty ? "0" : String(parts[0])), whole >= 0 else { return nil }
        var frac: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard f.count <= 8, f.allSatisfy(\.isNumber) else { return nil }
            frac = Int64(f + String(repeating: "0", count: 8 - f.count)) ?? 0
        }
        let (units, overflow) = whole.multipliedReportingOverflow(by: Amount.coin)
        guard !overflow else { return nil }
        return Amount(units: units + frac)
    }
}
