#!/usr/bin/env bash
# Installs what the tests need, skipping whatever is already there. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p' | head -n1)

have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown

# Two kinds of warnings these installs print come from the tools' own dependencies, not from
# Starmap's Cargo.lock: trunk 0.21.14's lockfile pins a since-yanked crossbeam-channel (we need
# --locked: unlocked, its newer dependencies want a newer rustc), and wasm-bindgen-cli's test
# runner depends on rouille, which pulls multipart and buf_redux (future-incompatibility notes).
if ! (have trunk && trunk --version | grep -q "$TRUNK_VERSION"); then
  echo "installing trunk $TRUNK_VERSION (about 14 minutes on 2 cores)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if [ -n "$WASM_BINDGEN_VERSION" ] && ! (have wasm-bindgen && wasm-bindgen --version | grep -q "$WASM_BINDGEN_VERSION"); then
  # Not --locked: its lockfile asks for a webpki-roots version the registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Browsers: Chromium (headless), and Firefox and WebKit with a virtual display for them
# (headless Firefox has no WebGL2 here). WebKit: webkit2gtk-driver brings WebKitWebDriver and
# WebKitGTK with its MiniBrowser (Safari's engine). About half a minute for Chromium and Firefox
# when missing; WebKit adds some 80 packages beyond theirs, about 63 MiB to download (237 MiB
# installed: WebKitGTK, JavaScriptCore, GStreamer), by apt-cache on Debian 12.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
have WebKitWebDriver || missing+=(webkit2gtk-driver)
have xvfb-run || missing+=(xvfb xauth)
# Mesa's llvmpipe: Firefox's and WebKit's WebGL2 on a machine without a GPU (not a dependency of
# firefox-esr).
dpkg -s libgl1-mesa-dri >/dev/null 2>&1 || missing+=(libgl1-mesa-dri)
# Spark (tests/spark/run.sh): Spark 4 runs on Java 17 or later; pyspark goes into a venv below.
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1 || true)
if [ -n "$java_major" ] && [ "$java_major" -ge 17 ]; then
  echo "java $java_major found (Spark)"
else
  echo "installing a Java 17 runtime for Spark (openjdk-17-jre-headless)"
  missing+=(openjdk-17-jre-headless)
fi
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3 python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update
  as_root apt-get install -y --no-install-recommends "${missing[@]}"
fi

# wasm-opt (binaryen 132), playwright-core (Chromium), puppeteer-core (Firefox) and axe-core
# (the accessibility checks of the browser tests) come from
# npm, pinned in package-lock.json.
if [ -f package-lock.json ] && ! { [ -d node_modules/playwright-core ] && [ -d node_modules/puppeteer-core ] && [ -d node_modules/axe-core ]; }; then
  npm ci --no-audit --no-fund
fi

# pyspark for tests/spark, pinned, in a venv kept between runs (pyspark 4.0.5 with py4j: 490 MiB
# installed, 72 s by pip on a loaded 2-core machine).
PYSPARK_VERSION=4.0.5
SPARK_VENV=${STARMAP_SPARK_VENV:-$HOME/.cache/starmap/spark-venv}
if "$SPARK_VENV/bin/python" -c "import sys, pyspark; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
  echo "pyspark $PYSPARK_VERSION found in $SPARK_VENV"
else
  echo "installing pyspark $PYSPARK_VERSION into $SPARK_VENV"
  python3 -m venv "$SPARK_VENV"
  "$SPARK_VENV/bin/pip" install --quiet --disable-pip-version-check "pyspark==$PYSPARK_VERSION"
fi
