#!/usr/bin/env bash
# The main job: set up, build, and run the bundled Fashion-MNIST LeNet
# through the importer and the float reference on the full test set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR="${BUILD_DIR:-build}"
set -x
"$BUILD_DIR/bin/spec2c" models/lenet_fmnist.onnx --emit=graph -o "$BUILD_DIR/lenet_fmnist.mlir" -v
"$BUILD_DIR/bin/spec2-run" models/lenet_fmnist.onnx --dataset fashion-mnist
