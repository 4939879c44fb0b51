#!/usr/bin/env bash
# Runs every test of the workspace: formatting, lints, all Rust tests, then the
# Python package (built into .venv as a wheel) with pytest, mypy and stubtest,
# then the simulator's dashboard in headless chromium (scripts/test-dashboard.sh).
# Usage: scripts/test.sh            (everything)
#        TM_SKIP_PYTHON=1 scripts/test.sh      (Rust only)
#        TM_SKIP_DASHBOARD=1 scripts/test.sh   (without the browser test)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (workspace)"
cargo test --workspace

if [[ "${TM_SKIP_PYTHON:-0}" != "1" ]]; then
  step "Python package: build wheel, pytest, mypy --strict, stubtest"
  scripts/test-python.sh
fi

if [[ "${TM_SKIP_DASHBOARD:-0}" != "1" ]]; then
  step "tm-mock dashboard in headless chromium (selenium)"
  scripts/test-dashboard.sh
fi

step "all tests passed"
