#!/usr/bin/env bash
# What CI runs for the storage adapters (issue 17); `.ci/run` calls it from the repository root after the core's
# steps. Every workspace member under adapters/: format, clippy (-D warnings, all targets, all features), docs
# (warnings are errors), tests and doctests, examples. PostgreSQL: a throwaway server started here with
# initdb/pg_ctl in a temporary directory (no root, no system service), a database created, the adapter's tests
# run against it with CUSTOMER_CARE_PG_REQUIRED=1 so that a test which cannot reach it fails instead of
# skipping, and the server stopped and its directory removed on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== adapters: %s\n' "$*"; }

members=()
for manifest in adapters/*/Cargo.toml; do
  members+=("$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -n 1)")
done
packages=()
for member in "${members[@]}"; do packages+=(-p "$member"); done
echo "adapter crates: ${members[*]}"

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (all targets, all features, -D warnings)"
cargo clippy "${packages[@]}" --all-targets --all-features -- -D warnings

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS=-Dwarnings cargo doc "${packages[@]}" --no-deps

# PostgreSQL for customer-care-postgres: the binaries of the distribution's package, a cluster of our own.
pg_dir=""
stop_pg() {
  if [ -n "$pg_dir" ] && [ -d "$pg_dir" ]; then
    "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
trap stop_pg EXIT
if [ -d adapters/postgres ]; then
  PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL server binaries not found (apt-get install postgresql): cannot test customer-care-postgres"
    exit 1
  fi
  step "start PostgreSQL ($PG_BIN) in a temporary directory"
  pg_dir=$(mktemp -d /tmp/customer-care-pg.XXXXXX)
  # initdb refuses to run as root: run the server as an unprivileged user when we are root.
  run_pg() { "$@"; }
  if [ "$(id -u)" = 0 ]; then
    id -u nobody >/dev/null
    chown nobody "$pg_dir"
    chmod 700 "$pg_dir"
    run_pg() { su -s /bin/sh nobody -c "$(printf '%q ' "$@")"; }
  fi
  port=$((20000 + RANDOM % 20000))
  run_pg "$PG_BIN/initdb" -D "$pg_dir/data" -U postgres -A trust --no-sync >/dev/null
  run_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off -c max_connections=200" start >/dev/null
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres customer_care
  export CUSTOMER_CARE_PG_URL="host=127.0.0.1 port=$port user=postgres dbname=customer_care"
  export CUSTOMER_CARE_PG_REQUIRED=1
  echo "server on port $port"
fi

step "cargo test (every adapter; PostgreSQL tests must not skip)"
cargo test "${packages[@]}"

step "adapter examples"
for example in adapters/*/examples/*.rs; do
  [ -e "$example" ] || continue
  crate_dir=$(dirname "$(dirname "$example")")
  package=$(sed -n 's/^name = "\(.*\)"/\1/p' "$crate_dir/Cargo.toml" | head -n 1)
  name=$(basename "${example%.rs}")
  cargo run -p "$package" --example "$name" | tail -n 5
done
echo "adapters: all passed"
