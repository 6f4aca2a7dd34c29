#!/usr/bin/env bash
# Issue #6's benchmark: torchvision VGG16 (224x224, batch 1, random weights)
# compiled for the u200 overlay at 75% spectral sparsity; what spec2c --report
# models (latency, DDR traffic against both fixed dataflows, bank-conflict
# stalls, DSP use) next to compile time and how long ONNX's own Python parser
# takes to load the file. Writes bench/results/vgg16_u200.json.
#
#   bash bench/vgg16_u200.sh [--prune-method obs|admm|magnitude] [--calib-count N]
#
# The model comes from models/export_torchvision.py (needs python3-torch,
# which CI does not install); it is written to $MODEL_DIR (default
# /tmp/spec2-models) once. There is no ImageNet data here: calibration uses
# random inputs (spec2c says so), which affects ranges, not the modeled cost.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
MODEL_DIR="${MODEL_DIR:-/tmp/spec2-models}"
METHOD=magnitude
CALIB=2
while [ $# -gt 0 ]; do
  case "$1" in
    --prune-method) METHOD="$2"; shift 2 ;;
    --calib-count) CALIB="$2"; shift 2 ;;
    *) echo "vgg16_u200: unknown argument '$1'" >&2; exit 1 ;;
  esac
done
OUT=bench/results/vgg16_u200.json
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p bench/results "$MODEL_DIR"
MODEL="$MODEL_DIR/vgg16.onnx"
[ -f "$MODEL" ] || /usr/bin/python3 models/export_torchvision.py "$MODEL_DIR" --models vgg16

onnx_load=$(/usr/bin/python3 -c "
import time, onnx
t = time.perf_counter(); onnx.load('$MODEL'); print(round(time.perf_counter() - t, 3))")
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$TMP/rss" "$BUILD_DIR/bin/spec2c" "$MODEL" --target u200 \
  --sparsity=0.75 --prune-method="$METHOD" --calib-count="$CALIB" \
  -o "$TMP/vgg16.s2b" --report="$TMP/report.json" 2> "$TMP/log"
end=$(date +%s.%N)
compile=$(echo "$end - $start" | bc)
echo "vgg16_u200: compiled in $compile s (onnx.load: $onnx_load s)" >&2
/usr/bin/python3 - "$TMP/report.json" "$OUT" "$compile" "$onnx_load" "$METHOD" \
  "$CALIB" "$(cat "$TMP/rss")" "$(git rev-parse --short HEAD)" <<'PY'
import json, sys, datetime
report, out, compile_s, load_s, method, calib, rss_kb, commit = sys.argv[1:]
r = json.load(open(report))
t = r["total"]
best_fixed = min(t["ddr_bytes_fixed_kernel_reuse"], t["ddr_bytes_fixed_activation_reuse"])
res = {
    "benchmark": "vgg16_u200", "commit": commit,
    "date": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
    "model": "torchvision vgg16, random weights, 1x3x224x224",
    "prune_method": method, "calib_count": int(calib),
    "compile_seconds": float(compile_s), "compile_peak_rss_mb": int(rss_kb) // 1024,
    "onnx_load_seconds": float(load_s),
    "total": t,
    "traffic_saving_vs_best_fixed_dataflow": 1 - t["ddr_bytes"] / best_fixed,
    "stalls_per_mac_cycle": t["bank_conflict_stalls"] / max(1, t["mac_cycles"]),
    "layers": [{k: l.get(k) for k in ("name", "kind", "dataflow", "tiling",
                "modeled_cycles", "ddr_bytes", "mac_cycles",
                "bank_conflict_stalls", "dsp_utilization", "sparsity")}
               for l in r["layers"]],
}
json.dump(res, open(out, "w"), indent=1)
print(json.dumps({k: res[k] for k in ("compile_seconds", "onnx_load_seconds",
      "traffic_saving_vs_best_fixed_dataflow", "stalls_per_mac_cycle")}))
print(json.dumps({k: t[k] for k in ("modeled_ms", "ddr_bytes", "ddr_bytes_fixed_kernel_reuse",
      "ddr_bytes_fixed_activation_reuse", "bank_conflict_stalls", "mac_cycles",
      "conv_dsp_utilization", "dsp_used", "dsp_available")}))
PY
echo "vgg16_u200: wrote $OUT" >&2
