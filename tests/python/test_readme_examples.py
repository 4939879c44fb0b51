"""The Python examples of the README (python/README-python.md), run as tests.
Keep the two in sync: each function body is one README block."""

from __future__ import annotations

import asyncio


def test_quickstart() -> None:
    import tm_py

    # Real API: tm_py.Client("YOUR_API_KEY"); here the built-in simulator.
    sim = tm_py.Simulator(seed=1)
    with sim.client() as client:
        created = client.create_tracking("usps", "9400111899223197428490", title="Shoes")
        print(created.status)  # Status.PENDING

        sim.advance(3 * 86400)  # three simulated days
        tracking = client.get_tracking("usps", "9400111899223197428490")
        for cp in tracking.checkpoints:
            print(cp.date, cp.status_description)  # carrier-local time: naive datetime
        print(tracking.created_at)  # RFC 3339: aware datetime
        assert tracking.to_dict()["tracking_number"] == "9400111899223197428490"


def test_bulk_import_and_listing() -> None:
    import tm_py

    client = tm_py.Client.mock()
    items = [{"carrier_code": "usps", "tracking_number": f"TMDELIV{i:05d}"} for i in range(500)]
    results = client.create_trackings(items)  # batches of 40, 4 in flight
    assert len(results) == 500  # one outcome per input, in order
    failed = [r for r in results if not r.ok]
    assert failed == []

    delivered = [t for t in client.list_trackings(status="delivered", limit=200)]  # pages fetched lazily
    assert len(delivered) == 500


def test_errors() -> None:
    import tm_py

    client = tm_py.Client.mock()
    try:
        client.get_tracking("usps", "NOSUCHNUMBER1")
    except tm_py.NotFoundError as e:
        print(e.code, e.type, e.message, e.http_status)  # 4031 ...
    except tm_py.RateLimitError as e:
        print("retry in", e.retry_after)
    except tm_py.TrackingMoreError as e:  # every tm_py error
        print("failed:", e)


def test_asyncio() -> None:
    import tm_py

    async def main() -> None:
        async with tm_py.AsyncClient.mock() as client:
            await asyncio.gather(*(client.create_tracking("usps", f"TMDELIV{i:03d}") for i in range(10)))
            async for tracking in client.list_trackings():
                print(tracking.tracking_number, tracking.status)

    asyncio.run(main())


def test_mock_server() -> None:
    import tm_py

    with tm_py.MockServer(seed=42) as server:  # HTTP on 127.0.0.1, random port
        client = tm_py.Client("any-key", base_url=server.url, max_retries=0)
        server.add_fault("http503", endpoint="trackings.getuserinfo", times=1)
        try:
            client.user_info()
        except tm_py.ServerError:
            pass
        print(client.user_info().email)
        print(server.journal()[-1]["endpoint"])  # trackings.getuserinfo


def test_production_use() -> None:
    import logging
    import tm_py

    with tm_py.MockServer() as server:
        # Client() reads TRACKINGMORE_API_KEY (and TRACKINGMORE_BASE_URL) when not passed.
        client = tm_py.Client("any-key", base_url=server.url)
        patient = client.with_options(timeout=60, max_retries=5)  # a copy; client is unchanged
        patient.create_tracking("usps", "9400111899223197428490")

        raw = client.with_raw_response.get_tracking("usps", "9400111899223197428490")
        print(raw.status, raw.headers["content-type"], len(raw.body))
        tracking = raw.parse()  # the typed Tracking (or the usual exception)

        logging.basicConfig()
        logging.getLogger("tm_py").setLevel(logging.DEBUG)  # or TM_LOG=debug in the environment
        done = []
        outcomes = client.update_trackings(
            ({"carrier_code": "usps", "tracking_number": "9400111899223197428490", "title": f"t{i}"} for i in range(1)),
            concurrency=4, chunk_size=40, progress=lambda n, total: done.append(n),
        )
        assert [o.outcome for o in outcomes] == ["updated"] and done == [1]
        logging.getLogger("tm_py").setLevel(logging.WARNING)
