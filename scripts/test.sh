#!/usr/bin/env bash
# Runs every test of the workspace: formatting, lints, all Rust tests, then the
# Python package (built into .venv as a wheel) with pytest, mypy and stubtest.
# Usage: scripts/test.sh            (everything)
#        TM_SKIP_PYTHON=1 scripts/test.sh   (Rust only)
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

step "all tests passed"
