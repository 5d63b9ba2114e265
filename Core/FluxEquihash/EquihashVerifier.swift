/// Equihash solution verification for any ``EquihashParameters``.
///
/// Checks, in this order: the packed length (before any hashing), that all 2^k indices are distinct (also before
/// hashing), then a depth-first walk of the solution tree that hashes leaves lazily and checks at every merge the
/// collision digit and the ordering of the two sub-trees, and finally that the root XOR is zero. The index width is
/// implied by the packed encoding.
///
/// Cost: one BLAKE2b compression per whole 128-byte block of input ‖ nonce, plus one (rarely two) per distinct
/// counter g the solution touches (for ZelHash, per counter in the union of the prefix ranges). Nothing is allocated
/// per tree node: all scratch memory is one temporary allocation per call.
public enum EquihashVerifier {
    /// Verifies a packed solution.
    ///
    /// - Parameters:
    ///   - params: the Equihash instance (for Flux headers see ``EquihashParameters/flux(solutionSize:)``).
    ///   - input: bytes hashed before the nonce (a header's first 108 bytes; any length is accepted).
    ///   - nonce: the nonce bytes (a header's 32-byte nNonce; any length is accepted).
    ///   - solution: the packed solution, without a compactsize prefix.
    /// - Throws: the ``EquihashError`` naming the first rule found violated.
    public static func verify(_ params: EquihashParameters, input: some Collection<UInt8>,
                              nonce: some Collection<UInt8>, solution: some Collection<UInt8>) throws(EquihashError) {
        var compressions = 0
        if let error = run(params, input: input, nonce: nonce, solution: solution, compressions: &compressions) {
            throw error
        }
    }

    /// Whether the packed solution is valid; see ``verify(_:input:nonce:solution:)``.
    public static func isValid(_ params: EquihashParameters, input: some Collection<UInt8>,
                               nonce: some Collection<UInt8>, solution: some Collection<UInt8>) -> Bool {
        var compressions = 0
        return run(params, input: input, nonce: nonce, solution: solution, compressions: &compressions) == nil
    }

    /// Verifies like ``verify(_:input:nonce:solution:)`` and returns the number of BLAKE2b compressions performed.
    ///
    /// For a valid solution this is the minimum any verifier needs: the shared prefix blocks plus one tail
    /// compression per distinct counter (ZelHash: per counter in the union of the group prefixes). Used by
    /// benchmarks to compute the physical limit.
    /// - Returns: compressions performed.
    /// - Throws: as ``verify(_:input:nonce:solution:)``.
    public static func verifyCountingCompressions(_ params: EquihashParameters, input: some Collection<UInt8>,
                                                  nonce: some Collection<UInt8>,
                                                  solution: some Collection<UInt8>) throws(EquihashError) -> Int {
        var compressions = 0
        if let error = run(params, input: input, nonce: nonce, solution: solution, compressions: &compressions) {
            throw error
        }
        return compressions
    }

    /// Length check, then contiguous copies of the inputs, then ``core``.
    static func run(_ p: EquihashParameters, input: some Collection<UInt8>, nonce: some Collection<UInt8>,
                    solution: some Collection<UInt8>, compressions: inout Int) -> EquihashError? {
        let size = solution.count
        guard size == p.solutionSize else { return .badSolutionLength(expected: p.solutionSize, actual: size) }
        let viaContiguous: EquihashError?? = solution.withContiguousStorageIfAvailable { sol in
            withConcatenated(input, nonce) { prefix in
                core(p, prefix: prefix, solution: UnsafeRawBufferPointer(sol), compressions: &compressions)
            }
        }
        if let result = viaContiguous { return result }
        return Array(solution).withUnsafeBytes { sol in
            withConcatenated(input, nonce) { prefix in
                core(p, prefix: prefix, solution: sol, compressions: &compressions)
            }
        }
    }

