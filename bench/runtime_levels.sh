#!/usr/bin/env bash
# Runtime pruning levels (spec2c --runtime-sparsity): the bundled LeNet for
# u200 compiled ONCE with levels 0, 0.5, 0.75 and 0.9, then each level run
# on the Fashion-MNIST test images (spec2-run --level=K): accuracy, modeled
# cycles, fps, DDR bytes and modeled energy per level, and the program's
# size against the levels compiled one by one. Two checks per level: the
# level compiled on its own from the same masks (--emit-level=K) gives the
# same output bits on $BITS test images and the same modeled cycles; and,
# for comparison, a plain --sparsity=R compile of the sparsest level (no
# nesting) gives what nesting costs. ENGINE (default spectral) is --engine; the `auto` row
# compiles the levels with both LeNet convs on the spatial engine (u200's choice). Writes
# bench/results/runtime_levels.json; with KEEP=DIR the program stays there
# (levels.s2b, levels.json). Usage:
# [ENGINE=spectral] [BITS=20] [KEEP=DIR] [PROGRAM=DIR/levels.s2b COMPILE_S=S]
# [ALONE="0 3"] bash bench/runtime_levels.sh [LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
LIMIT="${1:-10000}"
ENGINE="${ENGINE:-spectral}"
BITS="${BITS:-20}"
LEVELS="0,0.5,0.75,0.9"
OUT=bench/results/runtime_levels.json
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p bench/results
BIN="$BUILD_DIR/bin"
COMMON=(models/lenet_fmnist.onnx --target u200 --calib=fashion-mnist)

seconds_since() { python3 -c "print(round($(date +%s.%N) - $1, 2))"; }

# The first $BITS test images as .npy (pixels / 255, as --dataset feeds them).
python3 - "$TMP" "$BITS" <<'PY'
import gzip, struct, sys
out, n = sys.argv[1], int(sys.argv[2])
data = gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()
for i in range(n):
    px = data[16 + i * 784:16 + (i + 1) * 784]
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 28, 28), }"
    header += " " * (118 - len(header)) + "\n"
    with open("%s/img%d.npy" % (out, i), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<784f", *[p / 255.0 for p in px]))
PY

# Every level's logits on the $BITS images, into DIR/levelK/imgI.npy.
logits() { # PROGRAM DIR LEVEL
  mkdir -p "$2"
  for i in $(seq 0 $((BITS - 1))); do
    "$BIN/spec2-run" "$1" --input "$TMP/img$i.npy" --level="$3" \
      --output "$2/img$i.npy" > /dev/null
  done
}

if [ -n "${PROGRAM:-}" ]; then
  # A program this script compiled before (KEEP), and the time it took.
  cp "$PROGRAM" "$TMP/levels.s2b"
  cp "${PROGRAM%.s2b}.json" "$TMP/levels.json"
  compile="${COMPILE_S:-null}"
else
  t0=$(date +%s.%N)
  "$BIN/spec2c" "${COMMON[@]}" --engine="$ENGINE" --runtime-sparsity=$LEVELS \
    -o "$TMP/levels.s2b" --report="$TMP/levels.json" 2>/dev/null
  compile=$(seconds_since "$t0")
fi
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$TMP/levels.s2b" "$TMP/levels.json" "$KEEP/"; fi
echo "runtime_levels: compiled $LEVELS in $compile s" >&2

IFS=, read -ra RS <<< "$LEVELS"
rows=()
for k in "${!RS[@]}"; do
  r=${RS[$k]}
  run=$("$BIN/spec2-run" "$TMP/levels.s2b" --dataset fashion-mnist --limit "$LIMIT" \
    --level="$k" --json)
  echo "runtime_levels: level $k: $run" >&2
  logits "$TMP/levels.s2b" "$TMP/multi/level$k" "$k"
  # Level k alone, from the same masks: output bits on $BITS images and
  # its modeled cycles on the first one (ALONE: which levels, default all;
  # level k alone compiles levels 0 to k again).
  alone=null
  if [[ " ${ALONE:-${!RS[*]}} " == *" $k "* ]]; then
  t0=$(date +%s.%N)
  "$BIN/spec2c" "${COMMON[@]}" --engine="$ENGINE" --runtime-sparsity=$LEVELS \
    --emit-level="$k" -o "$TMP/alone$k.s2b" 2>/dev/null
  alone_compile=$(seconds_since "$t0")
  alone=$("$BIN/spec2-run" "$TMP/alone$k.s2b" --input "$TMP/img0.npy" --json)
  logits "$TMP/alone$k.s2b" "$TMP/alone/level$k" 0
  same=0
  for i in $(seq 0 $((BITS - 1))); do
    cmp -s "$TMP/multi/level$k/img$i.npy" "$TMP/alone/level$k/img$i.npy" && same=$((same + 1))
  done
  echo "runtime_levels: level $k alone: $same/$BITS images with the same output bits; $alone" >&2
  alone="{\"compile_s\":$alone_compile,\"same_output_bits\":$same,\"images_compared\":$BITS,\"run\":$alone}"
  fi
  # The sparsest level's sparsity without nesting (and without a level table).
  plain=null
  if [ "$k" -eq $((${#RS[@]} - 1)) ]; then
    "$BIN/spec2c" "${COMMON[@]}" --engine="$ENGINE" --sparsity="$r" \
      -o "$TMP/plain$k.s2b" 2>/dev/null
    plain=$("$BIN/spec2-run" "$TMP/plain$k.s2b" --dataset fashion-mnist --limit "$LIMIT" --json)
    echo "runtime_levels: plain --sparsity=$r: $plain" >&2
  fi
  rows+=("{\"level\":$k,\"sparsity\":$r,\"run\":$run,\"alone\":$alone,\"plain_sparsity\":$plain}")
done

# --engine=auto: the convs on the spatial engine, which takes the levels too.
"$BIN/spec2c" "${COMMON[@]}" --engine=auto --runtime-sparsity=$LEVELS \
  -o "$TMP/auto.s2b" --report="$TMP/auto.json" 2>/dev/null
auto=$(python3 -c "
import json
r = json.load(open('$TMP/auto.json'))
print(json.dumps({'engines': {l['name']: l['engine'] for l in r['layers'] if 'engine' in l},
                  'runtime_levels': r['runtime_levels'], 'program_bytes': r['program_bytes']}))")
float=$("$BIN/spec2-run" models/lenet_fmnist.onnx --dataset fashion-mnist --limit "$LIMIT" --json)
report=$(python3 -c "
import json
r = json.load(open('$TMP/levels.json'))
print(json.dumps({'runtime_levels': r['runtime_levels'], 'program_bytes': r['program_bytes'],
                  'engines': {l['name']: l['engine'] for l in r['layers'] if 'engine' in l}}))")
{
  echo "{\"benchmark\":\"runtime_levels\",\"model\":\"models/lenet_fmnist.onnx\","
  echo "\"target\":\"u200\",\"engine\":\"$ENGINE\",\"runtime_sparsity\":\"$LEVELS\","
  echo "\"images\":$LIMIT,\"date\":\"$(date -u +%FT%TZ)\",\"commit\":\"$(git rev-parse --short HEAD)\","
  echo "\"compile_s\":$compile,\"float\":$float,\"report\":$report,"
  echo "\"levels\":["
  (IFS=,; echo "${rows[*]}")
  echo "],\"engine_auto\":$auto}"
} > "$OUT"
python3 -m json.tool "$OUT" > /dev/null
echo "wrote $OUT" >&2
