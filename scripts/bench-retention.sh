#!/usr/bin/env bash
# Benchmark: the Retention job on OPERATIONS demo operations (a 30-day demo), on SQLite and on
# PostgreSQL (a throw-away cluster), with the release binaries, and the channel API's latency
# while it runs. For each database: a server without jobs serves the API; `custsync-tools
# simulate` posts as 12 channels for SECONDS alone (the baseline), then again for SECONDS while
# `custsync-tools bench-retention` runs the Retention job with a period of DAYS days (removing
# what is older). Prints the job's throughput and both simulations' batch answer p50/p99.
# BENCH_SQLITE / BENCH_PG name an already seeded database (a copy: the benchmark removes from it);
# BENCH_ONLY=sqlite or BENCH_ONLY=postgres runs one of the two.
# A demo's operations were all settled when it was seeded: DAYS 0 removes every Succeeded one.
# usage: scripts/bench-retention.sh [OPERATIONS] [DAYS] [SECONDS]   (default 1000000 0 60)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
source scripts/pg.sh
n="${1:-1000000}"
days="${2:-0}"
seconds="${3:-60}"
bin="$CARGO_TARGET_DIR/release/custsync"
tools="$CARGO_TARGET_DIR/release/custsync-tools"
cargo build --release -p server --bin custsync -p custsync-tools --bin custsync-tools
work="$(mktemp -d /tmp/custsync-bench.XXXXXX)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; pg_stop; rm -rf "$work"' EXIT

# bench URL: serve URL without jobs, simulate alone, then beside the Retention job.
bench() {
  local url="$1" port
  port="$(free_port)"
  "$bin" --log warn --database-url "$url" serve --listen "127.0.0.1:$port" \
    --run-jobs false --site-root target/site > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
  echo "bench-retention on ${url%%\?*}"
  # The channels have read their feeds (a shop that keeps up), so they post and read what is new.
  "$tools" --log warn --database-url "$url" bench-retention --read-feeds
  echo "API alone:"
  "$tools" --log warn --database-url "$url" simulate --url "http://127.0.0.1:$port" \
    --duration "${seconds}s" --seed 11 | grep -E "batch answer" || true
  echo "API while the Retention job runs:"
  "$tools" --log warn --database-url "$url" simulate --url "http://127.0.0.1:$port" \
    --duration "${seconds}s" --seed 12 > "$work/simulate.txt" &
  local simulate=$!
  "$tools" --log warn --database-url "$url" bench-retention --days "$days"
  wait "$simulate"
  grep -E "batch answer" "$work/simulate.txt" || cat "$work/simulate.txt"
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
  if grep -E "panicked at| ERROR " "$work/server.log"; then
    echo "the server's log has errors" >&2
    exit 1
  fi
}

only="${BENCH_ONLY:-}"
if [ "$only" != postgres ]; then
  sqlite="${BENCH_SQLITE:-}"
  if [ -z "$sqlite" ]; then
    sqlite="$work/retention.db"
    "$tools" --log warn --database-url "sqlite://$sqlite?mode=rwc" seed-demo --quiet --operations "$n"
  fi
  bench "sqlite://$sqlite"
fi
[ "$only" = sqlite ] && exit 0
pg="${BENCH_PG:-}"
if [ -z "$pg" ]; then
  pg_start
  psql "$CUSTSYNC_TEST_PG" -qc "DROP DATABASE IF EXISTS bench_retention" -c "CREATE DATABASE bench_retention"
  pg="${CUSTSYNC_TEST_PG%/postgres}/bench_retention"
  "$tools" --log warn --database-url "$pg" seed-demo --quiet --operations "$n"
  psql "$pg" -qc "ANALYZE"
fi
bench "$pg"
