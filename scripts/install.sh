#!/usr/bin/env bash
# Installs everything custsync needs on a fresh Debian machine of this kind.
# Idempotent: each step is skipped when what it installs is already there.
# usage: scripts/install.sh [--for-tests]   (the tests and command 1 need the same tools; the
#        flag is kept for callers)
set -euo pipefail
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

# Node packages: wasm-opt (binaryen 132), morphdom (the pages' morphing, served from pkg/),
# playwright-core and axe-core for the browser tests, and remark-cli with remark-validate-links
# for the documentation's link check.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
  || [ ! -f node_modules/morphdom/dist/morphdom-esm.js ] \
  || [ ! -d node_modules/remark-validate-links ]; then
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
if ! grep -q '^wasm_split_cli_support v0.2.3' <<<"$installed"; then
  log "cargo install wasm_split_cli_support 0.2.3 (wasm-split-cli, about 2 minutes)"
  /usr/bin/cargo install wasm_split_cli_support --version 0.2.3 --locked --features build-binary --quiet
fi
if ! command -v cargo-nextest >/dev/null && ! grep -q '^cargo-nextest ' <<<"$installed"; then
  log "cargo install cargo-nextest"
  /usr/bin/cargo install cargo-nextest --locked --quiet
fi
log "all tools present"
