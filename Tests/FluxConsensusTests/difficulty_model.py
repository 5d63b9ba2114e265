#!/usr/bin/env python3
"""Independent big-integer model of fluxd's difficulty rules (protocol notes §1.7, §1.8, §4.1.3 item 3).

It computes the expected nBits that DifficultyTests.swift hard-codes. Rerun with `python3 difficulty_model.py`
and compare the printed values with the constants in the Swift tests. The synthetic chains below are defined
exactly as `DifficultyTests.makeChain` builds them:

    solve(h) = ((h * 2654435761 + seed) mod 2^32) mod span + lo      (seconds; may be negative)
    time(start) = 1_600_000_000, time(h) = time(h-1) + solve(h)
    bits(h) = a constant, or CYCLE[h % 4]

All target arithmetic is modulo 2^256 with truncating division, as fluxd's arith_uint256; times are int64.
"""

M256 = 1 << 256
T0 = 1_600_000_000
CYCLE = [0x1C0A1B2C, 0x1C0B0000, 0x1C09FFFF, 0x1C0C1234]

NETS = {
    "main": dict(pow_limit=0x1F07FFFF, spacing=120, fade=11, lwma=125_000, eq144=125_100, acadia=250_000,
                 kamiooka=372_500, min_diff_after=None, up=16, down=32, pon=2_020_000, pon_window=30,
                 pon_limit=0x200FFFFF, pon_start=0x1F0BFFFF),
    "test": dict(pow_limit=0x200EFFFF, spacing=60, fade=10, lwma=70, eq144=140, acadia=210, kamiooka=280,
                 min_diff_after=0, up=16, down=32, pon=800, pon_window=60, pon_limit=0x200FFFFF,
                 pon_start=0x207FFFFF),
    # The project's regtest: every upgrade "never" (None), so no reset window, no ramp, Digishield only.
    "regtest": dict(pow_limit=0x200F0F0F, spacing=120, fade=11, lwma=None, eq144=None, acadia=None, kamiooka=None,
                    min_diff_after=0, up=0, down=0, pon=None, pon_window=60, pon_limit=0x200F0F0F,
                    pon_start=0x207FFFFF),
}


def set_compact(c):
    size = c >> 24
    word = c & 0x007FFFFF
    if size <= 3:
        return word >> (8 * (3 - size))
    return (word << (8 * (size - 3))) % M256


def get_compact(v):
    size = (v.bit_length() + 7) // 8
    if size <= 3:
        word = (v << (8 * (3 - size))) & 0xFFFFFFFF
    else:
        word = v >> (8 * (size - 3))
    if word & 0x00800000:
        word >>= 8
        size += 1
    return (word | (size << 24)) & 0xFFFFFFFF


