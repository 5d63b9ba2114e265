// Shared benchmark plumbing: the group registry entry type, timing, statistics and table printing.
// A new benchmark group lives in its own file as `extension BenchmarkGroup { static let name = ... }` and is
// listed once in `BenchmarkGroup.all` (main.swift).

/// A named set of benchmarks, selected by the first command-line argument of `flux-bench`.
struct BenchmarkGroup: Sendable {
    /// The command-line name (`flux-bench <name>`).
    let name: String
    /// One line for `flux-bench --list`.
    let summary: String
    /// Runs the group and prints its report to standard output.
    let run: @Sendable () -> Void
}

/// Monotonic time source for benchmarks.
enum Timer {
    /// Nanoseconds elapsed while running `body` once.
    @inline(never)
    static func nanoseconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        body()
        let elapsed = clock.now - start
        let (seconds, attoseconds) = elapsed.components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }

    /// Median nanoseconds per call of `body`: `samples` samples, each timing enough back-to-back calls to last
    /// at least `minSampleNanoseconds` (calibrated once), after a warm-up.
    static func medianPerCall(samples: Int = 31, minSampleNanoseconds: Double = 2_000_000,
                              _ body: () -> Void) -> Double {
        for _ in 0..<3 { body() }
        var repeats = 1
        while nanoseconds({ for _ in 0..<repeats { body() } }) < minSampleNanoseconds && repeats < 1 << 24 {
            repeats *= 2
        }
        var perCall: [Double] = []
        for _ in 0..<samples {
            perCall.append(nanoseconds { for _ in 0..<repeats { body() } } / Double(repeats))
        }
        return median(perCall)
    }
}

/// The median of a non-empty list (mean of the middle two for even counts).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// Keeps a value alive so the optimiser cannot delete the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// Formats `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if digits == 0 { text = String(text[..<dot]) } else if decimals < digits {
            text += String(repeating: "0", count: digits - decimals)
        }
    }
    return text
}

/// Prints a Markdown table with a header row.
func printTable(_ header: [String], _ rows: [[String]]) {
    print("| " + header.joined(separator: " | ") + " |")
    print("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
    for row in rows { print("| " + row.joined(separator: " | ") + " |") }
}

/// Decodes hex (benchmark data is trusted; traps on malformed input).
func bytes(fromHex hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    precondition(digits.count % 2 == 0, "odd-length hex")
    func value(_ c: UInt8) -> UInt8 {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: preconditionFailure("bad hex digit")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
}
