"""Every method of the blocking client, in-process and over HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import tm_py
from tm_py import Status

NUM = "9400111899223197428490"


def test_create_get_update_delete(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    sim, c = env
    created = c.create_tracking("usps", NUM, title="Shoes", order_id="A-1", customer_email="a@b.c")
    assert isinstance(created, tm_py.CreatedTracking)
    assert created.tracking_number == NUM and created.carrier_code == "usps"
    assert created.status is Status.PENDING
    assert created.title == "Shoes"
    assert created.created_at is not None and created.created_at.tzinfo is not None

    sim.advance(timedelta(days=3))
    t = c.get_tracking("usps", NUM)
    assert isinstance(t, tm_py.Tracking)
    assert t.status in (Status.TRANSIT, Status.PICKUP, Status.DELIVERED, Status.NOTFOUND)
    assert t.checkpoints, "three days later there are events"
    cp = t.checkpoints[0]
    assert isinstance(cp, tm_py.Checkpoint)
    assert cp.date is not None and cp.date.tzinfo is None  # carrier-local: naive

    updated = c.update_tracking("usps", NUM, title="Boots", archived=True)
    assert isinstance(updated, tm_py.CreatedTracking)
    assert c.get_tracking("usps", NUM).title == "Boots"

    assert c.delete_tracking("usps", NUM) is None
    with pytest.raises(tm_py.NotFoundError):
        c.get_tracking("usps", NUM)


def test_create_trackings_one_outcome_per_item(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    sim, c = env
    c.create_tracking("usps", "TMDELIV0000")
    items: list[object] = [{"carrier_code": "usps", "tracking_number": f"TMDELIV{i:04d}"} for i in range(95)]
    items.append(("dhl", "1234567890"))
    out = c.create_trackings(items)  # type: ignore[arg-type]
    assert len(out) == len(items)
    assert [o.index for o in out] == list(range(len(items)))
    assert out[0].outcome == "already_exists" and out[0].ok
    assert all(o.outcome == "created" for o in out[1:96])
    assert out[1].tracking is not None and out[1].tracking.tracking_number == "TMDELIV0001"
    assert out[-1].outcome == "created" and out[-1].carrier_code == "dhl"
    assert sim.tracking_count() == 96
    batches = [e for e in sim.journal() if e["endpoint"] == "trackings.batch"]
    assert len(batches) == 3  # 96 items in chunks of 40


def test_list_trackings_pages_lazily(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    sim, c = env
    c.create_trackings([("usps", f"TMDELIV{i:04d}") for i in range(25)])
    sim.clear_journal()
    it = c.list_trackings(limit=10)
    assert sim.journal() == []  # nothing fetched yet
    first = next(it)
    assert isinstance(first, tm_py.Tracking)
    # The first page, and at most three pages requested ahead while it is consumed.
    assert 1 <= len([e for e in sim.journal() if e["endpoint"] == "trackings.list"]) <= 4
    rest = list(it)
    assert len(rest) == 24
    assert len({t.tracking_number for t in [first, *rest]}) == 25
    pages = list(c.list_trackings(limit=10).pages())
    assert [p.page for p in pages] == [1, 2, 3]
    assert pages[0].total == 25 and pages[0].has_more and not pages[-1].has_more
    assert sum(len(p.items) for p in pages) == 25
    delivered = list(c.list_trackings(status="delivered", limit=100))
    assert all(t.status is Status.DELIVERED for t in delivered)
    assert list(c.list_trackings(numbers=["TMDELIV0003"]))[0].tracking_number == "TMDELIV0003"


def test_batch_calls(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    _, c = env
    c.create_trackings([("usps", f"TMDELIV{i:04d}") for i in range(4)])
    r = c.update_trackings([{"carrier_code": "usps", "tracking_number": "TMDELIV0000", "title": "x"}])
    assert len(r) == 1 and isinstance(r[0], tm_py.BatchItem) and r[0].outcome == "updated" and r[0].ok
    assert r[0].tracking is not None and r[0].tracking.title == "x"
    r = c.stop_updating([("usps", "TMDELIV0001")])
    assert [o.outcome for o in r] == ["stopped"]
    assert c.get_tracking("usps", "TMDELIV0001").track_update is False
    r = c.delete_trackings([("usps", "TMDELIV0002"), {"carrier_code": "usps", "tracking_number": "NOPE9999"}])
    assert [o.outcome for o in r] == ["deleted", "failed"]
    assert r[1].tracking_number == "NOPE9999" and r[1].code is not None and r[1].message and not r[1].ok
    assert r[1].to_dict()["outcome"] == "failed"


def test_realtime_change_carrier_and_info(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    _, c = env
    t = c.realtime("usps", "TMDELIV7777")
    assert isinstance(t, tm_py.Tracking) and t.status is Status.DELIVERED
    c.create_tracking("usps", "TMDELIV8888")
    assert c.change_carrier("usps", "TMDELIV8888", "fedex") is None
    assert c.get_tracking("fedex", "TMDELIV8888").carrier_code == "fedex"
    info = c.user_info()
    assert isinstance(info, tm_py.UserInfo) and info.email
    counts = c.status_counts()
    assert isinstance(counts, tm_py.StatusCounts) and counts.total >= 1
    assert c.status_counts(created_at_min=datetime(2000, 1, 1), created_at_max=4_000_000_000).total >= 1


def test_lookups(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    _, c = env
    carriers = c.carriers()
    assert carriers and all(isinstance(x, tm_py.Carrier) for x in carriers)
    assert any(x.code == "usps" for x in carriers)
    detected = c.detect_carrier(NUM)
    assert detected and isinstance(detected[0], tm_py.DetectedCarrier)
    remote = c.check_remote([{"country": "CN", "postcode": "0000"}])
    assert isinstance(remote, tm_py.RemoteResult) and remote.submitted == 1
    tt = c.transit_times([("usps", "US", "CN"), {"carrier_code": "dhl", "original": "DE", "destination": "US"}])
    assert len(tt) == 2 and isinstance(tt[0], tm_py.TransitTime)
    cargo = c.air_cargo("784-12345675")
    assert len(cargo) == 1 and isinstance(cargo[0], tm_py.AirCargo)
    assert all(isinstance(e, tm_py.AirCargoEvent) for e in cargo[0].track_info)


def test_closed_client_refuses(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    _, c = env
    c.close()
    assert c.closed
    with pytest.raises(tm_py.TransportError):
        c.user_info()
