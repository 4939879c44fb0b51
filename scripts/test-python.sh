#!/usr/bin/env bash
# Builds the tm-py wheel into a virtual environment (.venv) and runs the Python
# checks: pytest, mypy --strict on the typing test file (which also holds the
# mistakes the stubs must reject), stubtest (stubs vs the built module), then
# schemathesis against tm-mock (scripts/test-schemathesis.sh).
# The release wheel is built for manylinux2014 (glibc 2.17: Debian 11, Ubuntu
# 20.04, Amazon Linux 2, RHEL 7) by linking against glibc 2.17 with zig (the
# `ziglang` PyPI package, installed into the venv), stripped, and checked with
# auditwheel (policy manylinux_2_17, no outside libraries). TM_PY_ZIG=0 builds
# with the host toolchain instead (its glibc decides the policy). The pytest
# suite also runs again on the oldest and newest
# Python 3.9+ that pyenv has (the wheel is abi3-py39), in their own venvs
# (.venv-py3.X). Idempotent; works from a fresh clone. Exits non-zero on failure.
#
#   scripts/test-python.sh            # release wheel (what users get)
#   TM_PY_PROFILE=debug scripts/test-python.sh   # faster build while developing
#   TM_PY_OTHER_PYTHONS=0 scripts/test-python.sh # skip the extra interpreters
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
"$PY" -m pip install --quiet --disable-pip-version-check "maturin>=1.9.4,<2" "pytest>=7" "mypy>=1.8" \
    "auditwheel>=6"
ZIG="${TM_PY_ZIG:-1}"
if [ "${TM_PY_PROFILE:-release}" != "debug" ] && [ "$ZIG" != "0" ]; then
    "$PY" -m pip install --quiet --disable-pip-version-check "ziglang>=0.13"
fi
# Flask: the README's webhook receiver example (tests/python/test_webhooks_readme.py) runs against it.
"$PY" -m pip install --quiet --disable-pip-version-check "flask>=3,<4"

echo "==> building the wheel"
mkdir -p dist
rm -f dist/tm_py-*.whl
if [ "${TM_PY_PROFILE:-release}" = "debug" ]; then
    "$VENV/bin/maturin" build -o dist
else
    # Stripped (debug info stays in the workspace's own release profile).
    if [ "$ZIG" != "0" ]; then
        # maturin finds zig through the venv's python (`python -m ziglang`).
        PATH="$(pwd)/$VENV/bin:$PATH" "$VENV/bin/maturin" build --release --strip \
            --zig --compatibility manylinux2014 -o dist
    else
        "$VENV/bin/maturin" build --release --strip -o dist
    fi
fi
WHEEL="$(ls dist/tm_py-*.whl)"
"$PY" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"

if [ "${TM_PY_PROFILE:-release}" != "debug" ]; then
    echo "==> auditwheel (manylinux policy of $(basename "$WHEEL"))"
    "$VENV/bin/auditwheel" show "$WHEEL" | tee dist/auditwheel.txt
    if [ "$ZIG" != "0" ]; then
        grep -q '"manylinux_2_17_x86_64"' dist/auditwheel.txt
    else
        grep -q "manylinux_" dist/auditwheel.txt
    fi
    du -k "$WHEEL" | awk '{print "wheel size: " $1 " KiB"}'
fi

echo "==> pytest"
"$PY" -m pytest tests/python -q

echo "==> mypy --strict (typing test file)"
"$PY" -m mypy --strict tests/python/typing_check.py

echo "==> stubtest (stubs agree with the module)"
"$PY" -m mypy.stubtest tm_py --allowlist tests/python/stubtest_allowlist.txt

echo "==> schemathesis (OpenAPI description vs tm-mock serve)"
VENV="$VENV" PYTHON="$PYTHON" scripts/test-schemathesis.sh

# The wheel is abi3-py39: run the suite on the oldest and newest Python 3.9+
# this machine has (pyenv), each in its own venv with only pytest (and Flask, for the README receiver example) added.
if [ "${TM_PY_OTHER_PYTHONS:-1}" != "0" ] && command -v pyenv >/dev/null 2>&1; then
    ROOT="$(pyenv root)"
    mapfile -t VERSIONS < <(ls "$ROOT/versions" 2>/dev/null | grep -E '^3\.([9]|[1-9][0-9])\.[0-9]+$' | sort -t. -k1,1n -k2,2n -k3,3n)
    if [ "${#VERSIONS[@]}" -gt 0 ]; then
        for V in "${VERSIONS[0]}" "${VERSIONS[-1]}"; do
            OTHER=".venv-py${V%.*}"
            if [ ! -x "$OTHER/bin/python" ]; then
                echo "==> creating $OTHER (Python $V)"
                "$ROOT/versions/$V/bin/python3" -m venv "$OTHER"
            fi
            "$OTHER/bin/python" -m pip install --quiet --disable-pip-version-check "pytest>=7" "flask>=3,<4"
            "$OTHER/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"
            echo "==> pytest on Python $V"
            "$OTHER/bin/python" -m pytest tests/python -q -p no:cacheprovider
        done
    fi
fi

echo "==> tm-py: all Python checks passed"
