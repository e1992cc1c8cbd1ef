#!/bin/bash
# Bytes and gzip -9 bytes (what a server sending Content-Encoding: gzip would send) per artefact.
# Folder = sum over its files, each gzipped on its own (a server compresses per response).
set -e
cd /work/dmp
row() { # name then files
  local name=$1; shift
  local b=0 g=0
  for f in "$@"; do
    b=$((b + $(stat -c %s "$f")))
    g=$((g + $(gzip -9 -c "$f" | wc -c)))
  done
  printf '%s\t%d\t%d\n' "$name" "$b" "$g"
}
printf 'artefact\tbytes\tgzip9_bytes\n'
row films/starmap-folder films/*
row films/starmap-folder-first-frame-files films/index.html films/*.js films/*.wasm films/*.css films/manifest.json films/points.bin
row films/starmap-single films.html
row films/datamapplot films_dmp.html
row 100k/starmap-folder s100k_site/*
row 100k/starmap-folder-first-frame-files s100k_site/index.html s100k_site/*.js s100k_site/*.wasm s100k_site/*.css s100k_site/manifest.json s100k_site/points.bin
row 100k/starmap-single s100k.html
row 100k/datamapplot s100k_dmp.html
