#!/usr/bin/env bash
# schemathesis against the simulator: a bounded, seeded property-based run of the OpenAPI
# description (crates/tm-mock/openapi/v2.json, served at /v2/openapi.json) against the built
# `tm-mock serve` binary on 127.0.0.1 (port 0). Checks: server errors; status code,
# content type, header and schema conformance; valid data accepted; undeclared methods;
# schema-violating data, a missing key and no key refused — the last three read v2's
# `meta.code` (tests/schemathesis/hooks.py); stateful sequences along the description's links.
# 0 failures or it exits non-zero. Idempotent: installs schemathesis into the test venv.
#
#   scripts/test-schemathesis.sh       # called by scripts/test-python.sh
#   TM_SCHEMATHESIS_EXAMPLES=200 scripts/test-schemathesis.sh   # a longer run
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
EXAMPLES="${TM_SCHEMATHESIS_EXAMPLES:-25}"
SEED="${TM_SCHEMATHESIS_SEED:-20261202}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
echo "==> installing schemathesis"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis>=4.32,<5"

echo "==> building tm-mock"
cargo build --quiet -p tm-mock --bin tm-mock
BIN="${CARGO_TARGET_DIR:-target}/debug/tm-mock"

OUT="$(mktemp)"
"$BIN" serve --addr 127.0.0.1:0 --key schemathesis-key --rate-limits off >"$OUT" 2>&1 &
SERVER=$!
cleanup() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    rm -f "$OUT"
}
trap cleanup EXIT
URL=""
for _ in $(seq 1 100); do
    URL="$(head -n 1 "$OUT" 2>/dev/null || true)"
    [[ "$URL" == http://* ]] && break
    if ! kill -0 "$SERVER" 2>/dev/null; then
        cat "$OUT" >&2
        echo "tm-mock serve exited before printing its URL" >&2
        exit 1
    fi
    sleep 0.1
done
[[ "$URL" == http://* ]] || { echo "tm-mock serve printed no URL" >&2; exit 1; }
echo "==> schemathesis against $URL (seed $SEED, $EXAMPLES examples per operation)"

SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$PWD/tests/schemathesis" \
    "$VENV/bin/schemathesis" run "$URL/openapi.json" \
    --url "$URL" \
    --header "Trackingmore-Api-Key: schemathesis-key" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,positive_data_acceptance,unsupported_method,v2_negative_data_rejection,v2_missing_required_header,v2_auth_enforced \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$EXAMPLES" \
    --seed "$SEED" \
    --workers 1 \
    --request-timeout 10 \
    --no-color \
    --report junit --report-dir "${CARGO_TARGET_DIR:-target}/schemathesis"
echo "==> schemathesis: 0 failures"
