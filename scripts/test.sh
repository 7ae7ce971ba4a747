#!/usr/bin/env bash
# Command 2: every test of custsync — formatting, lints, unit tests, storage and server tests on
# SQLite and on PostgreSQL, and the browser tests in Chromium against a served, seeded app.
# Starts (and removes) a throw-away PostgreSQL cluster unless CUSTSYNC_TEST_PG is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --for-tests
source scripts/common.sh
source scripts/pg.sh

failed=()
SERVER_PID=""
STARTED_PG=""
WORK="$(mktemp -d /tmp/custsync-test.XXXXXX)"
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -n "$STARTED_PG" ] && pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { echo; echo "[test] $*"; }

if [ -z "${CUSTSYNC_TEST_PG:-}" ]; then
  pg_start
  STARTED_PG=1
fi

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check || failed+=("formatting")

step "documentation links (remark-validate-links)"
npx --no-install remark --frail --quiet README.md docs/ || failed+=("documentation links")

step "lints (clippy -D warnings) while every target is built"
# Clippy lints the workspace's crates as they are compiled for the tests (clippy-driver as
# cargo's workspace wrapper, as `cargo clippy` itself runs it, and with its way of passing
# `-D warnings`), so the dependencies are compiled once, for lints and tests alike, not a second
# time in check mode. Every host build below runs with the same wrapper (else cargo would
# compile the workspace again); the WebAssembly client's build does not (scripts/build-client.sh).
# Without clippy-driver the wrapper would be empty and the lints silently skipped: stop instead.
RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver)" || { echo "[test] clippy-driver is missing"; exit 1; }
export RUSTC_WORKSPACE_WRAPPER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
cargo build --quiet --all-targets || failed+=("clippy or build")

step "build the app (server and WebAssembly client, scripts/build-site.sh)"
if bash scripts/build-site.sh; then
  step "browser tests (Chromium)"
  PORT="$(free_port)"
  export CUSTSYNC_ADMIN_PASSWORD="admin-test-$RANDOM$RANDOM"
  "$CARGO_TARGET_DIR/debug/custsync-tools" --log warn \
    --database-url "sqlite://$WORK/custsync.db?mode=rwc" seed-demo --quiet
  "$CARGO_TARGET_DIR/debug/custsync" --log warn \
    --database-url "sqlite://$WORK/custsync.db?mode=rwc" \
    serve --listen "127.0.0.1:$PORT" --site-root target/site \
    >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  # A channel token for the tests that post as a store would (the live page test).
  TOKEN="$("$CARGO_TARGET_DIR/debug/custsync" --log warn --database-url "sqlite://$WORK/custsync.db" \
    token create --channel BGO-STS --label "browser tests")"
  if CUSTSYNC_URL="http://127.0.0.1:$PORT" CUSTSYNC_TOKEN="$TOKEN" \
    node --test --test-concurrency=1 tests/browser/; then
    :
  else
    failed+=("browser tests")
    echo "[test] server log:"; tail -50 "$WORK/server.log"
  fi
  kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  # The browser hides a failed answer behind pages.js's fallback reload: the server's log does
  # not. Any panic or ERROR line there fails the run.
  if grep -E "panicked at| ERROR " "$WORK/server.log" >"$WORK/server-errors.log"; then
    failed+=("server log of the browser tests")
    echo "[test] the server logged panics or errors during the browser tests:"
    head -40 "$WORK/server-errors.log"
  fi
else
  failed+=("build")
fi

step "unit, storage (SQLite and PostgreSQL), server and crash tests"
# The crash tests start and kill real `custsync` processes: the binary built above.
cargo nextest run --no-fail-fast || failed+=("cargo nextest")

if [ ${#failed[@]} -gt 0 ]; then
  echo; echo "[test] FAILED: ${failed[*]}"
  exit 1
fi
echo; echo "[test] all green"
