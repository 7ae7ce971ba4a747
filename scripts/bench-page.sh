#!/usr/bin/env bash
# Benchmark: the status page's server time (list under filters, detail) on OPERATIONS demo
# operations, on SQLite and on PostgreSQL (a throw-away cluster), with the release binary.
# The demo is seeded through the real pipeline first (a million takes a while), then
# `custsync-tools bench-page` times each case SAMPLES times and prints p50, p95 and max.
# usage: scripts/bench-page.sh [OPERATIONS] [SAMPLES]       (default 1000000 200)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
source scripts/pg.sh
n="${1:-1000000}"
samples="${2:-200}"
tools="$CARGO_TARGET_DIR/release/custsync-tools"
cargo build --release -p server --bin custsync -p custsync-tools --bin custsync-tools
work="$(mktemp -d /tmp/custsync-bench.XXXXXX)"
trap 'pg_stop; rm -rf "$work"' EXIT
pg_start
sqlite="sqlite://$work/page.db?mode=rwc"
"$tools" --log warn --database-url "$sqlite" seed-demo --quiet --operations "$n"
"$tools" --log warn --database-url "$sqlite" bench-page --samples "$samples"
psql "$CUSTSYNC_TEST_PG" -qc "DROP DATABASE IF EXISTS bench_page" -c "CREATE DATABASE bench_page"
pg="${CUSTSYNC_TEST_PG%/postgres}/bench_page"
"$tools" --log warn --database-url "$pg" seed-demo --quiet --operations "$n"
psql "$pg" -qc "ANALYZE"
"$tools" --log warn --database-url "$pg" bench-page --samples "$samples"
