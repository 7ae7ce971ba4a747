#!/usr/bin/env bash
# Command 1: install what is missing, build the release app, and serve it on
# http://127.0.0.1:3000 with the embedded SQLite database (data/custsync.db), seeded with the
# demo retailer when empty. Settings: see README (CUSTSYNC_* variables).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
source scripts/common.sh
echo "[start] building (the first build takes a while on 2 cores)"
bash scripts/build-site.sh --release
export CUSTSYNC_JOB_INTERVAL_SECONDS="${CUSTSYNC_JOB_INTERVAL_SECONDS:-60}"
"$CARGO_TARGET_DIR/release/custsync-tools" seed-demo --if-empty
exec "$CARGO_TARGET_DIR/release/custsync" serve --site-root target/site "$@"
