#!/usr/bin/env bash
# Benchmark: channel API ingestion over loopback, with the release binary on embedded SQLite.
# 12 simulated channels post batches of 100 at RATE operations/s for DURATION, first against a
# server whose jobs are off (the API alone), then against one running its jobs on the demo's schedule (every
# minute: the inbox is drained and customers are created while channels post). Prints simulate's report:
# operations/s sustained and the batch answer times (p50, p99, max).
# With SETTLE (e.g. 5m), the second run then keeps reading the feeds until every create came back
# with its real account, and reports the end-to-end time at that load.
# usage: scripts/bench-ingest.sh [RATE] [DURATION] [SETTLE]      (default 6000 2m 0s)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
rate="${1:-6000}"
duration="${2:-2m}"
settle="${3:-0s}"
bin="$CARGO_TARGET_DIR/release/custsync"
tools="$CARGO_TARGET_DIR/release/custsync-tools"
cargo build --release -p server --bin custsync -p custsync-tools --bin custsync-tools
work="$(mktemp -d /tmp/custsync-ingest.XXXXXX)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# Serves a fresh demo database with jobs on or off ($1), simulates, stops the server.
run() {
  local jobs="$1" settle="$2" port db
  port="$(free_port)"
  db="sqlite://$work/ingest-$jobs.db?mode=rwc"
  "$tools" --log warn --database-url "$db" seed-demo --quiet --operations 1000
  "$bin" --log warn --database-url "$db" serve --listen "127.0.0.1:$port" \
    --run-jobs "$jobs" --site-root "$work" &
  server=$!
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  echo "== jobs $jobs"
  "$tools" --log warn --database-url "$db" simulate --url "http://127.0.0.1:$port" \
    --channels 12 --batch 100 --rate "$rate" --duration "$duration" --settle "$settle"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}
run false 0s
run true "$settle"
