#!/usr/bin/env bash
# Time series to disk (issue 12): run_into + NpySink against a raw write of
# the same bytes and against dd, 10^6 points x 1000 samples (4 GB of f32).
# One phase per process, the page cache written back and dropped before
# each (needs root), in alternating order over three rounds; /usr/bin/time
# for the peak RSS of the sink's process.
#   bash bench-results/series-to-disk.sh [points] [samples] > bench-results/series-to-disk.log
set -euo pipefail
cd "$(dirname "$0")/.."
points=${1:-1000000}
samples=${2:-1000}
cargo build --release --example series_to_disk 2>&1 | tail -1
bin=target/release/examples/series_to_disk
bytes=$((points * samples * 4))
quiet() { sync; echo 1 > /proc/sys/vm/drop_caches; sleep 2; }
date -u; uptime; nproc; df -h /tmp | tail -1
quiet; $bin "$points" "$samples" /tmp discard
for round in 1 2 3; do
  if [ $((round % 2)) -eq 1 ]; then order="sink raw dd"; else order="dd raw sink"; fi
  for phase in $order; do
    quiet
    case $phase in
      sink) /usr/bin/time -f "sink process: %e s wall, %M KiB peak RSS" $bin "$points" "$samples" /tmp sink 2>&1 ;;
      raw) $bin "$points" "$samples" /tmp raw ;;
      dd) echo -n "dd bs=1M conv=fdatasync: "; dd if=/dev/zero of=/tmp/series-dd.bin bs=1M count=$((bytes >> 20)) conv=fdatasync 2>&1 | tail -1; rm -f /tmp/series-dd.bin ;;
    esac
  done
done
