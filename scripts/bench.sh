#!/usr/bin/env bash
# Runs every benchmark of the workspace and regenerates BENCHMARKS.md:
#   1. criterion benches of tm-core (crates/tm-bench/benches/core.rs): encode,
#      decode, in-process round trip — short settings;
#   2. the simulator's scale and throughput report (tm-bench's sim_scale);
#   3. the Python client comparison (benches/python/bench_clients.py in .venv);
#   4. `tm import` of 10,000 CSV rows against a `tm-mock serve` server.
# Parts that cannot run here are recorded as skipped, with the reason.
#
# Usage: scripts/bench.sh [--quick]     (--quick: 100k instead of 1M stored trackings)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: scripts/bench.sh [--quick]" >&2; exit 2 ;;
esac

target="${CARGO_TARGET_DIR:-target}"
work="$(mktemp -d)"
mock_pid=""
cleanup() {
  if [[ -n "$mock_pid" ]]; then kill "$mock_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*" >&2; }

load_at_start="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"

step "build (release): tm-bench, tm-mock"
cargo build --release -p tm-bench --bins
cargo build --release -p tm-mock --bin tm-mock

# ---------- 1. criterion ----------
step "criterion: encode, decode, round trip"
criterion_md="$work/criterion.md"
if cargo bench -p tm-bench --bench core -- --warm-up-time 1 --measurement-time 3 >"$work/criterion.log" 2>&1 \
  && "$target/release/criterion_report" "$target/criterion" >"$criterion_md"; then
  criterion_status="ran"
else
  criterion_status="failed (see \`cargo bench -p tm-bench --bench core\`)"
  tail -20 "$work/criterion.log" >&2
  : >"$criterion_md"
fi

# ---------- 2. simulator scale ----------
step "sim_scale$([[ $quick == 1 ]] && echo ' --quick')"
scale_md="$work/scale.md"
scale_args=()
[[ $quick == 1 ]] && scale_args+=(--quick)
if "$target/release/sim_scale" "${scale_args[@]}" >"$scale_md"; then
  scale_status="ran"
else
  scale_status="failed"
fi
cat "$scale_md" >&2

# ---------- 3. Python comparison ----------
step "Python: tm_py vs trackingmore 0.2 vs requests"
python_txt="$work/python.txt"
py=".venv/bin/python"
if [[ ! -f benches/python/bench_clients.py ]]; then
  python_status="skipped: benches/python/bench_clients.py does not exist yet"
elif [[ ! -x "$py" ]]; then
  python_status="skipped: no .venv (build tm_py there with scripts/test-python.sh)"
elif ! "$py" -c 'import tm_py' 2>/dev/null; then
  python_status="skipped: tm_py is not installed in .venv (run scripts/test-python.sh)"
else
  if ! "$py" -c 'import trackingmore, requests' 2>/dev/null; then
    "$py" -m pip install --quiet --disable-pip-version-check "trackingmore==0.2" requests || true
  fi
  if timeout 900 "$py" benches/python/bench_clients.py >"$python_txt" 2>"$work/python.err"; then
    python_status="ran"
  else
    python_status="failed: $(tail -1 "$work/python.err")"
  fi
fi
[[ -f "$python_txt" ]] && cat "$python_txt" >&2

# ---------- 4. tm import of 10,000 rows ----------
step "tm import of 10,000 rows against tm-mock serve"
rows=10000
import_status=""
if ! cargo build --release -p tm-cli --bin tm >"$work/tm-build.log" 2>&1; then
  import_status="pending: \`tm\` (crates/tm-cli) does not build yet"
elif ! "$target/release/tm" import --help >/dev/null 2>&1; then
  import_status="pending: \`tm import\` is not implemented yet"
else
  csv="$work/import.csv"
  awk -v n="$rows" 'BEGIN {
    print "tracking_number,carrier_code,order_id,title,customer_name,customer_email,destination_code";
    split("usps ups fedex dhl china-post", c, " ");
    for (i = 0; i < n; i++) {
      k = c[i % 5 + 1];
      if (k == "usps") num = sprintf("9400%018d", i);
      else if (k == "ups") num = sprintf("1Z%016d", i);
      else if (k == "china-post") num = sprintf("LZ%09dCN", i);
      else num = sprintf("%012d", i);
      printf "%s,%s,ORD-%08d,Order item %d,Customer %d,customer%d@example.com,US\n", num, k, i, i % 997, i % 5003, i % 5003;
    }
  }' >"$csv"
  "$target/release/tm-mock" serve --addr 127.0.0.1:0 --rate-limits off --credits 1000000 >"$work/mock.out" 2>"$work/mock.err" &
  mock_pid=$!
  url=""
  for _ in $(seq 1 100); do
    url="$(head -n1 "$work/mock.out" 2>/dev/null || true)"
    [[ -n "$url" ]] && break
    sleep 0.1
  done
  if [[ -z "$url" ]]; then
    import_status="failed: tm-mock serve did not print its URL"
  else
    tm_flags=(--base-url "$url" --api-key bench-import)
    "$target/release/tm" --help 2>/dev/null | grep -q -- '--no-rate-limits' && tm_flags+=(--no-rate-limits)
    t0="$(date +%s.%N)"
    set +e
    "$target/release/tm" "${tm_flags[@]}" import "$csv" --outcomes "$work/outcomes.csv" >"$work/import.out" 2>"$work/import.err"
    import_rc=$?
    set -e
    t1="$(date +%s.%N)"
    import_secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
    created="$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "outcome") col = i; next }
                        col && $col == "created" { n++ } END { print n + 0 }' "$work/outcomes.csv" 2>/dev/null || echo 0)"
    import_status="ran (exit code $import_rc)"
    import_rate="$(awk -v n="$rows" -v s="$import_secs" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }')"
  fi
  kill "$mock_pid" 2>/dev/null || true
  wait "$mock_pid" 2>/dev/null || true
  mock_pid=""
