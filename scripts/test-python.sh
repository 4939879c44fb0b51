#!/usr/bin/env bash
# Builds the tm-py wheel into a virtual environment (.venv) and runs the Python
# checks: pytest, mypy --strict on the typing test file, stubtest (stubs vs
# the built module), then schemathesis against tm-mock (scripts/test-schemathesis.sh).
# Idempotent; works from a fresh clone. Exits non-zero on failure.
#
#   scripts/test-python.sh            # release wheel (what users get)
#   TM_PY_PROFILE=debug scripts/test-python.sh   # faster build while developing
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"

echo "==> installing build and test tools"
"$PY" -m pip install --quiet --disable-pip-version-check "maturin>=1.9.4,<2" "pytest>=7" "mypy>=1.8"

echo "==> building the wheel"
mkdir -p dist
rm -f dist/tm_py-*.whl
if [ "${TM_PY_PROFILE:-release}" = "debug" ]; then
    "$VENV/bin/maturin" build -o dist
else
    "$VENV/bin/maturin" build --release -o dist
fi
"$PY" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps dist/tm_py-*.whl

echo "==> pytest"
"$PY" -m pytest tests/python -q

echo "==> mypy --strict (typing test file)"
"$PY" -m mypy --strict tests/python/typing_check.py

echo "==> stubtest (stubs agree with the module)"
"$PY" -m mypy.stubtest tm_py --allowlist tests/python/stubtest_allowlist.txt

echo "==> schemathesis (OpenAPI description vs tm-mock serve)"
VENV="$VENV" PYTHON="$PYTHON" scripts/test-schemathesis.sh

echo "==> tm-py: all Python checks passed"
