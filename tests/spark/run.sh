#!/usr/bin/env bash
# The Spark job (distributed/spark/starmap_graph.py) tested for real, in Spark's local mode:
#   1. against the plain-Python reference on the hand-made tests/spark/example.csv (weights,
#      capping by the seeded hash, every similarity, a missing column's error): example.py;
#   2. against the native builder on the films demo: `starmap build --export-graph` and the job
#      on the same file with the same parameters (contexts capped at 30 members, so the seeded
#      sampling is compared too; k = 30), compared by compare.py (same entities and popularity,
#      same top-k sets above the tie band, weights within 1e-6 relative).
# Exits non-zero on any difference. Needs Java 17+ and pyspark in $STARMAP_SPARK_VENV (default
# ~/.cache/starmap/spark-venv; .ci/install-tools.sh makes it). Without them it skips, saying so,
# unless STARMAP_REQUIRE_SPARK=1 (tests/run.sh sets it), which fails instead.
# STARMAP_BIN_DIR: use a starmap built elsewhere (else cargo builds it into CARGO_TARGET_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/tests/spark/out
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
VENV=${STARMAP_SPARK_VENV:-$HOME/.cache/starmap/spark-venv}
export PATH="$HOME/.cargo/bin:$PATH"
start=$SECONDS

step() { printf '\n== %s\n' "$*"; }
skip() {
  if [ "${STARMAP_REQUIRE_SPARK:-0}" = 1 ]; then
    echo "FAIL: the Spark test cannot run: $* (STARMAP_REQUIRE_SPARK=1; .ci/install-tools.sh installs it)"
    exit 1
  fi
  echo "SKIPPED: the Spark test: $* (.ci/install-tools.sh installs it)"
  exit 0
}

java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1 || true)
[ -n "$java_major" ] || skip "no java on PATH"
[ "$java_major" -ge 17 ] || skip "java $java_major found, Spark 4 needs 17 or later"
[ -x "$VENV/bin/spark-submit" ] || skip "no pyspark venv at $VENV"

# Local mode sized for CI's two cores; Spark's own INFO lines are noise here.
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
export PYSPARK_PYTHON=$VENV/bin/python PYSPARK_DRIVER_PYTHON=$VENV/bin/python
submit() {
  "$VENV/bin/spark-submit" --master 'local[2]' --driver-memory 2g \
    --conf spark.ui.enabled=false --conf spark.log.level=WARN \
    --conf spark.sql.shuffle.partitions=2 "$@"
}
rm -rf "$OUT"
mkdir -p "$OUT"

step "the job against the plain-Python reference on tests/spark/example.csv"
t=$SECONDS
submit tests/spark/example.py "$OUT/example" 2> "$OUT/example.log" || { tail -n 40 "$OUT/example.log"; exit 1; }
echo "($((SECONDS - t)) s)"

step "starmap binary"
if [ -n "${STARMAP_BIN_DIR:-}" ]; then
  BIN=$STARMAP_BIN_DIR
else
  cargo build --release --locked -p starmap-builder
  BIN=$TARGET/release
fi
if ! "$BIN/starmap" build --help | grep -q -- '--export-graph'; then
  skip "$BIN/starmap has no build --export-graph (a starmap older than the sources?)"
fi

DEMO=builder/demo/films/film_cast.csv.gz
# k = --neighbors 30 (no t-SNE layout, so the co-occurrence stage is cut at max(30, 10)): the
# comparison does not depend on k, and a UMAP-only build is the quickest to the exported table.
# Contexts capped at 30 members (577 of the demo's actors have more), so the seeded sampling is
# compared too.
K=30
CAP=30
step "native graph of the films demo (starmap build --export-graph)"
t=$SECONDS
"$BIN/starmap" build --interactions "$DEMO" --entity-col imdb_id --context-col actor \
  --max-context-size "$CAP" --neighbors "$K" --layout umap --no-clusters --data-only --quiet \
  --export-graph "$OUT/native" --out "$OUT/native-map"
grep -o '"contexts_capped": [0-9]*' "$OUT/native-map/manifest.json" || true
echo "($((SECONDS - t)) s)"

step "the Spark job on the same file (local[2])"
t=$SECONDS
submit distributed/spark/starmap_graph.py --interactions "$DEMO" --entity-col imdb_id --context-col actor \
  --max-context-size "$CAP" --k "$K" --out "$OUT/spark" 2> "$OUT/spark.log" || { tail -n 40 "$OUT/spark.log"; exit 1; }
echo "($((SECONDS - t)) s)"

step "native and Spark graphs compared"
t=$SECONDS
submit tests/spark/compare.py --native "$OUT/native" --spark "$OUT/spark" --k "$K" 2> "$OUT/compare.log" ||
  { tail -n 20 "$OUT/compare.log"; exit 1; }
echo "($((SECONDS - t)) s)"
echo "Spark test passed in $((SECONDS - start)) s"
