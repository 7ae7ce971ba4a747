#!/usr/bin/env bash
# Benchmark: the CSV export through a real server (release build), on SQLite and on PostgreSQL
# (a throw-away cluster): for each export, the time to the first byte, the whole time, the rows
# and bytes, and how much the server's resident memory grew while it ran (sampled every 20 ms).
# The demo is seeded through the real pipeline first, unless BENCH_SQLITE / BENCH_PG name an
# already seeded database (a SQLite file, a PostgreSQL URL) to use instead.
# usage: scripts/bench-export.sh [OPERATIONS]       (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
source scripts/pg.sh
n="${1:-1000000}"
bin="$CARGO_TARGET_DIR/release/custsync"
tools="$CARGO_TARGET_DIR/release/custsync-tools"
cargo build --release -p server --bin custsync -p custsync-tools --bin custsync-tools
work="$(mktemp -d /tmp/custsync-bench.XXXXXX)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; pg_stop; rm -rf "$work"' EXIT
password="bench-export-password"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# export NAME QUERY [CURL OPTIONS…]: one export, its figures in a line.
export_once() {
  local name="$1" query="$2"
  shift 2
  local before peak now
  before="$(rss_kb "$server")"
  peak="$before"
  curl -sS -b "$work/cookies" "$@" -o "$work/out.csv" \
    -w '%{time_starttransfer} %{time_total} %{size_download}\n' \
    "http://127.0.0.1:$port/export.csv?$query" > "$work/timing" &
  local fetch=$!
  while kill -0 "$fetch" 2>/dev/null; do
    now="$(rss_kb "$server")"
    [ "$now" -gt "$peak" ] && peak="$now"
    sleep 0.02
  done
  wait "$fetch"
  read -r first total bytes < "$work/timing"
  local rows
  rows=$(( $(wc -l < "$work/out.csv") - 1 ))
  awk -v name="$name" -v first="$first" -v total="$total" -v rows="$rows" -v bytes="$bytes" \
    -v grew="$((peak - before))" 'BEGIN {
      printf "%-44s first byte %7.0f ms   all %6.2f s   %9d rows  %6.1f MB   RSS +%5.1f MB\n",
        name, first * 1000, total, rows, bytes / 1e6, grew / 1024 }' 
}

# bench URL: serve URL, sign in, run the exports.
bench() {
  local url="$1"
  CUSTSYNC_USER_PASSWORD="$password" "$bin" --log warn --database-url "$url" \
    user create --name bench-export --role viewer --reset > /dev/null 2>&1 \
    || CUSTSYNC_USER_PASSWORD="$password" "$bin" --log warn --database-url "$url" \
      user create --name bench-export --role viewer > /dev/null
  port="$(free_port)"
  "$bin" --log warn --database-url "$url" serve --listen "127.0.0.1:$port" \
    --run-jobs false --site-root target/site > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
  curl -sS -c "$work/cookies" -o /dev/null -d "name=bench-export&password=$password" \
    "http://127.0.0.1:$port/sign-in"
  echo "bench-export on ${url%%\?*}: $(curl -sS -b "$work/cookies" -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$port/export.csv?status=editing") (a first export)"
  export_once "every operation" ""
  export_once "every operation, gzip" "" -H 'Accept-Encoding: gzip'
  export_once "every operation, description + last error" "with=description&with=error"
  export_once "Failed, last error + email values" "status=failed&with=error&with=values:email"
  export_once "name contains “sen”, oldest first" "f=name~contains~sen&sort=oldest"
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
  if grep -E "panicked at| ERROR " "$work/server.log"; then
    echo "the server's log has errors" >&2
    exit 1
  fi
}

sqlite="${BENCH_SQLITE:-}"
if [ -z "$sqlite" ]; then
  sqlite="$work/export.db"
  "$tools" --log warn --database-url "sqlite://$sqlite?mode=rwc" seed-demo --quiet --operations "$n"
fi
bench "sqlite://$sqlite"
pg="${BENCH_PG:-}"
if [ -z "$pg" ]; then
  pg_start
  psql "$CUSTSYNC_TEST_PG" -qc "DROP DATABASE IF EXISTS bench_export" -c "CREATE DATABASE bench_export"
  pg="${CUSTSYNC_TEST_PG%/postgres}/bench_export"
  "$tools" --log warn --database-url "$pg" seed-demo --quiet --operations "$n"
  psql "$pg" -qc "ANALYZE"
fi
bench "$pg"
