#!/usr/bin/env bash
# Benchmark: the correction editor's validation in the browser (release WebAssembly client with
# the benchmark's hook, built as scripts/build-client.sh builds it; Chromium, performance.now());
# see scripts/bench-validation.mjs.
# usage: scripts/bench-validation.sh [RUNS]    (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
out="$(mktemp -d /tmp/custsync-validation.XXXXXX)"
trap 'rm -rf "$out"' EXIT
FEATURES=bench bash scripts/build-client.sh wasm-release "$out"
node scripts/bench-validation.mjs "$out" "${1:-10000}"
