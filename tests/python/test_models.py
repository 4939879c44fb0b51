"""Result classes: attributes, immutability, equality, repr, to_dict, Status."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

import tm_py
from tm_py import Status


def test_results_are_frozen_comparable_and_dict_shaped() -> None:
    c = tm_py.Client.mock("secret-key-123")
    created = c.create_tracking("usps", "TMDELIV0001")
    with pytest.raises(AttributeError):
        created.title = "x"  # type: ignore[misc]
    t1 = c.get_tracking("usps", "TMDELIV0001")
    t2 = c.get_tracking("usps", "TMDELIV0001")
    assert t1 == t2 and t1 is not t2
    assert t1 != created
    d = t1.to_dict()
    assert d["tracking_number"] == "TMDELIV0001" and d["status"] == "delivered"
    assert isinstance(d["origin_info"]["trackinfo"], list)
    assert "Date" in d["origin_info"]["trackinfo"][0]  # the API's field names
    assert isinstance(d["created_at"], str)  # the API's JSON, not datetimes
    for obj in (t1, created, c.user_info(), c.status_counts(), c.carriers()[0]):
        assert "secret-key-123" not in repr(obj)
    assert "secret-key-123" not in repr(c)
    assert repr(t1).startswith("Tracking(id=") and "carrier_code='usps'" in repr(t1)
    assert "origin_info=CarrierInfo(" in repr(t1)  # every attribute, nested ones too


def test_datetimes_aware_and_naive() -> None:
    c = tm_py.Client.mock()
    c.create_tracking("usps", "TMDELIV0002")
    t = c.get_tracking("usps", "TMDELIV0002")
    assert t.created_at is not None and t.created_at.utcoffset() == timedelta(0)
    assert t.created_at.tzinfo is not None
    assert t.last_update_time is not None and t.last_update_time.tzinfo is None
    assert all(cp.date is None or cp.date.tzinfo is None for cp in t.checkpoints)
    sim = c.simulator
    assert sim is not None and sim.now.tzinfo == timezone.utc


def test_status_is_a_str_enum_tolerating_unknown_values() -> None:
    assert Status("transit") is Status.TRANSIT
    assert Status.TRANSIT == "transit" and isinstance(Status.TRANSIT, str)
    assert str(Status.DELIVERED) == "delivered"
    odd = Status("inforeceived")
    assert odd == "inforeceived" and odd.value == "inforeceived" and not odd.is_known
    assert Status.PICKUP.is_known
    assert Status("inforeceived") is odd


def test_result_classes_cannot_be_built_from_python() -> None:
    with pytest.raises(TypeError):
        tm_py.Tracking()  # type: ignore[call-arg]


def test_results_pickle_copy_and_hash() -> None:
    import copy
    import pickle

    c = tm_py.Client.mock()
    created = c.create_tracking("usps", "TMDELIV0003", title="mug")
    t = c.get_tracking("usps", "TMDELIV0003")
    values: list[object] = [
        created, t, t.checkpoints[0], t.origin_info, c.user_info(), c.status_counts(),
        c.carriers()[0], c.detect_carrier("9400111899223197428490")[0],
        c.check_remote([{"country": "CN", "postcode": "0000"}]), c.transit_times([("usps", "US", "CN")])[0],
        c.air_cargo("784-12345675")[0], c.create_trackings([("usps", "TMDELIV0004")])[0],
        next(iter(c.list_trackings().pages())),
    ]
    for v in values:
        for proto in range(2, pickle.HIGHEST_PROTOCOL + 1):
            back = pickle.loads(pickle.dumps(v, protocol=proto))
            assert back == v and type(back) is type(v) and repr(back) == repr(v)
            assert hash(back) == hash(v)
        assert copy.copy(v) is v and copy.deepcopy(v) is v  # frozen: sharing is safe
    assert len({t, c.get_tracking("usps", "TMDELIV0003"), created}) == 2  # usable in sets and dict keys


def test_to_dict_rows_make_a_dataframe_with_attribute_columns() -> None:
    # The documented one-liner is `pd.DataFrame([t.to_dict() for t in trackings])`:
    # check the rows it relies on (pandas itself is not a test dependency).
    c = tm_py.Client.mock()
    c.create_trackings([("usps", f"TMDELIV{i:04d}") for i in range(3)])
    rows = [t.to_dict() for t in c.list_trackings()]
    assert len(rows) == 3 and all(isinstance(r, dict) for r in rows)
    for name in ("tracking_number", "carrier_code", "status", "created_at", "title", "origin_info"):
        assert all(name in r for r in rows) and hasattr(tm_py.Tracking, name)


def test_listed_trackings_decode_on_access_and_behave_like_fetched_ones() -> None:
    import pickle

    c = tm_py.Client.mock()
    c.create_trackings([("usps", f"TMDELIV{i:04d}") for i in range(5)])
    listed = sorted(c.list_trackings(limit=2), key=lambda t: t.tracking_number)
    assert len(listed) == 5
    for t in listed:
        fetched = c.get_tracking("usps", t.tracking_number)
        assert t == fetched and hash(t) == hash(fetched) and repr(t) == repr(fetched)
        assert t.checkpoints == fetched.checkpoints and t.to_dict() == fetched.to_dict()
        assert pickle.loads(pickle.dumps(t)) == t


def test_listed_tracking_reads_top_level_attributes_without_decoding_its_legs() -> None:
    """A top-level attribute of a listed tracking decodes only the top level: a
    carrier leg that does not match the model fails only what needs the legs."""
    import http.server
    import json
    import threading

    leg = {"carrier_code": "usps", "trackinfo": [{"Date": "2026-01-02 08:10:00", "StatusDescription": "Posted", "Details": "X"}]}
    good = {"tracking_number": "N1", "carrier_code": "usps", "status": "transit", "origin_info": leg, "x_new": 1}
    bad = {"tracking_number": "N2", "carrier_code": "usps", "status": "delivered", "created_at": "2026-01-02T08:00:00+00:00",
           "origin_info": {"trackinfo": "not a list"}}
    body = json.dumps({"meta": {"code": 200, "type": "Success", "message": "Success"},
                       "data": {"page": 1, "limit": 100, "total": "2", "count": 2, "items": [good, bad]}}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        with tm_py.Client("k", base_url=f"http://127.0.0.1:{srv.server_address[1]}/v2", max_retries=0) as c:
            first, second = list(c.list_trackings())
    finally:
        srv.shutdown()
        srv.server_close()

    assert first.tracking_number == "N1" and first.status is Status.TRANSIT
    assert first.origin_info is not None and first.origin_info.trackinfo[0].details == "X"
    assert first.to_dict()["x_new"] == 1 and first.carrier_code == "usps"

    assert second.tracking_number == "N2" and second.status is Status.DELIVERED
    assert second.created_at is not None and second.created_at.year == 2026
    reads = (lambda: second.origin_info, lambda: second.destination_info, lambda: second.checkpoints,
             second.to_dict, lambda: repr(second))
    for read in reads:
        with pytest.raises(tm_py.APIError) as e:
            read()
        assert e.value.kind == "decode" and "expected a sequence" in str(e.value)
    assert second.title is None  # top-level attributes still read
