"""Benchmark: tm_py vs the PyPI `trackingmore` 0.2 package vs plain `requests`,
all against one local tm-mock server (tm_py.MockServer, rate limits off).

Workloads: N sequential single gets; importing M trackings; listing them all
(just iterating, and iterating while reading two fields of each result). The
list workloads of tm_py and requests run interleaved, three rounds, and the
best time of each is kept (the machine is shared: interleaving exposes both
to the same load).
Each client works on its own account (API key), so imports do not collide.

    python benches/python/bench_clients.py [--gets 1000] [--imports 10000]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any, Callable, Optional

import requests
import trackingmore
import trackingmore.trackingmore as tm_legacy

import tm_py

CARRIER = "usps"


def numbers(prefix: str, n: int) -> list[str]:
    return [f"TMDELIV{prefix}{i:06d}" for i in range(n)]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


# ---- tm_py --------------------------------------------------------------------


def tm_py_suite(url: str, gets: int, imports: int) -> dict[str, Any]:
    client = tm_py.Client("bench-tm-py", base_url=url)
    nums = numbers("A", imports)

    def do_import() -> None:
        out = client.create_trackings([(CARRIER, n) for n in nums], concurrency=8)
        assert sum(o.ok for o in out) == imports, "tm_py import lost items"

    def do_gets() -> None:
        for i in range(gets):
            client.get_tracking(CARRIER, nums[i % len(nums)])

    def do_list() -> None:
        count = sum(1 for _ in client.list_trackings(limit=2000))
        assert count == imports, count

    def do_list_read() -> None:
        # Typed results: attribute access decodes each tracking (lazily).
        count = sum(1 for t in client.list_trackings(limit=2000) if t.tracking_number and t.status)
        assert count == imports, count

    t_import, _ = timed(do_import)
    t_gets, _ = timed(do_gets)
    return {"gets": t_gets, "import": t_import, "list": do_list, "list_read": do_list_read}


# ---- trackingmore 0.2 ---------------------------------------------------------


def legacy_suite(url: str, gets: int, imports: int) -> dict[str, Optional[float]]:
    tm_legacy.BASE_URL = url  # the package defaults to plain-HTTP api.trackingmore.com
    trackingmore.set_api_key("bench-legacy")
    nums = numbers("B", imports)

    def do_import() -> None:
        for i in range(0, len(nums), 40):
            batch = [tm_legacy.create_tracking_data(CARRIER, n) for n in nums[i : i + 40]]
            tm_legacy.create_tracking_items_batch(batch)

    def do_gets() -> None:
        for i in range(gets):
            tm_legacy.get_tracking_item(CARRIER, nums[i % len(nums)])

    t_import, _ = timed(do_import)
    t_gets, _ = timed(do_gets)
    # get_all_trackings() in 0.2 builds its page/limit payload but never sends it:
    # it can only ever return the first page, so "list them all" is not possible.
    return {"gets": t_gets, "import": t_import, "list": None, "list_read": None}


# ---- plain requests (one keep-alive Session) ------------------------------------


def requests_suite(url: str, gets: int, imports: int) -> dict[str, Any]:
    s = requests.Session()
    s.headers.update({"Trackingmore-Api-Key": "bench-requests", "Content-Type": "application/json"})
    nums = numbers("C", imports)

    def check(r: requests.Response) -> dict[str, Any]:
        body: dict[str, Any] = r.json()
        assert body["meta"]["code"] in (200, 201), body["meta"]
        return body

    def do_import() -> None:
        for i in range(0, len(nums), 40):
            items = [{"carrier_code": CARRIER, "tracking_number": n} for n in nums[i : i + 40]]
            check(s.post(f"{url}/trackings/batch", data=json.dumps(items)))

    def do_gets() -> None:
        for i in range(gets):
            check(s.get(f"{url}/trackings/{CARRIER}/{nums[i % len(nums)]}"))

    def list_all(read: bool) -> None:
        page, seen = 1, 0
        while True:
            data = check(s.get(f"{url}/trackings/get", params={"page": page, "limit": 2000}))["data"]
            items = data.get("items") or []
            seen += sum(1 for t in items if t["tracking_number"] and t["status"]) if read else len(items)
            if not items or page * 2000 >= int(data.get("total") or 0):
                break
            page += 1
        assert seen == imports, seen

    t_import, _ = timed(do_import)
    t_gets, _ = timed(do_gets)
    return {"gets": t_gets, "import": t_import, "list": lambda: list_all(False), "list_read": lambda: list_all(True)}


def fmt(t: Optional[float]) -> str:
    return "n/a" if t is None else f"{t:8.3f} s"


def ratio(a: Optional[float], b: Optional[float]) -> str:
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:6.1f}x"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gets", type=int, default=1000)
    ap.add_argument("--imports", type=int, default=10_000)
    args = ap.parse_args()

    with tm_py.MockServer(seed=1, rate_limits=False, credits=10_000_000) as server:
        print(f"tm-mock at {server.url}; {args.gets} gets, {args.imports} imports")
        results: dict[str, dict[str, Any]] = {
            "tm_py": tm_py_suite(server.url, args.gets, args.imports),
            "trackingmore 0.2": legacy_suite(server.url, args.gets, args.imports),
            "requests": requests_suite(server.url, args.gets, args.imports),
        }
        # List workloads: tm_py and requests interleaved, best of three rounds.
        for key in ("list", "list_read"):
            fns = {name: results[name][key] for name in ("tm_py", "requests")}
            best: dict[str, float] = {}
            for _ in range(3):
                for name, fn in fns.items():
                    t, _ = timed(fn)
                    best[name] = min(t, best.get(name, t))
            for name, t in best.items():
                results[name][key] = t

    rows = [
        ("sequential gets", "gets"),
        (f"import {args.imports} (tm_py: batches of 40, concurrent)", "import"),
        ("list all (iterate)", "list"),
        ("list all, reading 2 fields of each", "list_read"),
    ]
    header = f"{'workload':<48} {'tm_py':>10} {'trackingmore':>12} {'requests':>10} {'vs trackingmore':>16} {'vs requests':>12}"
    print(header)
    print("-" * len(header))
    for label, key in rows:
        a = results["tm_py"][key]
        b = results["trackingmore 0.2"][key]
        c = results["requests"][key]
        print(f"{label:<48} {fmt(a):>10} {fmt(b):>12} {fmt(c):>10} {ratio(b, a):>16} {ratio(c, a):>12}")
    print("ratios: how many times faster tm_py is (other time / tm_py time)")
    print("n/a: trackingmore 0.2's get_all_trackings never sends page/limit, so it cannot list everything")


if __name__ == "__main__":
    main()
