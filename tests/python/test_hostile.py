"""Hostile arguments: a typed error naming the argument, never a panic,
an OverflowError or a silent drop."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

import pytest

import tm_py


def field_of(fn: Callable[[], Any]) -> str:
    with pytest.raises(tm_py.ValidationError) as e:
        fn()
    assert isinstance(e.value, tm_py.TrackingMoreError)
    assert e.value.field is not None and e.value.field in str(e.value)
    return e.value.field


@pytest.fixture
def c() -> tm_py.Client:
    return tm_py.Client.mock()


def test_numeric_arguments_are_range_checked(c: tm_py.Client) -> None:
    assert field_of(lambda: c.list_trackings(page=-1)) == "page"
    assert field_of(lambda: c.list_trackings(page=0)) == "page"
    assert field_of(lambda: c.list_trackings(limit=-5)) == "limit"
    assert field_of(lambda: c.list_trackings(limit=2**80)) == "limit"
    assert field_of(lambda: c.list_trackings(limit=5000)) == "limit"
    assert field_of(lambda: tm_py.Client("k", max_retries=-1)) == "max_retries"
    assert field_of(lambda: tm_py.Client("k", max_retries=2**70)) == "max_retries"
    assert field_of(lambda: tm_py.Client.mock(seed=-1)) == "seed"
    assert field_of(lambda: tm_py.Simulator(seed=2**64)) == "seed"
    assert field_of(lambda: tm_py.MockServer(port=70000)) == "port"
    assert field_of(lambda: tm_py.Client("k", timeout=1e30)) == "timeout"
    assert field_of(lambda: tm_py.Client("k", timeout=float("nan"))) == "timeout"
    assert field_of(lambda: tm_py.Client("k", timeout=-1)) == "timeout"
    assert field_of(lambda: c.with_options(timeout=0)) == "timeout"
    assert field_of(lambda: c.create_trackings([("usps", "TMDELIV0001")], concurrency=0)) == "concurrency"
    assert field_of(lambda: c.create_trackings([("usps", "TMDELIV0001")], chunk_size=41)) == "chunk_size"
    assert field_of(lambda: c.list_trackings(page="2")) == "page"  # type: ignore[arg-type]


def test_the_simulator_clock_stays_in_its_documented_range() -> None:
    sim = tm_py.Simulator()
    before = sim.now
    assert field_of(lambda: sim.advance(1e18)) == "by"
    assert field_of(lambda: sim.advance(-1)) == "by"
    assert field_of(lambda: sim.advance(timedelta(days=10**6 * 3))) == "by"
    assert sim.now == before  # nothing moved, nothing wrapped to 1970
    sim.advance(timedelta(days=1))
    assert sim.now - before == timedelta(days=1)
    assert field_of(lambda: sim.set_now(datetime(1960, 1, 1, tzinfo=timezone.utc))) == "now"
    assert field_of(lambda: tm_py.Simulator(start=datetime(1969, 12, 31, tzinfo=timezone.utc))) == "start"


def test_wrong_types_name_the_argument(c: tm_py.Client) -> None:
    assert field_of(lambda: c.get_tracking("usps", 9400111899223197428490)) == "tracking_number"  # type: ignore[arg-type]
    assert field_of(lambda: c.create_tracking(12, "TMDELIV0001")) == "carrier_code"  # type: ignore[arg-type]
    assert field_of(lambda: c.change_carrier("usps", "TMDELIV0001", 3)) == "update_carrier_code"  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="single str"):
        c.list_trackings(numbers="9400111899223197428490")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="single str"):
        tm_py.Simulator(keys="abc")  # type: ignore[arg-type]
    assert field_of(lambda: c.create_trackings("usps")) == "items"  # type: ignore[arg-type]
    assert field_of(lambda: c.delete_trackings([("usps", 123)])) == "items[0]"  # type: ignore[list-item]


def test_inverted_ranges_are_refused_not_panicking(c: tm_py.Client) -> None:
    assert field_of(lambda: c.list_trackings(created_at_min=2_000_000_000, created_at_max=1_000_000_000)) == "created_at_max"
    assert field_of(lambda: c.list_trackings(update_time_min=date(2024, 2, 1), update_time_max=date(2024, 1, 1))) == "update_time_max"


def test_time_filters_out_of_range(c: tm_py.Client) -> None:
    assert field_of(lambda: c.list_trackings(created_at_min=-5)) == "created_at_min"
    assert field_of(lambda: c.list_trackings(created_at_min=10**20)) == "created_at_min"
    assert field_of(lambda: c.list_trackings(created_at_min=float("inf"))) == "created_at_min"
    assert field_of(lambda: c.status_counts(created_at_max="yesterday")) == "created_at_max"


def test_dates_are_parsed_and_refused_when_invalid(c: tm_py.Client) -> None:
    assert field_of(lambda: c.create_tracking("usps", "TMDELIV0001", order_create_time="yesterday")) == "order_create_time"
    assert field_of(lambda: c.create_tracking("usps", "TMDELIV0001", order_create_time="2024-13-45")) == "order_create_time"
    assert field_of(lambda: c.create_trackings([{"carrier_code": "usps", "tracking_number": "TMDELIV0001", "order_create_time": "soon"}])) == "order_create_time"
    assert c.simulator is not None and c.simulator.tracking_count() == 0  # nothing half-applied
    # Accepted forms, sent as given.
    for text in ("2024-05-01", "2024-05-01 12:30:00", "2024-05-01T12:30:00+02:00", "2017/8/27 16:51"):
        t = c.create_tracking("usps", f"TMDELIV{abs(hash(text)) % 10000:04d}", order_create_time=text)
        assert t.to_dict()["order_create_time"] == text


def test_aware_datetimes_keep_their_meaning(c: tm_py.Client) -> None:
    plus2 = timezone(timedelta(hours=2))
    sent = datetime(2024, 5, 1, 12, 0, tzinfo=plus2)
    t = c.create_tracking("usps", "TMDELIV0001", order_create_time=sent)
    assert t.to_dict()["order_create_time"] == "2024-05-01 12:00:00+02:00"
    assert t.order_create_time == sent  # the same instant comes back
    naive = c.create_tracking("usps", "TMDELIV0002", order_create_time=datetime(2024, 5, 1, 12, 0))
    assert naive.to_dict()["order_create_time"] == "2024-05-01 12:00:00"
    # Filters: an aware datetime is its instant; a naive one and a date are UTC.
    sim = c.simulator
    assert sim is not None
    sim.clear_journal()
    list(c.list_trackings(created_at_min=datetime(2024, 5, 1, 2, 0, tzinfo=plus2), created_at_max=date(2024, 5, 2)))
    query = sim.journal()[-1]["query"]
    assert "created_at_min=1714521600" in query and "created_at_max=1714608000" in query


def test_no_panic_exception_ever_reaches_python(c: tm_py.Client) -> None:
    # Every hostile call above raised a TrackingMoreError subclass; a
    # PanicException (a BaseException) would have escaped `except Exception`.
    hostile: list[Callable[[], Any]] = [
        lambda: c.list_trackings(created_at_min=2_000_000_000, created_at_max=1_000_000_000),
        lambda: tm_py.Client("k", timeout=1e30),
        lambda: tm_py.Simulator().advance(1e18),
        lambda: c.list_trackings(page=-1),
        lambda: tm_py.Simulator(credits=float("nan")),
    ]
    for call in hostile:
        try:
            call()
        except Exception as e:
            assert isinstance(e, tm_py.TrackingMoreError), repr(e)
