#!/usr/bin/env bash
# Benchmark: the Retention job on OPERATIONS demo operations (a 30-day demo), on SQLite and on
# PostgreSQL (a throw-away cluster), with the release binaries, and the channel API's latency
# while it runs. For each database: a server (its jobs on, CUSTSYNC_RETENTION_DAYS=DAYS, the
# Retention job paused) serves the API; `custsync-tools simulate` posts as 12 channels for
# SECONDS (the baseline), then again for SECONDS once the Retention job is set going. Prints both
# simulations' batch answer p50/p99 and the Retention run's throughput so far.
# BENCH_SQLITE / BENCH_PG name an already seeded database (a copy: the benchmark removes from it);
# BENCH_ONLY=sqlite or BENCH_ONLY=postgres runs one of the two.
# usage: scripts/bench-retention.sh [OPERATIONS] [DAYS] [SECONDS]   (default 1000000 7 60)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
source scripts/pg.sh
n="${1:-1000000}"
days="${2:-7}"
seconds="${3:-60}"
bin="$CARGO_TARGET_DIR/release/custsync"
tools="$CARGO_TARGET_DIR/release/custsync-tools"
cargo build --release -p server --bin custsync -p custsync-tools --bin custsync-tools
work="$(mktemp -d /tmp/custsync-bench.XXXXXX)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; pg_stop; rm -rf "$work"' EXIT

# bench URL: a server with its jobs serves URL; simulate alone, then while its Retention runs.
bench() {
  local url="$1" port
  echo "bench-retention on ${url%%\?*}"
  "$tools" --log warn --database-url "$url" bench-retention --prepare
  port="$(free_port)"
  CUSTSYNC_RETENTION_DAYS="$days" "$bin" --log warn --database-url "$url" serve \
    --listen "127.0.0.1:$port" --site-root target/site > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
  echo "API alone (the other jobs running):"
  "$tools" --log warn --database-url "$url" simulate --url "http://127.0.0.1:$port" \
    --duration "${seconds}s" --seed 11 | grep -E "batch answer" || true
  echo "API while the Retention job runs:"
  "$tools" --log warn --database-url "$url" bench-retention --start
  "$tools" --log warn --database-url "$url" simulate --url "http://127.0.0.1:$port" \
    --duration "${seconds}s" --seed 12 | grep -E "batch answer" || true
  "$tools" --log warn --database-url "$url" bench-retention --report
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
