import FluxConsensus
import FluxPrimitives
import Testing

/// A synthetic branch held in an array: heights `start ... start + headers.count - 1`.
///
/// Built exactly as `difficulty_model.py` builds its chains (same file folder): the time of `start` is
/// 1,600,000,000, and each later block adds solve(h) = ((h · 2654435761 + seed) mod 2^32) mod span + lo seconds.
struct TestChain: AncestorLookup {
    var start: Int
    var headers: [ChainHeaderInfo]

    static let cycleBits: [UInt32] = [0x1c0a_1b2c, 0x1c0b_0000, 0x1c09_ffff, 0x1c0c_1234]
    /// `difficulty_model.py`'s "cycle" bits: `cycleBits[h % 4]`.
    static func cycle(_ h: Int) -> UInt32 { cycleBits[h % 4] }

    init(_ heights: ClosedRange<Int>, seed: UInt64 = 0, lo: Int64, span: UInt64 = 1, bits: (Int) -> UInt32) {
        start = heights.lowerBound
        var time: Int64 = 1_600_000_000
        headers = heights.map { h in
            if h > heights.lowerBound {
                time += Int64(((UInt64(h) &* 2_654_435_761 &+ seed) & 0xffff_ffff) % span) + lo
            }
            return ChainHeaderInfo(height: h, time: UInt32(time), bits: bits(h))
        }
    }

    init(_ heights: ClosedRange<Int>, seed: UInt64 = 0, lo: Int64, span: UInt64 = 1, bits: UInt32) {
        self.init(heights, seed: seed, lo: lo, span: span, bits: { _ in bits })
    }

    /// Times given explicitly, starting at height 0.
    init(times: [UInt32], bits: UInt32 = 0x1d00_ffff) {
        start = 0
        headers = times.enumerated().map { ChainHeaderInfo(height: $0.offset, time: $0.element, bits: bits) }
    }

    func ancestor(at height: Int) -> ChainHeaderInfo? {
        let i = height - start
        return headers.indices.contains(i) ? headers[i] : nil
    }

    subscript(height: Int) -> ChainHeaderInfo { headers[height - start] }

    /// PoW nBits for the block after `last`, timed `delay` seconds after it.
    func work(_ params: ChainParameters, after last: Int, delay: Int64) -> UInt32 {
        let l = self[last]
        return Difficulty.nextWorkRequired(params: params, last: l, nextTime: UInt32(Int64(l.time) + delay),
                                           ancestors: self)
    }

    /// PoN nBits for the block after `last`.
    func pon(_ params: ChainParameters, after last: Int) -> UInt32 {
        Difficulty.nextPONWorkRequired(params: params, last: self[last], ancestors: self)
    }
}

private func target(_ bits: UInt32) -> UInt256 { UInt256.fromCompact(bits).value }

@Suite("Difficulty: Digishield, LWMA, LWMA3, resets, PoN, median time past")
struct DifficultyTests {
    let main = ChainParameters.mainnet
    let test = ChainParameters.testnet
    let reg = ChainParameters.regtest

    // MARK: Start of the chain

    @Test func genesisParentGivesPowLimit() {
        for params in [main, test, reg] {
            let chain = TestChain(0...0, lo: 0, bits: params.powLimit.compact)
            #expect(chain.work(params, after: 0, delay: 1) == params.powLimit.compact)
        }
        #expect(main.powLimit.compact == 0x1f07_ffff)
        #expect(UInt256(main.powLimit.target).compact == 0x1f07_ffff)
    }

    @Test func fewerThan17AncestorsGivesPowLimit() {
        // Fast blocks at a hard target would otherwise raise the difficulty.
        let chain = TestChain(0...40, lo: 30, bits: 0x1d0f_ffff)
        for last in 0...16 {
            #expect(chain.work(main, after: last, delay: 30) == 0x1f07_ffff, "last \(last)")
        }
        #expect(chain.work(main, after: 17, delay: 30) != 0x1f07_ffff)
        // A lookup that lacks the block 17 below the parent counts as too little history.
        let partial = TestChain(10...40, lo: 30, bits: 0x1d0f_ffff)
        #expect(partial.work(main, after: 26, delay: 30) == 0x1f07_ffff)
        #expect(partial.work(main, after: 27, delay: 30) != 0x1f07_ffff)
    }

