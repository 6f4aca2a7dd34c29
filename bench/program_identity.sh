#!/usr/bin/env bash
# Are the programs spec2c writes unchanged by a refactoring? Compiles a fixed
# set of models with fixed options and either records the programs (and their
# reports) in a directory, or checks them byte for byte against one recorded
# earlier, by a build of another commit.
#
#   bash bench/program_identity.sh --record DIR [--cases a,b,...]
#   bash bench/program_identity.sh --check DIR  [--cases a,b,...]
#
# Cases: lenet_dense, lenet_obs75, lenet_admm75, lenet_fc50 (the bundled LeNet
# on `small`, Fashion-MNIST calibration), resnet18_u200 and vgg16_u200
# (torchvision with random weights from models/export_torchvision.py in
# $MODEL_DIR, default /tmp/spec2-models; they need python3-torch once, and
# are skipped with a note when the model is missing). --check prints one line
# per case and writes DIR/check.json; it exits non-zero if any program differs.
# Files that differ only outside the program (a newer .s2b version's tables)
# count as the same program when their listings with data are identical.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
MODEL_DIR="${MODEL_DIR:-/tmp/spec2-models}"
MODE=""
DIR=""
CASES="lenet_dense,lenet_obs75,lenet_admm75,lenet_fc50,resnet18_u200,vgg16_u200"
while [ $# -gt 0 ]; do
  case "$1" in
    --record | --check) MODE="${1#--}"; DIR="$2"; shift 2 ;;
    --cases) CASES="$2"; shift 2 ;;
    *) echo "program_identity: unknown argument '$1'" >&2; exit 1 ;;
  esac
done
if [ -z "$MODE" ]; then
  echo "usage: program_identity.sh --record DIR | --check DIR [--cases a,b]" >&2
  exit 1
fi

LENET=models/lenet_fmnist.onnx
LENET_OPTS=(--target small --calib=fashion-mnist --calib-count=64)
TV_OPTS=(--target u200 --prune-method=magnitude --calib-count=2)
args_of() {
  case "$1" in
    lenet_dense) echo "$LENET ${LENET_OPTS[*]}" ;;
    lenet_obs75) echo "$LENET ${LENET_OPTS[*]} --sparsity=0.75" ;;
    lenet_admm75) echo "$LENET ${LENET_OPTS[*]} --sparsity=0.75 --prune-method=admm" ;;
    lenet_fc50) echo "$LENET ${LENET_OPTS[*]} --fc-sparsity=0.5" ;;
    resnet18_u200) echo "$MODEL_DIR/resnet18.onnx ${TV_OPTS[*]} --sparsity=0.75" ;;
    vgg16_u200) echo "$MODEL_DIR/vgg16.onnx ${TV_OPTS[*]} --sparsity=0.75" ;;
    *) echo "program_identity: unknown case '$1'" >&2; exit 1 ;;
  esac
}

# A program as text, data included: what two files of one program share.
listing() { "$BUILD_DIR/bin/spec2-run" "$1" --disassemble --with-data; }

mkdir -p "$DIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
status=0
results=()
IFS=',' read -ra list <<< "$CASES"
for c in "${list[@]}"; do
  read -ra args <<< "$(args_of "$c")"
  if [ ! -f "${args[0]}" ]; then
    echo "$c: skipped (no ${args[0]})"
    results+=("\"$c\": \"skipped\"")
    continue
  fi
  out="$WORK/$c.s2b"
  start=$(date +%s.%N)
  if ! "$BUILD_DIR/bin/spec2c" "${args[@]}" -o "$out" --report="$WORK/$c.json" \
       2> "$WORK/$c.log"; then
    echo "$c: spec2c failed:"; cat "$WORK/$c.log"
    status=1
    results+=("\"$c\": \"failed\"")
    continue
  fi
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  if [ "$MODE" = record ]; then
    cp "$out" "$DIR/$c.s2b"
    cp "$WORK/$c.json" "$DIR/$c.json"
    echo "$c: recorded $(sha256sum < "$out" | cut -c1-16) ($(stat -c %s "$out") bytes, ${secs}s)"
    results+=("\"$c\": \"recorded\"")
  elif [ ! -f "$DIR/$c.s2b" ]; then
    echo "$c: no recorded program in $DIR"
    status=1
    results+=("\"$c\": \"unrecorded\"")
  elif cmp -s "$out" "$DIR/$c.s2b"; then
    echo "$c: identical ($(stat -c %s "$out") bytes, ${secs}s)"
    results+=("\"$c\": \"identical\"")
  elif cmp -s <(listing "$out") <(listing "$DIR/$c.s2b"); then
    # Another .s2b version (a table added) around the same program.
    echo "$c: same program, another file ($(stat -c %s "$out") vs $(stat -c %s "$DIR/$c.s2b") bytes: instructions, segments and tensors identical, ${secs}s)"
    results+=("\"$c\": \"same program\"")
  else
    ndiff=$(cmp -l "$out" "$DIR/$c.s2b" 2>/dev/null | wc -l || true)
    echo "$c: DIFFERENT ($ndiff bytes differ; sizes $(stat -c %s "$out") vs $(stat -c %s "$DIR/$c.s2b"))"
    cp "$out" "$DIR/$c.new.s2b"
    cp "$WORK/$c.json" "$DIR/$c.new.json"
    status=1
    results+=("\"$c\": \"different\"")
  fi
done
if [ "$MODE" = check ]; then
  (IFS=','; echo "{\"commit\": \"$(git rev-parse --short HEAD)\", ${results[*]}}") \
    > "$DIR/check.json"
fi
exit $status
