#!/usr/bin/env python3
"""Tables for BENCHMARKS.md from a `cargo bench --bench mpr` log and a JAX log.

usage: python3 bench-results/sweeps.py bench-results/mpr.log bench-results/jax.log
FLOP counts and the FMA peak are the peers' (../shared/peers/REPORT.md):
W1 14.5 FLOP per point-step, W2 10370; peak 326.8 GFLOP/s (2 threads, f32x16 FMA).
"""
import re
import sys

UNIT = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
FLOP = {"w1": 14.5, "w2": 10370.0}
STEPS = {"w1": 65536 * 1000, "w2": 512 * 500}
PEAK = 326.8e9

times, name = {}, None
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith(("w1_", "w2_")):
        name = line.split()[0]
    m = re.match(r"\s*time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
    if m and name and name not in times:
        times[name] = float(m.group(1)) * UNIT[m.group(2)]
jax = {}
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"jax\(unroll=1\) (w[12]): median (\S+)s", line)
    if m:
        jax[m.group(1)] = float(m.group(2))

for wl, group, ceiling in (("w1", "w1_mpr_single", "handwritten_blocked_f32x16"),
                           ("w2", "w2_mpr_network", "handwritten_blocked_f32x16")):
    rows = [(k.split("/", 1)[1], t) for k, t in times.items() if k.startswith(group + "/")]
    if wl in jax:
        rows.append(("JAX jit(vmap) (peers' jax_impl.py)", jax[wl]))
    base = times[f"{group}/{ceiling}"]
    ours = min(t for k, t in times.items() if k.startswith(group + "/dataspace/"))
    print(f"\n{group}\n")
    print("| implementation | median time | point-steps/s | GFLOP/s | % of FMA peak | time / hand-written blocked | time / fastest dataspace V |")
    print("|---|---|---|---|---|---|---|")
    for label, t in rows:
        rate = STEPS[wl] / t
        gflops = rate * FLOP[wl] / 1e9
        print(f"| {label} | {t * 1e3:.2f} ms | {rate:.3g} | {gflops:.1f} | {100 * gflops * 1e9 / PEAK:.0f} % "
              f"| {t / base:.2f}x | {t / ours:.2f}x |")
