#!/usr/bin/env bash
# Pruning of the spatial engine's weights (one decision per lane block of
# conv_pout output channels, OBS + least-squares refit on the sequential
# fit) against the spectral engine's pruning: the bundled LeNet on u200 with
# every conv forced onto one engine, at each sparsity, accuracy on the
# Fashion-MNIST test set (C-simulation) and modeled cycles; then the
# MobileNetV2-style model (engines chosen by the cost model) dense and at
# 0.5. Writes bench/results/spatial_pruning.json. Usage:
# [CALIB=256] bash bench/spatial_pruning.sh [LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
LIMIT="${1:-10000}"
CALIB="${CALIB:-256}"
OUT=bench/results/spatial_pruning.json
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p bench/results
rows=()
# point MODEL ENGINE SPARSITY: compile, report figures, run the test set.
point() {
  local model=$1 engine=$2 r=$3
  local t0 compile layers json
  t0=$(date +%s.%N)
  "$BUILD_DIR/bin/spec2c" "$model" --target u200 --engine="$engine" \
    --calib=fashion-mnist --calib-count="$CALIB" --sparsity="$r" \
    -o "$TMP/p.s2b" --report="$TMP/r.json" 2>/dev/null
  compile=$(python3 -c "print(round($(date +%s.%N) - $t0, 2))")
  layers=$(python3 - "$TMP/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rows = []
for l in r["layers"]:
    if l["kind"] not in ("spatial_conv", "spectral_conv"):
        continue
    w = l.get("spatial_weights") or l.get("spectral_weights")
    nz = l.get("spatial_nonzeros") if l["kind"] == "spatial_conv" else l.get("spectral_nonzeros")
    rows.append({"name": l["name"], "engine": l.get("engine"), "weights": w,
                 "nonzeros": nz, "sparsity": l.get("sparsity", 0.0),
                 "lane_block_entries": l.get("lane_block_entries"),
                 "modeled_cycles": l.get("modeled_cycles")})
t = r["total"]
print(json.dumps({"spatial_sparsity": t.get("spatial_sparsity"),
                  "spectral_sparsity": t.get("spectral_sparsity"),
                  "layers": rows}))
PY
)
  json=$("$BUILD_DIR/bin/spec2-run" "$TMP/p.s2b" --dataset fashion-mnist \
    --limit "$LIMIT" --json)
  echo "spatial_pruning: $model $engine sparsity $r: $json" >&2
  rows+=("{\"model\":\"$model\",\"engine\":\"$engine\",\"sparsity\":$r,\"compile_s\":$compile,\"report\":$layers,\"run\":$json}")
}
for engine in spatial spectral; do
  for r in 0 0.5 0.75 0.9; do
    point models/lenet_fmnist.onnx "$engine" "$r"
  done
done
for r in 0 0.5; do
  point models/mobilenet_fmnist.onnx auto "$r"
done
{
  echo "{\"benchmark\":\"spatial_pruning\",\"target\":\"u200\",\"images\":$LIMIT,"
  echo "\"calib_count\":$CALIB,\"date\":\"$(date -u +%FT%TZ)\","
  echo "\"commit\":\"$(git rev-parse --short HEAD)\","
  echo "\"points\":["
  (IFS=,; echo "${rows[*]}")
  echo "]}"
} > "$OUT"
echo "wrote $OUT" >&2
