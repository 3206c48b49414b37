#!/usr/bin/env bash
# W3 and W4 in one sitting with the peers (BENCHMARKS.md, "W3 and W4"). Each round runs one round of the
# peers' own script (`../shared/peers/bench_w34.sh`: their hand-written Rust `wide16blk`, scalar Rust + rayon,
# JAX jit(vmap), JAX unroll=10 (W3), NumPy; W1 beside W4), then this crate's examples `jansen_rit` and
# `mpr_noise` (median of 9 timed calls each at V = 64 and V = 16, after the first). Rounds alternate so that
# the machine's load hits every row alike. Needs: a venv with jax and numpy ($VENV), the peers' native build
# ($BIN, `../shared/peers/build.sh` into a writable CARGO_TARGET_DIR). Log: $LOG.
set -uo pipefail
cd "$(dirname "$0")/.."
PEERS=$(realpath "${PEERS_DIR:-../shared/peers}")
ROUNDS=${ROUNDS:-3}
LOG=$(realpath -m "${LOG:-bench-results/w34-sitting.log}")
export VENV=${VENV:-/tmp/peers-venv} BIN=${BIN:-/tmp/peers-target/native/release/peers}
cargo build --release -p dataspace-examples --example jansen_rit --example mpr_noise
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) nproc=$(nproc)" >> "$LOG"
for r in $(seq 1 "$ROUNDS"); do
  ROUNDS=1 FIRST=$r LOG=$LOG bash "$PEERS/bench_w34.sh"
  for example in jansen_rit mpr_noise; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    echo "round=$r load=[$load] dataspace $example $(RAYON_NUM_THREADS=2 target/release/examples/$example | grep -E '^  V = ' | tr -s ' ' | tr '\n' ' ')" | tee -a "$LOG"
  done
done
