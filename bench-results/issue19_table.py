"""Tables of issue 19's sittings.

  python3 bench-results/issue19_table.py [bench-results/issue19-sitting.log]
      criterion's medians from the LAST `# issue19 sitting` header of the log on: per workload, each
      dataspace row's median per round, its ratio to the hand-written kernel's median of the same round
      (the median and the min-max of those per-round ratios), and for `auto` its ratio to the best fixed
      width (`dataspace/V=N`) of the same round.
  python3 bench-results/issue19_table.py --downstream [bench-results/downstream.log]
      bench-results/downstream.sh's lines from the LAST `# ` header of the log on: per workload and V,
      the median over rounds of the default-profile and the fat-LTO build, and default/lto (per round,
      then the median); then per workload the best fixed width of the default build, auto (default
      build) and auto/best, with the widths auto chose when the log holds them.
Every ratio is of two times measured in the same round, side by side.
"""
import re
import statistics
import sys
from collections import defaultdict

UNITS = {"ps": 1e-12, "ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
WORKLOADS = {
    "w1_mpr_single": "W1",
    "w2_mpr_network": "W2",
    "w3_jansen_rit": "W3",
    "w4_mpr_noise": "W4",
}


def med(xs):
    return statistics.median(xs)


def fmt_ms(s):
    return f"{s * 1e3:.3f}"


def ratio_cell(rs):
    if not rs:
        return "-"
    if len(rs) == 1:
        return f"{rs[0]:.3f}"
    return f"{med(rs):.3f} ({min(rs):.3f}-{max(rs):.3f})"


def last_block(lines, is_header):
    start = max((i for i, l in enumerate(lines) if is_header(l)), default=None)
    if start is None:
        sys.exit("no header in the log")
    return lines[start], lines[start + 1 :]


def fixed_lanes(row):
    m = re.fullmatch(r"dataspace/V=(\d+)", row)
    return int(m.group(1)) if m else None


def sitting(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    header, body = last_block(lines, lambda l: l.startswith("# issue19 sitting"))
    times = defaultdict(dict)  # (group, row) -> {round: median seconds}
    loads = []
    current = {}  # round -> benchmark id being printed
    for line in body:
        m = re.match(r"round=(\w+)(?: bench=\w+)? load=\[([^]]*)\] \| ?(.*)$", line)
        if not m:
            continue
        r, load, text = m.groups()
        loads.append(tuple(float(x) for x in load.split()))
        if r == "end":
            continue
        r = int(r)
        # criterion prints the id alone on a line (then "time: [...]" indented), or both on one line.
        idm = re.match(r"^(w[1-4]_[a-z_]+/\S+)", text)
        if idm and not text.startswith("Benchmarking"):
            current[r] = idm.group(1)
        tm = re.search(r"time:\s+\[(\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\]", text)
        if tm and r in current:
            value, unit = float(tm.group(3)), tm.group(4)
            group, row = current[r].split("/", 1)
            times[(group, row)][r] = value * UNITS[unit]
    print(header.lstrip("# "))
    if loads:
        ones = [l[0] for l in loads]
        print(f"\nload average (1 min) over the sitting's lines: min {min(ones):.2f}, "
              f"median {med(ones):.2f}, max {max(ones):.2f}")
    for group, wl in WORKLOADS.items():
        rows = {row: by_r for (g, row), by_r in times.items() if g == group}
        hand = [row for row in rows if row.startswith("handwritten")]
        if not rows or not hand:
            continue
        hand = hand[0]
        rounds = sorted(rows[hand])
        print(f"\n**{wl}** (`{group}`), hand-written = `{hand}`\n")
        head = "| row | " + " | ".join(f"round {r} ms" for r in rounds)
        head += " | / hand-written, per round: median (min-max) | auto / best fixed V, per round: median (min-max) |"
        print(head)
        print("|---" * (len(rounds) + 3) + "|")
        best_fixed = {}
        for r in rounds:
            fixed = [(by_r[r], row) for row, by_r in rows.items() if fixed_lanes(row) and r in by_r]
            if fixed:
                best_fixed[r] = min(fixed)
        def order(row):
            return (row.startswith("handwritten"), row != "dataspace/auto", -(fixed_lanes(row) or 0), row)
        for row in sorted(rows, key=order):
            by_r = rows[row]
            cells = [fmt_ms(by_r[r]) if r in by_r else "-" for r in rounds]
            to_hand = [by_r[r] / rows[hand][r] for r in rounds if r in by_r]
            auto = "-"
            if row == "dataspace/auto":
                rs = [by_r[r] / best_fixed[r][0] for r in rounds if r in by_r and r in best_fixed]
                names = sorted({best_fixed[r][1].split("/")[1] for r in rounds if r in best_fixed})
                auto = f"{ratio_cell(rs)}; best: {', '.join(names)}"
            print(f"| {row} | " + " | ".join(cells) + f" | {ratio_cell(to_hand)} | {auto} |")


def downstream(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    header, body = last_block(lines, lambda l: l.startswith("# "))
    ms = defaultdict(lambda: defaultdict(dict))  # (workload, V) -> build -> {round: ms}
    chosen = defaultdict(list)  # (workload, build) -> widths auto chose
    loads = []
    for line in body:
        m = re.match(r"round=(\d+) build=(\w+) (w\d) V=(\w+) median ([0-9.]+) ms.*?(?:load=\[([^]]*)\])?$", line)
        if m:
            r, build, wl, v, t, load = m.groups()
            ms[(wl, v)][build][int(r)] = float(t)
            if load:
                loads.append(float(load.split()[0]))
            continue
        m = re.match(r"round=(\d+) build=(\w+) (w\d) V=auto stderr: auto chose V = \[([^]]*)\]", line)
        if m:
            r, build, wl, vs = m.groups()
            chosen[(wl, build)] += [int(x) for x in vs.split(",") if x.strip()]
    print(header.lstrip("# "))
    if loads:
        print(f"\nload average (1 min) over the lines: min {min(loads):.2f}, median {med(loads):.2f}, max {max(loads):.2f}")
    workloads = sorted({wl for wl, _ in ms})
    print("\n| workload | V | default ms (median of rounds) | lto ms (median of rounds) | default / lto, per round: median (min-max) |")
    print("|---|---|---|---|---|")
    def vkey(v):
        return (v == "auto", int(v) if v.isdigit() else 0, v)
    for wl in workloads:
        for v in sorted({v for w, v in ms if w == wl}, key=vkey):
            b = ms[(wl, v)]
            d, l = b.get("default", {}), b.get("lto", {})
            rs = [d[r] / l[r] for r in d if r in l]
            print(f"| {wl.upper()} | {v} | {med(d.values()):.3f} | {med(l.values()):.3f} | {ratio_cell(rs)} |")
    for build in ("default", "lto"):
        print(f"\n{build} build: auto against the best fixed width of the same round\n")
        print("| workload | best fixed V (median of rounds) | auto ms (median of rounds) | auto / best, per round: median (min-max) | auto chose V (all runs) |")
        print("|---|---|---|---|---|")
        for wl in workloads:
            fixed = {v: ms[(wl, v)][build] for w, v in ms if w == wl and v.isdigit()}
            auto = ms.get((wl, "auto"), {}).get(build, {})
            if not fixed or not auto:
                continue
            rounds = sorted(set.intersection(*(set(x) for x in fixed.values())) & set(auto))
            best = {r: min((fixed[v][r], int(v)) for v in fixed) for r in rounds}
            rs = [auto[r] / best[r][0] for r in rounds]
            best_v = sorted({best[r][1] for r in rounds})
            best_ms = med([best[r][0] for r in rounds])
            counts = defaultdict(int)
            for x in chosen.get((wl, build), []):
                counts[x] += 1
            ch = ", ".join(f"{x} x{n}" for x, n in sorted(counts.items())) or "-"
            print(f"| {wl.upper()} | V={'/'.join(map(str, best_v))} {best_ms:.3f} | {med(auto.values()):.3f} | {ratio_cell(rs)} | {ch} |")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--downstream":
        downstream(args[1] if len(args) > 1 else "bench-results/downstream.log")
    else:
        sitting(args[0] if args else "bench-results/issue19-sitting.log")
