#!/usr/bin/env bash
# Issue #17's benchmark: torchvision mobilenet_v2 (224x224, batch 1, random
# weights) compiled for the u200 overlay, dense, every conv on the engine the
# cost model picks (--engine=auto) with the inverted-residual blocks fused
# where the cost model finds it faster, against --no-fuse and against all
# convs forced onto the spectral engine; the C-simulation's counters checked against the model;
# then the bundled MobileNetV2-style Fashion-MNIST model's accuracy on the
# overlay against its float accuracy. Writes bench/results/mobilenet_v2_u200.json.
#
#   bash bench/mobilenet_v2_u200.sh [--images N]   (Fashion-MNIST test images, default 10000)
#
# The torchvision model comes from models/export_torchvision.py (needs
# python3-torch, which CI does not install), written to $MODEL_DIR (default
# /tmp/spec2-models) once. No ImageNet here: calibration uses random inputs,
# which sets ranges, not the modeled cost.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
MODEL_DIR="${MODEL_DIR:-/tmp/spec2-models}"
IMAGES=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --images) IMAGES="$2"; shift 2 ;;
    *) echo "mobilenet_v2_u200: unknown argument '$1'" >&2; exit 1 ;;
  esac
done
OUT=bench/results/mobilenet_v2_u200.json
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p bench/results "$MODEL_DIR"
MODEL="$MODEL_DIR/mobilenet_v2.onnx"
[ -f "$MODEL" ] || /usr/bin/python3 models/export_torchvision.py "$MODEL_DIR" --models mobilenet_v2
BIN="$BUILD_DIR/bin"

compile() { # name, extra spec2c flags...
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$TMP/$name.rss" "$BIN/spec2c" "$MODEL" --target u200 \
    --calib-count=8 "$@" -o "$TMP/$name.s2b" --report="$TMP/$name.json" 2> "$TMP/$name.log"
  end=$(date +%s.%N)
  echo "$end - $start" | bc > "$TMP/$name.seconds"
  echo "mobilenet_v2_u200: compiled $name in $(cat "$TMP/$name.seconds") s" >&2
}
compile auto
compile nofuse --no-fuse
compile spectral --engine=spectral

# The C-simulation's counters on one input: the modeled cycles are what runs.
/usr/bin/python3 -c "
import numpy as np
np.save('$TMP/x.npy', np.random.RandomState(0).rand(1, 3, 224, 224).astype(np.float32))"
"$BIN/spec2-run" "$TMP/auto.s2b" --input "$TMP/x.npy" --counters > "$TMP/auto.run"

# The Fashion-MNIST MobileNetV2-style model: overlay accuracy against float.
"$BIN/spec2c" models/mobilenet_fmnist.onnx --target u200 --calib=fashion-mnist \
  -o "$TMP/fmnist.s2b" --report="$TMP/fmnist.json" 2> "$TMP/fmnist.log"
"$BIN/spec2-run" "$TMP/fmnist.s2b" --dataset fashion-mnist --limit "$IMAGES" --json \
  > "$TMP/fmnist.run.json"

/usr/bin/python3 - "$TMP" "$OUT" "$(git rev-parse --short HEAD)" "$IMAGES" <<'PY'
import json, re, sys, datetime
tmp, out, commit, images = sys.argv[1:]
def load(name): return json.load(open(f"{tmp}/{name}.json"))
def text(name): return open(f"{tmp}/{name}").read()
auto, spectral, nofuse = load("auto"), load("spectral"), load("nofuse")
counted = int(re.search(r"counters: (\d+) cycles", text("auto.run")).group(1))
def summary(r, name):
    t = r["total"]
    convs = [l for l in r["layers"] if l["kind"] in ("spectral_conv", "spatial_conv")]
    return {"modeled_cycles": t["modeled_cycles"], "modeled_ms": t["modeled_ms"],
            "modeled_fps": 1000.0 / t["modeled_ms"], "ddr_bytes": t["ddr_bytes"],
            "energy_modeled_mj": t["energy"]["total_mj"],
            "gop_per_s_modeled": t["energy"]["gop_per_s"],
            "gop_per_s_per_w_modeled": t["energy"]["gop_per_s_per_w"],
            "spatial_dsp_utilization": t.get("spatial_dsp_utilization"),
            "conv_dsp_utilization": t["conv_dsp_utilization"],
            "convs_spatial": sum(l.get("engine") == "spatial" for l in convs),
            "convs_spectral": sum(l.get("engine") == "spectral" for l in convs),
            "fused_blocks": t.get("fused_blocks"),
            "fused_ddr_bytes_saved": t.get("fused_ddr_bytes_saved"),
            "compile_seconds": float(text(f"{name}.seconds")),
            "compile_peak_rss_mb": int(text(f"{name}.rss")) // 1024}
fm = json.load(open(f"{tmp}/fmnist.run.json"))
fm_float = json.load(open("models/mobilenet_fmnist.accuracy.json"))["onnx_float_accuracy"]
res = {
    "benchmark": "mobilenet_v2_u200", "commit": commit,
    "date": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
    "model": "torchvision mobilenet_v2, random weights, 1x3x224x224, dense",
    "auto": summary(auto, "auto"), "no_fuse": summary(nofuse, "nofuse"),
    "all_spectral": summary(spectral, "spectral"),
    "csim_counted_cycles": counted,
    "csim_equals_model": counted == auto["total"]["modeled_cycles"],
    "dsp_used": auto["total"]["dsp_used"], "dsp_available": auto["total"]["dsp_available"],
    "fmnist_mobilenet": {"images": int(images), "float_accuracy_10k": fm_float,
                         "overlay_accuracy": fm.get("accuracy"),
                         "modeled_cycles": load("fmnist")["total"]["modeled_cycles"]},
    "layers": [{k: l.get(k) for k in ("name", "kind", "engine", "engine_cycles",
                "modeled_cycles", "ddr_bytes", "dsp_utilization", "macs_executed")}
               for l in auto["layers"]],
    "blocks": [dict(l["bottleneck"], name=l["name"]) for l in auto["layers"]
               if "bottleneck" in l],
}
json.dump(res, open(out, "w"), indent=1)
print(json.dumps({k: res[k] for k in ("auto", "no_fuse", "all_spectral", "csim_equals_model", "fmnist_mobilenet")}, indent=1))
PY
echo "mobilenet_v2_u200: wrote $OUT" >&2
