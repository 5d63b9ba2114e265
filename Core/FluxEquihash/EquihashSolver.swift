/// Wagner's algorithm for small Equihash instances (regtest/testnet (48,5), test sizes like (96,5)).
///
/// The solver is complete: like zcashd's `BasicSolve` it joins every pair of rows that collide on the next digit
/// and have disjoint index sets, so it returns every valid solution for the input, including several orderings of
/// one index set when a 3+-way collision allows them. Each solution is in the canonical order the verifier accepts
/// (at every merge the sub-tree with the smaller first index goes left) and is returned packed (minimal encoding).
///
/// Memory grows with 2^(n/(k+1)+1) · 2^(k−1) indices; parameters beyond the limits in
/// ``checkSupported(_:)`` (which excludes (200,9), (144,5) and (125,4)) are refused.
public enum EquihashSolver {
    /// Largest supported index width n/(k+1)+1, in bits (initial list of 2^22 rows).
    public static let maxIndexBits = 22
    /// Largest supported 2^(n/(k+1)+1) · 2^(k−1): the index-list size of the last stored level.
    public static let maxStoredIndices = 1 << 26

    /// Throws unless ``solve(_:input:nonce:maxSolutions:)`` handles `params`.
    ///
    /// - Throws: ``EquihashError/unsupportedBySolver(_:)`` with the limit exceeded.
    public static func checkSupported(_ params: EquihashParameters) throws(EquihashError) {
        guard params.indexBits <= maxIndexBits else {
            throw .unsupportedBySolver("initial list of 2^\(params.indexBits) rows exceeds 2^\(maxIndexBits)")
        }
        guard (1 << params.indexBits) * (1 << (params.k - 1)) <= maxStoredIndices else {
            throw .unsupportedBySolver("2^\(params.indexBits) rows of 2^\(params.k - 1) indices need too much memory")
        }
    }

    /// Finds solutions for input ‖ nonce.
    ///
    /// - Parameters:
    ///   - params: the Equihash instance (the ZelHash twist is applied when `params.twist` is set).
    ///   - input: bytes hashed before the nonce (a header's first 108 bytes).
    ///   - nonce: the nonce bytes (normally 32).
    ///   - maxSolutions: stop after this many solutions.
    /// - Returns: packed solutions (each ``EquihashParameters/solutionSize`` bytes) in the order found; empty when
    ///   none exist or the parameters are unsupported (see ``checkSupported(_:)``).
    public static func solve(_ params: EquihashParameters, input: some Collection<UInt8>,
                             nonce: some Collection<UInt8>, maxSolutions: Int = .max) -> [[UInt8]] {
        guard maxSolutions > 0 else { return [] }
        do { try checkSupported(params) } catch { return [] }
        let leaves = withConcatenated(input, nonce) { prefix in initialLeaves(params, prefix: prefix) }
        var solver = Wagner(params: params, values: leaves, maxSolutions: maxSolutions)
        let solutions = solver.run()
        #if DEBUG
        for s in solutions {
            assert(EquihashVerifier.isValid(params, input: input, nonce: nonce, solution: s),
                   "solver produced an invalid solution")
        }
        #endif
        return solutions
    }

    /// The n-bit leaves of all 2^(c+1) indices as big-endian words (ceil(L/8) per leaf, bits past n cleared).
    static func initialLeaves(_ p: EquihashParameters, prefix: UnsafeRawBufferPointer) -> [UInt64] {
        let count = 1 << p.indexBits
        let words = (p.leafBytes + 7) / 8
        let m = p.indicesPerHash
        let hashes = (count + m - 1) / m
        var masks = [UInt64](repeating: 0, count: words)
        for w in 0..<words {
            let inWord = p.n - 64 * w
            masks[w] = inWord >= 64 ? .max : (inWord <= 0 ? 0 : .max << UInt64(64 - inWord))
        }
        var hasher = CounterHasher(p, prefix: prefix)
        var values = [UInt64](repeating: 0, count: count * words)
        values.withUnsafeMutableBufferPointer { out in
            withUnsafeTemporaryAllocation(byteCount: 3 * 72, alignment: 16) { scratch in
                let raw = scratch.baseAddress!
                let acc = raw + 72
                let twisted = raw + 144
                for g in 0..<hashes {
                    hasher.hash(counter: UInt32(g), into: raw)
                    var digest = UnsafeRawPointer(raw)
                    if p.twist {
                        if g % 16 == 0 { acc.initializeMemory(as: UInt8.self, repeating: 0, count: 64) }
                        CounterHasher.addLanes(acc, raw)
                        twisted.copyMemory(from: acc, byteCount: 64)
                        twisted.storeBytes(of: 0 as UInt64, toByteOffset: 64, as: UInt64.self)
                        CounterHasher.applyTwistMask(twisted)
                        digest = UnsafeRawPointer(twisted)
                    }
                    for s in 0..<m {
                        let index = g * m + s
                        if index >= count { break }
                        let leaf = digest + s * p.leafBytes
                        for w in 0..<words {
                            out[index * words + w] =
                                UInt64(bigEndian: leaf.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self)) & masks[w]
                        }
                    }
                }
            }
        }
        return values
    }
}

/// One run of Wagner's algorithm over the leaves of one input.
///
/// Level r (1...k−1) rows store their XOR (`words` words, full width), their index set sorted ascending (2^r
/// entries, used for the disjointness check and for the canonical-order decision, since a canonical sub-tree's
/// first index is its minimum), and a pointer pair (left, right) into level r−1 in canonical order.
struct Wagner {
    let p: EquihashParameters
    let words: Int
    let maxSolutions: Int
    /// Current level's row values.
    var values: [UInt64]
    /// Current level's sorted index sets (2^level entries per row).
    var sets: [UInt32]
    /// pointers[r − 1] holds (left, right) pairs of level r's rows.
    var pointers: [[UInt32]] = []
    var solutions: [[UInt8]] = []

