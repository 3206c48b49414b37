#!/usr/bin/env bash
# Issue 19, "done when" 1: the crate's public API against the hand-written kernels, in one sitting.
# Builds the criterion benches once (`cargo bench -p dataspace-benches --no-run`), copies the mpr and w34
# executables to $BINS and runs those copies (what `cargo bench --bench X -- FILTER` runs, with `--bench`,
# from benches/, criterion's data in target/criterion), so that an edit of the working tree during the
# sitting (README.md is the crate's doc, so a doc edit rebuilds it) cannot rebuild or swap a binary
# between rounds. Then ROUNDS rounds of the two benches, their order alternating
# round by round (odd rounds: mpr then w34; even rounds: w34 then mpr):
#   mpr: '^w[12]_mpr_(single|network)/(dataspace|handwritten)'  (W1, W2; no scalar rows)
#   w34: '^w[34]_.*/(dataspace|handwritten)'                      (W3, W4; no philox_one_thread)
# Every line of their output (stdout and stderr) goes to $LOG prefixed with the round, the bench and
# `cut -d' ' -f1-3 /proc/loadavg` at that moment. `--warm-up-time 1 --measurement-time 3` are passed,
# but criterion lets a group's own settings win (benches/mpr.rs: sample_size 30, 1 s + 3 s for the
# SIMD rows; benches/w34.rs: sample_size 20, 1 s + 6 s), so they change nothing for these groups.
# Table: python3 bench-results/issue19_table.py bench-results/issue19-sitting.log
#   ROUNDS=3 LOG=... bash bench-results/issue19-sitting.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
LOG=$(realpath -m "${LOG:-bench-results/issue19-sitting.log}")
BINS=${BINS:-/tmp/issue19-bins}
build=$(cargo bench -p dataspace-benches --no-run 2>&1) || { echo "$build"; exit 1; }
echo "$build" | tail -3
mkdir -p "$BINS"
for b in mpr w34; do
  exe=$(echo "$build" | sed -n "s/^ *Executable $b\.rs (\(.*\))$/\1/p")
  [ -x "$exe" ] || { echo "no executable for $b"; exit 1; }
  cp "$exe" "$BINS/$b"
  echo "bench $b: $exe sha256 $(sha256sum < "$BINS/$b" | cut -c1-16)"
done
export CRITERION_HOME=$PWD/target/criterion
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
fam=$(lscpu | sed -n 's/^CPU family: *//p') model=$(lscpu | sed -n 's/^Model: *//p')
simd=$(grep -m1 '^flags' /proc/cpuinfo | grep -o -w -E 'avx2|fma|avx512f' | tr '\n' ' ')
dirty=$(git diff --quiet HEAD 2>/dev/null || echo +dirty)
# The built sources: a hash of the tracked diff of src/ and benches/ at build time.
src=$(git diff HEAD -- src benches tests/common Cargo.toml benches/Cargo.toml | sha256sum | cut -c1-12)
echo "# issue19 sitting $(date -u +%FT%TZ) $(git rev-parse --short HEAD)$dirty cpu: $cpu (family $fam model $model; $simd) nproc=$(nproc) $(rustc -V) rounds=$ROUNDS src-diff=$src bins: mpr $(sha256sum < "$BINS/mpr" | cut -c1-12) w34 $(sha256sum < "$BINS/w34" | cut -c1-12)" | tee -a "$LOG"
run() { # round bench filter
  local r=$1 bench=$2 filter=$3
  echo "round=$r bench=$bench load=[$(cut -d' ' -f1-3 /proc/loadavg)] | # start $(date -u +%T) filter $filter" | tee -a "$LOG"
  (cd benches && "$BINS/$bench" --bench "$filter" --warm-up-time 1 --measurement-time 3) 2>&1 |
    while IFS= read -r line; do
      echo "round=$r bench=$bench load=[$(cut -d' ' -f1-3 /proc/loadavg)] | $line"
    done | tee -a "$LOG"
}
for r in $(seq 1 "$ROUNDS"); do
  benches="mpr w34"
  [ $((r % 2)) -eq 0 ] && benches="w34 mpr"
  for b in $benches; do
    case $b in
      mpr) run "$r" mpr '^w[12]_mpr_(single|network)/(dataspace|handwritten)' ;;
      w34) run "$r" w34 '^w[34]_.*/(dataspace|handwritten)' ;;
    esac
  done
done
echo "round=end load=[$(cut -d' ' -f1-3 /proc/loadavg)] | # end $(date -u +%T)" | tee -a "$LOG"
