#!/usr/bin/env bash
# Benchmark: the duplicate check of a create at CUSTOMERS customers, on SQLite and on PostgreSQL
# (a throw-away cluster), with the release binary. A small demo retailer is seeded, then
# `custsync-tools bench-duplicates` adds made-up customers up to CUSTOMERS, keys them (timed:
# what an upgrade costs once) and times SAMPLES checks of a create like a customer and of one
# like nobody, each the statement the Synchronize job runs for a create.
# usage: scripts/bench-duplicates.sh [CUSTOMERS] [SAMPLES]   (default 1000000 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
source scripts/pg.sh
customers="${1:-1000000}"
samples="${2:-1000}"
tools="$CARGO_TARGET_DIR/release/custsync-tools"
cargo build --release -p custsync-tools --bin custsync-tools
work="$(mktemp -d /tmp/custsync-bench.XXXXXX)"
trap 'pg_stop; rm -rf "$work"' EXIT

sqlite="sqlite://$work/duplicates.db?mode=rwc"
pg_start
psql "$CUSTSYNC_TEST_PG" -qc "CREATE DATABASE bench_duplicates"
pg="${CUSTSYNC_TEST_PG%/postgres}/bench_duplicates"
for url in "$sqlite" "$pg"; do
  "$tools" --log warn --database-url "$url" seed-demo --quiet --operations 1000
  "$tools" --log warn --database-url "$url" bench-duplicates --customers "$customers" \
    --samples "$samples"
done