def c_div(a, b):
    """C++ integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


class Chain:
    def __init__(self, start, end, seed, lo, span, bits):
        self.blocks = {}
        t = T0
        for h in range(start, end + 1):
            if h > start:
                t += ((h * 2654435761 + seed) % (1 << 32)) % span + lo
            b = bits if isinstance(bits, int) else CYCLE[h % 4]
            self.blocks[h] = (t, b)

    def time(self, h):
        return self.blocks[h][0]

    def bits(self, h):
        return self.blocks[h][1]

    def has(self, h):
        return h in self.blocks


def mtp(chain, last):
    ts = sorted(chain.time(h) for h in range(last, last - 11, -1) if chain.has(h))
    return ts[len(ts) // 2]


def digishield(net, chain, last):
    w = 17 * net["spacing"]
    avg = sum(set_compact(chain.bits(h)) for h in range(last - 16, last + 1)) % M256 // 17
    actual = mtp(chain, last) - mtp(chain, last - 17)
    actual = w + c_div(actual - w, 4)
    actual = max(w * (100 - net["up"]) // 100, min(actual, w * (100 + net["down"]) // 100))
    new = avg // w * actual % M256
    return get_compact(min(new, set_compact(net["pow_limit"])))


def lwma1(net, chain, last):
    t_, n = net["spacing"], 60
    k = n * (n + 1) * t_ // 2
    weighted, total = 0, 0
    for j, h in enumerate(range(last - n + 1, last + 1), start=1):
        st = max(-360, min(chain.time(h) - chain.time(h - 1), 6 * t_))
        weighted += j * st
        total = (total + set_compact(chain.bits(h)) // (k * n)) % M256
    weighted = max(weighted, k // 10)
    return get_compact(min(weighted * total % M256, set_compact(net["pow_limit"])))


def lwma3(net, chain, last):
    t_, n = net["spacing"], 60
    k = n * (n + 1) * t_ // 2
    limit = set_compact(net["pow_limit"])
    if last < n:
        return net["pow_limit"]
    prev_ts = chain.time(last - n)
    weighted, total = 0, 0
    for j, h in enumerate(range(last - n + 1, last + 1), start=1):
        ts = max(chain.time(h), prev_ts + 1)
        weighted += j * min(6 * t_, ts - prev_ts)
        prev_ts = ts
        total = (total + set_compact(chain.bits(h)) // (k * n)) % M256
    nxt = weighted * total % M256
    prev = set_compact(chain.bits(last))
    hi = prev * 150 % M256 // 100
    lo = prev * 67 % M256 // 100
    if nxt > hi:
        nxt = hi
    if lo > nxt:
        nxt = lo
    return get_compact(min(nxt, limit))


def next_work(net, chain, last, next_time, truncate_multiplier=True):
    limit = net["pow_limit"]
    if net["eq144"] is not None:
        e1 = net["eq144"] + net["fade"] - 1
        if e1 - 1 < last < e1 + 61:
            return limit
    if net["kamiooka"] is not None:
        e2 = net["kamiooka"] + net["fade"] - 1
        if e2 - 1 < last < e2 + 64:
            full = set_compact(lwma3(net, chain, last))
            m = (e2 + 61 - last) % (1 << 64)
            if truncate_multiplier:
                m %= 1 << 32
            full = (full + (full >> 5) * m) % M256
            return get_compact(min(full, set_compact(limit)))
    if net["min_diff_after"] is not None and last >= net["min_diff_after"]:
        if next_time > chain.time(last) + 2 * net["spacing"]:
            return limit
    if not chain.has(last - 17):
        return limit
    n = last + 1
    if net["acadia"] is not None and n >= net["acadia"]:
        return lwma3(net, chain, last)
    if net["lwma"] is not None and n >= net["lwma"]:
        return lwma1(net, chain, last)
    return digishield(net, chain, last)


def next_pon(net, chain, last):
    n = last + 1
    if net["pon"] is None or n < net["pon"]:
        return chain.bits(last)
    w = net["pon_window"]
    if n < net["pon"] + w:
        return net["pon_start"]
    actual = chain.time(last) - chain.time(last - (w - 1))
    span = (w - 1) * 30
    actual = max(span * 4 // 5, min(actual, span * 5 // 4))
    prev = set_compact(chain.bits(last))
    new = prev // span * actual % M256
    limit = set_compact(net["pon_limit"])
    new = min(new, limit)
    return get_compact(limit if new == 0 else new)


def show(label, value):
    print(f"{label:<58} 0x{value:08x}")


def main():
    main_, test, reg = NETS["main"], NETS["test"], NETS["regtest"]

    print("# Digishield (mainnet)")
    c = Chain(0, 40, 0, 120, 1, 0x1F07FFFF)
    show("steady 120 s at powLimit, last 40", next_work(main_, c, 40, c.time(40) + 120))
    c = Chain(0, 40, 0, 30, 1, 0x1D0FFFFF)
    show("30 s blocks at 0x1d0fffff, last 40 (max up)", next_work(main_, c, 40, c.time(40) + 30))
    c = Chain(0, 40, 0, 600, 1, 0x1D0FFFFF)
    show("600 s blocks at 0x1d0fffff, last 40 (max down)", next_work(main_, c, 40, c.time(40) + 600))
    c = Chain(0, 40, 0, 120, 1, 0x1D0FFFFF)
    show("steady 120 s at 0x1d0fffff, last 40", next_work(main_, c, 40, c.time(40) + 120))
    # One solvetime of 115 s inside the MTP window: actual = 2035, 2040 + (-5)/4 = 2039 (C++), not 2038.
    c = Chain(0, 40, 0, 120, 1, 0x1D0FFFFF)
    for h in range(30, 41):
        c.blocks[h] = (c.time(h) - 5, c.bits(h))
    show("one 115 s gap in window, last 40 (truncation)", next_work(main_, c, 40, c.time(40) + 120))
    c = Chain(0, 80, 11, -100, 500, "cycle")
    show("random solvetimes, cycling bits, last 80", next_work(main_, c, 80, c.time(80) + 100))
    show("random solvetimes, cycling bits, last 17", next_work(main_, c, 17, c.time(17) + 100))

    print("# Regtest (Digishield, no adjustment bounds)")
    c = Chain(0, 40, 0, 120, 1, 0x200F0F0F)
    show("steady 120 s at powLimit, last 40", next_work(reg, c, 40, c.time(40) + 120))
    c = Chain(0, 80, 11, -100, 500, "cycle")
    show("random solvetimes (gaps <= 240 s), cycling bits, last 80", next_work(reg, c, 80, c.time(80) + 240))

    print("# Equihash 144/5 reset window (mainnet)")
    c = Chain(124_900, 125_300, 5, 0, 240, 0x1C0FFFFF)
    for last in (125_109, 125_171):
        show(f"LWMA outside the window, last {last}", next_work(main_, c, last, c.time(last) + 60))

    print("# ZelHash ramp (mainnet)")
    c = Chain(372_400, 372_700, 9, 0, 240, 0x1A0FFFFF)
    for last in (372_509, 372_510, 372_511, 372_540, 372_571, 372_572, 372_573, 372_574):
        show(f"last {last}", next_work(main_, c, last, c.time(last) + 60))
    for last in (372_572, 372_573):
        show(f"last {last} with an untruncated 64-bit multiplier", next_work(main_, c, last, 0, False))
    show("LWMA3 alone at last 372572", lwma3(main_, c, 372_572))

    print("# LWMA (mainnet, testnet)")
    c = Chain(129_800, 130_000, 21, -500, 1500, "cycle")
    show("mainnet random (both solvetime clamps), last 130000", next_work(main_, c, 130_000, c.time(130_000) + 1))
    c = Chain(129_800, 130_000, 0, -400, 1, 0x1C0FFFFF)
    show("mainnet all -400 s (k/10 floor), last 130000", next_work(main_, c, 130_000, c.time(130_000) + 1))
    c = Chain(0, 140, 33, -100, 220, "cycle")
    show("testnet random, last 100", next_work(test, c, 100, c.time(100) + 120))
    show("testnet random, last 100, next +121 s (min difficulty)", next_work(test, c, 100, c.time(100) + 121))

    print("# LWMA3 (mainnet, testnet)")
    c = Chain(299_800, 300_000, 21, -500, 1500, "cycle")
    show("mainnet random, last 300000", next_work(main_, c, 300_000, c.time(300_000) + 1))
    c = Chain(299_800, 300_000, 0, 1, 1, 0x1C0FFFFF)
    show("mainnet 1 s blocks (0.67 clamp), last 300000", next_work(main_, c, 300_000, 0))
    c = Chain(299_800, 300_000, 0, 1000, 1, 0x1C0FFFFF)
    show("mainnet 1000 s blocks (1.5 clamp), last 300000", next_work(main_, c, 300_000, 0))
    c = Chain(299_800, 300_000, 0, 1000, 1, 0x1F07FFFF)
    show("mainnet 1000 s blocks at powLimit (cap), last 300000", next_work(main_, c, 300_000, 0))
    c = Chain(0, 300, 0, 100, 1, 0x200EFFFF)
    show("testnet 100 s blocks at powLimit (wrapping *150/*67), last 250", next_work(test, c, 250, c.time(250)))
    c = Chain(0, 300, 0, 30, 1, 0x200EFFFF)
    show("testnet 30 s blocks at powLimit (wrapping), last 250", next_work(test, c, 250, c.time(250)))

    print("# PoN (mainnet)")
    a = main_["pon"]
    c = Chain(a - 100, a + 100, 0, 30, 1, 0x1F0BFFFF)
    show("steady 30 s at ponStartLimit, last a+29", next_pon(main_, c, a + 29))
    c = Chain(a - 100, a + 100, 0, 10, 1, 0x1F0BFFFF)
    show("10 s blocks (4/5 clamp), last a+29", next_pon(main_, c, a + 29))
    c = Chain(a - 100, a + 100, 0, 60, 1, 0x1F0BFFFF)
    show("60 s blocks (5/4 clamp), last a+29", next_pon(main_, c, a + 29))
    c = Chain(a - 100, a + 100, 0, 60, 1, 0x200FFFFF)
    show("60 s blocks at ponLimit (cap), last a+50", next_pon(main_, c, a + 50))
    c = Chain(a - 100, a + 100, 0, 30, 1, 0x0201F400)
    show("target 500 (divides to 0 -> ponLimit), last a+50", next_pon(main_, c, a + 50))
    c = Chain(a - 100, a + 100, 17, 5, 60, "cycle")
    show("random solvetimes, cycling bits, last a+60", next_pon(main_, c, a + 60))


if __name__ == "__main__":
    main()