    init(params: EquihashParameters, values: [UInt64], maxSolutions: Int) {
        self.p = params
        self.words = (params.leafBytes + 7) / 8
        self.maxSolutions = maxSolutions
        self.values = values
        self.sets = (0..<UInt32(1 << params.indexBits)).map { $0 }
    }

    /// Digit `d` (c bits starting at bit d·c of the big-endian leaf) of row `row`.
    @inline(__always)
    func digit(_ v: UnsafePointer<UInt64>, row: Int, d: Int) -> Int {
        let c = p.collisionBits
        let bit = d * c
        let w = bit >> 6
        let off = bit & 63
        let base = v + row * words
        var x = base[w] << UInt64(off)
        if off + c > 64 { x |= base[w + 1] >> UInt64(64 - off) }
        return Int(truncatingIfNeeded: x >> UInt64(64 - c))
    }

    mutating func run() -> [[UInt8]] {
        let c = p.collisionBits
        let buckets = 1 << c
        for r in 1...p.k {
            let rows = values.count / words
            if rows < 2 { return solutions }
            let half = 1 << (r - 1)  // set size of the rows being joined
            // Counting sort of row numbers by digit r−1.
            var order = [UInt32](repeating: 0, count: rows)
            var starts = [Int](repeating: 0, count: buckets + 1)
            values.withUnsafeBufferPointer { vb in
                let v = vb.baseAddress!
                for row in 0..<rows { starts[digit(v, row: row, d: r - 1) + 1] += 1 }
                for b in 0..<buckets { starts[b + 1] += starts[b] }
                var fill = starts
                for row in 0..<rows {
                    let d = digit(v, row: row, d: r - 1)
                    order[fill[d]] = UInt32(row)
                    fill[d] += 1
                }
            }
            var nextValues: [UInt64] = []
            var nextSets: [UInt32] = []
            var nextPointers: [UInt32] = []
            if r < p.k {
                nextValues.reserveCapacity(values.count + values.count / 4)
                nextSets.reserveCapacity(2 * sets.count + sets.count / 2)
                nextPointers.reserveCapacity(2 * rows + rows / 2)
            }
            var merged = [UInt32](repeating: 0, count: 2 * half)
            let words = self.words
            var found: [(UInt32, UInt32)] = []
            values.withUnsafeBufferPointer { vb in
                sets.withUnsafeBufferPointer { sb in
                    merged.withUnsafeMutableBufferPointer { mb in
                        let v = vb.baseAddress!
                        let s = sb.baseAddress!
                        let out = mb.baseAddress!
                        for b in 0..<buckets {
                            let lo = starts[b]
                            let hi = starts[b + 1]
                            if hi - lo < 2 { continue }
                            for x in lo..<(hi - 1) {
                                let rowA = Int(order[x])
                                for y in (x + 1)..<hi {
                                    let rowB = Int(order[y])
                                    let va = v + rowA * words
                                    let vb = v + rowB * words
                                    if r == p.k {
                                        // Last round: both remaining digits must collide, i.e. the XOR is zero.
                                        var diff: UInt64 = 0
                                        for w in 0..<words { diff |= va[w] ^ vb[w] }
                                        if diff != 0 { continue }
                                    }
                                    // Disjointness by merging the two sorted sets.
                                    let sa = s + rowA * half
                                    let sb = s + rowB * half
                                    var i = 0, j = 0, o = 0
                                    var disjoint = true
                                    while i < half && j < half {
                                        let ea = sa[i], eb = sb[j]
                                        if ea < eb { out[o] = ea; i += 1 } else if eb < ea { out[o] = eb; j += 1 } else {
                                            disjoint = false
                                            break
                                        }
                                        o += 1
                                    }
                                    if !disjoint { continue }
                                    while i < half { out[o] = sa[i]; i += 1; o += 1 }
                                    while j < half { out[o] = sb[j]; j += 1; o += 1 }
                                    // Canonical order: the sub-tree with the smaller first (= minimum) index left.
                                    let (left, right) = sa[0] < sb[0] ? (rowA, rowB) : (rowB, rowA)
                                    if r == p.k {
                                        found.append((UInt32(left), UInt32(right)))
                                        continue
                                    }
                                    for w in 0..<words { nextValues.append(va[w] ^ vb[w]) }
                                    nextSets.append(contentsOf: UnsafeBufferPointer(start: out, count: 2 * half))
                                    nextPointers.append(UInt32(left))
                                    nextPointers.append(UInt32(right))
                                }
                            }
                        }
                    }
                }
            }
            if r == p.k {
                for (left, right) in found {
                    var indices: [UInt32] = []
                    indices.reserveCapacity(p.solutionIndices)
                    expand(level: r - 1, row: Int(left), into: &indices)
                    expand(level: r - 1, row: Int(right), into: &indices)
                    solutions.append(Equihash.pack(indices, bits: p.indexBits))
                    if solutions.count >= maxSolutions { break }
                }
                return solutions
            }
            values = nextValues
            sets = nextSets
            pointers.append(nextPointers)
        }
        return solutions
    }

    /// Appends the leaf indices of row `row` of level `level` in canonical order.
    func expand(level: Int, row: Int, into out: inout [UInt32]) {
        if level == 0 {
            out.append(UInt32(row))
            return
        }
        let pair = pointers[level - 1]
        expand(level: level - 1, row: Int(pair[2 * row]), into: &out)
        expand(level: level - 1, row: Int(pair[2 * row + 1]), into: &out)
    }
}
