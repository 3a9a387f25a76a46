#!/usr/bin/env bash
# Times benches/lifecycle.rs and its peer (benches/peers/lifetimes_peer.py) on the same rows, in one run, and prints
# both sides, their ratio and what each computed. See benches/peers/run_lifecycle.py for the options.
#
# Setup once: python3 -m venv /work/venv-peers && /work/venv-peers/bin/pip install lifetimes==0.11.3 pandas duckdb
# (or set PEER_PYTHON to a Python that has lifetimes 0.11.3 and pandas).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec "${PEER_PYTHON:-/work/venv-peers/bin/python}" benches/peers/run_lifecycle.py "$@"
