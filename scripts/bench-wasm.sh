#!/usr/bin/env bash
# Benchmark: the size of the release WebAssembly client as a browser downloads it. Builds it
# the way `cargo leptos build --release` does (profile wasm-release, std rebuilt), binds it with
# wasm-bindgen, shrinks it with wasm-opt -Oz, and prints its size raw, gzip'd and brotli'd.
# usage: scripts/bench-wasm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
# The same flags as Cargo.toml's lib-cargo-args (cargo-leptos' release client build).
cargo build --quiet -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release \
  -Zbuild-std=std,panic_abort \
  --config "target.wasm32-unknown-unknown.rustflags=['-Zunstable-options', '-Cpanic=immediate-abort']"
out="$(mktemp -d /tmp/custsync-wasm.XXXXXX)"
trap 'rm -rf "$out"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name custsync \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm"
opt=node_modules/.bin/wasm-opt
[ -x "$opt" ] || opt="$(command -v wasm-opt)"
"$opt" -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals -o "$out/opt.wasm" "$out/custsync_bg.wasm"
raw=$(stat -c %s "$out/opt.wasm")
gz=$(gzip -9 -c "$out/opt.wasm" | wc -c)
br=$(brotli -q 11 -c "$out/opt.wasm" | wc -c)
printf 'custsync.wasm (release, wasm-opt -Oz): %d KB raw, %d KB gzip, %d KB brotli\n' \
  $((raw / 1024)) $((gz / 1024)) $((br / 1024))
