#!/usr/bin/env bash
# Issue #17's check of real networks' numerics: torchvision classifiers
# (random weights, 1x3x224x224) compiled for u200 with the default engine
# choice, run on the C-simulation and on onnxruntime (the independent oracle)
# on the same random inputs; per model the worst logit error relative to
# onnxruntime's logit range, argmax agreement, modeled latency and which
# engine the convs run on. Writes bench/results/torchvision_logits.json
# (models not given keep their earlier entries, each with its commit).
#
#   bash bench/torchvision_logits.sh [--models mobilenet_v2,regnet_x_400mf,resnet18] [--inputs N]
#
# Models from models/export_torchvision.py into $MODEL_DIR (default
# /tmp/spec2-models), once; calibration on 8 random inputs in [0, 1], the
# distribution the test inputs come from (no ImageNet here).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
MODEL_DIR="${MODEL_DIR:-/tmp/spec2-models}"
MODELS=mobilenet_v2,regnet_x_400mf,resnet18
INPUTS=4
while [ $# -gt 0 ]; do
  case "$1" in
    --models) MODELS="$2"; shift 2 ;;
    --inputs) INPUTS="$2"; shift 2 ;;
    *) echo "torchvision_logits: unknown argument '$1'" >&2; exit 1 ;;
  esac
done
OUT=bench/results/torchvision_logits.json
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p bench/results "$MODEL_DIR" "$TMP/in"
bash test/e2e/ort/install.sh >&2
BIN="$BUILD_DIR/bin"
/usr/bin/python3 -c "
import numpy as np
r = np.random.RandomState(1)
for i in range($INPUTS):
    np.save('$TMP/in/x%d.npy' % i, r.rand(1, 3, 224, 224).astype(np.float32))"
for m in ${MODELS//,/ }; do
  [ -f "$MODEL_DIR/$m.onnx" ] || /usr/bin/python3 models/export_torchvision.py "$MODEL_DIR" --models "$m"
  mkdir -p "$TMP/$m/ovl" "$TMP/$m/ort"
  start=$(date +%s.%N)
  "$BIN/spec2c" "$MODEL_DIR/$m.onnx" --target u200 --calib-count=8 -o "$TMP/$m/p.s2b" \
    --report="$TMP/$m/report.json" 2> "$TMP/$m/log"
  echo "$(date +%s.%N) - $start" | bc > "$TMP/$m/seconds"
  for x in "$TMP"/in/*.npy; do
    "$BIN/spec2-run" "$TMP/$m/p.s2b" --input "$x" --output "$TMP/$m/ovl/$(basename "$x")" > /dev/null
  done
  node test/e2e/ort/ort.js run "$MODEL_DIR/$m.onnx" --out-dir "$TMP/$m/ort" "$TMP"/in/*.npy > /dev/null
  echo "torchvision_logits: $m done" >&2
done
/usr/bin/python3 - "$TMP" "$OUT" "$MODELS" "$(git rev-parse --short HEAD)" <<'PY'
import glob, json, os, sys, datetime
import numpy as np
tmp, out, models, commit = sys.argv[1:]
# Models not re-run keep their earlier entries (each records its commit).
old = {}
if os.path.exists(out):
    prev = json.load(open(out))
    old = prev["models"]
    for e in old.values():
        e.setdefault("commit", prev.get("commit"))
        e.setdefault("date", prev.get("date"))
res = {"benchmark": "torchvision_logits",
       "inputs": "uniform [0, 1], 1x3x224x224, seed 1", "models": old}
date = datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
for m in models.split(","):
    rel, agree, names = [], 0, sorted(os.listdir(f"{tmp}/{m}/ort"))
    for n in names:
        a = np.load(f"{tmp}/{m}/ovl/{n}").astype(np.float64).ravel()
        b = np.load(f"{tmp}/{m}/ort/{n}").astype(np.float64).ravel()
        rel.append(float(np.abs(a - b).max() / (b.max() - b.min())))
        agree += int(a.argmax() == b.argmax())
    r = json.load(open(f"{tmp}/{m}/report.json"))
    convs = [l for l in r["layers"] if l["kind"] in ("spectral_conv", "spatial_conv")]
    res["models"][m] = {
        "worst_relative_logit_error": max(rel), "median_relative_logit_error": float(np.median(rel)),
        "argmax_agreement": f"{agree}/{len(names)}",
        "modeled_ms": r["total"]["modeled_ms"], "modeled_fps": 1000 / r["total"]["modeled_ms"],
        "convs_spatial": sum(l.get("engine") == "spatial" for l in convs),
        "convs_spectral": sum(l.get("engine") == "spectral" for l in convs),
        "compile_seconds": float(open(f"{tmp}/{m}/seconds").read()),
        "commit": commit, "date": date}
json.dump(res, open(out, "w"), indent=1)
print(json.dumps({m: res["models"][m] for m in models.split(",")}, indent=1))
PY
echo "torchvision_logits: wrote $OUT" >&2
