#!/usr/bin/env python3
"""Turn a criterion log of `cargo bench --bench collect` into the README table.

usage: python3 bench-results/table.py bench-results/collect.log
"""
import re
import sys

UNIT = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
times = {}
name = None
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip()
    if line.startswith("collect_sum_"):
        name = line.split()[0]
    m = re.match(r"\s*time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
    if m and name and "%" not in line and name not in times:
        times[name] = float(m.group(1)) * UNIT[m.group(2)]

def fmt(t):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t:.3g} s"

print("| V | N | dataspace | raw `wide` loop | ratio | memcpy of the columns |")
print("|---|---|---|---|---|---|")
for v in (4, 8, 16):
    for n in (1000, 100000, 10000000):
        d = times.get(f"collect_sum_f32x{v}/dataspace/{n}")
        r = times.get(f"collect_sum_f32x{v}/raw_wide/{n}")
        m = times.get(f"collect_sum_f32x8/memcpy/{n}")
        if d is None or r is None:
            continue
        print(f"| {v} | {n:.0e} | {fmt(d)} | {fmt(r)} | {d / r:.2f}x | {fmt(m) if m else '-'} |")
