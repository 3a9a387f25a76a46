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

# PostgreSQL for customer-care-postgres: a cluster of our own from the distribution's binaries (adapters/pg.sh).
# shellcheck source=adapters/pg.sh
. adapters/pg.sh
trap pg_stop EXIT
if [ -d adapters/postgres ]; then
  step "start PostgreSQL in a temporary directory"
  pg_start
  export CUSTOMER_CARE_PG_REQUIRED=1
fi

step "cargo test (every adapter; PostgreSQL tests must not skip)"
cargo test --all-features "${packages[@]}"

# The tour (examples/tour, built in release by .ci/run's tour step already) on the server: the same year must
# give the same report as on SQLite, line for line but the `database` line.
step "the tour on PostgreSQL and on SQLite: the same report"
tour_dir=$(mktemp -d /tmp/customer-care-tour.XXXXXX)
tour() { # name, arguments: the report without its `database` line in $tour_dir/name.txt
  local name=$1
  shift
  if ! cargo run -q --release --example tour -- "$@" --fresh >"$tour_dir/$name.out" 2>"$tour_dir/$name.err"; then
    tail -n 20 "$tour_dir/$name.err"
    exit 1
  fi
  grep -v '^database ' "$tour_dir/$name.out" >"$tour_dir/$name.txt"
}
tour sqlite "$tour_dir/tour.db"
tour postgres --postgres "$CUSTOMER_CARE_PG_URL"
if ! diff "$tour_dir/sqlite.txt" "$tour_dir/postgres.txt"; then
  echo "the tour's report on PostgreSQL differs from SQLite's"
  exit 1
fi
echo "same report ($(wc -l <"$tour_dir/sqlite.txt") lines)"
rm -rf "$tour_dir"

step "adapter examples"
for example in adapters/*/examples/*.rs; do
  [ -e "$example" ] || continue
  crate_dir=$(dirname "$(dirname "$example")")
  package=$(sed -n 's/^name = "\(.*\)"/\1/p' "$crate_dir/Cargo.toml" | head -n 1)
  name=$(basename "${example%.rs}")
  cargo run -p "$package" --example "$name" | tail -n 5
done
echo "adapters: all passed"
