#!/usr/bin/env bash
# The main job: set up, build, compile the bundled Fashion-MNIST LeNet for the
# overlay and run it on the C-simulation over the full test set, next to the
# float reference.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR="${BUILD_DIR:-build}"
TARGET="${TARGET:-small}"
set -x
"$BUILD_DIR/bin/spec2c" models/lenet_fmnist.onnx --target "$TARGET" \
  --calib=fashion-mnist -o "$BUILD_DIR/lenet_fmnist.s2b" -v
"$BUILD_DIR/bin/spec2-run" "$BUILD_DIR/lenet_fmnist.s2b" --dataset fashion-mnist
"$BUILD_DIR/bin/spec2-run" models/lenet_fmnist.onnx --dataset fashion-mnist