    /// The verification proper, on raw memory. `solution` has the right length.
    static func core(_ p: EquihashParameters, prefix: UnsafeRawBufferPointer, solution: UnsafeRawBufferPointer,
                     compressions: inout Int) -> EquihashError? {
        let k = p.k
        let count = 1 << k
        let words = (p.leafBytes + 7) / 8
        let tableBits = k + 1
        let tableSize = 1 << tableBits
        let slotStride = 72
        let groupStride = 72 + 16 * slotStride
        let outputs = p.twist ? count * groupStride : count * slotStride

        // Scratch layout (8-byte aligned regions).
        let indicesBytes = (count * 4 + 7) & ~7
        let oIndexTable = indicesBytes
        let oCacheKeys = oIndexTable + tableSize * 8
        let oCacheSlots = oCacheKeys + tableSize * 8
        let oMasks = oCacheSlots + tableSize * 8
        let oStack = oMasks + (k + 1) * words * 8
        let oFirsts = oStack + (k + 1) * words * 8
        let oOutputs = oFirsts + ((k + 1) * 4 + 7) & ~7
        let total = oOutputs + outputs

        return withUnsafeTemporaryAllocation(byteCount: total, alignment: 16) { scratch -> EquihashError? in
            let base = scratch.baseAddress!
            let indices = (base).bindMemory(to: UInt32.self, capacity: count)
            let indexTable = (base + oIndexTable).bindMemory(to: UInt64.self, capacity: tableSize)
            indexTable.initialize(repeating: 0, count: tableSize)

            // 1. Decode the packed indices and reject duplicates, before any hashing.
            let bits = p.indexBits
            let valueMask: UInt64 = (1 << UInt64(bits)) - 1
            var acc: UInt64 = 0
            var accBits = 0
            var pos = 0
            let sol = solution.baseAddress!
            for i in 0..<count {
                while accBits < bits {
                    acc = (acc << 8) | UInt64(sol.load(fromByteOffset: pos, as: UInt8.self))
                    pos &+= 1
                    accBits &+= 8
                }
                accBits &-= bits
                let index = UInt32(truncatingIfNeeded: (acc >> UInt64(accBits)) & valueMask)
                indices[i] = index
                let key = UInt64(index) &+ 1
                var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - tableBits))
                while true {
                    let existing = indexTable[slot]
                    if existing == 0 { indexTable[slot] = key; break }
                    if existing == key { return .duplicateIndices }
                    slot = (slot &+ 1) & (tableSize &- 1)
                }
            }

            // 2. Masks: index 0 keeps the n leaf bits; index r (1...k) selects the first r·c bits.
            let masks = (base + oMasks).bindMemory(to: UInt64.self, capacity: (k + 1) * words)
            func topBits(_ nbits: Int, word w: Int) -> UInt64 {
                let inWord = nbits - 64 * w
                if inWord >= 64 { return .max }
                if inWord <= 0 { return 0 }
                return UInt64.max << UInt64(64 - inWord)
            }
            for w in 0..<words { masks[w] = topBits(p.n, word: w) }
            for r in 1...k {
                for w in 0..<words { masks[r * words + w] = topBits(r * p.collisionBits, word: w) }
            }

            // 3. Depth-first walk with lazily hashed, cached leaves.
            var source = LeafSource(
                params: p, hasher: CounterHasher(p, prefix: prefix),
                keys: (base + oCacheKeys).bindMemory(to: UInt64.self, capacity: tableSize),
                slots: (base + oCacheSlots).bindMemory(to: Int.self, capacity: tableSize),
                tableBits: tableBits, outputs: base + oOutputs)
            source.keys.initialize(repeating: 0, count: tableSize)
            let stack = (base + oStack).bindMemory(to: UInt64.self, capacity: (k + 1) * words)
            let firsts = (base + oFirsts).bindMemory(to: UInt32.self, capacity: k + 1)
            let m = UInt32(p.indicesPerHash)
            let leafBytes = p.leafBytes
            var sp = 0
            var failure: EquihashError? = nil
            for i in 0..<count {
                let index = indices[i]
                let g = index / m
                let leaf = source.output(counter: g) + Int(index &- g &* m) &* leafBytes
                let node = stack + sp &* words
                for w in 0..<words {
                    node[w] = UInt64(bigEndian: leaf.loadUnaligned(fromByteOffset: 8 &* w, as: UInt64.self))
                        & masks[w]
                }
                firsts[sp] = index
                sp &+= 1
                let merges = (i &+ 1).trailingZeroBitCount
                var r = 1
                while r <= merges {
                    let right = stack + (sp &- 1) &* words
                    let left = right - words
                    let mask = masks + r &* words
                    var collision: UInt64 = 0
                    for w in 0..<words {
                        let x = left[w] ^ right[w]
                        left[w] = x
                        collision |= x & mask[w]
                    }
                    if collision != 0 { failure = .collision(level: r); break }
                    // Indices are distinct (checked above), so equal first indices cannot occur.
                    if firsts[sp &- 1] < firsts[sp &- 2] { failure = .outOfOrder(level: r); break }
                    sp &-= 1
                    r &+= 1
                }
                if failure != nil { break }
            }
            compressions = source.compressions
            if let failure { return failure }
            for w in 0..<words where stack[w] != 0 { return .nonZeroRoot }
            return nil
        }
    }
}