fi
echo "tm import: $import_status ${import_secs:-} s" >&2

# ---------- BENCHMARKS.md ----------
step "write BENCHMARKS.md"
cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown)"
mem="$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown)"
{
  echo "# Benchmarks"
  echo
  echo "Regenerated by \`scripts/bench.sh$([[ $quick == 1 ]] && echo ' --quick')\` — do not edit by hand."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $started_at |"
  echo "| machine | $(nproc) CPUs, $cpu, $mem RAM |"
  echo "| OS | $(uname -sr) |"
  echo "| Rust | $(rustc -V) |"
  echo "| load average at start (1/5/15 min) | $load_at_start |"
  echo
  echo "The machine is shared (other builds may run meanwhile), so absolute figures are"
  echo "noisy; each comparison below is measured side by side in one run so its ratio is"
  echo "meaningful. Nothing here is asserted by a test."
  echo
  echo "## 1. tm-core: encode, decode, in-process round trip (criterion)"
  echo
  echo "\`cargo bench -p tm-bench --bench core -- --warm-up-time 1 --measurement-time 3\` — $criterion_status."
  echo
  echo "- **encode**: \`Endpoint::to_wire\` (validated endpoint → \`WireRequest\`, JSON body) for one create,"
  echo "  a batch create of 40, and a filtered list query (status, created range, archived, lang; with"
  echo "  \`path_and_query\`)."
  echo "- **decode**: \`client::decode_response\` (envelope, meta classification, tolerant models) of a"
  echo "  tracking with 20 checkpoints, a list page of 100 such trackings, and a batch-create result of 40."
  echo "- **roundtrip**: \`Client::execute\` over tm-mock's in-process \`MockTransport\` (encode → simulator"
  echo "  router → rendered JSON → decode) with 1,000 trackings stored three simulated days earlier: get"
  echo "  one, create one (a new number every iteration), list a page of 100."
  echo
  cat "$criterion_md"
  echo
  echo "## 2. tm-mock: scale and throughput (\`sim_scale\`)"
  echo
  echo "\`target/release/sim_scale$([[ $quick == 1 ]] && echo ' --quick')\` — $scale_status. Rate limits off, credits high."
  echo "Trackings are inserted through the router with \`POST /trackings/batch\` (40 per call), then the"
  echo "simulated clock is moved 3 days so statuses spread. Heap bytes are live bytes counted by a global"
  echo "allocator while the simulators are filled (journal cleared; it is not tracking storage); RSS is the resident-set delta. Both"
  echo "sizes are held at once and their list latencies measured in interleaved rounds. The HTTP"
  echo "comparison uses hyper 1 client connections (keep-alive, one request in flight each) against the"
  echo "tm-mock server and a bare hyper \"hello\" server started in the same process, alternating."
  echo
  cat "$scale_md"
  echo
  echo "## 3. Python: tm_py vs trackingmore 0.2 vs requests"
  echo
  echo "\`benches/python/bench_clients.py\` (in \`.venv\`, against a local tm-mock server) — $python_status."
  echo
  if [[ "$python_status" == ran ]]; then
    echo '```text'
    cat "$python_txt"
    echo '```'
  fi
  echo
  echo "## 4. \`tm import\` of 10,000 rows against \`tm-mock serve\`"
  echo
  if [[ "$import_status" == ran* ]]; then
    echo "A generated CSV (10,000 rows: tracking_number, carrier_code, order_id, title, customer_name,"
    echo "customer_email, destination_code; 5 carriers) imported by the release \`tm\` binary"
    echo "(\`tm ${tm_flags[*]/$url/URL} import FILE --outcomes OUT\`, default concurrency and chunk size) against"
    echo "\`tm-mock serve --rate-limits off\` on loopback; wall time of the whole command. Status: $import_status."
    echo
    echo "| rows | created | wall time | rows/s |"
    echo "|---:|---:|---:|---:|"
    echo "| $rows | $created | $import_secs s | $import_rate |"
  else
    echo "Not measured — $import_status."
  fi
} >BENCHMARKS.md
step "BENCHMARKS.md written"
