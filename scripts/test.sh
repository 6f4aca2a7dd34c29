#!/usr/bin/env bash
# Set up, build, and run every test: lit (FileCheck), GoogleTest units and
# ONNX's backend node tests on the reference executor.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR="${BUILD_DIR:-build}"
ctest --test-dir "$BUILD_DIR" --output-on-failure
