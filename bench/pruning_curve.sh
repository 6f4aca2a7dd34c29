#!/usr/bin/env bash
# Accuracy of the bundled LeNet on the overlay (C-simulation, `small`) against
# spectral sparsity (counted on the independent bins), for each pruning method
# spec2c has (compile with --calib-count=$CALIB). Writes
# bench/results/pruning_curve.json with each point's compile time. Usage:
# [CALIB=2048] bash bench/pruning_curve.sh [LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
LIMIT="${1:-10000}"
CALIB="${CALIB:-2048}"
OUT=bench/results/pruning_curve.json
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p bench/results
rows=()
for method in obs admm magnitude; do
  for r in 0 0.25 0.5 0.75 0.9 0.95; do
    t0=$(date +%s.%N)
    "$BUILD_DIR/bin/spec2c" models/lenet_fmnist.onnx --target small \
      --calib=fashion-mnist --calib-count="$CALIB" --sparsity="$r" \
      --prune-method="$method" -o "$TMP/l.s2b" --report="$TMP/r.json" 2>/dev/null
    compile=$(python3 -c "print(round($(date +%s.%N) - $t0, 2))")
    actual=$(python3 -c "import json; t=json.load(open('$TMP/r.json'))['total']; print(t['spectral_sparsity'])")
    json=$("$BUILD_DIR/bin/spec2-run" "$TMP/l.s2b" --dataset fashion-mnist \
      --limit "$LIMIT" --json)
    echo "pruning_curve: $method sparsity $r: $json" >&2
    rows+=("{\"method\":\"$method\",\"sparsity\":$r,\"actual_sparsity\":$actual,\"compile_s\":$compile,\"run\":$json}")
  done
done
float=$("$BUILD_DIR/bin/spec2-run" models/lenet_fmnist.onnx --dataset fashion-mnist \
  --limit "$LIMIT" --json)
{
  echo "{\"benchmark\":\"pruning_curve\",\"model\":\"models/lenet_fmnist.onnx\","
  echo "\"target\":\"small\",\"images\":$LIMIT,\"calib_count\":$CALIB,\"date\":\"$(date -u +%FT%TZ)\","
  echo "\"commit\":\"$(git rev-parse --short HEAD)\",\"float\":$float,"
  echo "\"points\":["
  (IFS=,; echo "${rows[*]}")
  echo "]}"
} > "$OUT"
echo "wrote $OUT" >&2
