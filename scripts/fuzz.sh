#!/usr/bin/env bash
# Runs the cargo-fuzz targets for a bounded time each (default 60 s):
#   decode_response — tm-core's envelope/model decoding on arbitrary bytes
#   sim_handle      — the simulator's router on arbitrary requests
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]
# Uses the stable toolchain with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs -Z flags).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for target in decode_response sim_handle; do
  echo "==> fuzzing $target for ${secs}s"
  cargo fuzz run "$target" --sanitizer none -- -max_total_time="$secs" -max_len=4096
done
echo "fuzzing finished without a crash"
