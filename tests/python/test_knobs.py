"""The client's reliability knobs: rate limits, retries and batch concurrency."""

from __future__ import annotations

import tm_py


def test_client_side_rate_limits_avoid_429() -> None:
    with tm_py.MockServer(rate_limits=True) as server:
        # Off: twelve quick calls overrun the simulator's 10/s and one is refused.
        fast = tm_py.Client("knob-a", base_url=server.url, max_retries=0, rate_limits=False)
        refused = 0
        for _ in range(12):
            try:
                fast.user_info()
            except tm_py.RateLimitError as e:
                refused += 1
                assert e.http_status == 429 and e.retry_after is not None and e.retry_after >= 1
        assert refused >= 1

        # On: the client spaces its own calls and the simulator never answers 429.
        server.clear_journal()
        paced = tm_py.Client("knob-b", base_url=server.url, max_retries=0, rate_limits=True)
        for _ in range(12):
            assert paced.user_info().email
        assert [e for e in server.journal() if e["status"] == 429] == []


def test_retries_recover_from_429_with_retry_after() -> None:
    with tm_py.MockServer(rate_limits=False) as server:
        server.add_fault("http429", endpoint="trackings.getuserinfo", times=2, retry_after=0)
        client = tm_py.Client("knob-c", base_url=server.url, max_retries=2, rate_limits=False)
        assert client.user_info().email
        statuses = [e["status"] for e in server.journal()]
        assert statuses == [429, 429, 200]


def test_batch_concurrency_keeps_every_item() -> None:
    items = [("dhl", f"{1_000_000_000 + i}") for i in range(205)]
    for concurrency in (1, 8):
        client = tm_py.Client.mock()
        out = client.create_trackings(items, concurrency=concurrency)
        assert len(out) == 205
        assert [o.tracking_number for o in out] == [n for _, n in items]
        assert all(o.ok for o in out)
