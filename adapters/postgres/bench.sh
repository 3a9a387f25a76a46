#!/usr/bin/env bash
# Commands per second through host::submit into PostgreSQL (cargo bench -p customer-care-postgres), and beside it,
# on the same throwaway server in the same run, what pgbench does for a comparable transaction: one single-row
# INSERT of a commit-sized JSON document into a table keyed like `commits`, one client, autocommit.
set -euo pipefail
cd "$(dirname "$0")/../.."
. adapters/pg.sh
trap pg_stop EXIT
pg_start
uptime
psql() { "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres customer_care "$@"; }
psql -c "CREATE TABLE pgbench_commits (stream uuid, version bigint, body jsonb, PRIMARY KEY (stream, version))"
script=$(mktemp)
body='{"version":1,"command":{"id":"00000000-0000-0000-0000-000000000001","issued_at":"2026-01-05T09:00:00Z","body":{"type":"award_bonus","points":3,"reason":{"kind":"birthday"}}},"events":[{"type":"points_earned","points":3}]}'
echo "INSERT INTO pgbench_commits VALUES (gen_random_uuid(), 1, '$body');" >"$script"
echo "== pgbench: single-row insert transactions, 1 client, 10 s"
"$PG_BIN/pgbench" -n -c 1 -T 10 -f "$script" -h 127.0.0.1 -p "$PG_PORT" -U postgres customer_care | grep -E "tps|latency"
rm -f "$script"
echo "== customer-care-postgres: commands through host::submit"
cargo bench -p customer-care-postgres --bench submit 2>&1 | grep -E "^postgres submit|time:|thrpt:"
