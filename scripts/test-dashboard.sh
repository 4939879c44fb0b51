#!/usr/bin/env bash
# The tm-mock dashboard (/_mock/ui) in a real headless browser: Debian's
# chromium driven by selenium from the project's venv (.venv). Installs what it
# needs idempotently (chromium + chromedriver from apt, selenium + pytest from
# PyPI), builds the tm-mock binary, and runs tests/dashboard with a time bound.
# A screenshot is saved as target/dashboard.png.
#
#   scripts/test-dashboard.sh
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

apt_install() {
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
    else
        sudo -n apt-get update -qq && sudo -n DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
    fi
}

echo "==> chromium and chromedriver (Debian packages)"
command -v chromium >/dev/null || apt_install chromium
command -v chromedriver >/dev/null || apt_install chromium-driver

if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"

echo "==> installing selenium, pytest and mypy"
"$PY" -m pip install --quiet --disable-pip-version-check "selenium>=4.10,<5" "pytest>=7" "mypy>=1.8"

echo "==> mypy --strict (dashboard test)"
"$PY" -m mypy --strict tests/dashboard/test_dashboard.py

echo "==> building tm-mock"
cargo build --quiet -p tm-mock --bin tm-mock

echo "==> dashboard in headless chromium"
mkdir -p target
TM_MOCK_BIN="$PWD/target/debug/tm-mock" TM_SCREENSHOT="$PWD/target/dashboard.png" \
    timeout 300 "$PY" -m pytest tests/dashboard -q

echo "==> dashboard: passed (screenshot: target/dashboard.png)"
