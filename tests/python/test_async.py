"""AsyncClient: every method awaitable in asyncio.run, async for, cancellation."""

from __future__ import annotations

import asyncio
import time

import pytest

import tm_py
from tm_py import Status


def test_every_method(aenv: tuple[tm_py.Simulator, tm_py.AsyncClient]) -> None:
    sim, c = aenv

    async def main() -> None:
        async with c:
            created = await c.create_tracking("usps", "TMDELIV0001", title="t")
            assert created.status is Status.PENDING
            t = await c.get_tracking("usps", "TMDELIV0001")
            assert t.status is Status.DELIVERED
            assert (await c.update_tracking("usps", "TMDELIV0001", title="u")).title == "u"
            out = await c.create_trackings([("usps", f"TMDELIV{i:04d}") for i in range(2, 50)])
            assert len(out) == 48 and all(o.outcome == "created" for o in out)
            seen = [t.tracking_number async for t in c.list_trackings(limit=20)]
            assert len(seen) == 49
            pages = [p async for p in c.list_trackings(limit=20).pages()]
            assert [p.page for p in pages] == [1, 2, 3]
            r = await c.update_trackings([{"carrier_code": "usps", "tracking_number": "TMDELIV0002", "archived": True}])
            assert [o.outcome for o in r] == ["updated"]
            assert [o.outcome for o in await c.stop_updating([("usps", "TMDELIV0003")])] == ["stopped"]
            assert [o.outcome for o in await c.delete_trackings([("usps", "TMDELIV0004")])] == ["deleted"]
            assert await c.delete_tracking("usps", "TMDELIV0005") is None
            assert (await c.realtime("usps", "TMDELIV9999")).status is Status.DELIVERED
            assert await c.change_carrier("usps", "TMDELIV0006", "fedex") is None
            assert (await c.user_info()).email
            assert (await c.status_counts()).total >= 40
            assert (await c.check_remote([{"country": "CN", "postcode": "0000"}])).submitted == 1
            assert len(await c.transit_times([("usps", "US", "CN")])) == 1
            assert len(await c.air_cargo(["784-12345675"])) == 1
            assert await c.carriers()
            assert await c.detect_carrier("9400111899223197428490")
            with pytest.raises(tm_py.NotFoundError):
                await c.get_tracking("usps", "NOPE12345")
            with pytest.raises(tm_py.ValidationError):
                await c.get_tracking("usps", "")
        assert c.closed

    asyncio.run(main())


def test_awaitable_directly_in_asyncio_run() -> None:
    c = tm_py.AsyncClient.mock()
    info = asyncio.run(c.user_info())
    assert isinstance(info, tm_py.UserInfo)


def test_gather_shares_one_client() -> None:
    c = tm_py.AsyncClient.mock()

    async def main() -> list[tm_py.CreatedTracking]:
        return await asyncio.gather(*(c.create_tracking("usps", f"TMDELIV{i:04d}") for i in range(50)))

    created = asyncio.run(main())
    assert len({t.tracking_number for t in created}) == 50


def test_cancellation_cancels_the_rust_future(server: tm_py.MockServer) -> None:
    server.reset()
    server.add_fault("latency", endpoint="trackings.post", min_ms=1500, max_ms=1500)
    c = server.async_client(max_retries=0)

    async def main() -> float:
        task = asyncio.ensure_future(c.create_tracking("usps", "TMDELIV0042"))
        await asyncio.sleep(0.2)
        start = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - start

    try:
        assert asyncio.run(main()) < 0.5  # did not wait for the response
        # The loop closed cleanly; the client still works from a new loop.
        server.clear_faults()
        assert asyncio.run(c.user_info()).email
    finally:
        server.clear_faults()


def test_wait_for_timeout_cancels() -> None:
    c = tm_py.AsyncClient.mock()
    sim = c.simulator
    assert sim is not None
    sim.add_fault("latency", endpoint="trackings.getuserinfo", min_ms=3000, max_ms=3000)

    async def main() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(c.user_info(), 0.1)

    start = time.monotonic()
    asyncio.run(main())
    assert time.monotonic() - start < 1.5


def test_unawaited_coroutine_is_harmless() -> None:
    c = tm_py.AsyncClient.mock()
    coro = c.user_info()
    coro.close()
    assert asyncio.run(c.user_info()).email


def test_loop_closing_with_a_call_in_flight() -> None:
    c = tm_py.AsyncClient.mock()
    sim = c.simulator
    assert sim is not None
    sim.add_fault("latency", endpoint="trackings.getuserinfo", min_ms=500, max_ms=500)

    async def main() -> None:
        asyncio.ensure_future(c.user_info())  # left running: asyncio.run cancels it
        await asyncio.sleep(0.05)

    start = time.monotonic()
    asyncio.run(main())
    assert time.monotonic() - start < 0.4
    time.sleep(0.6)  # the aborted Rust task must not call back into the closed loop
    sim.clear_faults()
    assert asyncio.run(c.user_info()).email
