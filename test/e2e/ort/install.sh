#!/usr/bin/env bash
# Installs onnxruntime-node (the version pinned in package-lock.json) into
# test/e2e/ort/node_modules, only when it is not there yet. Idempotent.
#
# --ignore-scripts: the package's CPU library (libonnxruntime.so) is inside the
# npm tarball; its install script would only try to download GPU extras.
# Needs node and npm (scripts/install-deps.sh installs them from Debian; this
# script does the same, only if they are missing, so it also works alone).
set -euo pipefail
cd "$(dirname "$0")"

# Checked by command, not by package: a NodeSource nodejs brings its own npm,
# and Debian's npm package would conflict with it.
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "ort/install.sh: installing ${missing[*]} (Debian)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if node -e "require('onnxruntime-node')" >/dev/null 2>&1; then
  echo "ort/install.sh: onnxruntime-node $(node -p "require('onnxruntime-node/package.json').version") present"
  exit 0
fi

echo "ort/install.sh: npm ci --ignore-scripts in $(pwd)"
# Install into a temporary directory and rename it, so an interrupted install
# (or two concurrent ones) never leaves a half-filled node_modules behind.
tmp="$(mktemp -d .install.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
cp package.json package-lock.json "$tmp/"
(cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
if ! node -e "require('onnxruntime-node')" >/dev/null 2>&1; then
  rm -rf node_modules  # absent, or left broken by something else
  mv "$tmp/node_modules" node_modules
fi
node -e "require('onnxruntime-node')"
echo "ort/install.sh: onnxruntime-node $(node -p "require('onnxruntime-node/package.json').version") installed"
