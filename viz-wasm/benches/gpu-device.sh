#!/usr/bin/env bash
# The GPU benchmark on a lent device machine (no display, no browser, no Rust there): run it
# from the repository root there, with `.gl` (the EGL/GLES loader packages) and `.gpu` (the
# bench binary built here: `cargo bench -p starmap-viz --bench gpu --no-run`, copied to
# .gpu/gpu) carried. Prepare both here once:
#   echo /.gl/ >> .git/info/exclude; echo /.gpu/ >> .git/info/exclude
#   mkdir -p .gl .gpu /tmp/amd64/partial
#   o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
#   apt-get $o update; (cd .gl && apt-get $o download libegl1 libglvnd0 libgles2 libopengl0)
#   cp "$(ls -t target/release/deps/gpu-* | grep -v '\.d$' | head -n1)" .gpu/gpu
# Test it here first on Mesa: EGL_PLATFORM=surfaceless .gpu/gpu --points 100000 --frames 3
set -euo pipefail
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
# NVIDIA's EGL vendor file, where the loader does not find it by itself.
if [ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ]; then
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
mkdir -p "${OUT:-out}"
.gpu/gpu --points 1000000,10000000,50000000 --frames 30 --size 1920x1080 | tee "${OUT:-out}/gpu.md"
.gpu/gpu --points 10000000 --frames 30 --size 1920x1080 --zoom 8 | tee -a "${OUT:-out}/gpu.md"
