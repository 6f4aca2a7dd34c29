#!/usr/bin/env bash
# Issue #18's table: every torchvision classifier of the issue plus VGG16
# and ResNet-18 (random weights, 1x3x224x224, from models/export_torchvision.py
# into $MODEL_DIR, default /tmp/spec2-models) compiled for u200 with DEFAULT
# options (256 random calibration inputs), one at a time: compiled or refused
# (the first error line), wall and CPU seconds, peak RSS, modeled latency,
# and on one random input the C-simulation's logits against onnxruntime's
# (the independent oracle): worst error over the logit range, argmax.
# Writes bench/results/torchvision_compile.json (models not given keep
# their earlier entries, each with its commit).
#
#   bash bench/torchvision_compile.sh [--models a,b,...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
MODEL_DIR="${MODEL_DIR:-/tmp/spec2-models}"
MODELS=squeezenet1_1,googlenet,shufflenet_v2_x0_5,mnasnet0_5,mobilenet_v2,efficientnet_b0,mobilenet_v3_small,densenet121,regnet_x_400mf,alexnet,resnet50,vgg16,resnet18
while [ $# -gt 0 ]; do
  case "$1" in
    --models) MODELS="$2"; shift 2 ;;
    *) echo "torchvision_compile: unknown argument '$1'" >&2; exit 1 ;;
  esac
done
OUT=bench/results/torchvision_compile.json
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p bench/results "$MODEL_DIR"
bash test/e2e/ort/install.sh >&2
BIN="$BUILD_DIR/bin"
/usr/bin/python3 -c "
import numpy as np
np.save('$TMP/x.npy', np.random.RandomState(7).rand(1, 3, 224, 224).astype(np.float32))"
for m in ${MODELS//,/ }; do
  [ -f "$MODEL_DIR/$m.onnx" ] || /usr/bin/python3 models/export_torchvision.py "$MODEL_DIR" --models "$m"
  mkdir -p "$TMP/$m"
  echo "torchvision_compile: $m ..." >&2
  set +e
  /usr/bin/time -f "%e %U %S %M" -o "$TMP/$m/time" \
    "$BIN/spec2c" "$MODEL_DIR/$m.onnx" --target u200 -o "$TMP/$m/p.s2b" \
    --report="$TMP/$m/report.json" 2> "$TMP/$m/log"
  echo $? > "$TMP/$m/rc"
  set -e
  if [ "$(cat "$TMP/$m/rc")" = 0 ]; then
    "$BIN/spec2-run" "$TMP/$m/p.s2b" --input "$TMP/x.npy" --output "$TMP/$m/ovl.npy" > /dev/null
    node test/e2e/ort/ort.js run "$MODEL_DIR/$m.onnx" --out-dir "$TMP/$m/ort" "$TMP/x.npy" > /dev/null
  fi
done
/usr/bin/python3 - "$TMP" "$OUT" "$MODELS" "$(git rev-parse --short HEAD)" <<'PY'
import json, os, sys, datetime
import numpy as np
tmp, out, models, commit = sys.argv[1:]
old = json.load(open(out))["models"] if os.path.exists(out) else {}
res = {"benchmark": "torchvision_compile",
       "options": "spec2c MODEL --target u200 (defaults: 256 random calibration inputs)",
       "input": "uniform [0, 1], 1x3x224x224, seed 7", "nproc": os.cpu_count(),
       "models": old}
date = datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
for m in models.split(","):
    wall, user, sys_, rss = open(f"{tmp}/{m}/time").read().split()[-4:]
    e = {"compiled": open(f"{tmp}/{m}/rc").read().strip() == "0",
         "wall_seconds": float(wall), "cpu_seconds": float(user) + float(sys_),
         "peak_rss_mb": round(int(rss) / 1024), "commit": commit, "date": date}
    if e["compiled"]:
        a = np.load(f"{tmp}/{m}/ovl.npy").astype(np.float64).ravel()
        b = np.load(f"{tmp}/{m}/ort/x.npy").astype(np.float64).ravel()
        r = json.load(open(f"{tmp}/{m}/report.json"))
        e.update({"relative_logit_error": float(np.abs(a - b).max() / (b.max() - b.min())),
                  "argmax_same": bool(a.argmax() == b.argmax()),
                  "modeled_ms": r["total"]["modeled_ms"]})
    else:
        errors = [l for l in open(f"{tmp}/{m}/log") if "error" in l]
        e["first_error"] = errors[0].strip() if errors else "(no error line)"
    res["models"][m] = e
json.dump(res, open(out, "w"), indent=1)
for m in models.split(","):
    e = res["models"][m]
    print(f"{m:20s} {'ok' if e['compiled'] else 'REFUSED':8s} {e['wall_seconds']:7.1f} s "
          f"{e['peak_rss_mb']:6d} MB  " +
          (f"{e['modeled_ms']:8.3f} ms  err {e['relative_logit_error']:.2e}  argmax {'same' if e['argmax_same'] else 'DIFF'}"
           if e["compiled"] else e["first_error"]))
PY
echo "torchvision_compile: wrote $OUT" >&2
