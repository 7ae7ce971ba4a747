#!/usr/bin/env bash
# Benchmark: the Synchronize customers job beside a bare sqlx loop doing the same claims, reads
# and writes, on SQLite and on PostgreSQL (a throw-away cluster), with the release binary.
# On PostgreSQL the job runs two Synchronize workers side by side (its default, as a second
# instance would), then, on a fifth of the operations, one worker alone for comparison.
# usage: scripts/bench-sync.sh [OPERATIONS]      (default 100000 for each of the two)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
source scripts/pg.sh
n="${1:-100000}"
tools="$CARGO_TARGET_DIR/release/custsync-tools"
cargo build --release -p server --bin custsync -p custsync-tools --bin custsync-tools
work="$(mktemp -d /tmp/custsync-bench.XXXXXX)"
trap 'pg_stop; rm -rf "$work"' EXIT
# A server set up for its machine, as a retailer's would be: a quarter of its memory for
# PostgreSQL's own cache (the default, 128 MB, holds a fraction of 1M operations' indexes) and
# checkpoints spaced for a bulk of writes.
PG_SETTINGS="${PG_SETTINGS:--c shared_buffers=6GB -c max_wal_size=8GB}"
pg_start
"$tools" --log warn --database-url "sqlite://$work/sync.db?mode=rwc" bench-sync --operations "$n"
psql "$CUSTSYNC_TEST_PG" -qc "DROP DATABASE IF EXISTS bench_sync" -c "CREATE DATABASE bench_sync"
"$tools" --log warn --database-url "${CUSTSYNC_TEST_PG%/postgres}/bench_sync" bench-sync --operations "$n" --workers 2
psql "$CUSTSYNC_TEST_PG" -qc "DROP DATABASE IF EXISTS bench_sync" -c "CREATE DATABASE bench_sync"
"$tools" --log warn --database-url "${CUSTSYNC_TEST_PG%/postgres}/bench_sync" bench-sync --operations "$((n / 5))" --workers 1
