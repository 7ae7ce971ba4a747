#!/usr/bin/env bash
# Benchmark: how long `custsync-tools seed-demo` takes for 5,000 and 1,000,000 operations, on SQLite and
# on PostgreSQL (a throw-away cluster), with the release binary. Prints one line per run.
# usage: scripts/bench-seed.sh [SIZES...]     (default: 5000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
source scripts/pg.sh
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(5000 1000000)
tools="$CARGO_TARGET_DIR/release/custsync-tools"
[ -x "$tools" ] || cargo build --release -p server --bin custsync -p custsync-tools --bin custsync-tools
work="$(mktemp -d /tmp/custsync-bench.XXXXXX)"
trap 'pg_stop; rm -rf "$work"' EXIT
pg_start
admin="$CUSTSYNC_TEST_PG"
for n in "${sizes[@]}"; do
  rm -f "$work"/seed.db*
  "$tools" --log warn --database-url "sqlite://$work/seed.db?mode=rwc" seed-demo --quiet --operations "$n"
  db="bench_$n"
  psql "$admin" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  "$tools" --log warn --database-url "${admin%/postgres}/$db" seed-demo --quiet --operations "$n"
done
