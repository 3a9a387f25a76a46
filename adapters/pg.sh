# Sourced by adapters/ci.sh and adapters/postgres/bench.sh: a throwaway PostgreSQL server of our own.
# pg_start: initdb/pg_ctl into a temporary directory (as `nobody` when run as root: initdb refuses root), a random
# port on 127.0.0.1, fsync off, database customer_care; exports CUSTOMER_CARE_PG_URL, PG_BIN, PG_PORT.
# pg_stop: stops it and removes the directory (safe to call twice; install it with `trap pg_stop EXIT`).
pg_dir=""
pg_start() {
  PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL server binaries not found (apt-get install postgresql)"
    return 1
  fi
  pg_dir=$(mktemp -d /tmp/customer-care-pg.XXXXXX)
  run_pg() { "$@"; }
  if [ "$(id -u)" = 0 ]; then
    id -u nobody >/dev/null
    chown nobody "$pg_dir"
    chmod 700 "$pg_dir"
    run_pg() { su -s /bin/sh nobody -c "$(printf '%q ' "$@")"; }
  fi
  PG_PORT=$((20000 + RANDOM % 20000))
  run_pg "$PG_BIN/initdb" -D "$pg_dir/data" -U postgres -A trust --no-sync >/dev/null
  run_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $pg_dir -c fsync=off -c max_connections=200" start >/dev/null
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres customer_care
  export PG_BIN PG_PORT
  export CUSTOMER_CARE_PG_URL="host=127.0.0.1 port=$PG_PORT user=postgres dbname=customer_care"
  echo "PostgreSQL ($PG_BIN) on port $PG_PORT"
}
# pg_ctl refuses root, as initdb does: it runs as the server's user (run_pg, set by pg_start).
pg_stop() {
  if [ -n "$pg_dir" ] && [ -d "$pg_dir" ]; then
    run_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
  pg_dir=""
}
