# Shared settings of custsync's scripts (sourced, not run).
# The cargo target folder lives outside the clone so a fresh clone reuses earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/custsync/target}"
# wasm-opt 132 from npm first (see docs/architecture.md, Building), then cargo-installed tools.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# -Zbuild-std for the WebAssembly client needs this on the stable 1.96 compiler.
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# Prints a free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
