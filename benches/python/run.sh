#!/usr/bin/env bash
# Runs the client benchmark in .venv (build tm_py there first: scripts/test-python.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${VENV:-.venv}/bin/python"
"$PY" -m pip install --quiet --disable-pip-version-check "trackingmore==0.2" requests
"$PY" benches/python/bench_clients.py "$@"
