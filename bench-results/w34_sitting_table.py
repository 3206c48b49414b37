"""Table of bench-results/w34-sitting.log: per workload and implementation, the median over rounds of each
round's median (min-max of the round medians), and the ratio to the peers' hand-written Rust kernel
(`rust wide16blk`), taken round by round. Usage: python3 w34_sitting_table.py [log]."""
import re
import statistics
import sys
from collections import defaultdict

log = sys.argv[1] if len(sys.argv) > 1 else "bench-results/w34-sitting.log"
times = defaultdict(dict)  # (workload, implementation) -> {round: seconds}
for line in open(log):
    m = re.match(r"round=(\d+) load=\[[^]]*\] (.+?) (w\d): median ([0-9.]+)s", line)
    if m:
        r, impl, wl, s = m.groups()
        times[(wl, re.sub(r" \[avx2\]| \[avx512\]", "", impl))][int(r)] = float(s)
        continue
    m = re.match(r"round=(\d+) load=\[[^]]*\] dataspace (\w+) (.*)", line)
    if m:
        r, example, rest = m.groups()
        wl = {"jansen_rit": "w3", "mpr_noise": "w4"}[example]
        for lanes, ms in re.findall(r"V = (\d+): ([0-9.]+) ms", rest):
            times[(wl, f"dataspace V = {lanes}")][int(r)] = float(ms) / 1e3

for wl in ("w3", "w4", "w1"):
    base = times.get((wl, "rust wide16blk"), {})
    rows = [(k[1], v) for k, v in times.items() if k[0] == wl]
    if not rows:
        continue
    print(f"\n{wl.upper()}\n| implementation | median s (min-max of rounds) | / hand-written Rust (per round) |")
    print("|---|---|---|")
    for impl, by_round in sorted(rows, key=lambda kv: statistics.median(kv[1].values())):
        vals = list(by_round.values())
        ratios = [by_round[r] / base[r] for r in by_round if r in base]
        ratio = (f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})" if ratios else "-")
        print(f"| {impl} | {statistics.median(vals):.4f} ({min(vals):.4f}-{max(vals):.4f}) | {ratio} |")