    // MARK: Digishield v3

    @Test func digishieldSteadyStateAtPowLimit() {
        // All 17 targets equal 0x07ffff·2^224, so the average is exact; MTP(40) − MTP(23) = 17·120 = 2040 = W,
        // so actual = 2040 and new = avg / 2040 · 2040 = avg − (avg mod 2040): one unit below in the mantissa.
        let chain = TestChain(0...40, lo: 120, bits: 0x1f07_ffff)
        let avg = target(0x1f07_ffff)
        #expect((avg / 2040 &* 2040).compact == 0x1f07_fffe)
        #expect(chain.work(main, after: 40, delay: 120) == 0x1f07_fffe)   // difficulty_model.py
    }

    @Test func digishieldSteadyStateBelowLimit() {
        let chain = TestChain(0...40, lo: 120, bits: 0x1d0f_ffff)
        #expect(chain.work(main, after: 40, delay: 120) == (target(0x1d0f_ffff) / 2040 &* 2040).compact)
        #expect(chain.work(main, after: 40, delay: 120) == 0x1d0f_fffe)
    }

    @Test func digishieldClampsUpAndDown() {
        // 30 s blocks: actual 510 → 2040 + (510 − 2040)/4 = 1658 < 1713 → 1713 (16 % harder).
        let fast = TestChain(0...40, lo: 30, bits: 0x1d0f_ffff)
        #expect(main.digishield.minActualTimespan(targetSpacing: 120) == 1713)
        #expect(fast.work(main, after: 40, delay: 30) == (target(0x1d0f_ffff) / 2040 &* 1713).compact)
        #expect(fast.work(main, after: 40, delay: 30) == 0x1d0d_6f6e)
        // 600 s blocks: actual 10200 → 4080 > 2692 → 2692 (32 % easier).
        let slow = TestChain(0...40, lo: 600, bits: 0x1d0f_ffff)
        #expect(main.digishield.maxActualTimespan(targetSpacing: 120) == 2692)
        #expect(slow.work(main, after: 40, delay: 600) == (target(0x1d0f_ffff) / 2040 &* 2692).compact)
        #expect(slow.work(main, after: 40, delay: 600) == 0x1d15_1d1b)
        // Easier than the limit is capped.
        let slowAtLimit = TestChain(0...40, lo: 600, bits: 0x1f07_ffff)
        #expect(slowAtLimit.work(main, after: 40, delay: 600) == 0x1f07_ffff)
    }

    @Test func digishieldTruncatesTowardZero() {
        // One 115 s gap inside the MTP window: actual 2035; C++ gives 2040 + (−5)/4 = 2039 (floor would be 2038).
        var chain = TestChain(0...40, lo: 120, bits: 0x1d0f_ffff)
        for h in 30...40 { chain.headers[h].time -= 5 }
        let expected = (target(0x1d0f_ffff) / 2040 &* 2039).compact
        #expect(expected != (target(0x1d0f_ffff) / 2040 &* 2038).compact)
        #expect(chain.work(main, after: 40, delay: 120) == expected)
        #expect(expected == 0x1d0f_fdfc)   // difficulty_model.py
    }

    @Test func digishieldRandomChainMatchesModel() {
        // Values from difficulty_model.py (Chain(0, 80, seed 11, lo −100, span 500, cycling bits)).
        let chain = TestChain(0...80, seed: 11, lo: -100, span: 500, bits: TestChain.cycle)
        #expect(chain.work(main, after: 80, delay: 100) == 0x1c0b_afd7)
        #expect(chain.work(main, after: 17, delay: 100) == 0x1c0b_41b5)
    }

    // MARK: Regtest

