#!/usr/bin/env bash
# The WebAssembly client, split: builds `frontend` for wasm32 (PROFILE `dev` or `wasm-release`),
# cuts the parts marked `#[lazy]` or `#[island(lazy)]` into chunks of their own
# (wasm-split-cli from the `wasm_split_cli_support` crate), binds the main module with
# wasm-bindgen and writes into OUT: custsync.js, custsync.wasm, the chunks (split_*.wasm,
# chunk_*.wasm) and the loader they need (__wasm_split.js). A release build is shrunk with
# wasm-opt -Oz, every file of it. The browser downloads the main module; a chunk only when the
# part in it is first used (the correction editor).
# usage: scripts/build-client.sh dev|wasm-release OUT   (FEATURES: frontend's cargo features)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
profile="$1"
out="$2"
# .cargo/config.toml's flags apply too (--emit-relocs among them: the splitter needs them).
extra=()
if [ "$profile" = wasm-release ]; then
  # The release client aborts on a panic without formatting it (no panic machinery shipped).
  extra=(--config "target.wasm32-unknown-unknown.rustflags=['-Zunstable-options', '-Cpanic=immediate-abort']")
fi
if [ -n "${FEATURES:-}" ]; then
  extra+=(--features "$FEATURES")
fi
# Clippy lints the host build only (scripts/test.sh): not this one.
env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS \
  cargo build --quiet -p frontend --lib --target wasm32-unknown-unknown --profile "$profile" \
  -Zbuild-std=std,panic_abort "${extra[@]}"
dir=debug
[ "$profile" = dev ] || dir="$profile"
split="$(mktemp -d /tmp/custsync-split.XXXXXX)"
trap 'rm -rf "$split"' EXIT
wasm-split-cli --out-name custsync \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$dir/frontend.wasm" "$split" >/dev/null
mkdir -p "$out"
rm -f "$out"/split_*.wasm "$out"/chunk_*.wasm "$out"/__wasm_split*.js
# --keep-lld-exports: the chunks reach the main module's function table through its exports.
wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir "$out" \
  --out-name custsync "$split/custsync.wasm"
mv "$out/custsync_bg.wasm" "$out/custsync.wasm"
cp "$split"/__wasm_split*.js "$out/"
for chunk in "$split"/split_*.wasm "$split"/chunk_*.wasm; do
  if [ -e "$chunk" ]; then cp "$chunk" "$out/"; fi
done
if [ "$profile" = wasm-release ]; then
  for wasm in "$out"/*.wasm; do
    wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory \
      --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
      --enable-reference-types -o "$wasm" "$wasm" 2> >(grep -v 'unknown name subsection' >&2)
  done
fi
