#!/usr/bin/env bash
# Runs the viewer benchmarks (tests/browser/bench.mjs): builds the viewer bundle and the
# synthetic-map generator, then measures against regl-scatterplot in headless Chromium.
# BENCH_SIZES=100000,1000000 by default; STARMAP_GPU=1 on a machine with a GPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
(cd web && trunk build)
cargo build --release --locked -p starmap-tests --bin synth_map
node tests/browser/bench.mjs
