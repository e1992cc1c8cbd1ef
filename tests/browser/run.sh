#!/usr/bin/env bash
# Builds what the browser tests need and runs them in headless Chromium (SwiftShader WebGL2)
# and, for the core of the suite, in Firefox (firefox.test.mjs) and WebKit (webkit.test.mjs:
# WebKitGTK's MiniBrowser through WebKitWebDriver), both headful on a virtual display (headless
# Firefox has no WebGL2 here; Mesa llvmpipe draws for both):
#   1. the viewer bundle (trunk build of web/index.html, wasm-release profile, wasm-opt from npm),
#   2. the films demo map, built by `starmap build` from builder/demo/films, with two layouts
#      (umap, tsne),
#   3. small hostile and broken maps (synth_map with a hostile title, a truncated points.bin,
#      a manifest of another format version) and a synthetic map of one layout,
# then serves them on 127.0.0.1 and runs tests/browser/*.test.mjs with node's test runner.
# Exits non-zero on any failure. Needs: cargo, trunk, wasm-bindgen-cli, node/npm, chromium,
# firefox-esr, webkit2gtk-driver, xvfb-run (.ci/install-tools.sh installs them). Without
# WebKitWebDriver the WebKit tests skip, saying so, unless STARMAP_REQUIRE_WEBKIT=1 (tests/run.sh
# sets it), which fails them.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/tests/browser/out
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

if ! [ -d node_modules/playwright-core ] || ! [ -d node_modules/puppeteer-core ] || ! [ -d node_modules/axe-core ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
fi

step "trunk build (viewer bundle)"
(cd web && trunk build)
ls -l web/dist

step "films map (starmap build) and test maps (synth_map)"
# STARMAP_BIN_DIR: use starmap and synth_map built elsewhere (a folder holding both).
if [ -n "${STARMAP_BIN_DIR:-}" ]; then
  BIN=$STARMAP_BIN_DIR
else
  cargo build --release --locked -p starmap-builder -p starmap-tests
  BIN=$TARGET/release
fi
rm -rf "$OUT"/{site,films,films-site,films.html,host,xss,truncated,version,single}
mkdir -p "$OUT/site" "$OUT/truncated" "$OUT/version"
"$BIN/starmap" build \
  --interactions builder/demo/films/film_cast.csv.gz --entity-col imdb_id --context-col actor \
  --metadata builder/demo/films/films.csv.gz --id-col imdb_id --label-col title --title "Films × cast" \
  --layout umap --layout tsne --out "$OUT/films" --data-only
cp web/dist/* "$OUT/site/"
cp "$OUT"/films/* "$OUT/site/"
# The published site: `starmap demo` writes the films map with the viewer bundle embedded in the
# binary (web/release), as users get it, and the same as one file (tests/browser/site.test.mjs).
"$BIN/starmap" demo --out "$OUT/films-site" --no-serve --quiet --single-file "$OUT/films.html"
"$BIN/synth_map" --points 2000 --seed 7 --out "$OUT/xss" --first-label '<img src=x onerror=alert(1)>'
"$BIN/synth_map" --points 2000 --seed 3 --layouts 1 --out "$OUT/single"
# A truncated upload: points.bin cut short, the manifest as written.
cp "$OUT"/films/* "$OUT/truncated/"
head -c 5000 "$OUT/films/points.bin" > "$OUT/truncated/points.bin"
# A map from a future format version.
cp "$OUT"/films/* "$OUT/version/"
sed -i 's/"format_version": 2/"format_version": 3/' "$OUT/version/manifest.json"
grep -q '"format_version": 3' "$OUT/version/manifest.json"

step "browser tests (headless Chromium; Firefox and WebKit on a virtual display)"
if ! command -v WebKitWebDriver >/dev/null 2>&1; then
  echo "WebKitWebDriver not found: webkit.test.mjs will skip (apt-get install webkit2gtk-driver)"
fi
# xvfb-run gives Firefox and MiniBrowser their display; Chromium runs headless all the same.
xvfb-run -a node --test --test-concurrency=1 tests/browser/
