#!/usr/bin/env bash
# Benchmark: the correction editor's validation in the browser (release WebAssembly client,
# Chromium, performance.now()); see scripts/bench-validation.mjs.
# usage: scripts/bench-validation.sh [RUNS]    (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
cargo build --quiet -p frontend --lib --features bench --target wasm32-unknown-unknown \
  --profile wasm-release -Zbuild-std=std,panic_abort
out="$(mktemp -d /tmp/custsync-validation.XXXXXX)"
trap 'rm -rf "$out"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name custsync \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm"
mv "$out/custsync_bg.wasm" "$out/custsync.wasm"
node scripts/bench-validation.mjs "$out" "${1:-10000}"
