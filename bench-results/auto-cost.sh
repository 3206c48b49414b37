#!/usr/bin/env bash
# What run_auto's trial costs on a W1-sized run (issue 19): the user's crate of
# downstream.sh (default release profile, target-cpu=native), W1 at V = 64, at
# `auto` (widths 8, 16, 32, 64) and at `auto64` (the trial machinery with one
# width), alternated PAIRS times, each the median of 41 runs. Prints each
# triple and the mean of the per-pair ratios: a noisy machine changes speed
# between pairs, so only a pair's own ratio counts.
#   PAIRS=8 bash bench-results/auto-cost.sh   (after bash bench-results/downstream.sh has built)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-/tmp/dataspace-downstream-bench/default/release/downstream}
PAIRS=${PAIRS:-8}
echo "# $(date -u +%FT%TZ) $(git -C "$repo" rev-parse --short HEAD) cpu:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) nproc=$(nproc)"
echo "# v64_ms auto_ms auto64_ms auto/v64 auto64/v64"
for i in $(seq 1 "$PAIRS"); do
  a=$("$B" w1 64 41 "$repo/tests/data" | awk '{print $4}')
  b=$("$B" w1 auto 41 "$repo/tests/data" 2>/dev/null | awk '{print $4}')
  c=$("$B" w1 auto64 41 "$repo/tests/data" 2>/dev/null | awk '{print $4}')
  echo "$a $b $c"
done | awk '{r=$2/$1; q=$3/$1; s+=r; t+=q; print $1, $2, $3, r, q} END {print "mean auto/v64", s/NR, "auto64/v64", t/NR}'
