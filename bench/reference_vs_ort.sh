#!/usr/bin/env bash
# The float reference (spec2-run MODEL.onnx: the executor calibration and
# pruning run) against onnxruntime on the same CPU, per torchvision model:
# whole-process wall time per inference, and the largest output difference
# relative to the output range. Both tools run alternately, one process per input (each
# pays its model loading), and the medians are compared. Writes bench/results/reference_vs_ort.json.
#
#   bash bench/reference_vs_ort.sh [--models resnet18,mobilenet_v2] [--runs R]
#
# Models from models/export_torchvision.py into $MODEL_DIR (default
# /tmp/spec2-models), once (needs python3-torch).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
MODEL_DIR="${MODEL_DIR:-/tmp/spec2-models}"
MODELS=resnet18,mobilenet_v2,regnet_x_400mf
RUNS=8
while [ $# -gt 0 ]; do
  case "$1" in
    --models) MODELS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    *) echo "reference_vs_ort: unknown argument '$1'" >&2; exit 1 ;;
  esac
done
OUT=bench/results/reference_vs_ort.json
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p bench/results "$MODEL_DIR" "$TMP/in"
bash test/e2e/ort/install.sh >&2
/usr/bin/python3 -c "
import numpy as np
r = np.random.RandomState(1)
for i in range($RUNS):
    np.save('$TMP/in/x%d.npy' % i, r.rand(1, 3, 224, 224).astype(np.float32))"
# One process per input for both tools, alternately: each pays its model
# loading, and a drift in the machine's speed hits both.
timed() { # out-file, command...
  local out=$1; shift
  local start; start=$(date +%s.%N)
  "$@"
  echo "$(date +%s.%N) - $start" | bc >> "$out"; }
for m in ${MODELS//,/ }; do
  [ -f "$MODEL_DIR/$m.onnx" ] || /usr/bin/python3 models/export_torchvision.py "$MODEL_DIR" --models "$m"
  mkdir -p "$TMP/$m/ref" "$TMP/$m/ort"
  for x in "$TMP"/in/*.npy; do
    timed "$TMP/$m/ref.times" "$BUILD_DIR/bin/spec2-run" "$MODEL_DIR/$m.onnx" --input "$x" \
      --output "$TMP/$m/ref/$(basename "$x")" > /dev/null
    timed "$TMP/$m/ort.times" node test/e2e/ort/ort.js run "$MODEL_DIR/$m.onnx" \
      --out-dir "$TMP/$m/ort" "$x" > /dev/null
  done
  echo "reference_vs_ort: $m done" >&2
done
/usr/bin/python3 - "$TMP" "$OUT" "$MODELS" "$RUNS" "$(git rev-parse --short HEAD)" <<'PY'
import json, os, sys, datetime
import numpy as np
tmp, out, models, runs, commit = sys.argv[1:]
res = {"benchmark": "reference_vs_ort", "commit": commit, "nproc": os.cpu_count(),
       "date": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
       "inputs": f"{runs} x uniform [0, 1], 1x3x224x224, seed 1; one process per input",
       "models": {}}
for m in models.split(","):
    ref = [float(v) for v in open(f"{tmp}/{m}/ref.times").read().split()]
    ort = [float(v) for v in open(f"{tmp}/{m}/ort.times").read().split()]
    worst = 0.0
    for n in sorted(os.listdir(f"{tmp}/{m}/ort")):
        a = np.load(f"{tmp}/{m}/ref/{n}").astype(np.float64).ravel()
        b = np.load(f"{tmp}/{m}/ort/{n}").astype(np.float64).ravel()
        worst = max(worst, float(np.abs(a - b).max() / (b.max() - b.min())))
    res["models"][m] = {"reference_median_seconds": float(np.median(ref)),
                        "ort_median_seconds": float(np.median(ort)),
                        "reference_over_ort": float(np.median(ref) / np.median(ort)),
                        "runs": len(ref),
                        "worst_relative_output_difference": worst}
json.dump(res, open(out, "w"), indent=1)
print(json.dumps(res["models"], indent=1))
PY
echo "reference_vs_ort: wrote $OUT" >&2
