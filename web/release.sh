#!/usr/bin/env bash
# Builds the viewer with trunk and stores the result in web/release/, the bundle that
# `starmap` embeds at compile time. Records a hash of the viewer's sources so the tests can
# tell when the stored bundle is older than the code (tests/check-release.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
(cd web && trunk build)
rm -rf web/release
mkdir -p web/release
cp web/dist/* web/release/
bash web/sources-hash.sh > web/release/SOURCES.sha256
echo "web/release updated: $(ls web/release | tr '\n' ' ')"
