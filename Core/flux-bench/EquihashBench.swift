import CSodium
import FluxEquihash

extension BenchmarkGroup {
    /// Equihash verification and solving against the physical limit (BLAKE2b compressions × libsodium's speed).
    static let equihash = BenchmarkGroup(
        name: "equihash",
        summary: "Equihash verify (vs. libsodium-speed limit and fluxd C++) and (48,5)/(96,5) solve",
        run: runEquihashBenchmarks)
}

/// libsodium's BLAKE2b, nanoseconds per 128-byte compression: one 1 MiB hash (8192 blocks) per sample.
func libsodiumNanosecondsPerCompression() -> Double {
    precondition(sodium_init() >= 0, "sodium_init failed")
    let size = 1 << 20
    let data = [UInt8](repeating: 0x5a, count: size)
    var out = [UInt8](repeating: 0, count: 64)
    let perHash = Timer.medianPerCall(samples: 21, minSampleNanoseconds: 5_000_000) {
        _ = data.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                crypto_generichash_blake2b(o.baseAddress!, 64, d.baseAddress!, UInt64(size), nil, 0)
            }
        }
    }
    blackHole(out)
    return perHash / Double(size / 128)
}

/// This module's Swift BLAKE2b, nanoseconds per compression over 1 MiB.
func swiftBlake2bNanosecondsPerCompression() -> Double {
    let size = 1 << 20
    let data = [UInt8](repeating: 0x5a, count: size)
    var digest: [UInt8] = []
    let perHash = Timer.medianPerCall(samples: 21, minSampleNanoseconds: 5_000_000) {
        var state = Blake2b(digestLength: 64)
        state.update(data)
        digest = state.finalize()
    }
    blackHole(digest)
    return perHash / Double(size / 128)
}

/// libsodium's per-compression time on this machine kind as recorded in equihash.md §5.3 (AVX2 path, idle machine).
let referenceSodiumNanoseconds = 121.3

func runEquihashBenchmarks() {
    let sodium = libsodiumNanosecondsPerCompression()
    let swift = swiftBlake2bNanosecondsPerCompression()
    print("BLAKE2b bulk, ns per 128-byte compression: libsodium \(fixed(sodium, 1)), FluxEquihash.Blake2b \(fixed(swift, 1))")
    print("")
    print("### Verification (single thread, median µs per verification)\n")
    var rows: [[String]] = []
    for c in equihashBenchCases {
        let input = bytes(fromHex: c.inputHex)
        let nonce = bytes(fromHex: c.nonceHex)
        let solution = bytes(fromHex: c.solutionHex)
        let compressions: Int
        do {
            compressions = try EquihashVerifier.verifyCountingCompressions(c.params, input: input, nonce: nonce,
                                                                          solution: solution)
        } catch {
            print("\(c.name): INVALID (\(error)); skipped")
            continue
        }
        var valid = 0
        let ns = Timer.medianPerCall {
            if EquihashVerifier.isValid(c.params, input: input, nonce: nonce, solution: solution) { valid &+= 1 }
        }
        blackHole(valid)
        let micros = ns / 1000
        let limit = Double(compressions) * sodium / 1000
        let docLimit = Double(compressions) * referenceSodiumNanoseconds / 1000
        rows.append([c.name, "\(input.count + nonce.count)", fixed(micros, 2), "\(compressions)", fixed(limit, 2),
                     fixed(micros / limit, 2) + "×", fixed(micros / docLimit, 2) + "×", fixed(c.fluxdMicroseconds, 1),
                     fixed(c.fluxdMicroseconds / micros, 1) + "×"])
    }
    printTable(["case", "input B", "µs/verify", "compressions", "limit µs", "vs limit", "vs limit at 121.3 ns",
                "fluxd C++ µs",
                "speed-up vs fluxd"], rows)
    print("")
    print("limit = compressions × libsodium ns/compression measured above; fluxd C++ = reference figures from")
    print("equihash.md §5.1 measured on this machine kind (Zcash's C++ verifier cannot be built here).")
    print("\"vs limit at 121.3 ns\" uses equihash.md §5.3's libsodium figure for this machine kind instead of this run's.")
    print("")
    print("### Solving (Wagner, one core; input \"block header\", nonce = le256(i))\n")
    var solveRows: [[String]] = []
    let header = Array("block header".utf8)
    for (params, nonces, fluxd) in [(EquihashParameters.zcash48_5, 200, "0.36 ms (0.73 sols/nonce)"),
                                    (EquihashParameters.zcash96_5, 12, "139 ms (1.25 sols/nonce)")] {
        var times: [Double] = []
        var solutions = 0
        for i in 0..<nonces {
            var nonce = [UInt8](repeating: 0, count: 32)
            for b in 0..<8 { nonce[b] = UInt8(truncatingIfNeeded: i >> (8 * b)) }
            var found: [[UInt8]] = []
            times.append(Timer.nanoseconds { found = EquihashSolver.solve(params, input: header, nonce: nonce) })
            solutions += found.count
            for s in found where !EquihashVerifier.isValid(params, input: header, nonce: nonce, solution: s) {
                print("BUG: invalid solution for nonce \(i)")
            }
        }
        let mean = times.reduce(0, +) / Double(times.count)
        solveRows.append(["(\(params.n),\(params.k))", "\(nonces)", fixed(median(times) / 1e6, 3),
                          fixed(mean / 1e6, 3), fixed(Double(solutions) / Double(nonces), 2), fluxd])
    }
    printTable(["params", "nonces", "median ms/nonce", "mean ms/nonce", "solutions/nonce",
                "fluxd BasicSolve (ref.)"], solveRows)
}
