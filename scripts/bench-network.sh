#!/usr/bin/env bash
# "Real network" benchmark (not part of the test command): imports through a
# `tm-mock serve` HTTP server with the v2 rate limits on and a fixed latency per
# call, side by side with the physical floor N/400 s (10 batch calls/s x 40):
#   - tm CLI, default limits (unknown host: learned from 429);
#   - tm CLI --rate-limits v2 (the real host's defaults);
#   - tm_py (default settings) and PyPI trackingmore 0.2, if .venv has them;
# then the fault-stall comparison: N rows, concurrency 4, 5 % of batch calls
# answered 503 + Retry-After: 1 (rate limits off), extra time vs the ideal
# faults x Retry-After / concurrency.
#
# Usage: scripts/bench-network.sh [--n 10000] [--latencies "50 150 300"]
#        [--stall-n 20000] [--profile release|debug]
# Prints a Markdown section on stdout (progress on stderr).
set -euo pipefail
cd "$(dirname "$0")/.."

n=10000; latencies="50 150 300"; stall_n=20000; profile=release
while [[ $# -gt 0 ]]; do
  case "$1" in
    --n) n="$2"; shift 2 ;;
    --latencies) latencies="$2"; shift 2 ;;
    --stall-n) stall_n="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    *) echo "usage: $0 [--n N] [--latencies \"50 150 300\"] [--stall-n N] [--profile release|debug]" >&2; exit 2 ;;
  esac
done

target="${CARGO_TARGET_DIR:-target}"
if [[ "$profile" == release ]]; then
  cargo build --release -p tm-cli -p tm-mock >&2
  bin="$target/release"
else
  cargo build -p tm-cli -p tm-mock >&2
  bin="$target/debug"
fi
py=".venv/bin/python"
work="$(mktemp -d)"
mock_pid=""
cleanup() {
  if [[ -n "$mock_pid" ]]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

start_mock() { # $1: on|off (rate limits)
  if [[ -n "$mock_pid" ]]; then kill "$mock_pid"; wait "$mock_pid" 2>/dev/null || true; fi
  "$bin/tm-mock" serve --rate-limits "$1" --credits 1000000000 > "$work/url" &
  mock_pid=$!
  for _ in $(seq 100); do [[ -s "$work/url" ]] && break; sleep 0.05; done
  url="$(head -1 "$work/url")"
  admin="${url%/v2}/_mock"
}
faults() { curl -sf -X POST "$admin/faults" -d "$1" > /dev/null; }
now() { date +%s.%N; }
ratio() { python3 -c "print(f'{$1/$2:.3f}')"; }
rows() { # $1: count, $2: prefix, $3: file
  python3 -c "
print('tracking_number,carrier_code')
for i in range($1): print(f'$2{i:07d},usps')" > "$3"
}

have_py=0
if [[ -x "$py" ]] && "$py" -c 'import tm_py' 2>/dev/null; then
  have_py=1
  "$py" -c 'import trackingmore' 2>/dev/null || "$py" -m pip install --quiet --disable-pip-version-check "trackingmore==0.2" requests >&2 || true
fi

load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "## Real network: imports through tm-mock serve (v2 rate limits on)"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $profile build, load average at start: $load (2 cores, shared)."
echo "N = $n trackings; floor = N/400 s. Each client runs on its own API key. Ratio = time / floor."
echo
echo "| latency | floor | tm (auto: learned) | tm --rate-limits v2 | tm_py | trackingmore 0.2 |"
echo "|---|---|---|---|---|---|"
start_mock on
k=0
for lat in $latencies; do
  faults "{\"rules\":[{\"kind\":\"latency\",\"min_ms\":$lat,\"max_ms\":$lat}]}"
  floor=$(python3 -c "print($n/400)")
  cells=()
  for mode in auto v2; do
    k=$((k+1)); rows "$n" "C${k}X" "$work/in.csv"
    echo "latency $lat ms: tm --rate-limits $mode" >&2
    s=$(now)
    "$bin/tm" --base-url "$url" --api-key "bench-cli-$k" --rate-limits "$mode" -o json import "$work/in.csv" > "$work/out.json" || true
    e=$(now)
    t=$(python3 -c "print($e-$s)")
    created=$(python3 -c "import json; print(json.load(open('$work/out.json'))['created'])" 2>/dev/null || echo "?")
    cells+=("$(printf '%.2f s (%sx)%s' "$t" "$(ratio "$t" "$floor")" "$([[ "$created" == "$n" ]] || echo ", created $created")")")
  done
  for client in tm_py trackingmore; do
    if [[ $have_py == 1 ]]; then
      k=$((k+1))
      echo "latency $lat ms: $client" >&2
      out=$("$py" benches/python/bench_network.py --url "$url" --client "$client" --n "$n" --key "bench-py-$k-000000" 2>/dev/null || echo '{}')
      cells+=("$(python3 -c "
import json
d=json.loads('''$out''' or '{}')
if 'seconds' not in d: print('failed')
else:
    t=d['seconds']; note='' if d['ok']==$n else f\", created {d['ok']}\"
    print(f'{t:.2f} s ({t/$floor:.3f}x){note}')")")
    else
      cells+=("not run (no .venv with tm_py)")
    fi
  done
  echo "| $lat ms | $floor s | ${cells[0]} | ${cells[1]} | ${cells[2]} | ${cells[3]} |"
done
echo
echo "trackingmore 0.2 sends one batch at a time and neither waits for nor retries a 429: \"created\" below N means rows it lost."
echo

echo "## Fault stall: $stall_n rows, concurrency 4, 5 % of batch calls 503 + Retry-After: 1"
echo
start_mock off
rows "$stall_n" "S0X" "$work/s0.csv"
rows "$stall_n" "S1X" "$work/s1.csv"
faults '{"rules":[]}'
echo "fault stall: clean" >&2
s=$(now); "$bin/tm" --base-url "$url" --api-key stall-clean -o json import "$work/s0.csv" --concurrency 4 > /dev/null; e=$(now)
clean=$(python3 -c "print($e-$s)")
curl -sf -X DELETE "$admin/journal" > /dev/null || true
faults '{"seed":5,"rules":[{"kind":"http503","endpoint":"trackings.batch","probability":0.05,"retry_after":1}]}'
echo "fault stall: 5 % 503" >&2
s=$(now); "$bin/tm" --base-url "$url" --api-key stall-faults --max-retries 6 -o json import "$work/s1.csv" --concurrency 4 > "$work/s1.json" || true; e=$(now)
faulted=$(python3 -c "print($e-$s)")
count=$(curl -sf "$admin/journal" | python3 -c "
import json,sys
d=json.load(sys.stdin); d=d.get('data',d)
items=d if isinstance(d,list) else d.get('entries') or d.get('items') or []
print(sum(1 for e in items if e.get('status')==503))")
python3 - "$clean" "$faulted" "$count" <<'PY'
import sys
clean, faulted, faults = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
ideal = faults * 1.0 / 4
extra = faulted - clean
print("| clean | faulted | 503s | extra time | ideal extra (faults x 1 s / 4) | extra / ideal |")
print("|---|---|---|---|---|---|")
print(f"| {clean:.2f} s | {faulted:.2f} s | {faults} | {extra:.2f} s | {ideal:.2f} s | {extra / ideal if ideal else float('nan'):.2f}x |")
PY
