#!/usr/bin/env bash
# The builder's gain from threads on a lent device machine (16 cores; no Rust there): run from
# the repository root there, with `.gpu/` carried holding the release binaries built here
# (`cargo build --release -p starmap-builder -p starmap-tests`, then copy target/release/starmap
# and target/release/bench_builder into .gpu/; `echo /.gpu/ >> .git/info/exclude`). It times the
# 200k / 20M planted build on 16 threads, then on 1, then on 16 again (the machine's own noise),
# each within what is left of BUDGET seconds; the tables land in $OUT. Figures: docs/SCALE.md.
set -uo pipefail
start=$(date +%s)
deadline=$((start + ${BUDGET:-400}))
left() { echo $((deadline - $(date +%s))); }
out=${OUT:-out}
mkdir -p "$out"
size=${SIZE:-200000:20000000}
work=$(mktemp -d)
{ date -u; nproc; lscpu | grep -E 'Model name|L3'; } > "$out/machine.txt" 2>&1
run() { # threads, file, least seconds left to start
  local t
  t=$(left)
  if [ "$t" -lt "$3" ]; then
    echo "skipped $1 threads: ${t}s left" | tee -a "$out/$2"
    return
  fi
  timeout "$t" .gpu/bench_builder --sizes "$size" --threads "$1" --work "$work" --films /nonexistent >> "$out/$2" 2>&1
  echo "rc=$? after $(($(date +%s) - start)) s" >> "$out/$2"
  grep -m 1 '^| planted' "$out/$2"
}
run 16 threads16.txt 30
run 1 threads1.txt 30
run 16 threads16-again.txt 45
