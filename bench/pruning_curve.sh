#!/usr/bin/env bash
# Accuracy of the bundled LeNet on the overlay (C-simulation, `small`) against
# spectral sparsity (counted on the independent bins), for each pruning method
# spec2c has. Writes
# bench/results/pruning_curve.json. Usage: bash bench/pruning_curve.sh [LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
LIMIT="${1:-10000}"
OUT=bench/results/pruning_curve.json
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p bench/results
rows=()
for method in obs admm magnitude; do
  for r in 0 0.25 0.5 0.75 0.9 0.95; do
    "$BUILD_DIR/bin/spec2c" models/lenet_fmnist.onnx --target small \
      --calib=fashion-mnist --sparsity="$r" --prune-method="$method" -o "$TMP/l.s2b" 2>/dev/null
    json=$("$BUILD_DIR/bin/spec2-run" "$TMP/l.s2b" --dataset fashion-mnist \
      --limit "$LIMIT" --json)
    echo "pruning_curve: $method sparsity $r: $json" >&2
    rows+=("{\"method\":\"$method\",\"sparsity\":$r,\"run\":$json}")
  done
done
float=$("$BUILD_DIR/bin/spec2-run" models/lenet_fmnist.onnx --dataset fashion-mnist \
  --limit "$LIMIT" --json)
{
  echo "{\"benchmark\":\"pruning_curve\",\"model\":\"models/lenet_fmnist.onnx\","
  echo "\"target\":\"small\",\"images\":$LIMIT,\"date\":\"$(date -u +%FT%TZ)\","
  echo "\"commit\":\"$(git rev-parse --short HEAD)\",\"float\":$float,"
  echo "\"points\":["
  (IFS=,; echo "${rows[*]}")
  echo "]}"
} > "$OUT"
echo "wrote $OUT" >&2
