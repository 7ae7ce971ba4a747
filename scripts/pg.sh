# A throw-away PostgreSQL cluster for tests (sourced). `pg_start` sets CUSTSYNC_TEST_PG;
# `pg_stop` removes the cluster. Uses Debian's PostgreSQL, run as the `postgres` user
# (initdb refuses root). PG_SETTINGS adds server settings (`-c name=value …`).
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"

pg_start() {
  PG_DIR="$(mktemp -d /tmp/custsync-pg.XXXXXX)"
  PG_PORT="$(free_port)"
  chown postgres:postgres "$PG_DIR"
  local as_pg=(runuser -u postgres --)
  [ "$(id -u)" = 0 ] || as_pg=()
  "${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U custsync -A trust -E UTF8 --no-locale >/dev/null
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${PG_SETTINGS:-}" \
    start >/dev/null
  export CUSTSYNC_TEST_PG="postgres://custsync@127.0.0.1:$PG_PORT/postgres"
  echo "[test] PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    local as_pg=(runuser -u postgres --)
    [ "$(id -u)" = 0 ] || as_pg=()
    "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
