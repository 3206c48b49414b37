#!/bin/bash
# usage: measure-fresh.sh DIR LOG ; measures the two README commands on a fresh target dir
cd "$1" || exit 1
rm -rf target
{
echo "== $(git log --oneline -1)"
echo "== cargo run --release --example quickstart"
/usr/bin/time -f "wall %e s  user %U s  sys %S s  maxrss %M kB" cargo run --release --example quickstart >/dev/null 2>/tmp/q.$$ ; tail -3 /tmp/q.$$
grep -c Compiling /tmp/q.$$ | sed 's/^/crates compiled: /'
du -sh target | sed 's/^/target: /'
echo "== cargo test --workspace"
/usr/bin/time -f "wall %e s  user %U s  sys %S s  maxrss %M kB" cargo test --workspace >/tmp/t.$$ 2>&1; tail -1 /tmp/t.$$
grep -c Compiling /tmp/t.$$ | sed 's/^/crates compiled (after quickstart): /'
grep -E "^test result" /tmp/t.$$ | awk '{p+=$4; f+=$6} END {print "tests passed", p, "failed", f}'
du -sh target | sed 's/^/target: /'
} > "$2" 2>&1
