"""Checked by `mypy --strict` (not collected by pytest): the stubs type real usage."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Optional

import tm_py


def sync_usage() -> int:
    with tm_py.Client.mock() as client:
        created: tm_py.CreatedTracking = client.create_tracking("usps", "TMDELIV0001", title="x")
        status: tm_py.Status = created.status
        t: tm_py.Tracking = client.get_tracking("usps", "TMDELIV0001")
        when: Optional[datetime] = t.created_at
        names: list[str] = [cp.status_description for cp in t.checkpoints]
        outcomes: list[tm_py.BatchItem] = client.create_trackings([("usps", "TMDELIV0002")])
        total = sum(1 for _ in client.list_trackings(limit=50, created_at_min=datetime(2020, 1, 1)))
        pages: list[tm_py.Page] = list(client.list_trackings().pages())
        counts: int = client.status_counts().total
        carriers: list[tm_py.Carrier] = client.carriers()
        detected: list[tm_py.DetectedCarrier] = client.detect_carrier("9400111899223197428490")
        r: list[tm_py.BatchItem] = client.delete_trackings([("usps", "TMDELIV0002")])
        d: dict[str, object] = t.to_dict()
        try:
            client.get_tracking("usps", "NOPE12345")
        except tm_py.NotFoundError as e:
            code: Optional[int] = e.code
            http: Optional[int] = e.http_status
            del code, http
        except tm_py.RateLimitError as e:
            wait: Optional[float] = e.retry_after
            del wait
        del status, when, names, outcomes, pages, counts, carriers, detected, r, d
        return total


async def async_usage() -> str:
    async with tm_py.AsyncClient.mock() as client:
        info: tm_py.UserInfo = await client.user_info()
        numbers = [t.tracking_number async for t in client.list_trackings()]
        pages = [p.page async for p in client.list_trackings().pages()]
        del numbers, pages
        return info.email


def server_usage() -> str:
    with tm_py.MockServer(seed=3) as server:
        server.advance(3600)
        server.add_fault("latency", endpoint="trackings.get_one", min_ms=10, max_ms=20)
        journal: list[dict[str, object]] = server.journal()
        del journal
        client: tm_py.Client = server.client()
        return client.user_info().email + server.url


def conventions_usage() -> int:
    client = tm_py.Client.mock()
    patient: tm_py.Client = client.with_options(timeout=5.0, max_retries=3)
    raw: tm_py.RawResponse = client.with_raw_response.user_info()
    status: int = raw.status
    body: bytes = raw.body
    headers: dict[str, str] = raw.headers
    done: list[int] = []
    out: list[tm_py.BatchItem] = patient.update_trackings(
        [{"carrier_code": "usps", "tracking_number": "TMDELIV0001", "title": "x"}],
        concurrency=2,
        chunk_size=20,
        progress=lambda d, total: done.append(d),
    )
    del body, headers, out
    return status


def negative_usage(client: tm_py.Client) -> None:
    """Mistakes the stubs must catch. `mypy --strict` turns on
    `warn_unused_ignores`, so if any line below stopped being an error, its
    `type: ignore` would be reported as unused and the check would fail."""
    client.list_trackings(status="shiped")  # type: ignore[arg-type]
    client.list_trackings(numbers="123")  # type: ignore[arg-type]
    client.list_trackings(orders="A-1")  # type: ignore[arg-type]
    client.create_trackings([("usps", "1", "extra")])  # type: ignore[list-item]
    client.get_tracking("usps", 9400111899223197428490)  # type: ignore[arg-type]
    client.with_options(timeout="5")  # type: ignore[arg-type]
    client.create_trackings([], progress=42)  # type: ignore[arg-type]


if __name__ == "__main__":
    print(sync_usage(), asyncio.run(async_usage()), server_usage())
