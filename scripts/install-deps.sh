#!/usr/bin/env bash
# Installs the Debian packages spec2c needs to build and test, only those
# that are missing. Idempotent; run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  cmake ninja-build g++ ccache pkg-config
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  libonnx-dev libprotobuf-dev protobuf-compiler
  libfftw3-dev libeigen3-dev libgtest-dev zlib1g-dev python3
  libxrt-dev
  libonnx-testdata dataset-fashion-mnist
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node and npm for the onnxruntime oracle (test/e2e/ort, npm onnxruntime-node).
# Checked by command, not by package: a NodeSource nodejs brings its own npm,
# and Debian's npm package would conflict with it.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present (and node, npm)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
