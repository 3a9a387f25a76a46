#!/usr/bin/env bash
# The PostgreSQL peer (issue 17): commands per second through `host::submit` into customer-care-postgres and, on the
# same throwaway server in the same run, pgbench's single-row insert of a commit-sized document. The work is in
# adapters/postgres/bench.sh, beside the adapter it measures; this is its entry among the peers.
set -euo pipefail
exec bash "$(dirname "$0")/../../adapters/postgres/bench.sh" "$@"
