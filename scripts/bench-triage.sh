#!/usr/bin/env bash
# Benchmark: failures grouped by cause and bulk runs on OPERATIONS demo operations, on SQLite and
# on PostgreSQL (a throw-away cluster), with the release binary: the failures page's p50/p95, the
# exact count of selections, then a flood of FLOOD creates with a doubled @ failed by the jobs,
# previewed and fixed by one bulk correction with synchronize (operations/s beside the jobs').
# usage: scripts/bench-triage.sh [OPERATIONS] [SAMPLES] [FLOOD]   (default 1000000 200 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
source scripts/pg.sh
n="${1:-1000000}"
samples="${2:-200}"
flood="${3:-10000}"
tools="$CARGO_TARGET_DIR/release/custsync-tools"
cargo build --release -p custsync-tools --bin custsync-tools
work="$(mktemp -d /tmp/custsync-bench.XXXXXX)"
trap 'pg_stop; rm -rf "$work"' EXIT
pg_start
sqlite="sqlite://$work/triage.db?mode=rwc"
"$tools" --log warn --database-url "$sqlite" seed-demo --quiet --operations "$n"
"$tools" --log warn --database-url "$sqlite" bench-triage --samples "$samples" --operations "$flood"
psql "$CUSTSYNC_TEST_PG" -qc "DROP DATABASE IF EXISTS bench_triage" -c "CREATE DATABASE bench_triage"
pg="${CUSTSYNC_TEST_PG%/postgres}/bench_triage"
"$tools" --log warn --database-url "$pg" seed-demo --quiet --operations "$n"
psql "$pg" -qc "ANALYZE"
"$tools" --log warn --database-url "$pg" bench-triage --samples "$samples" --operations "$flood"
