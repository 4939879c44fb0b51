"""Conventions of openai-python / stripe-python: key and base URL from the
environment, with_options, with_raw_response, logging; fault-rule names."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any, Callable

import pytest

import tm_py


def test_key_and_base_url_from_the_environment(monkeypatch: pytest.MonkeyPatch, server: tm_py.MockServer) -> None:
    monkeypatch.delenv("TRACKINGMORE_API_KEY", raising=False)
    monkeypatch.delenv("TRACKINGMORE_BASE_URL", raising=False)
    with pytest.raises(tm_py.ValidationError) as e:
        tm_py.Client()
    assert e.value.field == "api_key" and "TRACKINGMORE_API_KEY" in str(e.value)
    monkeypatch.setenv("TRACKINGMORE_API_KEY", "env-key-1")
    monkeypatch.setenv("TRACKINGMORE_BASE_URL", server.url)
    server.reset()
    c = tm_py.Client(max_retries=0)
    assert server.url in repr(c) and "env-key-1" not in repr(c)
    assert c.user_info().email
    # An open-mode simulator keeps an account only once a call stores something.
    c.create_tracking("ups", "1Z999AA10123456784")
    assert server.credits("env-key-1") is not None  # the simulator saw that key
    # An explicit argument wins over the environment.
    assert tm_py.Client("explicit", base_url="http://127.0.0.1:9/v2").__repr__().count("127.0.0.1:9") == 1


def test_with_options_copies_and_leaves_the_original(server: tm_py.MockServer) -> None:
    server.reset()
    base = server.client(max_retries=0)
    server.add_fault("http503", endpoint="trackings.getuserinfo", times=1, retry_after=0)
    with pytest.raises(tm_py.ServerError):
        base.user_info()
    server.add_fault("http503", endpoint="trackings.getuserinfo", times=1, retry_after=0)
    patient = base.with_options(max_retries=2)
    assert patient.user_info().email  # retried past the 503
    server.add_fault("latency", endpoint="trackings.getuserinfo", min_ms=1500, max_ms=1500, times=1)
    with pytest.raises(tm_py.TimeoutError):
        base.with_options(timeout=0.2).user_info()
    server.clear_faults()
    assert base.user_info().email
    assert isinstance(tm_py.Client.mock().with_options(max_retries=1), tm_py.Client)


def test_with_raw_response(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    _, c = env
    c.create_tracking("usps", "TMDELIV0001")
    raw = c.with_raw_response.get_tracking("usps", "TMDELIV0001")
    assert isinstance(raw, tm_py.RawResponse)
    assert raw.status == 200 and raw.headers["content-type"].startswith("application/json")
    assert raw.json()["meta"]["code"] == 200 and b"TMDELIV0001" in raw.body and "TMDELIV0001" in raw.text
    parsed = raw.parse()
    assert isinstance(parsed, tm_py.Tracking) and parsed == c.get_tracking("usps", "TMDELIV0001")
    missing = c.with_raw_response.get_tracking("usps", "NOPE12345")  # no exception yet
    assert missing.json()["meta"]["code"] in (4017, 4031)
    with pytest.raises(tm_py.NotFoundError):
        missing.parse()
    created = c.with_raw_response.create_tracking("usps", "TMDELIV0002").parse()
    assert isinstance(created, tm_py.CreatedTracking)
    assert isinstance(c.with_raw_response.user_info().parse(), tm_py.UserInfo)
    with pytest.raises(TypeError, match="with_raw_response"):
        c.with_raw_response.create_trackings([("usps", "TMDELIV0003")])  # type: ignore[attr-defined]


def test_logging_records_without_the_key(caplog: pytest.LogCaptureFixture) -> None:
    key = "sk-live-very-secret-123"
    c = tm_py.Client.mock(key, max_retries=1)
    sim = c.simulator
    assert sim is not None
    sim.add_fault("http503", endpoint="trackings.getuserinfo", times=1, retry_after=0)
    with caplog.at_level(logging.DEBUG, logger="tm_py"):
        c.user_info()
        with pytest.raises(tm_py.NotFoundError):
            c.get_tracking("usps", "NOPE12345")
    records = [r for r in caplog.records if r.name == "tm_py"]
    messages = [r.getMessage() for r in records]
    # Both attempts of the retried call are recorded (tm-core's wording may change).
    assert len([m for m in messages if "/trackings/getuserinfo" in m]) >= 2, messages
    assert any(r.levelno >= logging.INFO for r in records), messages  # the retry
    for r in records:
        assert key not in r.getMessage() and key not in str(r.__dict__)
    # Off (the default WARNING level): nothing is recorded.
    caplog.clear()
    c.user_info()
    assert [r for r in caplog.records if r.name == "tm_py"] == []


def test_tm_log_env_var_turns_on_debug_output() -> None:
    code = "import tm_py; c = tm_py.Client.mock('sk-env-secret-9'); c.user_info()"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={"TM_LOG": "debug", "PATH": ""})
    assert r.returncode == 0, r.stderr
    assert "tm_py DEBUG" in r.stderr and "/trackings/getuserinfo" in r.stderr
    assert "sk-env-secret-9" not in r.stderr


def test_short_keys_never_mangle_messages() -> None:
    c = tm_py.Client("k", base_url="http://127.0.0.1:9/v2", max_retries=0)
    with pytest.raises(tm_py.TransportError) as e:
        c.user_info()
    assert "/v2/trackings/getuserinfo" in str(e.value)
    assert "redacted" not in str(e.value)


def _calls(c: tm_py.Client) -> dict[str, Callable[[], Any]]:
    return {
        "carriers.list": lambda: c.carriers(),
        "carriers.detect": lambda: c.detect_carrier("9400111899223197428490"),
        "trackings.post": lambda: c.create_tracking("usps", "TMDELIV0100"),
        "trackings.get_one": lambda: c.get_tracking("usps", "TMDELIV0001"),
        "trackings.put": lambda: c.update_tracking("usps", "TMDELIV0001", title="x"),
        "trackings.delete_one": lambda: c.delete_tracking("usps", "TMDELIV0002"),
        "trackings.batch": lambda: c.create_trackings([("usps", "TMDELIV0101")]),
        "trackings.list": lambda: next(iter(c.list_trackings())),
        "trackings.updatemore": lambda: c.update_trackings([{"carrier_code": "usps", "tracking_number": "TMDELIV0001", "title": "y"}]),
        "trackings.delete": lambda: c.delete_trackings([("usps", "TMDELIV0003")]),
        "trackings.realtime": lambda: c.realtime("usps", "TMDELIV0004"),
        "trackings.update": lambda: c.change_carrier("usps", "TMDELIV0001", "fedex"),
        "trackings.getuserinfo": lambda: c.user_info(),
        "trackings.getstatusnumber": lambda: c.status_counts(),
        "trackings.notupdate": lambda: c.stop_updating([("usps", "TMDELIV0005")]),
        "trackings.remote": lambda: c.check_remote([{"country": "CN", "postcode": "0000"}]),
        "trackings.costtime": lambda: c.transit_times([("usps", "US", "CN")]),
        "trackings.aircargo": lambda: c.air_cargo("784-12345675"),
    }


def test_fault_rules_use_real_endpoint_names() -> None:
    c = tm_py.Client.mock(max_retries=0)
    sim = c.simulator
    assert sim is not None
    with pytest.raises(tm_py.ValidationError) as e:
        sim.add_fault("http500", endpoint="trackings.get")  # the name a user guesses
    assert e.value.field == "endpoint"
    for name in tm_py.Simulator.endpoint_names():
        assert name in str(e.value)
    with pytest.raises(tm_py.ValidationError) as e:
        sim.set_faults([{"kind": "drop", "endpoint": "trackings.getuserinfo"}, {"kind": "drop", "endpoint": "nope"}])
    assert e.value.field == "rules[1].endpoint"
    with pytest.raises(tm_py.ValidationError) as e:
        sim.add_fault("explode")  # type: ignore[arg-type]
    assert e.value.field == "kind" and "http503" in str(e.value)
    with pytest.raises(tm_py.ValidationError):
        sim.add_fault("http500", probability=1.5)
    sim.add_fault("http500", endpoint="/trackings/*", times=1)  # path patterns pass
    sim.clear_faults()

    # Every listed name matches real calls: a fault on it makes that call fail.
    calls = _calls(c)
    assert sorted(calls) == sorted(tm_py.Simulator.endpoint_names())
    c.create_trackings([("usps", f"TMDELIV{i:04d}") for i in range(1, 6)])
    for name, call in calls.items():
        sim.add_fault("http500", endpoint=name, times=1)
        try:
            out = call()
        except tm_py.ServerError:
            pass
        else:
            # batch-style methods report the failure per item instead of raising
            assert isinstance(out, list) and out and all(o.outcome == "failed" for o in out), (name, out)
        assert sim.faults() == [], name  # the rule fired (times=1 used up)
