#!/usr/bin/env bash
# Benchmark: the size of the release WebAssembly client as a browser downloads it: the main
# module every page loads, and each chunk loaded only when its part is first used (built by
# scripts/build-client.sh: profile wasm-release, split, wasm-opt -Oz), raw, gzip'd and brotli'd.
# usage: scripts/bench-wasm.sh
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
source scripts/common.sh
out="$(mktemp -d /tmp/custsync-wasm.XXXXXX)"
trap 'rm -rf "$out"' EXIT
bash scripts/build-client.sh wasm-release "$out"
size() {
  local raw gz br
  raw=$(stat -c %s "$1")
  gz=$(gzip -9 -c "$1" | wc -c)
  br=$(brotli -q 11 -c "$1" | wc -c)
  printf '%-44s %5d KB raw, %4d KB gzip, %4d KB brotli (%d bytes)\n' "$2" $((raw / 1024)) \
    $((gz / 1024)) $((br / 1024)) "$br"
}
size "$out/custsync.wasm" "custsync.wasm (every page)"
for chunk in "$out"/split_*.wasm; do
  name="$(basename "$chunk" .wasm)"
  size "$chunk" "${name%_*} (when first used)"
done
shared=("$out"/chunk_*.wasm)
if [ ${#shared[@]} -gt 0 ]; then
  total=0
  for chunk in "${shared[@]}"; do
    total=$((total + $(brotli -q 11 -c "$chunk" | wc -c)))
  done
  printf '%-44s %d chunks shared by those, %d KB brotli together\n' "chunk_*.wasm" \
    "${#shared[@]}" $((total / 1024))
fi
