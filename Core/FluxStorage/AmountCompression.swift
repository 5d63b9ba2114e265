/// Bitcoin Core's amount compression (`CompressAmount`/`DecompressAmount`): strips trailing decimal zeros so
/// round amounts (block rewards, whole FLUX) fit in one to three CompactSize bytes.
enum AmountCompression {
    /// The compressed form of `n` (any value up to `Amount.maxMoney` units; larger values may overflow).
    static func compress(_ n: UInt64) -> UInt64 {
        if n == 0 { return 0 }
        var n = n
        var e: UInt64 = 0
        while n % 10 == 0 && e < 9 { n /= 10; e += 1 }
        if e < 9 {
            let d = n % 10
            n /= 10
            return 1 + (n * 9 + d - 1) * 10 + e
        }
        return 1 + (n - 1) * 10 + 9
    }

    /// The amount `x` compresses, or nil if decompression overflows 64 bits (corrupt input).
    static func decompress(_ x: UInt64) -> UInt64? {
        if x == 0 { return 0 }
        var x = x - 1
        var e = x % 10
        x /= 10
        var n: UInt64
        if e < 9 {
            let d = x % 9 + 1
            x /= 9
            let (tens, o1) = x.multipliedReportingOverflow(by: 10)
            let (sum, o2) = tens.addingReportingOverflow(d)
            if o1 || o2 { return nil }
            n = sum
        } else {
            n = x + 1
        }
        while e > 0 {
            let (next, overflow) = n.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            n = next
            e -= 1
        }
        return n
    }
}
