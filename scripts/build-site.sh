#!/usr/bin/env bash
# Builds the whole app: the `custsync` server, the `custsync-tools` binary (demo data,
# simulated channels, benchmarks) and, in `target/site`, what it serves: pkg/ (the
# WebAssembly client and its chunks, see scripts/build-client.sh; custsync.css; morphdom.js) and
# the public/ files (pages.js, the icon).
# usage: scripts/build-site.sh [--release]   (debug for the tests; release for command 1)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

site=target/site
if [ "${1:-}" = --release ]; then
  cargo build --quiet --release -p server --bin custsync -p custsync-tools --bin custsync-tools
  bash scripts/build-client.sh wasm-release "$site/pkg"
  server="$CARGO_TARGET_DIR/release/custsync"
else
  cargo build --quiet -p server --bin custsync -p custsync-tools --bin custsync-tools
  bash scripts/build-client.sh dev "$site/pkg"
  server="$CARGO_TARGET_DIR/debug/custsync"
fi
cp style/main.css "$site/pkg/custsync.css"
cp -r public/. "$site/"
# The DOM morphing library public/pages.js imports (an npm package: scripts/install.sh).
cp node_modules/morphdom/dist/morphdom-esm.js "$site/pkg/morphdom.js"
echo "[build] server $server, client $site/pkg"