/// Hash outputs by counter for one verification, cached in caller-provided scratch memory.
///
/// Plain: an open-addressing table maps g to a 72-byte slot holding BLAKE2b(prefix ‖ le32(g)).
/// ZelHash: the table maps g's 16-group to a record holding how many of the group's prefix sums exist, the running
/// lane sum, and the masked outputs T(base)...T(base+count−1); a request past the count extends the running sum.
struct LeafSource {
    let params: EquihashParameters
    var hasher: CounterHasher
    let keys: UnsafeMutablePointer<UInt64>
    let slots: UnsafeMutablePointer<Int>
    let tableBits: Int
    let outputs: UnsafeMutableRawPointer
    var used = 0
    var compressions: Int

    init(params: EquihashParameters, hasher: CounterHasher, keys: UnsafeMutablePointer<UInt64>,
         slots: UnsafeMutablePointer<Int>, tableBits: Int, outputs: UnsafeMutableRawPointer) {
        self.params = params
        self.hasher = hasher
        self.keys = keys
        self.slots = slots
        self.tableBits = tableBits
        self.outputs = outputs
        self.compressions = hasher.prefixCompressions
    }

    /// The (possibly twisted) hash output for counter `g`; 72 readable bytes, the first digestLength meaningful.
    @inline(__always)
    mutating func output(counter g: UInt32) -> UnsafeRawPointer {
        params.twist ? twisted(g) : plain(g)
    }

    /// Slot of `key` in the table, inserting it with a fresh slot number if absent.
    @inline(__always)
    private mutating func lookup(_ key: UInt64) -> (slot: Int, fresh: Bool) {
        let size = 1 << tableBits
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - tableBits))
        while true {
            let existing = keys[i]
            if existing == key { return (slots[i], false) }
            if existing == 0 {
                keys[i] = key
                slots[i] = used
                used &+= 1
                return (used &- 1, true)
            }
            i = (i &+ 1) & (size &- 1)
        }
    }

    @inline(__always)
    private mutating func plain(_ g: UInt32) -> UnsafeRawPointer {
        let (slot, fresh) = lookup(UInt64(g) &+ 1)
        let out = outputs + slot &* 72
        if fresh {
            hasher.hash(counter: g, into: out)
            compressions &+= hasher.tailCompressions
        }
        return UnsafeRawPointer(out)
    }

    private mutating func twisted(_ g: UInt32) -> UnsafeRawPointer {
        let group = g >> 4
        let q = Int(g & 15)
        let (slot, fresh) = lookup(UInt64(group) &+ 1)
        let record = outputs + slot &* (72 + 16 * 72)
        let acc = record + 8
        let outs = record + 72
        if fresh {
            record.storeBytes(of: 0 as Int, as: Int.self)
            acc.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
        }
        var have = record.load(as: Int.self)
        while have <= q {
            let out = outs + have &* 72
            hasher.hash(counter: (group << 4) | UInt32(have), into: out)
            compressions &+= hasher.tailCompressions
            CounterHasher.addLanes(acc, out)
            out.copyMemory(from: acc, byteCount: 64)
            CounterHasher.applyTwistMask(out)
            have &+= 1
        }
        record.storeBytes(of: have, as: Int.self)
        return UnsafeRawPointer(outs + q &* 72)
    }
}
