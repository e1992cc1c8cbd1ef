#!/usr/bin/env bash
# One hash over every source file the viewer bundle is built from.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -co --exclude-standard -- viz-wasm shaders format web Cargo.toml .cargo \
  | grep -v -e '^web/release/' -e '^web/dist/' -e '^web/release.sh$' -e '^web/sources-hash.sh$' -e '\.md$' \
  | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1
