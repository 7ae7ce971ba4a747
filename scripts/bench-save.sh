#!/usr/bin/env bash
# Benchmark: the correction workflow's server time (open for correction, Save, Save and
# synchronize) on OPERATIONS demo operations, on SQLite and on PostgreSQL (a throw-away
# cluster), with the release binary. The demo is seeded first (a million takes a while), then
# `custsync-tools bench-save` corrects SAMPLES failed operations per case and prints p50, p95, max.
# usage: scripts/bench-save.sh [OPERATIONS] [SAMPLES] [BACKENDS]
#        (default 1000000 200 "sqlite postgres")
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
source scripts/pg.sh
n="${1:-1000000}"
samples="${2:-200}"
backends="${3:-sqlite postgres}"
tools="$CARGO_TARGET_DIR/release/custsync-tools"
cargo build --release -p server --bin custsync -p custsync-tools --bin custsync-tools
work="$(mktemp -d /tmp/custsync-bench.XXXXXX)"
trap 'pg_stop; rm -rf "$work"' EXIT
for backend in $backends; do
  if [ "$backend" = sqlite ]; then
    url="sqlite://$work/save.db?mode=rwc"
  else
    pg_start
    psql "$CUSTSYNC_TEST_PG" -qc "CREATE DATABASE bench_save"
    url="${CUSTSYNC_TEST_PG%/postgres}/bench_save"
  fi
  started=$SECONDS
  "$tools" --log warn --database-url "$url" seed-demo --quiet --operations "$n"
  echo "[bench-save] $backend: seeded $n operations in $((SECONDS - started)) s"
  [ "$backend" = sqlite ] || psql "$url" -qc "ANALYZE"
  "$tools" --log warn --database-url "$url" bench-save --samples "$samples"
done
