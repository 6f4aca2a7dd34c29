#!/usr/bin/env bash
# Issue #17's runtime levels on torchvision mobilenet_v2 (224x224, batch 1,
# random weights) for u200: one program compiled with
# --runtime-sparsity=LEVELS (magnitude pruning: without ImageNet the
# calibration-fitted methods have nothing meaningful to fit, and the modeled
# cost does not depend on the method), the report's per-level cycles, fps,
# DDR bytes and energy, and each level run once on the C-simulation with its
# counters checked against the model. Writes bench/results/mobilenet_v2_levels.json.
#
#   bash bench/mobilenet_v2_levels.sh [LEVELS]     (default 0,0.5,0.75)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
MODEL_DIR="${MODEL_DIR:-/tmp/spec2-models}"
LEVELS="${1:-0,0.5,0.75}"
OUT=bench/results/mobilenet_v2_levels.json
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p bench/results "$MODEL_DIR"
MODEL="$MODEL_DIR/mobilenet_v2.onnx"
[ -f "$MODEL" ] || /usr/bin/python3 models/export_torchvision.py "$MODEL_DIR" --models mobilenet_v2
BIN="$BUILD_DIR/bin"
start=$(date +%s.%N)
"$BIN/spec2c" "$MODEL" --target u200 --calib-count=2 --prune-method=magnitude \
  --runtime-sparsity="$LEVELS" -o "$TMP/p.s2b" --report="$TMP/r.json" 2> "$TMP/log"
seconds=$(echo "$(date +%s.%N) - $start" | bc)
/usr/bin/python3 -c "
import numpy as np
np.save('$TMP/x.npy', np.random.RandomState(1).rand(1, 3, 224, 224).astype(np.float32))"
n=$(echo "$LEVELS" | tr ',' '\n' | wc -l)
for k in $(seq 0 $((n - 1))); do
  "$BIN/spec2-run" "$TMP/p.s2b" --input "$TMP/x.npy" --level=$k --json > "$TMP/run$k.json"
done
/usr/bin/python3 - "$TMP" "$OUT" "$n" "$seconds" "$LEVELS" "$(git rev-parse --short HEAD)" <<'PY'
import json, sys, datetime
tmp, out, n, seconds, levels, commit = sys.argv[1:]
r = json.load(open(f"{tmp}/r.json"))
runs = [json.load(open(f"{tmp}/run{k}.json")) for k in range(int(n))]
res = {"benchmark": "mobilenet_v2_levels", "commit": commit,
       "date": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
       "model": "torchvision mobilenet_v2, random weights, 1x3x224x224",
       "runtime_sparsity": levels, "prune_method": "magnitude",
       "compile_seconds": float(seconds), "program_bytes": r.get("program_bytes"),
       "levels": []}
for lv, run in zip(r["runtime_levels"], runs):
    lv = dict(lv)
    lv["csim_modeled_cycles"] = run.get("modeled_cycles")
    lv["csim_level"] = run.get("level")
    res["levels"].append(lv)
json.dump(res, open(out, "w"), indent=1)
print(json.dumps(res["levels"], indent=1))
PY
echo "mobilenet_v2_levels: wrote $OUT" >&2
