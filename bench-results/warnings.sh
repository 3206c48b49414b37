#!/usr/bin/env bash
# The figures of the two run-time warnings (issue 19): template/ (the W1
# sweep) built as a user's crate, outside the repository (its
# .cargo/config.toml must not apply) with cargo's default profiles, in three
# builds, each in its own target directory:
#   plain   cargo build --release                  (no RUSTFLAGS: x86-64 baseline, SSE2)
#   native  RUSTFLAGS="-C target-cpu=native" cargo build --release
#   debug   RUSTFLAGS="-C target-cpu=native" cargo build   (the dev profile: opt-level 0)
# Then ROUNDS rounds, alternating the order of the builds from round to
# round: plain against native at 65,536 points x 1,000 steps (W1), and debug
# against native at DEBUG_N points x 1,000 steps, for each V of WIDTHS. Each
# line is the template's median of 5 runs. The library is this working tree
# (the log's header says whether it was dirty); the template is the one of
# TEMPLATE_REV, whose third argument is V.
#   ROUNDS=3 WIDTHS="8 16 32 64" DEBUG_N=16384 bash bench-results/warnings.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
WIDTHS=${WIDTHS:-"8 16 32 64"}
DEBUG_N=${DEBUG_N:-16384}
TEMPLATE_REV=${TEMPLATE_REV:-b9577b9}
LOG=$(realpath -m "${LOG:-$repo/bench-results/warnings.log}")
WORK=${WORK:-/tmp/dataspace-warnings}
TARGET=${TARGET:-/tmp/dataspace-warnings-target}

rm -rf "$WORK" && mkdir -p "$WORK"
git -C "$repo" archive "$TEMPLATE_REV" template | tar -x -C "$WORK"
crate=$WORK/template
cp "$repo/Cargo.lock" "$crate/"
sed -i "s|^dataspace = { path = \"..\" }|dataspace = { path = \"$repo\" }|" "$crate/Cargo.toml"
grep -q "^dataspace = { path = \"$repo\" }" "$crate/Cargo.toml"
cd "$crate"
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_TARGET_DIR
unset DATASPACE_NO_SIMD_WARNING DATASPACE_NO_DEBUG_WARNING
cargo build --release --target-dir "$TARGET/plain"
RUSTFLAGS="-C target-cpu=native" cargo build --release --target-dir "$TARGET/native"
RUSTFLAGS="-C target-cpu=native" cargo build --target-dir "$TARGET/debug"
declare -A bin=(
  [plain]=$TARGET/plain/release/mysweep
  [native]=$TARGET/native/release/mysweep
  [debug]=$TARGET/debug/debug/mysweep
)

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
cpu+=", family $(grep -m1 '^cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')"
cpu+=" model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')"
cpu+=", $(grep -m1 -o 'avx512f' /proc/cpuinfo || echo 'no avx512f')"
{
  echo "# $(date -u +%FT%TZ) $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo +dirty)" \
    "template@$TEMPLATE_REV cpu: $cpu; nproc=$(nproc) rounds=$ROUNDS debug_n=$DEBUG_N"
  echo "# $(rustc --version); cargo's default profiles (release: opt-level 3, thin local LTO, 16 units; dev: opt-level 0)"
  for b in plain native debug; do
    echo "# $b stderr: $("${bin[$b]}" 64 10 8 2>&1 >/dev/null | tr '\n' ' ')"
  done
} | tee -a "$LOG"
for r in $(seq 1 "$ROUNDS"); do
  echo "## round $r, load:$(uptime | sed 's/.*load average://')" | tee -a "$LOG"
  order="plain native"
  debug_order="debug native"
  if [ $((r % 2)) -eq 0 ]; then
    order="native plain"
    debug_order="native debug"
  fi
  for v in $WIDTHS; do
    for b in $order; do
      echo "r$r $b V=$v: $(DATASPACE_NO_SIMD_WARNING=1 "${bin[$b]}" 65536 1000 "$v" | tail -n 1)" | tee -a "$LOG"
    done
    for b in $debug_order; do
      echo "r$r $b-n$DEBUG_N V=$v: $(DATASPACE_NO_SIMD_WARNING=1 DATASPACE_NO_DEBUG_WARNING=1 "${bin[$b]}" "$DEBUG_N" 1000 "$v" | tail -n 1)" | tee -a "$LOG"
    done
  done
done
echo "## end, load:$(uptime | sed 's/.*load average://')" | tee -a "$LOG"