    @Test func regtestUsesDigishieldWithoutBoundsAndMinDifficulty() {
        #expect(reg.powAllowMinDifficultyBlocksAfterHeight == 0)
        let steady = TestChain(0...40, lo: 120, bits: 0x200f_0f0f)
        // Regtest max adjust up/down are 0, so actual is always W = 2040: new = avg / 2040 · 2040.
        #expect(steady.work(reg, after: 40, delay: 120) == (target(0x200f_0f0f) / 2040 &* 2040).compact)
        #expect(steady.work(reg, after: 40, delay: 120) == 0x200f_0f0e)   // difficulty_model.py
        let random = TestChain(0...80, seed: 11, lo: -100, span: 500, bits: TestChain.cycle)
        #expect(random.work(reg, after: 80, delay: 240) == 0x1c0a_c0fa)   // difficulty_model.py
        // More than 2 × 120 s after the parent (fluxd's pow.cpp since 2021; zcashd's 6 before): minimum difficulty.
        #expect(random.work(reg, after: 80, delay: 241) == 0x200f_0f0f)
        #expect(random.work(reg, after: 80, delay: 300) == 0x200f_0f0f)
        #expect(random.work(reg, after: 5, delay: 241) == 0x200f_0f0f)
        // No reset window or ramp at heights where mainnet-like offsets would put them.
        let hard = TestChain(0...200, lo: 120, bits: 0x1d0f_ffff)
        for last in [9, 20, 69, 70, 72, 120] {
            #expect(hard.work(reg, after: last, delay: 120) == (last < 17 ? 0x200f_0f0f : 0x1d0f_fffe), "last \(last)")
        }
    }

    // MARK: Equihash 144/5 reset and ZelHash ramp (mainnet)

    @Test func equihash144ResetWindow() {
        let chain = TestChain(124_900...125_300, seed: 5, lo: 0, span: 240, bits: 0x1c0f_ffff)
        for last in 125_110...125_170 {
            #expect(chain.work(main, after: last, delay: 60) == 0x1f07_ffff, "next height \(last + 1)")
        }
        // Just outside (next heights 125,110 and 125,172): LWMA, values from difficulty_model.py.
        #expect(chain.work(main, after: 125_109, delay: 60) == 0x1c11_bbe0)
        #expect(chain.work(main, after: 125_171, delay: 60) == 0x1c10_13e1)
    }

    @Test func zelHashRampWithTruncatedMultiplier() {
        // Chain(372400, 372700, seed 9, lo 0, span 240, bits 0x1a0fffff); expected values from difficulty_model.py.
        let chain = TestChain(372_400...372_700, seed: 9, lo: 0, span: 240, bits: 0x1a0f_ffff)
        let expected: [(Int, UInt32)] = [
            (372_509, 0x1a0e_19ca),   // before the ramp: plain LWMA3
            (372_510, 0x1a2a_7b81),   // m = 61
            (372_511, 0x1a2b_48a1),
            (372_540, 0x1a1d_230a),
            (372_571, 0x1a10_41f3),   // m = 0
            (372_572, 0x1e00_8304),   // m = 0xFFFFFFFF (−1 in 64 bits, truncated to 32)
            (372_573, 0x1e00_8409),   // m = 0xFFFFFFFE
            (372_574, 0x1a10_91f7),   // after the ramp: plain LWMA3
        ]
        for (last, bits) in expected {
            #expect(chain.work(main, after: last, delay: 60) == bits, "last \(last)")
        }
        // Recompute the two wrap-around cases from the plain LWMA3 target (0x1a106080 per the model).
        let lwma3At372572: UInt32 = 0x1a10_6080
        let full = target(lwma3At372572)
        #expect((full &+ (full >> 5) &* UInt64(0xffff_ffff)).compact == 0x1e00_8304)
        // With an untruncated 64-bit multiplier the result would have been capped at powLimit instead.
        #expect(0x1e00_8304 != main.powLimit.compact)
        // Blocks far apart change nothing on mainnet (no minimum-difficulty rule).
        #expect(chain.work(main, after: 372_572, delay: 100_000) == 0x1e00_8304)
    }

    // MARK: LWMA and LWMA3

