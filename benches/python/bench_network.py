"""One import through a given tm-mock server, timed: tm_py or PyPI `trackingmore` 0.2.

Used by scripts/bench-network.sh (which starts `tm-mock serve` with the v2
rate limits and a latency rule, and prints the comparison):

    python benches/python/bench_network.py --url URL --client tm_py --n 10000 --key K

Prints one JSON line: {"client", "n", "seconds", "ok"} (ok: rows the server
reported created).
"""

from __future__ import annotations

import argparse
import json
import time


def run_tm_py(url: str, key: str, nums: list[str]) -> int:
    import tm_py

    # Default settings: adaptive client-side limits (learned from 429).
    client = tm_py.Client(key, base_url=url)
    out = client.create_trackings([("usps", n) for n in nums], concurrency=4)
    return sum(1 for o in out if o.ok)


def run_legacy(url: str, key: str, nums: list[str]) -> int:
    import trackingmore
    import trackingmore.trackingmore as tm_legacy

    tm_legacy.BASE_URL = url
    trackingmore.set_api_key(key)
    ok = 0
    for i in range(0, len(nums), 40):
        batch = [tm_legacy.create_tracking_data("usps", n) for n in nums[i : i + 40]]
        try:
            # 0.2 returns `data` and raises on an error answer (a 429 included);
            # it never waits or retries, so a refused batch is lost. The loop
            # goes on, as a script around it would have to.
            data = tm_legacy.create_tracking_items_batch(batch)
            ok += int(data.get("added") or 0)
        except Exception:
            pass
    return ok


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--client", choices=["tm_py", "trackingmore"], required=True)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--key", required=True)
    args = ap.parse_args()
    nums = [f"NB{args.key[-6:]}{i:07d}" for i in range(args.n)]
    start = time.perf_counter()
    ok = (run_tm_py if args.client == "tm_py" else run_legacy)(args.url, args.key, nums)
    seconds = time.perf_counter() - start
    print(json.dumps({"client": args.client, "n": args.n, "seconds": seconds, "ok": ok}))


if __name__ == "__main__":
    main()
