#!/usr/bin/env bash
# What a user's crate gets: bench-results/downstream/ (W1, W3, W4 written as
# the README teaches) built outside the repository with
# RUSTFLAGS="-C target-cpu=native", once with cargo's default release profile
# ("default": 16 codegen units, thin local LTO) and once with
# codegen-units = 1 and fat LTO ("lto", this repository's profile), each in
# its own target directory. Rounds alternate the two builds and the lane
# counts so that the machine's load hits every row alike.
#   ROUNDS=3 RUNS=9 WIDTHS="8 16 32 64" WORKLOADS="w1 w3 w4" LOG=... bash bench-results/downstream.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-9}
WIDTHS=${WIDTHS:-"8 16 32 64 auto"}
WORKLOADS=${WORKLOADS:-"w1 w3 w4"}
LOG=$(realpath -m "${LOG:-$repo/bench-results/downstream.log}")
TARGET=${TARGET:-/tmp/dataspace-downstream-bench}
manifest=$repo/bench-results/downstream/Cargo.toml
cd /tmp # outside the repository: its .cargo/config.toml must not apply
unset CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS
export RUSTFLAGS="-C target-cpu=native"
cargo build --release --manifest-path "$manifest" --target-dir "$TARGET/default"
cargo build --release --manifest-path "$manifest" --target-dir "$TARGET/lto" \
  --config 'profile.release.lto="fat"' --config 'profile.release.codegen-units=1'
echo "# $(date -u +%FT%TZ) $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo +dirty) cpu:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) (family $(lscpu | sed -n 's/^CPU family: *//p') model $(lscpu | sed -n 's/^Model: *//p');$(grep -m1 '^flags' /proc/cpuinfo | grep -o -w -E 'avx2|fma|avx512f' | sed 's/^/ /' | tr -d '\n')) nproc=$(nproc) rounds=$ROUNDS runs=$RUNS" | tee -a "$LOG"
# Each line ends with the load average (1, 5, 15 min) read before its run; the auto runs' stderr
# ("auto chose V = [...]", one width per timed call) follows their line, prefixed like it.
err=$(mktemp)
trap 'rm -f "$err"' EXIT
for r in $(seq 1 "$ROUNDS"); do
  builds="default lto"
  [ $((r % 2)) -eq 0 ] && builds="lto default"
  for w in $WORKLOADS; do
    for v in $WIDTHS; do
      for b in $builds; do
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        out=$("$TARGET/$b/release/downstream" "$w" "$v" "$RUNS" "$repo/tests/data" 2>"$err")
        echo "round=$r build=$b $out load=[$load]" | tee -a "$LOG"
        if [ "$v" = auto ]; then
          sed "s/^/round=$r build=$b $w V=auto stderr: /; s/\$/ load=[$load]/" "$err" | tee -a "$LOG"
        else
          cat "$err" >&2
        fi
      done
    done
  done
done