    @Test func lwmaMatchesModel() {
        // Solvetimes −500 ... 999 exercise both the −360 and the 6T = 720 clamps.
        let random = TestChain(129_800...130_000, seed: 21, lo: -500, span: 1500, bits: TestChain.cycle)
        #expect(random.work(main, after: 130_000, delay: 1) == 0x1c13_9efd)
        // Every solvetime −400 → clamped to −360, weighted sum negative → floor k/10: next ≈ avg / 10.
        let backwards = TestChain(129_800...130_000, lo: -400, bits: 0x1c0f_ffff)
        #expect(backwards.work(main, after: 130_000, delay: 1) == 0x1c01_9999)
        // Testnet (T = 60, LWMA from 70).
        let testChain = TestChain(0...140, seed: 33, lo: -100, span: 220, bits: TestChain.cycle)
        #expect(testChain.work(test, after: 100, delay: 120) == 0x1c03_7376)
    }

    @Test func lwma3MatchesModel() {
        let random = TestChain(299_800...300_000, seed: 21, lo: -500, span: 1500, bits: TestChain.cycle)
        #expect(random.work(main, after: 300_000, delay: 1) == 0x1c0f_28c2)
    }

    @Test func lwma3ClampsToPreviousTarget() {
        let prev = target(0x1c0f_ffff)
        let fast = TestChain(299_800...300_000, lo: 1, bits: 0x1c0f_ffff)
        #expect(fast.work(main, after: 300_000, delay: 1) == ((prev &* 67) / 100).compact)
        #expect(fast.work(main, after: 300_000, delay: 1) == 0x1c0a_b851)
        let slow = TestChain(299_800...300_000, lo: 1000, bits: 0x1c0f_ffff)
        #expect(slow.work(main, after: 300_000, delay: 1) == ((prev &* 150) / 100).compact)
        #expect(slow.work(main, after: 300_000, delay: 1) == 0x1c17_fffe)
        let slowAtLimit = TestChain(299_800...300_000, lo: 1000, bits: 0x1f07_ffff)
        #expect(slowAtLimit.work(main, after: 300_000, delay: 1) == 0x1f07_ffff)
    }

    @Test func lwma3WrapsLikeArithUInt256NearTestnetLimit() {
        // prev · 150 and prev · 67 exceed 2^256 at testnet's powLimit and wrap; difficulty_model.py agrees.
        let slow = TestChain(0...300, lo: 100, bits: 0x200e_ffff)
        #expect(slow.work(test, after: 250, delay: 0) == 0x2002_5eb7)
        let fast = TestChain(0...300, lo: 30, bits: 0x200e_ffff)
        #expect(fast.work(test, after: 250, delay: 0) == 0x2002_5eb7)
    }

    // MARK: Minimum difficulty

    @Test func testnetMinimumDifficulty() {
        let chain = TestChain(0...140, seed: 33, lo: -100, span: 220, bits: TestChain.cycle)
        #expect(chain.work(test, after: 100, delay: 120) == 0x1c03_7376)   // 2·T exactly: normal rule
        #expect(chain.work(test, after: 100, delay: 121) == 0x200e_ffff)
        // Between 2·T and 6·T: fluxd allows a minimum-difficulty block (zcashd's 6·T would not).
        #expect(chain.work(test, after: 100, delay: 300) == 0x200e_ffff)
        // Mainnet has no such rule.
        let mainChain = TestChain(129_800...130_000, seed: 21, lo: -500, span: 1500, bits: TestChain.cycle)
        #expect(mainChain.work(main, after: 130_000, delay: 100_000) == 0x1c13_9efd)
        // The ZelHash ramp comes first (testnet ramp window: last 289 ... 352).
        let ramp = TestChain(0...400, lo: 60, bits: 0x1c0f_ffff)
        let ramped = ramp.work(test, after: 300, delay: 1)
        #expect(ramped != 0x200e_ffff)
        #expect(ramp.work(test, after: 300, delay: 10_000) == ramped)
        #expect(ramp.work(test, after: 360, delay: 10_000) == 0x200e_ffff)
    }

