"""Batch-style methods: any iterable, every item checked before the first
call, chunks of `chunk_size`, `concurrency`, progress, one outcome per input."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

import tm_py


def numbers(n: int, start: int = 0) -> Iterator[tuple[str, str]]:
    return (("usps", f"TMDELIV{i:04d}") for i in range(start, start + n))  # a generator, not a list


def test_every_batch_method_handles_100_plus_items(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    sim, c = env
    calls: list[tuple[int, int]] = []
    created = c.create_trackings(numbers(130), concurrency=3, progress=lambda done, total: calls.append((done, total)))
    assert [o.index for o in created] == list(range(130)) and all(o.outcome == "created" for o in created)
    assert calls[-1] == (130, 130) and [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) == 4

    updates = ({"carrier_code": "usps", "tracking_number": f"TMDELIV{i:04d}", "title": f"t{i}"} for i in range(130))
    updated = c.update_trackings(updates, chunk_size=25)
    assert len(updated) == 130 and all(o.outcome == "updated" for o in updated)
    assert c.get_tracking("usps", "TMDELIV0129").title == "t129"
    assert len([e for e in sim.journal() if e["endpoint"] == "trackings.updatemore"]) == 6  # ceil(130/25)

    stopped = c.stop_updating(numbers(120))
    assert len(stopped) == 120 and all(o.outcome == "stopped" for o in stopped)

    keys = list(numbers(125)) + [("usps", "NOPE99999")]
    deleted = c.delete_trackings(iter(keys), concurrency=1)
    assert [o.outcome for o in deleted] == ["deleted"] * 125 + ["failed"]
    assert deleted[-1].tracking_number == "NOPE99999" and deleted[-1].code is not None
    assert sim.tracking_count() == 5


def test_a_typo_raises_before_any_call(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    sim, c = env
    sim.clear_journal()
    items = [{"carrier_code": "usps", "tracking_number": f"TMDELIV{i:04d}", "title": "x"} for i in range(200)]
    items[150] = {"carrier_code": "usps", "tracking_number": "TMDELIV0150", "titel": "x"}
    for method in (c.create_trackings, c.update_trackings):
        with pytest.raises(tm_py.ValidationError) as e:
            method(items)
        assert e.value.field == "items[150].titel"
    with pytest.raises(tm_py.ValidationError) as e:
        c.create_trackings([("usps", "TMDELIV0001"), ("usps", "")])
    assert e.value.field == "items[1].tracking_number"
    with pytest.raises(tm_py.ValidationError) as e:
        c.delete_trackings([("usps", "TMDELIV0001"), {"carrier_code": "usps"}])
    assert e.value.field == "items[1].tracking_number"
    assert sim.journal() == [] and sim.tracking_count() == 0  # nothing sent


def test_batch_options_are_checked(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    _, c = env
    for method in (c.create_trackings, c.delete_trackings, c.stop_updating):
        with pytest.raises(tm_py.ValidationError):
            method(numbers(3), concurrency=0)
        with pytest.raises(tm_py.ValidationError):
            method(numbers(3), chunk_size=0)
        with pytest.raises(tm_py.ValidationError):
            method(numbers(3), progress=42)  # type: ignore[arg-type]
    assert c.create_trackings([]) == []


def test_async_batch_methods() -> None:
    c = tm_py.AsyncClient.mock()

    async def main() -> None:
        seen: list[int] = []
        out = await c.create_trackings(numbers(90), progress=lambda d, t: seen.append(d))
        assert len(out) == 90 and seen[-1] == 90
        out = await c.delete_trackings(numbers(90))
        assert all(o.outcome == "deleted" for o in out)

    asyncio.run(main())


def test_read_batch_methods_chunk_too(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    sim, c = env
    sim.clear_journal()
    seen: list[tuple[int, int]] = []
    queries = ({"country": "CN", "postcode": f"{i:04d}"} for i in range(95))
    remote = c.check_remote(queries, chunk_size=40, progress=lambda d, t: seen.append((d, t)))
    assert remote.submitted == 95 and len(remote.remote) + len(remote.other) >= 95
    assert seen == [(40, 95), (80, 95), (95, 95)]
    lanes = [("usps", "US", "CN")] * 41 + [("dhl", "DE", "US")]
    times = c.transit_times(lanes, concurrency=2)
    assert [t.carrier_code for t in times] == [lane[0] for lane in lanes]
    calls = [e["endpoint"] for e in sim.journal()]
    assert calls.count("trackings.remote") == 3 and calls.count("trackings.costtime") == 2
    sim.clear_journal()
    with pytest.raises(tm_py.ValidationError) as e:
        c.check_remote([{"country": "CN", "postcode": "0000"}] * 50 + [{"country": "CN", "postcode": "1", "postcod": "1"}])
    assert e.value.field == "items[50].postcod" and sim.journal() == []
