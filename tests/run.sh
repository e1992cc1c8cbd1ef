#!/usr/bin/env bash
# Every test of the project: formatting, lints (native and wasm32), API docs, unit, integration
# and CLI tests, a short fuzzing smoke of every parser, the freshness of the released viewer
# bundle, the Spark job against the native builder (tests/spark), the viewer build (trunk) and
# the real-browser tests (headless Chromium; the core in Firefox and WebKit). Installs missing
# tools first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-tools.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy (wasm32)"
cargo clippy -p starmap-viz -p starmap-format --target wasm32-unknown-unknown --locked -- -D warnings

step "cargo doc (warnings denied; the viewer's JS boundary documented for wasm32)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
RUSTDOCFLAGS="-D warnings" cargo doc -p starmap-viz --no-deps --target wasm32-unknown-unknown --locked

step "cargo test (release: the same build serves the browser tests and the fuzzing smoke)"
cargo test --workspace --release --locked

step "fuzzing smoke: every target on seeded mutations, 7 s each (fuzz/README.md)"
cargo run --release --locked -p starmap-fuzz --bin smoke -- --seconds 7

step "released viewer bundle matches the viewer sources"
want=$(bash web/sources-hash.sh)
have=$(cat web/release/SOURCES.sha256 2>/dev/null || echo none)
if [ "$want" != "$have" ]; then
  echo "web/release was built from other sources than the ones here (hash $have, sources $want)."
  echo "Run: bash web/release.sh, then commit web/release."
  exit 1
fi

step "Spark job against the native builder (tests/spark/run.sh)"
# install-tools.sh installed Java and pyspark: the Spark test must run, not skip.
STARMAP_REQUIRE_SPARK=1 bash tests/spark/run.sh

step "viewer build and browser tests"
# install-tools.sh installed WebKit: its tests must run, not skip.
STARMAP_REQUIRE_WEBKIT=1 bash tests/browser/run.sh