    // MARK: Proof of Node

    @Test func ponBeforeActivationAndStartWindow() {
        let a = 2_020_000
        let chain = TestChain(a - 100...a + 100, lo: 30, bits: 0x1c12_3456)
        #expect(chain.pon(main, after: a - 2) == 0x1c12_3456)          // next height a − 1: previous bits
        #expect(chain.pon(main, after: a - 1) == 0x1f0b_ffff)          // next height a: ponStartLimit
        #expect(chain.pon(main, after: a + 28) == 0x1f0b_ffff)         // next a + 29 < a + W
        #expect(chain.pon(main, after: a + 29) != 0x1f0b_ffff)
        // Regtest without a PoN height: always the previous bits.
        let regChain = TestChain(0...100, lo: 30, bits: 0x200f_0f0f)
        #expect(regChain.pon(reg, after: 99) == 0x200f_0f0f)
    }

    @Test func ponAdjustment() throws {
        let a = 2_020_000
        // Values from difficulty_model.py; the first three also recomputed from the formula
        // new = prev / 870 · actual (W = 30, targetSpan = 29 · 30 = 870).
        let start = target(0x1f0b_ffff)
        let steady = TestChain(a - 100...a + 100, lo: 30, bits: 0x1f0b_ffff)
        #expect(steady.pon(main, after: a + 29) == (start / 870 &* 870).compact)
        #expect(steady.pon(main, after: a + 29) == 0x1f0b_fffe)
        let fast = TestChain(a - 100...a + 100, lo: 10, bits: 0x1f0b_ffff)
        #expect(fast.pon(main, after: a + 29) == (start / 870 &* 696).compact)   // 870·4/5
        #expect(fast.pon(main, after: a + 29) == 0x1f09_9998)
        let slow = TestChain(a - 100...a + 100, lo: 60, bits: 0x1f0b_ffff)
        #expect(slow.pon(main, after: a + 29) == (start / 870 &* 1087).compact)  // 870·5/4, integer
        #expect(slow.pon(main, after: a + 29) == 0x1f0e_fe3a)
        let atLimit = TestChain(a - 100...a + 100, lo: 60, bits: 0x200f_ffff)
        #expect(atLimit.pon(main, after: a + 50) == 0x200f_ffff)
        // A target below targetSpan divides to 0 → ponLimit.
        let tiny = TestChain(a - 100...a + 100, lo: 30, bits: 0x0201_f400)
        #expect(target(0x0201_f400) == UInt256(500))
        #expect(tiny.pon(main, after: a + 50) == 0x200f_ffff)
        // A negative previous nBits → ponLimit.
        let negative = TestChain(a - 100...a + 100, lo: 30, bits: 0x0492_3456)
        #expect(negative.pon(main, after: a + 50) == 0x200f_ffff)
        let random = TestChain(a - 100...a + 100, seed: 17, lo: 5, span: 60, bits: TestChain.cycle)
        #expect(random.pon(main, after: a + 60) == 0x1c0c_08d0)
        // Regtest with PoN from 300: W = 60, start limit 0x207fffff.
        let regPon = try ChainParameters.regtest(upgradeOverrides: [UpgradeOverride(upgrade: .pon, height: 300)])
        let regChain = TestChain(0...500, lo: 30, bits: 0x207f_ffff)
        #expect(regChain.pon(regPon, after: 298) == 0x207f_ffff)       // previous bits
        #expect(regChain.pon(regPon, after: 358) == 0x207f_ffff)       // start window
        #expect(regChain.pon(regPon, after: 359) == 0x200f_0f0f)       // capped at ponLimit
    }

