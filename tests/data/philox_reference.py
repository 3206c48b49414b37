#!/usr/bin/env python3
"""Reference draws of dataspace's `Philox` (src/noise/), written independently
in plain Python (integers and float64 only, no numpy: numpy's own Philox is the
4x64 variant). Writes philox_reference.csv beside this script; the test
`noise::the_python_reference_agrees` reads it.

Layout (the crate's documented one): counter block [counter, point mod 2^32,
point div 2^32, stream], key [seed mod 2^32, seed div 2^32], Philox4x32-10.
f32 uniform of a word x: ((x >> 9) + 1/2) 2^-23. f64 uniform of words (h, l):
((h 2^32 + l) >> 12) + 1/2) 2^-52. Normals: Box-Muller, sqrt(-2 ln u) times
cos / sin of 2 pi v, here in float64 (the f32 path is compared to tolerance).

    python3 tests/data/philox_reference.py
"""
import csv
import math
import os

M0, M1 = 0xD2511F53, 0xCD9E8D57
W0, W1 = 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF


def philox4x32_10(c, k):
    c, k = list(c), list(k)
    for r in range(10):
        if r:
            k = [(k[0] + W0) & MASK, (k[1] + W1) & MASK]
        p0, p1 = M0 * c[0], M1 * c[2]
        c = [((p1 >> 32) ^ c[1] ^ k[0]) & MASK, p1 & MASK, ((p0 >> 32) ^ c[3] ^ k[1]) & MASK, p0 & MASK]
    return c


# Random123's known-answer vectors, checked before anything is written.
for ctr, key, want in [
    ([0, 0, 0, 0], [0, 0], [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    ([MASK] * 4, [MASK] * 2, [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
    ([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0],
     [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]),
]:
    assert philox4x32_10(ctr, key) == want


def words(seed, point, stream, counter):
    return philox4x32_10([counter, point & MASK, point >> 32, stream], [seed & MASK, seed >> 32])


def u32_uniform(x):
    return ((x >> 9) + 0.5) * 2.0**-23


def u64_uniform(h, l):
    return ((((h << 32) | l) >> 12) + 0.5) * 2.0**-52


def box_muller(u, v):
    r = math.sqrt(-2.0 * math.log(u))
    return r * math.cos(2.0 * math.pi * v), r * math.sin(2.0 * math.pi * v)


rows = []
cases = [(20240604, p, 0, s) for p in (0, 1, 2, 63, 64, 65535) for s in (0, 1, 499)]
cases += [(0, 0, 0, 0), (2**64 - 1, 2**64 - 1, MASK, MASK), (0x0123456789ABCDEF, 2**32 + 5, 7, 3)]
for seed, point, stream, counter in cases:
    w = words(seed, point, stream, counter)
    u = [u32_uniform(x) for x in w]
    n = [*box_muller(u[0], u[1]), *box_muller(u[2], u[3])]
    u64 = [u64_uniform(w[0], w[1]), u64_uniform(w[2], w[3])]
    n64 = list(box_muller(u64[0], u64[1]))
    rows.append([seed, point, stream, counter, *w, *(repr(x) for x in u + n + u64 + n64)])

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "philox_reference.csv")
with open(out, "w", newline="") as f:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(["seed", "point", "stream", "counter", "w0", "w1", "w2", "w3",
                     "u0", "u1", "u2", "u3", "n0", "n1", "n2", "n3", "u64_0", "u64_1", "n64_0", "n64_1"])
    writer.writerows(rows)
print(f"{len(rows)} rows -> {out}")
