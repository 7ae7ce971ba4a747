#!/usr/bin/env bash
# Installs everything custsync needs on a fresh Debian machine of this kind.
# Idempotent: each step is skipped when what it installs is already there.
# usage: scripts/install.sh [--for-tests]   (--for-tests: all but cargo-leptos, which only the
#        release build of command 1 needs; see scripts/build-site.sh)
set -euo pipefail
for_tests=""; [ "${1:-}" = "--for-tests" ] && for_tests=1
cd "$(dirname "$0")/.."

log() { printf '[install] %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(rustc-web cargo-web rust-web-src rust-web-clippy rustfmt-web lld-22
  postgresql chromium brotli pkg-config curl)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Node packages: wasm-opt (binaryen 132, see shared/TOOLCHAIN.md), morphdom (the pages' morphing,
# served from pkg/) and playwright-core and axe-core for the browser tests.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
  || [ ! -f node_modules/morphdom/dist/morphdom-esm.js ]; then
  log "npm packages"
  npm ci --no-audit --no-fund --silent
fi

# Cargo tools, built with Debian's 1.96 compiler (the one pinned by rust-toolchain.toml).
export RUSTC=/usr/bin/rustc
installed="$(/usr/bin/cargo install --list 2>/dev/null || true)"
if ! grep -q '^wasm-bindgen-cli v0.2.130' <<<"$installed"; then
  log "cargo install wasm-bindgen-cli 0.2.130 (about 10 minutes)"
  /usr/bin/cargo install wasm-bindgen-cli --version 0.2.130 --quiet
fi
if [ -z "$for_tests" ] && ! grep -q '^cargo-leptos v0.3.11' <<<"$installed"; then
  log "cargo install cargo-leptos 0.3.11 (about 30 minutes)"
  /usr/bin/cargo install cargo-leptos --version 0.3.11 --locked --features no_downloads --quiet
fi
if ! command -v cargo-nextest >/dev/null && ! grep -q '^cargo-nextest ' <<<"$installed"; then
  log "cargo install cargo-nextest"
  /usr/bin/cargo install cargo-nextest --locked --quiet
fi
log "all tools present"