    @Test func requiredBitsDispatches() throws {
        let a = 2_020_000
        let chain = TestChain(a - 100...a + 100, seed: 3, lo: 20, span: 200, bits: 0x1c0f_ffff)
        let lastPoW = chain[a - 2]
        #expect(Difficulty.requiredBits(params: main, last: lastPoW, nextTime: lastPoW.time + 60, ancestors: chain)
                == Difficulty.nextWorkRequired(params: main, last: lastPoW, nextTime: lastPoW.time + 60,
                                               ancestors: chain))
        let lastBeforePoN = chain[a - 1]
        #expect(Difficulty.requiredBits(params: main, last: lastBeforePoN, nextTime: lastBeforePoN.time + 30,
                                        ancestors: chain) == 0x1f0b_ffff)
        // Regtest: PoW (Digishield) until PoN is given a height.
        let regChain = TestChain(0...400, lo: 120, bits: 0x200f_0f0f)
        let l = regChain[350]
        #expect(Difficulty.requiredBits(params: reg, last: l, nextTime: l.time + 120, ancestors: regChain) == 0x200f_0f0e)
        let regPon = try ChainParameters.regtest(upgradeOverrides: [UpgradeOverride(upgrade: .pon, height: 300)])
        #expect(Difficulty.requiredBits(params: regPon, last: l, nextTime: l.time + 120, ancestors: regChain) == 0x207f_ffff)
    }

    // MARK: Median time past

    @Test func medianTimePast() {
        let eleven = TestChain(times: [5, 1, 9, 3, 7, 11, 2, 10, 4, 8, 6])
        #expect(Difficulty.medianTimePast(last: eleven[10], ancestors: eleven) == 6)
        // Only the last 11 count.
        let more = TestChain(times: [1000, 1000, 1000, 5, 1, 9, 3, 7, 11, 2, 10, 4, 8, 6])
        #expect(Difficulty.medianTimePast(last: more[13], ancestors: more) == 6)
        // Fewer near genesis; an even count takes the upper middle value.
        let four = TestChain(times: [40, 10, 30, 20])
        #expect(Difficulty.medianTimePast(last: four[3], ancestors: four) == 30)
        #expect(Difficulty.medianTimePast(last: four[2], ancestors: four) == 30)   // [10, 30, 40]
        #expect(Difficulty.medianTimePast(last: four[0], ancestors: four) == 40)
        // The parent itself need not be in the lookup.
        let lookupBelow = TestChain(times: [40, 10, 30])
        #expect(Difficulty.medianTimePast(last: ChainHeaderInfo(height: 3, time: 20, bits: 0),
                                          ancestors: lookupBelow) == 30)
    }

    // MARK: UInt256 additions

    @Test func uint256FullMultiplication() {
        let a = UInt256(limbs: (3, 0, 1, 0)), b = UInt256(limbs: (5, 0, 1, 0))
        // (2^128 + 3)(2^128 + 5) = 2^256 + 8·2^128 + 15 ≡ 8·2^128 + 15.
        #expect(a &* b == UInt256(limbs: (15, 0, 8, 0)))
        #expect(UInt256.max &* UInt256.max == UInt256(1))
        #expect(UInt256.max &* UInt256(2) == UInt256.max &- UInt256(1))
        let x = UInt256(limbs: (0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, 0x0f0f_0f0f_0f0f_0f0f, 0x1111_2222_3333_4444))
        for m: UInt64 in [0, 1, 67, 150, 0xffff_ffff, .max] {
            #expect(x &* UInt256(m) == x &* m)
            #expect(UInt256(m) &* x == x &* m)
        }
        #expect(x &* UInt256(1) << 64 == x << 64)
        #expect(x &* UInt256.zero == .zero)
    }

    @Test func uint256DivisionBySmallInteger() {
        let x = UInt256(limbs: (0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, 0x0f0f_0f0f_0f0f_0f0f, 0x1111_2222_3333_4444))
        for d: UInt64 in [1, 2, 17, 870, 2040, 13_176_000, 0xffff_ffff, .max] {
            let (q, r) = x.quotientAndRemainder(dividingBy: d)
            #expect(q == x / UInt256(d), "d \(d)")
            #expect(r < d)
            #expect(q &* d &+ UInt256(r) == x)
            #expect(x / d == q)
        }
        #expect(UInt256.max / UInt64(1) == .max)
        #expect(UInt256(7) / UInt64(8) == .zero)
    }
}
