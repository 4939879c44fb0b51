"""Every error class, with code, type, message and http_status."""

from __future__ import annotations

import pytest

import tm_py


def attrs(e: tm_py.TrackingMoreError) -> None:
    for a in ("code", "type", "message", "http_status", "retry_after"):
        assert hasattr(e, a)


def test_hierarchy() -> None:
    api = [tm_py.AuthenticationError, tm_py.NotFoundError, tm_py.AlreadyExistsError,
           tm_py.InvalidRequestError, tm_py.QuotaExceededError, tm_py.RateLimitError, tm_py.ServerError]
    for cls in api:
        assert issubclass(cls, tm_py.APIError) and issubclass(cls, tm_py.TrackingMoreError)
    assert issubclass(tm_py.TimeoutError, tm_py.TransportError)
    assert issubclass(tm_py.TransportError, tm_py.TrackingMoreError)
    assert issubclass(tm_py.ValidationError, tm_py.TrackingMoreError)
    assert tm_py.TrackingMoreError.code is None


def test_api_errors(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    sim, c = env
    with pytest.raises(tm_py.NotFoundError) as nf:
        c.get_tracking("usps", "NOPE12345")
    attrs(nf.value)
    assert nf.value.code in (4017, 4031) and nf.value.http_status == 200 and nf.value.message

    c.create_tracking("usps", "TMDELIV0001")
    with pytest.raises(tm_py.AlreadyExistsError) as ae:
        c.create_tracking("usps", "TMDELIV0001")
    assert ae.value.code == 4016

    with pytest.raises(tm_py.InvalidRequestError) as ir:
        c.create_tracking("nosuchcarrier", "AB1234567")
    assert ir.value.code == 4015

    sim.set_account("mock-key", credits=0)
    with pytest.raises(tm_py.QuotaExceededError) as q:
        c.create_tracking("usps", "TMDELIV0002")
    assert q.value.code in (4019, 4021)
    sim.set_account("mock-key", credits=1000, deleted=True)
    with pytest.raises(tm_py.AuthenticationError) as au:
        c.user_info()
    assert au.value.code in (4001, 4002)
    assert "mock-key" not in str(au.value)
    sim.set_account("mock-key", deleted=False)

    sim.add_fault("http429", endpoint="trackings.getuserinfo", times=1, retry_after=3)
    with pytest.raises(tm_py.RateLimitError) as rl:
        c.user_info()
    assert rl.value.retry_after == 3.0 and rl.value.code == 429

    sim.add_fault("http500", endpoint="trackings.getuserinfo", times=1)
    with pytest.raises(tm_py.ServerError) as se:
        c.user_info()
    assert se.value.http_status == 500

    sim.add_fault("drop", endpoint="trackings.getuserinfo", times=1)
    with pytest.raises(tm_py.TransportError) as te:
        c.user_info()
    assert not isinstance(te.value, tm_py.APIError)
    assert c.user_info().email  # healthy again


def test_retries_hide_transient_faults() -> None:
    c = tm_py.Client.mock(max_retries=2)
    sim = c.simulator
    assert sim is not None
    sim.add_fault("http503", endpoint="trackings.getuserinfo", times=1, retry_after=0)
    assert c.user_info().email


def test_a_create_whose_response_was_lost_is_reported_created() -> None:
    # The first attempt lands but its response is dropped; the retry meets 4016.
    # The client settles it by reading the tracking back and comparing its
    # created_at with the server's clock, which the simulator sends as `Date`
    # (the simulated time): this works even as the client's very first call.
    c = tm_py.Client.mock(max_retries=2)
    sim = c.simulator
    assert sim is not None
    sim.add_fault("drop", endpoint="trackings.post", times=1, when="after")
    created = c.create_tracking("ups", "1Z999AA10123456784", title="mug")
    assert created.tracking_number == "1Z999AA10123456784"
    assert created.title == "mug"
    assert sim.tracking_count() == 1
    # Without an ambiguous earlier attempt, 4016 stays an error.
    with pytest.raises(tm_py.AlreadyExistsError):
        c.create_tracking("ups", "1Z999AA10123456784")
    # A tracking that existed before a fresh client's lost create: already exists.
    sim.advance(60)
    fresh = tm_py.Client.mock(simulator=sim, max_retries=2)
    sim.add_fault("drop", endpoint="trackings.post", times=1, when="after")
    with pytest.raises(tm_py.AlreadyExistsError):
        fresh.create_tracking("ups", "1Z999AA10123456784")
    assert sim.tracking_count() == 1


def test_timeout(server: tm_py.MockServer) -> None:
    server.reset()
    server.add_fault("latency", endpoint="trackings.getuserinfo", min_ms=2000, max_ms=2000)
    try:
        c = tm_py.Client("mock-key", base_url=server.url, timeout=0.3, max_retries=0)
        with pytest.raises(tm_py.TimeoutError) as to:
            c.user_info()
        assert isinstance(to.value, tm_py.TransportError)
    finally:
        server.clear_faults()


def test_validation_errors() -> None:
    c = tm_py.Client.mock()
    with pytest.raises(tm_py.ValidationError) as v:
        c.get_tracking("usps", "")
    assert v.value.field == "tracking_number" and v.value.code is None and v.value.http_status is None
    with pytest.raises(tm_py.ValidationError):
        c.update_tracking("usps", "TMDELIV1", status="lost")
    with pytest.raises(tm_py.ValidationError):
        c.update_trackings([{"carrier_code": "usps", "tracking_number": "X1234567", "bogus": 1}])
    with pytest.raises(tm_py.ValidationError):
        c.delete_trackings([("usps", f"TMDELIV{i:04d}") for i in range(41)], chunk_size=41)
    with pytest.raises(tm_py.ValidationError):
        tm_py.Client("bad\nkey")
    with pytest.raises(tm_py.ValidationError):
        c.list_trackings(limit=0)
