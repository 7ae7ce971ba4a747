#!/usr/bin/env bash
# Benchmark: erasing one customer's personal data (GDPR) on OPERATIONS demo operations, on
# SQLite and on PostgreSQL (a throw-away cluster), with the release binary. The demo is seeded
# first, unless BENCH_SQLITE / BENCH_PG name an already seeded database (a SQLite file, a
# PostgreSQL URL); then `custsync-tools bench-erasure` gives SAMPLES customers edits through
# the inbox and the jobs up to PER_CUSTOMER operations each, erases them, and prints the
# erasure's p50, p95 and max. It erases the customers it picks.
# usage: scripts/bench-erasure.sh [OPERATIONS] [SAMPLES] [PER_CUSTOMER]   (default 1000000 10 200)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
source scripts/pg.sh
n="${1:-1000000}"
samples="${2:-10}"
per_customer="${3:-200}"
tools="$CARGO_TARGET_DIR/release/custsync-tools"
cargo build --release -p custsync-tools --bin custsync-tools
work="$(mktemp -d /tmp/custsync-bench.XXXXXX)"
trap 'pg_stop; rm -rf "$work"' EXIT

sqlite="${BENCH_SQLITE:-}"
if [ -z "$sqlite" ]; then
  sqlite="$work/erasure.db"
  "$tools" --log warn --database-url "sqlite://$sqlite?mode=rwc" seed-demo --quiet --operations "$n"
fi
pg="${BENCH_PG:-}"
if [ -z "$pg" ]; then
  pg_start
  psql "$CUSTSYNC_TEST_PG" -qc "CREATE DATABASE bench_erasure"
  pg="${CUSTSYNC_TEST_PG%/postgres}/bench_erasure"
  "$tools" --log warn --database-url "$pg" seed-demo --quiet --operations "$n"
  psql "$pg" -qc "ANALYZE"
fi
for url in "sqlite://$sqlite" "$pg"; do
  "$tools" --log warn --database-url "$url" bench-erasure --samples "$samples" \
    --operations "$per_customer"
done
