#!/usr/bin/env bash
# A debug build of the whole app for the tests, without cargo-leptos: the `custsync` server and
# the WebAssembly client in `target/site`, laid out as `cargo leptos build` lays it out
# (pkg/custsync.js, pkg/custsync.wasm, pkg/custsync.css, the public/ files).
#
# Why not cargo-leptos here: it takes ≈ 30 minutes to install on a fresh 2-core machine, and the
# test command must stay well inside CI's 90 minutes. The release build (command 1) uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

site=target/site
cargo build --quiet -p server --bin custsync
cargo build --quiet -p frontend --lib --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort
mkdir -p "$site/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name custsync \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/debug/frontend.wasm"
mv "$site/pkg/custsync_bg.wasm" "$site/pkg/custsync.wasm"
cp style/main.css "$site/pkg/custsync.css"
cp -r public/. "$site/"
# The DOM morphing library public/pages.js imports (an npm package: scripts/install.sh).
cp node_modules/morphdom/dist/morphdom-esm.js "$site/pkg/morphdom.js"
echo "[build] server $CARGO_TARGET_DIR/debug/custsync, client $site/pkg"
