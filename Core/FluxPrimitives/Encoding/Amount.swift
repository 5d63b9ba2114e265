/// An amount of FLUX in the smallest unit (1 FLUX = 100,000,000 units), as fluxd's `CAmount`.
public struct Amount: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The value in units; may be negative in intermediate sums (fees, value balances).
    public var units: Int64

    /// Units per FLUX (`COIN`).
    public static let coin: Int64 = 100_000_000
    /// The per-value sanity bound of `MoneyRange` (`MAX_MONEY`): 440,000,000 FLUX. Not an issuance cap.
    public static let maxMoney = Amount(units: 440_000_000 * coin)
    /// Zero.
    public static let zero = Amount(units: 0)

    /// Creates an amount of `units` smallest units.
    public init(units: Int64) { self.units = units }
    /// An amount of `value` units.
    public init(integerLiteral value: Int64) { units = value }

    /// `coins` whole FLUX.
    public static func coins(_ coins: Int64) -> Amount { Amount(units: coins * coin) }

    /// True when 0 ≤ value ≤ `maxMoney` (fluxd's `MoneyRange`).
    public var isInMoneyRange: Bool { units >= 0 && units <= Amount.maxMoney.units }

    /// Sums amounts, returning nil if any partial sum leaves the money range (fluxd checks each step).
    public static func checkedSum<S: Sequence>(_ amounts: S) -> Amount? where S.Element == Amount {
        var total: Int64 = 0
        for a in amounts {
            guard a.isInMoneyRange else { return nil }
            let (s, overflow) = total.addingReportingOverflow(a.units)
            guard !overflow, Amount(units: s).isInMoneyRange else { return nil }
            total = s
        }
        return Amount(units: total)
    }

    /// Orders by value.
    public static func < (a: Amount, b: Amount) -> Bool { a.units < b.units }
    /// Sum (traps on overflow; use `checkedSum` for untrusted values).
    public static func + (a: Amount, b: Amount) -> Amount { Amount(units: a.units + b.units) }
    /// Difference (traps on overflow).
    public static func - (a: Amount, b: Amount) -> Amount { Amount(units: a.units - b.units) }

    /// Decimal FLUX with 8 fractional digits, as RPC prints values (e.g. `"1.50000000"`).
    public var description: String {
        let negative = units < 0
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(Amount.coin)
        let frac = String(magnitude % UInt64(Amount.coin))
        return (negative ? "-" : "") + "\(whole)." + String(repeating: "0", count: 8 - frac.count) + frac
    }
}
